// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of the gazetteer's loading and of its match filter.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gazette/common/error.h"
#include "gazette/common/ner.h"

namespace gazette {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  std::filesystem::path p = std::filesystem::temp_directory_path() / name;
  std::ofstream(p) << text;
  return p.string();
}

TEST(GazetteerLoadTest, RejectsALineWithoutANumericWeight) {
  struct Case {
    const char* line;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"LOC\tRiga\tRiga\t600000", true}, {"LOC\tRiga\tRiga\t600000\tgeonames", true},
      {"LOC\tRiga\tRiga\t", false},      {"LOC\tRiga\tRiga", false},
      {"LOC\tRiga\tRiga\tmany", false},  {"LOC\tRiga\tRiga\t600k", false},
      {"DEM\tLatvian\tLatvia", true},  // a demonym has no weight
  };
  for (const Case& c : cases) {
    std::string path = write_temp("gazette_gazetteer_load_test.tsv", std::string("# test\n") + c.line + "\n");
    if (c.ok) {
      EXPECT_NO_THROW(Gazetteer::load(path)) << c.line;
    } else {
      try {
        Gazetteer::load(path);
        ADD_FAILURE() << "no error for " << c.line;
      } catch (const DataError& e) {
        EXPECT_EQ(std::string(e.what()), path + ":2: malformed gazetteer line") << c.line;
      }
    }
    std::filesystem::remove(path);
  }
  std::string path = write_temp("gazette_gazetteer_load_test.tsv", "LOC\tRiga\tRiga\t600000\n");
  EXPECT_EQ(Gazetteer::load(path).best("Riga", EntityKind::kPlace)->weight, 600000);
  std::filesystem::remove(path);
}

// The filter in front of match() holds FNV-1a hashes of every alias and of its first words; it
// is rebuilt as it grows, and must still let every alias through.
TEST(GazetteerMatchTest, FindsEveryAliasAfterTheFilterGrows) {
  Gazetteer g;
  for (int i = 0; i < 5000; ++i) {
    g.add(EntityKind::kPlace, "Town" + std::to_string(i) + " Upon Sea", "Town " + std::to_string(i), i);
  }
  g.add(EntityKind::kOrganization, "Bank of England", "Bank of England", 1);
  for (int i : {0, 1234, 4999}) {
    EXPECT_EQ(g.match({"in", "Town" + std::to_string(i), "Upon", "Sea", "today"}),
              (std::vector<std::string>{"", "B-LOC", "I-LOC", "I-LOC", ""}))
        << i;
  }
  EXPECT_EQ(g.match({"the", "Bank", "of", "England", "said"}),
            (std::vector<std::string>{"", "B-ORG", "I-ORG", "I-ORG", ""}));
  EXPECT_EQ(g.match({"Town1", "Upon", "Tyne"}), (std::vector<std::string>{"", "", ""}));
}

}  // namespace
}  // namespace gazette
