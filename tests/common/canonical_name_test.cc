// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of canonical_name: the name the index holds for a name typed on its own.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gazette/common/article.h"
#include "gazette/common/entities.h"
#include "gazette/common/ner.h"

namespace gazette {
namespace {

Gazetteer table_gazetteer() {
  Gazetteer g;
  g.add(EntityKind::kPlace, "United States", "United States", 1000000000);
  g.add(EntityKind::kPlace, "U.S.", "United States", 2000000000);
  g.add(EntityKind::kPlace, "Japan", "Japan", 1000000000);
  g.add(EntityKind::kPlace, "Riga", "Riga", 600000);
  g.add(EntityKind::kPlace, "New York", "New York City", 8000000);
  g.add(EntityKind::kPlace, "Washington", "Washington, D.C.", 700000);
  g.add(EntityKind::kPerson, "Washington", "George Washington", 10000);
  g.add(EntityKind::kPerson, "Kim Jong Un", "Kim Jong Un", 10000);
  g.add(EntityKind::kOrganization, "UN", "United Nations", 10000);
  g.add_demonym("Japanese", "Japan");
  return g;
}

TEST(CanonicalNameTest, AppliesTheGazetteerAsTheExtractorDoes) {
  struct Case {
    EntityKind kind;
    const char* name;
    const char* expected;
  };
  const std::vector<Case> cases = {
      // An alias becomes its canonical name; white space around it goes.
      {EntityKind::kPlace, "U.S.", "United States"},
      {EntityKind::kPlace, "  U.S.\t", "United States"},
      {EntityKind::kOrganization, "UN", "United Nations"},
      // A demonym is its place, for places only.
      {EntityKind::kPlace, "Japanese", "Japan"},
      {EntityKind::kOrganization, "Japanese", "Japanese"},
      // An all-capitals word (a dateline's) by its title-case form, of the same kind.
      {EntityKind::kPlace, "RIGA", "Riga"},
      {EntityKind::kPlace, "NEW YORK", "New York City"},
      {EntityKind::kPerson, "KIM JONG UN", "Kim Jong Un"},
      {EntityKind::kOrganization, "RIGA", "RIGA"},
      // The entry of the name's own kind only; people keep their names.
      {EntityKind::kPlace, "Washington", "Washington, D.C."},
      {EntityKind::kPerson, "Washington", "Washington"},
      {EntityKind::kOrganization, "Washington", "Washington"},
      // Names the gazetteer does not know stay as they are.
      {EntityKind::kPlace, "Atlantis", "Atlantis"},
      {EntityKind::kPerson, "Elena Marchetti", "Elena Marchetti"},
      {EntityKind::kPlace, "", ""},
  };
  const Gazetteer g = table_gazetteer();
  for (const Case& c : cases) {
    EXPECT_EQ(canonical_name(c.kind, c.name, g), c.expected) << kind_name(c.kind) << " \"" << c.name << "\"";
  }
}

TEST(CanonicalNameTest, GivesTheNameTheExtractorIndexes) {
  std::shared_ptr<const EntityExtractor> extractor = EntityExtractor::load_default();
  Article a;
  a.lang = "en";
  a.body = "Officials in the U.S. said on Monday that talks would go on.";
  std::vector<Entity> entities = extractor->extract(a);
  ASSERT_FALSE(entities.empty());
  EXPECT_EQ(entities.front().kind, EntityKind::kPlace);
  EXPECT_EQ(canonical_name(EntityKind::kPlace, "U.S.", extractor->gazetteer()), entities.front().canonical);
}

}  // namespace
}  // namespace gazette
