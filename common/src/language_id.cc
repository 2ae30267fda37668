// SPDX-License-Identifier: GPL-2.0-or-later
// Language identification with CLD2 (Compact Language Detector 2).
#include <string>

#include <cld2/public/compact_lang_det.h>

#include "gazette/common/analyzer.h"

namespace gazette {

namespace {

// The text without its capitalised words and numbers, when enough is left to judge by. Names
// carry the language they come from, not the one the text is written in: an English results
// table of Yugoslav clubs ("Hajduk 2 Proleter 0 ... Red Star 4 4 0 0 9 3 12") read as Serbian,
// and its entities were lost. Caseless scripts lose nothing; German keeps its many lower-case
// words.
std::string without_names(std::string_view text) {
  std::string out;
  std::size_t kept_letters = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t e = i;
    while (e < text.size() && text[e] != ' ' && text[e] != '\n' && text[e] != '\t' && text[e] != '\r') ++e;
    if (e > i) {
      char c = text[i];
      bool name = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!name) {
        if (!out.empty()) out.push_back(' ');
        out.append(text.substr(i, e - i));
        kept_letters += e - i;
      }
    }
    i = e + 1;
  }
  return kept_letters >= 40 ? out : std::string();
}

}  // namespace

std::string detect_language(std::string_view text) {
  // CLD2 needs a few words; it reads at most the first ~64 KB usefully anyway.
  if (text.size() < 4) return {};
  std::string_view sample = text.substr(0, 64 * 1024);
  std::string plain;
  if (sample.size() >= 200) {
    plain = without_names(sample);
    if (!plain.empty()) sample = plain;
  }
  bool reliable = false;
  // CLD2 must only see interchange-valid UTF-8 that ends in NUL bytes: its script scanner reads
  // a few bytes past the length it is given, so a query of 7 random bytes (or the valid prefix of
  // one, followed by the bad byte) crashed the release build now and then (ASan and valgrind
  // saw nothing: the read stays inside the allocation). So: the checking variant finds the valid
  // prefix (which also drops a character cut by the 64 KB sample), and CLD2 reads a copy of it
  // padded with NULs.
  int valid = 0;
  std::string padded(sample);
  padded.append(16, '\0');
  CLD2::Language lang = CLD2::DetectLanguageCheckUTF8(padded.data(), static_cast<int>(sample.size()),
                                                      /*is_plain_text=*/true, &reliable, &valid);
  if (valid >= 0 && static_cast<std::size_t>(valid) < sample.size()) {
    sample = sample.substr(0, static_cast<std::size_t>(valid));
    if (sample.size() < 4) return {};
    padded.assign(sample);
    padded.append(16, '\0');
    reliable = false;
    int again = 0;
    lang = CLD2::DetectLanguageCheckUTF8(padded.data(), static_cast<int>(sample.size()), true, &reliable, &again);
  }
  if (lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE) return {};
  // Short texts (queries) are judged by reliability; long ones by CLD2's best guess.
  if (!reliable && sample.size() < 200) return {};
  std::string code = CLD2::LanguageCode(lang);
  if (code.rfind("zh", 0) == 0) return "zh";  // zh-Hant
  if (code == "un" || code == "xx") return {};
  return code;
}

}  // namespace gazette
