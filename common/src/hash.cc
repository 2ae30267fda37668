// SPDX-License-Identifier: GPL-2.0-or-later
// Hex rendering of the stable hash.
#include "gazette/common/hash.h"

namespace gazette {

std::string hex64(std::uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kDigits[value & 0xF];
    value >>= 4;
  }
  return out;
}

}  // namespace gazette
