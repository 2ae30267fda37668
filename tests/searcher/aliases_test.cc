// SPDX-License-Identifier: GPL-2.0-or-later
// Corpus-wide entity aliases (searcher/src/aliases.h): an acronym defined in one article and a
// surname used beside one full name are one entity in every article, whichever was indexed
// first, through facets, filters, the entity list, related entities and stored articles.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "gazette/searcher/searcher.h"
#include "support/temp_index.h"
#include "support/test_index.h"

namespace gazette {
namespace {

using gazette::testing::build_test_index;
using gazette::testing::TempDir;
using gazette::testing::text_article;
using gazette::testing::write_test_index;

class AliasesTest : public ::testing::Test {
 protected:
  // A .txt article of the given id and body.
  void article(const std::string& id, const std::string& body) {
    dir_.write("in/" + id + ".txt", text_article({.title = id,
                                                  .id = id,
                                                  .date = "2024-05-0" + std::to_string(++n_ % 9 + 1),
                                                  .language = "en",
                                                  .body = body}));
  }
  void remove(const std::string& id) { std::filesystem::remove(dir_.str("in/" + id + ".txt")); }
  void index() {
    indexer::IndexStats s =
        build_test_index(dir_.str("db"), {dir_.str("in")}, [](indexer::IndexerConfig& c) { c.prune = true; });
    ASSERT_EQ(s.errors, 0u);
  }
  // Facet values of a search for everything, as "name=count".
  std::vector<std::string> facet(const std::string& name, const std::vector<std::string>& filters = {}) {
    Searcher searcher(dir_.str("db"));
    SearchRequest r;
    r.facets = {name};
    r.filters = filters;
    r.facet_size = 50;
    r.collapse = false;
    SearchResponse resp = searcher.search(r);
    std::vector<std::string> out;
    for (const auto& v : resp.facets.at(0).values) out.push_back(v.value + "=" + std::to_string(v.count));
    return out;
  }
  std::vector<std::string> ids(const std::vector<std::string>& filters) {
    Searcher searcher(dir_.str("db"));
    SearchRequest r;
    r.filters = filters;
    r.limit = 50;
    r.collapse = false;
    std::vector<std::string> out;
    for (const Hit& h : searcher.search(r).hits) out.push_back(h.id);
    std::sort(out.begin(), out.end());
    return out;
  }
  static bool has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  }
  static bool has_name(const std::vector<std::string>& v, const std::string& name) {
    return std::any_of(v.begin(), v.end(), [&](const std::string& x) { return x.rfind(name + "=", 0) == 0; });
  }

  TempDir dir_;
  int n_ = 0;
};

const char* kDefines =
    "The Baltic Energy Agency (BEA) approved the new cable on Monday. Officials at the agency said the "
    "link would open next year.";
const char* kUses = "Engineers told BEA that the route was safe. BEA said it would decide in March.";

TEST_F(AliasesTest, AnAcronymDefinedInAnotherArticleIsOneOrganisationWhicheverCameFirst) {
  // The article that only uses the acronym is indexed first, in a run of its own.
  article("uses", kUses);
  index();
  EXPECT_TRUE(has(facet("organizations"), "BEA=1"));
  article("defines", kDefines);
  index();  // incremental: "uses" is not re-indexed, yet its BEA is now the agency
  std::vector<std::string> orgs = facet("organizations");
  EXPECT_TRUE(has(orgs, "Baltic Energy Agency=2")) << ::testing::PrintToString(orgs);
  EXPECT_FALSE(has_name(orgs, "BEA")) << ::testing::PrintToString(orgs);
  // Either name filters to both articles.
  std::vector<std::string> both{"defines", "uses"};
  EXPECT_EQ(ids({"organizations:BEA"}), both);
  EXPECT_EQ(ids({"organizations:Baltic Energy Agency"}), both);
  EXPECT_EQ(ids({"organizations:baltic energy agency"}), both);
  // The entity list, the stored article and related entities say the same.
  Searcher searcher(dir_.str("db"));
  EntityListRequest list;
  list.kind = "organization";
  std::vector<EntityCount> entities = searcher.entities(list);
  ASSERT_FALSE(entities.empty());
  EXPECT_EQ(entities[0].name, "Baltic Energy Agency");
  EXPECT_EQ(entities[0].count, 2u);
  for (const EntityCount& e : entities) EXPECT_NE(e.name, "BEA");
  list.prefix = "BEA";  // typing the acronym completes to the entity
  entities = searcher.entities(list);
  ASSERT_EQ(entities.size(), 1u);
  EXPECT_EQ(entities[0].name, "Baltic Energy Agency");
  std::optional<Article> uses = searcher.document("uses");
  ASSERT_TRUE(uses.has_value());
  EXPECT_TRUE(std::any_of(uses->entities.begin(), uses->entities.end(),
                          [](const Entity& e) { return e.canonical == "Baltic Energy Agency"; }));
  // Deleting the defining article takes its evidence away.
  remove("defines");
  index();
  EXPECT_TRUE(has(facet("organizations"), "BEA=1"));
}

TEST_F(AliasesTest, ASurnameBesideOneFullNameIsThatPersonAndAnAmbiguousOneIsNot) {
  article("full", "Donald Trump met reporters on Monday. Trump said the talks went well.");
  article("bare", "Trump spoke in Ohio on Friday. Trump said the plant would stay open.");
  article("bush1", "George Bush visited Texas on Monday. Bush said he was pleased.");
  article("bush2", "George W. Bush toured a school. Bush praised the teachers.");
  article("bush3", "Bush arrived late on Sunday. Bush then left for Maine.");
  index();
  std::vector<std::string> people = facet("people");
  EXPECT_TRUE(has(people, "Donald Trump=2")) << ::testing::PrintToString(people);
  EXPECT_FALSE(has_name(people, "Trump")) << ::testing::PrintToString(people);
  // "Bush" stands beside two full names: it stays a name of its own.
  EXPECT_TRUE(has(people, "Bush=1")) << ::testing::PrintToString(people);
  EXPECT_EQ(ids({"people:Donald Trump"}), (std::vector<std::string>{"bare", "full"}));
  // A second Trump in the corpus makes the bare surname ambiguous again.
  article("ivanka", "Ivanka Trump opened a store in New York on Tuesday. Ivanka Trump thanked the staff.");
  index();
  people = facet("people");
  EXPECT_TRUE(has(people, "Trump=1")) << ::testing::PrintToString(people);
  EXPECT_TRUE(has(people, "Donald Trump=1")) << ::testing::PrintToString(people);
}

// A place that bears a person's full name is that person (the tagger typed one mention wrong).
// The database is written here with the entities given, so the test does not depend on the
// tagger's mistakes.
TEST_F(AliasesTest, APlaceBearingAPersonsFullNameIsThatPerson) {
  auto article_of = [](const std::string& id, EntityKind kind, const std::string& name) {
    Article a;
    a.id = id;
    a.title = id;
    a.body = name + " won the race on Sunday.";
    a.lang = "en";
    Entity e;
    e.kind = kind;
    e.canonical = name;
    e.mentions.push_back({TextField::kBody, 0, name.size(), name, 1.0f, ""});
    a.entities.push_back(e);
    Entity place;
    place.kind = EntityKind::kPlace;
    place.canonical = "Nairobi";
    a.entities.push_back(place);
    return a;
  };
  write_test_index(dir_.str("db"), {article_of("person", EntityKind::kPerson, "Amara Wekesa"),
                                    article_of("mistyped", EntityKind::kPlace, "Amara Wekesa"),
                                    article_of("other", EntityKind::kPlace, "Iten")});
  std::vector<std::string> people = facet("people"), places = facet("places");
  EXPECT_TRUE(has(people, "Amara Wekesa=2")) << ::testing::PrintToString(people);
  EXPECT_FALSE(has_name(places, "Amara Wekesa")) << ::testing::PrintToString(places);
  EXPECT_TRUE(has(places, "Nairobi=3")) << ::testing::PrintToString(places);
  EXPECT_TRUE(has(places, "Iten=1")) << ::testing::PrintToString(places);
  EXPECT_EQ(ids({"people:Amara Wekesa"}), (std::vector<std::string>{"mistyped", "person"}));
  Searcher searcher(dir_.str("db"));
  std::optional<Article> mistyped = searcher.document("mistyped");
  ASSERT_TRUE(mistyped.has_value());
  EXPECT_EQ(mistyped->entities.at(0).kind, EntityKind::kPerson);
  EntityListRequest list;
  list.kind = "place";
  for (const EntityCount& e : searcher.entities(list)) EXPECT_NE(e.name, "Amara Wekesa");
  list.kind = "person";
  std::vector<EntityCount> listed = searcher.entities(list);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "Amara Wekesa");
  EXPECT_EQ(listed[0].count, 2u);
}

}  // namespace
}  // namespace gazette
