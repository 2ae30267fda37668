// SPDX-License-Identifier: GPL-2.0-or-later
// ASCII helpers for markup, keys, options and file names. Words of text are folded by the
// Analyzer (ICU), never by these.
#pragma once

#include <string>
#include <string_view>

namespace gazette {

// A-Z to a-z; every other byte (UTF-8 included) unchanged.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// s without the leading and trailing bytes that are in `chars` (by default ASCII white space).
inline std::string_view trim(std::string_view s, std::string_view chars = " \t\n\v\f\r") {
  std::size_t b = s.find_first_not_of(chars);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(chars) - b + 1);
}

}  // namespace gazette
