// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: encoding detection and repair in front of every reader (decode_to_utf8,
// looks_binary, is_valid_utf8), checked against a strict UTF-8 validator written here.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "gazette/common/encoding.h"

namespace {

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool strict_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using gazette::fuzz::check;
  std::string bytes = gazette::fuzz::as_string(data, size);
  check(gazette::is_valid_utf8(bytes) == strict_utf8(bytes), "is_valid_utf8 disagrees with RFC 3629");
  (void)gazette::looks_binary(bytes);
  gazette::DecodedText d = gazette::decode_to_utf8(bytes);
  check(strict_utf8(d.text), "decoded text is not valid UTF-8");
  check(!d.charset.empty(), "decoded text without a charset");
  std::string_view body(bytes);
  if (body.substr(0, kBom.size()) == kBom) body.remove_prefix(kBom.size());
  if (strict_utf8(body)) {
    check(d.text == body && d.charset == "UTF-8" && !d.repaired, "valid UTF-8 was not returned as it is");
  } else {
    check(d.charset != "UTF-8" || d.repaired, "invalid UTF-8 passed as UTF-8 without repair");
  }
  if (d.repaired) check(d.charset == "UTF-8", "a repair of something other than UTF-8");
  // Decoding is idempotent on its own output.
  gazette::DecodedText again = gazette::decode_to_utf8(d.text);
  check(again.charset == "UTF-8" && !again.repaired, "decoded text does not decode as UTF-8");
  check(again.text == d.text || d.text.substr(0, kBom.size()) == kBom, "decoding its output changed it");
  return 0;
}
