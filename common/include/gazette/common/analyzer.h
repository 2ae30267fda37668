// SPDX-License-Identifier: GPL-2.0-or-later
// Text analysis shared by index and query time: ICU normalisation and word segmentation,
// language identification, stemming. The same pipeline on both sides, or indexed words vanish.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gazette {

// One word of a text: its normalised form and where it sits in the original UTF-8 bytes.
struct Token {
  std::string term;   // NFKC + case folded; possessive "'s" dropped; "U.S." -> "us"; "1,000" -> "1000"
  std::size_t start;  // byte offset of the word in the analysed text
  std::size_t end;    // one past its last byte
};

// Segments and normalises text. Word boundaries come from ICU's BreakIterator (dictionary
// segmentation for Chinese, Japanese and Thai); each word is NFKC case folded.
//
// An Analyzer holds ICU and Xapian objects that are not thread-safe: use one per thread. It is
// cheap to move and reasonably cheap to construct. Throws gazette::Error only when ICU cannot
// initialise (missing data) or fails on a text (out of memory, a text over 2 GiB), never on bad
// text: invalid UTF-8 reads as U+FFFD.
class Analyzer {
 public:
  Analyzer();
  ~Analyzer();
  Analyzer(Analyzer&&) noexcept;
  Analyzer& operator=(Analyzer&&) noexcept;

  // The words of `text` in order. Punctuation and spaces are not tokens.
  std::vector<Token> tokenize(std::string_view text);

  // The stemmed form used for "Z" terms, with Latin diacritics folded after stemming so that
  // "elections" and "élections" meet. Uses the Snowball stemmer of `lang` (ISO 639-1) for
  // alphabetic words, a particle stripper for Korean, and none for Chinese, Japanese, Thai or
  // numbers: returns "" when the word has no stemmed form.
  std::string stem(std::string_view term, std::string_view lang);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// NFKC + case folding of a whole string (spaces kept, trimmed): the key for boolean terms
// such as sources and authors. Thread-safe. Throws Error as Analyzer does.
std::string fold_case(std::string_view text);

// Removes combining marks from Latin letters ("élections" -> "elections"). Thread-safe. Throws
// Error as Analyzer does.
std::string fold_latin_diacritics(std::string_view text);

// Identifies the language of `text` (CLD2). Returns an ISO 639-1 code ("en", "de", "ja", "zh",
// ...) or "" when the text is too short or mixed to say. Thread-safe.
std::string detect_language(std::string_view text);

// True when Xapian has a Snowball stemmer for this ISO 639-1 code.
bool has_stemmer(std::string_view lang);

}  // namespace gazette
