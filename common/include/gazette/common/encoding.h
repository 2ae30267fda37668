// SPDX-License-Identifier: GPL-2.0-or-later
// Turns the bytes of a file into valid UTF-8: detects legacy charsets, repairs what it cannot.
#pragma once

#include <string>
#include <string_view>

namespace gazette {

struct DecodedText {
  std::string text;       // valid UTF-8, without a byte-order mark
  std::string charset;    // what the bytes were: "UTF-8", "ISO-8859-1", "UTF-16LE", ...
  bool repaired = false;  // invalid sequences were replaced by U+FFFD
};

// True when `bytes` look like binary data (NUL bytes or many control characters) rather than
// text in any encoding. UTF-16/32 text with a byte-order mark is not binary.
bool looks_binary(std::string_view bytes);

// Decodes `bytes` to UTF-8. Valid UTF-8 is returned as it is (BOM dropped). Otherwise ICU's
// charset detector picks the encoding and ICU converts it; when no detection is confident,
// invalid sequences are replaced by U+FFFD and `repaired` is set. Never throws on bad input;
// throws Error when ICU cannot open its charset detector or UTF-8 converter (missing data).
DecodedText decode_to_utf8(std::string_view bytes);

// True when `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text);

// `bytes` with each invalid UTF-8 sequence replaced by U+FFFD (valid text comes back as it is).
std::string repair_utf8(std::string_view bytes);

}  // namespace gazette
