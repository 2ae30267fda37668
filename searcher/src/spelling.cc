// SPDX-License-Identifier: GPL-2.0-or-later
// Did you mean: spelling fixes for the words of a query that finds few articles.
#include "spelling.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "gazette/common/analyzer.h"

namespace gazette::searcher {

namespace {

constexpr int kMaxSpellingLookups = 8;

// The query folded as the words were (NFKC + case folding), with the byte of the text as typed
// where each folded character starts: NFKC changes lengths ("\u3348" is four characters folded,
// "\uFB01" two), so offsets found in the folded text must be mapped back before they are used
// on the typed one.
struct FoldedQuery {
  std::string folded;
  std::map<std::size_t, std::size_t> typed_at;  // folded offset -> typed offset, at character starts
};
FoldedQuery fold_with_offsets(const std::string& typed) {
  FoldedQuery out;
  auto cp_end = [&typed](std::size_t i) {
    auto c = static_cast<unsigned char>(typed[i]);
    std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    return std::min(typed.size(), i + n);
  };
  for (std::size_t i = 0; i < typed.size();) {
    // A character with the combining marks after it (they fold together).
    std::size_t j = cp_end(i);
    while (j < typed.size()) {
      std::size_t k = cp_end(j);
      std::string next = typed.substr(j, k - j);
      auto c0 = static_cast<unsigned char>(next[0]);
      bool combining = (c0 == 0xCC || (c0 == 0xCD && static_cast<unsigned char>(next.size() > 1 ? next[1] : 0) < 0xB0));
      if (!combining) break;
      j = k;
    }
    std::string piece = typed.substr(i, j - i);
    bool space = piece == " " || piece == "\t" || piece == "\n" || piece == "\r";
    out.typed_at[out.folded.size()] = i;
    out.folded += space ? piece : fold_case(piece);
    i = j;
  }
  out.typed_at[out.folded.size()] = typed.size();
  return out;
}

// Scripts whose words have no spelling variation of the kind edit distance fixes (written
// without spaces between words, or in syllable blocks): Han, Hiragana, Katakana, Hangul, Thai,
// Lao, Khmer, Myanmar. "東京 地震" must not become "東京湾 地元".
bool unspellable_script(const std::string& w) {
  for (std::size_t i = 0; i < w.size();) {
    auto c = static_cast<unsigned char>(w[i]);
    std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (i + n > w.size()) break;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(w[i + k]) & 0x3Fu);
    i += n;
    if ((cp >= 0x0E00 && cp <= 0x0EFF) || (cp >= 0x1000 && cp <= 0x109F) || (cp >= 0x1100 && cp <= 0x11FF) ||
        (cp >= 0x1780 && cp <= 0x17FF) || (cp >= 0x3040 && cp <= 0x31FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xAC00 && cp <= 0xD7FF) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF66 && cp <= 0xFFDC) || (cp >= 0x20000 && cp <= 0x3FFFF)) {
      return true;
    }
  }
  return false;
}

// A word that matches articles on its own is replaced only by a word this many times more
// frequent. Measured on ../shared/data/bbc: of 1,500 words found in 1-5 articles, Xapian's
// suggestion (one edit) was 300 times more frequent for 8 (3 typos: "wtih", "thats", "madea";
// 5 real words: "luring" -> "during", "sears" -> "years", "hiss", "tinto", "tout"), 1,000 times
// for 2 ("wtih" -> "with", "thats" -> "that"), both typos; at 30 times, 123 words, mostly real
// ("lunch" -> "launch", "pope" -> "hope").
constexpr double kKnownWordRatio = 1000;

}  // namespace

// Rebuilds the query text with the spelling fixes, or "" when nothing was fixed. Each fix
// replaces the word where it was typed (mapped through the folding), never elsewhere. Unknown
// words are fixed; words that match articles only by a far more frequent word
// (kKnownWordRatio); words of unspellable scripts never.
std::string spelling_suggestion(Xapian::Database& db, const std::string& query, const std::vector<std::string>& words) {
  FoldedQuery fq = fold_with_offsets(query);
  std::vector<std::tuple<std::size_t, std::size_t, std::string>> fixes;  // typed [begin, end) -> fix
  std::size_t search_from = 0;
  int looked_up = 0;
  for (const std::string& w : words) {
    if (w.size() < 3 || std::isdigit(static_cast<unsigned char>(w[0]))) continue;
    // Each lookup walks the spelling table's n-grams: a few per query (a pasted paragraph of
    // unknown words would otherwise cost seconds).
    if (++looked_up > kMaxSpellingLookups) break;
    if (unspellable_script(w) || db.synonyms_begin(w) != db.synonyms_end(w)) continue;
    Xapian::doccount known = db.get_termfreq(w);
    // No word can be kKnownWordRatio times more frequent than one of this many articles: the
    // lookup (~300 us, it walks the n-grams) is skipped.
    if (known > 0 && kKnownWordRatio * known > db.get_doccount()) continue;
    // Short words tolerate one edit, longer ones two ("dprk" must not become "park"); a word
    // that matches articles, one.
    std::string fix = db.get_spelling_suggestion(w, known > 0 || w.size() <= 5 ? 1 : 2);
    if (fix.empty() || fix == w) continue;
    if (known > 0 && static_cast<double>(db.get_termfreq(fix)) < kKnownWordRatio * known) continue;
    // The word where it stands in the folded query, on character boundaries both sides.
    std::size_t at = fq.folded.find(w, search_from);
    while (at != std::string::npos && (fq.typed_at.count(at) == 0 || fq.typed_at.count(at + w.size()) == 0)) {
      at = fq.folded.find(w, at + 1);
    }
    if (at == std::string::npos) continue;
    search_from = at + w.size();
    fixes.emplace_back(fq.typed_at[at], fq.typed_at[at + w.size()], fix);
  }
  if (fixes.empty()) return {};
  std::string suggestion = query;
  std::sort(fixes.begin(), fixes.end());
  for (auto f = fixes.rbegin(); f != fixes.rend(); ++f) {
    suggestion.replace(std::get<0>(*f), std::get<1>(*f) - std::get<0>(*f), std::get<2>(*f));
  }
  return suggestion;
}

}  // namespace gazette::searcher
