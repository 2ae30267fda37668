// SPDX-License-Identifier: GPL-2.0-or-later
// Reads Debian's iso-codes JSON tables (countries, subdivisions) for the gazetteer builder.
#pragma once

#include <string>
#include <vector>

namespace gazette::tools {

struct IsoCountry {
  std::string alpha2, name, official_name, common_name;
};
struct IsoSubdivision {
  std::string code, name, type;
};

// Throws std::runtime_error naming the file when it cannot be read or parsed.
std::vector<IsoCountry> read_iso_3166_1(const std::string& path);
std::vector<IsoSubdivision> read_iso_3166_2(const std::string& path);

}  // namespace gazette::tools
