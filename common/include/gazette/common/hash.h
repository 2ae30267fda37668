// SPDX-License-Identifier: GPL-2.0-or-later
// A stable 64-bit hash (FNV-1a) for content signatures and shortened terms; same on every build.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gazette {

inline constexpr std::uint64_t kFnv1a64Basis = 14695981039346656037ULL;

// FNV-1a of data; pass the hash of what came before as `h` to hash a sequence piece by piece
// (fnv1a64("b", fnv1a64("a")) == fnv1a64("ab")).
constexpr std::uint64_t fnv1a64(std::string_view data, std::uint64_t h = kFnv1a64Basis) {
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// 16 lower-case hex digits.
std::string hex64(std::uint64_t value);

}  // namespace gazette
