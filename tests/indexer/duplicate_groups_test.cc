// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of the near-duplicate group rule both writers follow, and of a document's group fields.
#include "duplicate_groups.h"

#include <gtest/gtest.h>

#include <map>

#include "gazette/common/article.h"
#include "gazette/common/schema.h"

namespace gazette::indexer {
namespace {

// A signature that agrees with `base` in its first `equal` positions (similarity equal / size).
MinHash like(const MinHash& base, int equal) {
  MinHash m = base;
  for (int i = equal; i < schema::kMinHashSize; ++i)
    m[static_cast<std::size_t>(i)] = base[static_cast<std::size_t>(i)] + 1;
  return m;
}

MinHash base_signature() {
  MinHash m{};
  for (int i = 0; i < schema::kMinHashSize; ++i) m[static_cast<std::size_t>(i)] = static_cast<std::uint32_t>(i * 7);
  return m;
}

TEST(DuplicateGroupsTest, CandidatesAreDistinctInOrderAndBounded) {
  DuplicateCandidates c;
  c.add(5);
  c.add(3);
  c.add(5);
  EXPECT_EQ(c.ids(), (std::vector<Xapian::docid>{5, 3}));
  for (Xapian::docid d = 100; d < 300; ++d) c.add(d);
  EXPECT_TRUE(c.full());
  EXPECT_EQ(c.ids().size(), kMaxDuplicateCandidates);
  EXPECT_EQ(c.ids()[2], 100u);
}

TEST(DuplicateGroupsTest, MostSimilarCandidateAtOrAboveTheThresholdWins) {
  const MinHash mine = base_signature();
  const int threshold = static_cast<int>(schema::kDuplicateSimilarity * schema::kMinHashSize + 0.999);
  std::map<Xapian::docid, MinHash> signatures = {
      {1, like(mine, threshold - 1)},  // below the threshold
      {2, like(mine, threshold)},      // just at it
      {3, like(mine, threshold + 5)},  // the most similar
      {4, like(mine, threshold + 2)},
  };
  std::vector<Xapian::docid> asked_groups;
  auto signature_of = [&](Xapian::docid d) -> const MinHash* { return &signatures.at(d); };
  auto group_of = [&](Xapian::docid d) {
    asked_groups.push_back(d);
    return "g" + std::to_string(d);
  };
  EXPECT_EQ(most_similar_group(mine, {1, 2, 3, 4}, signature_of, group_of), "g3");
  EXPECT_EQ(asked_groups, (std::vector<Xapian::docid>{2, 3}));  // only those most similar so far
  EXPECT_EQ(most_similar_group(mine, {1}, signature_of, group_of), "");
  EXPECT_EQ(most_similar_group(mine, {}, signature_of, group_of), "");
}

TEST(DuplicateGroupsTest, OfEquallySimilarCandidatesTheLastWinsAndUncomparableOnesAreSkipped) {
  const MinHash mine = base_signature();
  const MinHash same = mine;
  auto signature_of = [&](Xapian::docid d) -> const MinHash* { return d == 9 ? nullptr : &same; };
  auto group_of = [](Xapian::docid d) { return "g" + std::to_string(d); };
  EXPECT_EQ(most_similar_group(mine, {1, 2, 9}, signature_of, group_of), "g2");
}

TEST(DuplicateGroupsTest, SetGroupFieldsReplacesTheFormerGroup) {
  Article a;
  a.id = "x";
  a.title = "T";
  Xapian::Document doc;
  doc.add_value(schema::kHitSlot, serialize_hit_fields(a));
  set_group_fields(doc, "aaaa");
  EXPECT_EQ(doc.get_value(schema::kDupGroupSlot), "aaaa");
  EXPECT_TRUE(holds_term(doc, schema::make_term(schema::kDupGroupPrefix, "aaaa")));
  set_group_fields(doc, "bbbb");
  EXPECT_EQ(doc.get_value(schema::kDupGroupSlot), "bbbb");
  EXPECT_FALSE(holds_term(doc, schema::make_term(schema::kDupGroupPrefix, "aaaa")));
  EXPECT_TRUE(holds_term(doc, schema::make_term(schema::kDupGroupPrefix, "bbbb")));
  std::string group;
  deserialize_hit_fields(doc.get_value(schema::kHitSlot), &group);
  EXPECT_EQ(group, "bbbb");
  set_group_fields(doc, "bbbb");  // the same group again: one term
  EXPECT_EQ(doc.termlist_count(), 1u);
}

}  // namespace
}  // namespace gazette::indexer
