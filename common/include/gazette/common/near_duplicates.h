// SPDX-License-Identifier: GPL-2.0-or-later
// Near-duplicate signatures: MinHash over word shingles, and LSH bands to find candidates.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gazette/common/schema.h"

namespace gazette {

// The low 16 bits of each of kMinHashSize minima (b-bit minwise hashing).
using MinHash = std::array<std::uint16_t, schema::kMinHashSize>;

// The MinHash of a text's word shingles (schema::kShingleWords words each). Returns nullopt for
// texts too short to have one shingle: they are never anyone's duplicate.
std::optional<MinHash> minhash(const std::vector<std::string>& words);

// Estimated Jaccard similarity of the two shingle sets: the share of equal positions.
double similarity(const MinHash& a, const MinHash& b);

// Value-slot form (little-endian uint16s) and back; nullopt when malformed.
std::string encode_minhash(const MinHash& m);
std::optional<MinHash> decode_minhash(std::string_view encoded);

// One boolean term per LSH band ("XDB" + band letter + six digits of its hash): articles sharing a band term are
// candidates, then compared by similarity().
std::vector<std::string> band_terms(const MinHash& m);

}  // namespace gazette
