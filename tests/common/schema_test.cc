// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of the schema helpers, and that no prefix or slot is written outside schema.h.
#include "gazette/common/schema.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <regex>

#include "gazette/common/hash.h"
#include "support/temp_index.h"

namespace gazette::schema {
namespace {

TEST(SchemaTest, BuildsFoldedBooleanTerms) {
  EXPECT_EQ(id_term("bbc/business/001.txt"), "Qbbc/business/001.txt");
  EXPECT_EQ(source_term("Harbor Times"), "XSRCharbor times");
  EXPECT_EQ(section_term("Business"), "XSECTIONbusiness");
  EXPECT_EQ(author_term("Jana Vermeer"), "Ajana vermeer");
  EXPECT_EQ(language_term("EN"), "Len");
}

TEST(SchemaTest, DateTermsAndValuesUseUtc) {
  std::int64_t t = 1762157700;  // 2025-11-03T08:15:00Z
  std::vector<std::string> terms = date_terms(t);
  EXPECT_EQ(terms, (std::vector<std::string>{"Y2025", "M202511", "D20251103"}));
  EXPECT_EQ(decode_published(encode_published(t)), t);
  EXPECT_LT(encode_published(t - 1), encode_published(t));  // sortable
  EXPECT_FALSE(decode_published("").has_value());
}

TEST(SchemaTest, PublishedValuesItDidNotWriteAreNoTime) {
  // Found by tests/fuzz/schema_values: casting an infinite or huge double to int64 was undefined.
  for (double v : {HUGE_VAL, -HUGE_VAL, 1e300, -1e19}) {
    EXPECT_FALSE(decode_published(Xapian::sortable_serialise(v)).has_value()) << v;
  }
  EXPECT_FALSE(decode_published(std::string("\x0bKim Jong Un\x05Seoul", 18)).has_value());
  EXPECT_EQ(decode_published(encode_published(-62135596800)), -62135596800);
}

TEST(SchemaTest, ShortensLongTermsUniquely) {
  std::string long_url = "https://example.com/" + std::string(400, 'a');
  std::string other = long_url + "b";
  std::string t1 = id_term(long_url), t2 = id_term(other);
  EXPECT_LE(t1.size(), kMaxTermBytes);
  EXPECT_LE(t2.size(), kMaxTermBytes);
  EXPECT_NE(t1, t2);
  EXPECT_EQ(t1, id_term(long_url));  // stable
  // A cut never splits a UTF-8 sequence.
  std::string korean;
  for (int i = 0; i < 120; ++i) korean += "\xEC\x84\x9C";
  std::string t3 = make_term(kSourcePrefix, korean);
  EXPECT_LE(t3.size(), kMaxTermBytes);
  std::size_t hash = t3.find('#');
  ASSERT_NE(hash, std::string::npos);
  EXPECT_EQ((hash - kSourcePrefix.size()) % 3, 0u);
}

// STYLE.md section 4: no literal prefix or slot number outside schema.h.
TEST(SchemaTest, NoStrayPrefixesOrSlotsOutsideSchema) {
  const std::regex literal_term(
      R"((add_boolean_term|add_term|add_posting|Query|allterms_begin|delete_document|replace_document)\(\s*(std::string\()?"[A-Z])");
  const std::regex literal_slot(
      R"((add_value|get_value|set_sort_by_value\w*|ValueRangePostingSource|get_value_lower_bound|get_value_upper_bound)\(\s*[0-9])");
  namespace fs = std::filesystem;
  int scanned = 0;
  for (const char* dir : {"common", "indexer", "searcher"}) {
    for (const auto& entry : fs::recursive_directory_iterator(gazette::testing::source_dir(dir))) {
      std::string ext = entry.path().extension().string();
      if (ext != ".cc" && ext != ".h") continue;
      if (entry.path().filename() == "schema.h") continue;
      std::string code = gazette::testing::file_bytes(entry.path());
      ++scanned;
      EXPECT_FALSE(std::regex_search(code, literal_term)) << entry.path() << " writes a literal term prefix";
      EXPECT_FALSE(std::regex_search(code, literal_slot)) << entry.path() << " writes a literal value slot";
    }
  }
  EXPECT_GT(scanned, 10);
}

}  // namespace
}  // namespace gazette::schema

namespace gazette::schema {
namespace {

// The declarations of schema.h (prefixes, slots, constants, helper signatures), comments and
// white space left out: what a database's layout depends on.
std::string schema_declarations() {
  std::string code =
      gazette::testing::file_bytes(gazette::testing::source_dir("common/include/gazette/common/schema.h"));
  std::string out;
  std::size_t i = 0;
  while (i < code.size()) {
    std::size_t end = code.find('\n', i);
    if (end == std::string::npos) end = code.size();
    std::string line = code.substr(i, end - i);
    i = end + 1;
    if (std::size_t c = line.find("//"); c != std::string::npos) line.erase(c);
    if (line.find("kSchemaVersion =") != std::string::npos) continue;
    for (char ch : line) {
      if (ch != ' ' && ch != '\t' && ch != '\r') out.push_back(ch);
    }
  }
  return out;
}

// A change to schema.h must bump kSchemaVersion: the searcher refuses a database of another
// version rather than misread it. When this fails, bump kSchemaVersion (if the change alters what
// a database holds or how it is read) and put the new pair in the table.
TEST(SchemaTest, ChangesToTheSchemaBumpItsVersion) {
  struct Known {
    int version;
    const char* fingerprint;
  };
  const Known kKnown[] = {
      {6, "0af6127e6ee43104"}, {7, "0af6127e6ee43104"}, {8, "054f3f129b07e4e2"}, {8, "4169dee7d2c53ebb"}};
  const std::string fingerprint = hex64(fnv1a64(schema_declarations()));
  bool known = false;
  for (const Known& k : kKnown) known = known || (k.version == kSchemaVersion && fingerprint == k.fingerprint);
  EXPECT_TRUE(known) << "schema.h changed (fingerprint " << fingerprint << ") at kSchemaVersion " << kSchemaVersion
                     << ": bump the version if databases change, then record {" << kSchemaVersion << ", \""
                     << fingerprint << "\"} here";
}

}  // namespace
}  // namespace gazette::schema
