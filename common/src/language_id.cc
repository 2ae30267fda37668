// SPDX-License-Identifier: GPL-2.0-or-later
// Language identification with CLD2 (Compact Language Detector 2).
#include <string>

#include <cld2/public/compact_lang_det.h>

#include "gazette/common/analyzer.h"

namespace gazette {

std::string detect_language(std::string_view text) {
  // CLD2 needs a few words; it reads at most the first ~64 KB usefully anyway.
  if (text.size() < 4) return {};
  std::string_view sample = text.substr(0, 64 * 1024);
  bool reliable = false;
  CLD2::Language lang = CLD2::DetectLanguage(sample.data(), static_cast<int>(sample.size()),
                                             /*is_plain_text=*/true, &reliable);
  if (lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE) return {};
  // Short texts (queries) are judged by reliability; long ones by CLD2's best guess.
  if (!reliable && sample.size() < 200) return {};
  std::string code = CLD2::LanguageCode(lang);
  if (code.rfind("zh", 0) == 0) return "zh";  // zh-Hant
  if (code == "un" || code == "xx") return {};
  return code;
}

}  // namespace gazette
