// SPDX-License-Identifier: GPL-2.0-or-later
// CoNLL-style tokenisation and sentence splitting for the entity taggers.
#include <array>
#include <cctype>
#include <cstring>

#include "gazette/common/ner.h"

namespace gazette {
namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Bytes of a Unicode space at text[i] (NBSP, the U+2000 spaces, ideographic space), else 0.
std::size_t unicode_space_at(std::string_view s, std::size_t i) {
  if (s.compare(i, 2, "\xC2\xA0") == 0) return 2;
  if (s.compare(i, 3, "\xE3\x80\x80") == 0) return 3;
  if (i + 2 < s.size() && s[i] == '\xE2' && s[i + 1] == '\x80' && static_cast<unsigned char>(s[i + 2]) >= 0x80 &&
      static_cast<unsigned char>(s[i + 2]) <= 0x8A) {
    return 3;
  }
  return 0;
}

// Length of the whitespace (ASCII or Unicode) at text[i], else 0.
std::size_t space_at(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return is_space(c) ? 1 : 0;
  return c == 0xC2 || c == 0xE2 || c == 0xE3 ? unicode_space_at(s, i) : 0;
}

// UTF-8 punctuation that is split off a word: quotes, dashes, ellipsis.
constexpr std::array<const char*, 9> kUnicodePunct = {"\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x98",
                                                      "\xE2\x80\x99", "\xC2\xAB",     "\xC2\xBB",
                                                      "\xE2\x80\x94", "\xE2\x80\x93", "\xE2\x80\xA6"};

std::size_t unicode_punct_at(std::string_view s, std::size_t i) {
  if (s[i] != '\xE2' && s[i] != '\xC2') return 0;  // the lead bytes of kUnicodePunct
  for (const char* p : kUnicodePunct) {
    std::size_t n = std::strlen(p);
    if (s.compare(i, n, p) == 0) return n;
  }
  return 0;
}

bool ascii_punct(char c) { return std::strchr("()[]{}\"',;:!?.", c) != nullptr && c != '\0'; }

bool is_abbreviation(std::string_view word) {
  // An initial: "P. Simmons", "George W. Bush" (one token in CoNLL, and never a sentence end).
  if (word.size() == 2 && word[0] >= 'A' && word[0] <= 'Z' && word[1] == '.') return true;
  // "U.S." / "a.m.": single letters each followed by a dot.
  if (word.size() >= 4 && word.size() % 2 == 0) {
    bool letters = true;
    for (std::size_t i = 0; i < word.size() && letters; i += 2) {
      letters = std::isalpha(static_cast<unsigned char>(word[i])) && word[i + 1] == '.';
    }
    if (letters) return true;
  }
  static const std::array<const char*, 30> kKnown = {"Mr.",   "Mrs.",  "Ms.",   "Dr.",  "St.",  "Jr.",  "Sr.",   "Inc.",
                                                     "Corp.", "Ltd.",  "Co.",   "Gen.", "Sen.", "Rep.", "Gov.",  "Lt.",
                                                     "Col.",  "Capt.", "Prof.", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.",
                                                     "Nov.",  "Dec.",  "No.",   "vs.",  "Mt.",  "Ft."};
  for (const char* k : kKnown) {
    if (word == k) return true;
  }
  return false;
}

}  // namespace

std::vector<std::vector<NerToken>> ner_sentences(std::string_view text) {
  std::vector<std::vector<NerToken>> sentences;
  std::vector<NerToken> cur;
  auto end_sentence = [&] {
    if (!cur.empty()) sentences.push_back(std::move(cur));
    cur.clear();
  };
  auto push = [&](std::size_t b, std::size_t e) {
    if (e > b) cur.push_back(NerToken{std::string(text.substr(b, e - b)), b, e});
  };

  std::vector<std::pair<std::size_t, std::size_t>> tail;  // a word's trailing punctuation
  std::size_t i = 0;
  while (i < text.size()) {
    // Whitespace; a blank line (paragraph break) or a line break after no text ends a sentence.
    if (space_at(text, i) != 0) {
      int newlines = 0;
      for (std::size_t n; i < text.size() && (n = space_at(text, i)) != 0; i += n) newlines += text[i] == '\n';
      if (newlines >= 2) end_sentence();
      continue;
    }
    std::size_t b = i;
    while (i < text.size() && space_at(text, i) == 0) ++i;
    std::size_t e = i;
    // Leading punctuation.
    tail.clear();
    while (b < e) {
      std::size_t n = unicode_punct_at(text, b);
      if (n == 0 && std::strchr("([{\"'", text[b]) != nullptr) n = 1;
      if (n == 0) break;
      push(b, b + n);
      b += n;
    }
    // Trailing punctuation (collected backwards).
    while (e > b) {
      std::size_t n = 0;
      for (const char* p : kUnicodePunct) {
        if (static_cast<unsigned char>(text[e - 1]) < 0x80) break;  // each ends with a byte >= 0x80
        std::size_t len = std::strlen(p);
        if (e - b >= len && text.compare(e - len, len, p) == 0) {
          n = len;
          break;
        }
      }
      if (n == 0 && ascii_punct(text[e - 1])) {
        if (text[e - 1] == '.' && is_abbreviation(text.substr(b, e - b))) break;
        n = 1;
      }
      if (n == 0) break;
      tail.emplace_back(e - n, e);
      e -= n;
    }
    // Possessive: "Kim's" -> "Kim" "'s" (also with a typographic apostrophe).
    std::size_t poss = 0;
    if (e - b > 2 && text.compare(e - 2, 2, "'s") == 0) poss = 2;
    if (e - b > 4 && text.compare(e - 4, 4, "\xE2\x80\x99s") == 0) poss = 4;
    push(b, e - poss);
    if (poss) push(e - poss, e);
    for (auto it = tail.rbegin(); it != tail.rend(); ++it) push(it->first, it->second);

    // Sentence end: ". ! ?" split off as a token, followed by a capital, a quote or the end.
    if (!cur.empty()) {
      const std::string& last = cur.back().text;
      bool stop = last == "." || last == "!" || last == "?";
      if (!stop && cur.size() >= 2 && (last == "\"" || last == "\xE2\x80\x9D" || last == ")")) {
        const std::string& before = cur[cur.size() - 2].text;
        stop = before == "." || before == "!" || before == "?";
      }
      if (stop) {
        std::size_t j = i;
        for (std::size_t n; j < text.size() && (n = space_at(text, j)) != 0;) j += n;
        unsigned char next = j < text.size() ? static_cast<unsigned char>(text[j]) : 'A';
        if ((next >= 'A' && next <= 'Z') || next >= 0x80 || next == '"' || (next >= '0' && next <= '9')) end_sentence();
      }
    }
  }
  end_sentence();
  return sentences;
}

}  // namespace gazette
