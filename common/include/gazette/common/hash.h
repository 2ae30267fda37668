// SPDX-License-Identifier: GPL-2.0-or-later
// A stable 64-bit hash (FNV-1a) for content signatures and shortened terms; same on every build.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gazette {

constexpr std::uint64_t fnv1a64(std::string_view data) {
  std::uint64_t h = 14695981039346656037ULL;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// 16 lower-case hex digits.
std::string hex64(std::uint64_t value);

}  // namespace gazette
