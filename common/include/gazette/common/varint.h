// SPDX-License-Identifier: GPL-2.0-or-later
// The one varint codec of Gazette's stored formats (article and hit records, entity lists in
// values, recurring-line records): 7 bits per byte, least significant first, high bit set on
// every byte but the last.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gazette {

inline void put_varint(std::string& out, std::uint64_t n) {
  do {
    auto byte = static_cast<unsigned char>(n & 0x7F);
    n >>= 7;
    out.push_back(static_cast<char>(n ? byte | 0x80 : byte));
  } while (n);
}

// Reads the varint at `pos` of `data` into `n` and moves `pos` past it. Only the shortest form,
// as put_varint writes it, is accepted: false (and `pos` unspecified) when the data ends inside
// it, when a last byte of 0 follows others, or when it has bits past 64.
inline bool get_varint(std::string_view data, std::size_t& pos, std::uint64_t& n) {
  n = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= data.size()) return false;
    auto byte = static_cast<unsigned char>(data[pos++]);
    if ((shift > 0 && byte == 0) || (shift == 63 && byte > 1)) return false;
    n |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace gazette
