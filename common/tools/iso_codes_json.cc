// SPDX-License-Identifier: GPL-2.0-or-later
// nlohmann/json reading of iso-codes' 3166-1 and 3166-2 tables.
#include "iso_codes_json.h"

#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace gazette::tools {
namespace {

nlohmann::json load(const std::string& path, const char* key) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  try {
    return nlohmann::json::parse(in).at(key);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

}  // namespace

std::vector<IsoCountry> read_iso_3166_1(const std::string& path) {
  std::vector<IsoCountry> out;
  for (const auto& c : load(path, "3166-1")) {
    out.push_back(
        {c.value("alpha_2", ""), c.value("name", ""), c.value("official_name", ""), c.value("common_name", "")});
  }
  return out;
}

std::vector<IsoSubdivision> read_iso_3166_2(const std::string& path) {
  std::vector<IsoSubdivision> out;
  for (const auto& s : load(path, "3166-2"))
    out.push_back({s.value("code", ""), s.value("name", ""), s.value("type", "")});
  return out;
}

}  // namespace gazette::tools
