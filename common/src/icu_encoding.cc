// SPDX-License-Identifier: GPL-2.0-or-later
// Charset detection and conversion to UTF-8 with ICU (ucsdet + ucnv).
#include "gazette/common/encoding.h"

#include <cstring>
#include <memory>

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/utf8.h>

#include "gazette/common/error.h"

namespace gazette {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Converts `bytes` from `charset` with ICU; returns false when ICU does not know the charset or
// cannot convert these bytes from it (the caller then repairs them as UTF-8 and says so).
// Throws Error when ICU cannot open its UTF-8 converter (missing data).
bool convert(std::string_view bytes, const char* charset, std::string& out) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* from = ucnv_open(charset, &status);
  if (U_FAILURE(status)) return false;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> from_guard(from, ucnv_close);
  UConverter* to = ucnv_open("UTF-8", &status);
  if (U_FAILURE(status)) throw Error(std::string("ICU: cannot open the UTF-8 converter: ") + u_errorName(status));
  std::unique_ptr<UConverter, decltype(&ucnv_close)> to_guard(to, ucnv_close);
  out.assign(bytes.size() * 3 + 16, '\0');
  char* target = out.data();
  const char* source = bytes.data();
  ucnv_convertEx(to, from, &target, out.data() + out.size(), &source, bytes.data() + bytes.size(), nullptr, nullptr,
                 nullptr, nullptr, true, true, &status);
  if (U_FAILURE(status)) return false;
  out.resize(static_cast<std::size_t>(target - out.data()));
  return true;
}

}  // namespace

std::string repair_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  const auto* s = reinterpret_cast<const uint8_t*>(bytes.data());
  int32_t length = static_cast<int32_t>(bytes.size());
  for (int32_t i = 0; i < length;) {
    int32_t begin = i;
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (c < 0) {
      out.append(kReplacement);
    } else {
      out.append(bytes.substr(static_cast<std::size_t>(begin), static_cast<std::size_t>(i - begin)));
    }
  }
  return out;
}

namespace {

// Counts well-formed multi-byte UTF-8 sequences and invalid bytes.
void utf8_census(std::string_view bytes, std::size_t& multibyte, std::size_t& invalid) {
  multibyte = invalid = 0;
  const auto* s = reinterpret_cast<const uint8_t*>(bytes.data());
  int32_t length = static_cast<int32_t>(bytes.size());
  for (int32_t i = 0; i < length;) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (c < 0) {
      ++invalid;
    } else {
      ++multibyte;
    }
  }
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  std::size_t multibyte = 0, invalid = 0;
  utf8_census(text, multibyte, invalid);
  return invalid == 0;
}

bool looks_binary(std::string_view bytes) {
  if (starts_with(bytes, "\xFF\xFE") || starts_with(bytes, "\xFE\xFF")) return false;  // UTF-16/32 BOM
  std::string_view head = bytes.substr(0, 8192);
  std::size_t control = 0;
  for (char ch : head) {
    auto c = static_cast<unsigned char>(ch);
    if (c == 0) return true;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v' && c != 0x1B) ++control;
  }
  return !head.empty() && control * 10 > head.size();  // over 10% control characters
}

DecodedText decode_to_utf8(std::string_view bytes) {
  DecodedText result;
  if (starts_with(bytes, kUtf8Bom)) bytes.remove_prefix(kUtf8Bom.size());
  if (is_valid_utf8(bytes)) {
    result.text.assign(bytes);
    result.charset = "UTF-8";
    return result;
  }
  const char* bom_charset = nullptr;
  if (starts_with(bytes, "\xFF\xFE")) bom_charset = "UTF-16LE";
  if (starts_with(bytes, "\xFE\xFF")) bom_charset = "UTF-16BE";
  if (bom_charset != nullptr && convert(bytes.substr(2), bom_charset, result.text)) {
    result.charset = bom_charset;
    return result;
  }

  // Mostly UTF-8 with a few damaged bytes (a truncated copy, a stray byte): repair, because
  // reading the whole file as a legacy charset would garble every correct character.
  std::size_t multibyte = 0, invalid = 0;
  utf8_census(bytes, multibyte, invalid);
  if (multibyte > 0 && invalid * 4 <= multibyte) {
    result.text = repair_utf8(bytes);
    result.charset = "UTF-8";
    result.repaired = true;
    return result;
  }

  UErrorCode status = U_ZERO_ERROR;
  UCharsetDetector* detector = ucsdet_open(&status);
  if (U_FAILURE(status)) throw Error(std::string("ICU: cannot open the charset detector: ") + u_errorName(status));
  std::unique_ptr<UCharsetDetector, decltype(&ucsdet_close)> guard(detector, ucsdet_close);
  // A failed detection leaves no confident match: the bytes are repaired as UTF-8 below (and
  // marked `repaired`), as the contract says for text no detection is confident of.
  ucsdet_setText(detector, bytes.data(), static_cast<int32_t>(bytes.size()), &status);
  const UCharsetMatch* match = ucsdet_detect(detector, &status);
  if (U_SUCCESS(status) && match != nullptr) {
    const char* name = ucsdet_getName(match, &status);
    int32_t confidence = ucsdet_getConfidence(match, &status);
    // A UTF-8 "match" here means mostly UTF-8 with damage: repair rather than misread it.
    if (U_SUCCESS(status) && name != nullptr && confidence >= 10 && std::strcmp(name, "UTF-8") != 0 &&
        convert(bytes, name, result.text) && is_valid_utf8(result.text)) {
      result.charset = name;
      return result;
    }
  }
  result.text = repair_utf8(bytes);
  result.charset = "UTF-8";
  result.repaired = true;
  return result;
}

}  // namespace gazette
