// SPDX-License-Identifier: GPL-2.0-or-later
// MinHash signatures and LSH band terms.
#include "gazette/common/near_duplicates.h"

#include <cstdio>
#include <limits>

#include "gazette/common/hash.h"

namespace gazette {
namespace {

constexpr std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDULL;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ULL;
  x ^= x >> 33;
  return x;
}

}  // namespace

std::optional<MinHash> minhash(const std::vector<std::string>& words) {
  constexpr std::size_t k = schema::kShingleWords;
  if (words.size() < k) return std::nullopt;
  std::array<std::uint32_t, schema::kMinHashSize> mins;
  mins.fill(std::numeric_limits<std::uint32_t>::max());
  for (std::size_t i = 0; i + k <= words.size(); ++i) {
    std::uint64_t h = kFnv1a64Basis;
    for (std::size_t j = i; j < i + k; ++j) h = fnv1a64("\x1F", fnv1a64(words[j], h));  // 0x1F: word separator
    for (std::size_t f = 0; f < mins.size(); ++f) {
      auto v = static_cast<std::uint32_t>(mix64(h + 0x9E3779B97F4A7C15ULL * (f + 1)));
      if (v < mins[f]) mins[f] = v;
    }
  }
  // The low 16 bits of each minimum (b-bit minwise hashing, Li and Koenig 2010): two different
  // minima agree by chance once in 65,536, which moves the estimate by less than 0.0001.
  MinHash m;
  for (std::size_t f = 0; f < m.size(); ++f) m[f] = static_cast<std::uint16_t>(mins[f] & 0xFFFF);
  return m;
}

double similarity(const MinHash& a, const MinHash& b) {
  std::size_t same = 0;
  for (std::size_t i = 0; i < a.size(); ++i) same += a[i] == b[i] ? 1 : 0;
  return static_cast<double>(same) / static_cast<double>(a.size());
}

std::string encode_minhash(const MinHash& m) {
  std::string out;
  out.reserve(m.size() * 2);
  for (std::uint16_t v : m) {
    out.push_back(static_cast<char>(v & 0xFF));
    out.push_back(static_cast<char>(v >> 8));
  }
  return out;
}

std::optional<MinHash> decode_minhash(std::string_view s) {
  MinHash m;
  if (s.size() != m.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < m.size(); ++i) {
    auto lo = static_cast<unsigned char>(s[i * 2]);
    auto hi = static_cast<unsigned char>(s[i * 2 + 1]);
    m[i] = static_cast<std::uint16_t>(lo | (hi << 8));
  }
  return m;
}

std::vector<std::string> band_terms(const MinHash& m) {
  constexpr std::size_t rows = schema::kMinHashSize / schema::kMinHashBands;
  const std::string encoded = encode_minhash(m);
  std::vector<std::string> out;
  for (std::size_t band = 0; band < static_cast<std::size_t>(schema::kMinHashBands); ++band) {
    // The band's values as encode_minhash writes them (two bytes each, least significant first).
    std::uint64_t h = fnv1a64(std::string_view(encoded).substr(band * rows * 2, rows * 2));
    // The band as a letter, then 36 bits of its hash in six URL-safe base64 digits.
    static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
    std::string term(schema::kDupBandPrefix);
    term.push_back(static_cast<char>('a' + band));
    for (int i = 0; i < 6; ++i) term.push_back(kDigits[(h >> (6 * i)) & 63]);
    out.push_back(std::move(term));
  }
  return out;
}

}  // namespace gazette
