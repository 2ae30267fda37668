// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of facet counts, disjunctive filters, query-language filters, entity listing and
// related entities, on a fixture index whose entities are known.
#include <gtest/gtest.h>

#include "facets.h"
#include "gazette/common/dates.h"
#include "gazette/common/error.h"
#include "gazette/searcher/request_json.h"
#include "gazette/searcher/searcher.h"
#include "support/temp_index.h"
#include "support/test_index.h"

namespace gazette {
namespace {

using gazette::testing::TempDir;

Entity entity(EntityKind kind, const std::string& name) {
  Entity e;
  e.kind = kind;
  e.canonical = name;
  return e;
}

struct Fixture {
  const char* id;
  const char* body;
  std::vector<const char*> people, places, orgs;
  const char* source;
  const char* lang;
  const char* date;
};

class FacetsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::vector<Fixture> fixtures = {
        {"a1",
         "missile test",
         {"Kim Jong Un", "Lee Jae Myung"},
         {"North Korea", "South Korea"},
         {"Korean Central News Agency"},
         "Harbor Times",
         "en",
         "2025-01-10"},
        {"a2", "missile launch", {"Kim Jong Un"}, {"North Korea", "Russia"}, {}, "Daily Compass", "en", "2025-01-20"},
        {"a3", "missile strike", {"Vladimir Putin"}, {"Russia", "Ukraine"}, {}, "Harbor Times", "en", "2025-02-05"},
        {"a4",
         "trade talks",
         {"Lee Jae Myung"},
         {"South Korea", "United States"},
         {},
         "Daily Compass",
         "en",
         "2024-12-01"},
        {"a5",
         "summit talks",
         {"Donald Trump", "Vladimir Putin"},
         {"United States", "Russia"},
         {},
         "Meridian Wire",
         "en",
         "2025-02-14"},
        {"a6", "Handel", {}, {"Japan"}, {}, "Harbor Times", "de", "2024-06-30"},
    };
    std::vector<Article> articles;  // written as given: the entities below are the truth
    for (const Fixture& f : fixtures) {
      Article a;
      a.id = f.id;
      a.title = std::string("Article ") + f.id;
      a.body = f.body;
      a.source = f.source;
      a.lang = f.lang;
      a.published = parse_date(f.date);
      for (const char* p : f.people) a.entities.push_back(entity(EntityKind::kPerson, p));
      for (const char* p : f.places) a.entities.push_back(entity(EntityKind::kPlace, p));
      for (const char* p : f.orgs) a.entities.push_back(entity(EntityKind::kOrganization, p));
      articles.push_back(a);
    }
    gazette::testing::write_test_index(dir_->str("db"), articles);
  }
  static void TearDownTestSuite() { delete dir_; }

  static SearchResponse search(const std::string& q, std::vector<std::string> facets,
                               std::vector<std::string> filters = {}) {
    Searcher s(dir_->str("db"));
    SearchRequest r;
    r.query = q;
    r.limit = 100;
    r.facets = std::move(facets);
    r.filters = std::move(filters);
    return s.search(r);
  }
  static std::string ids(const SearchResponse& r) {
    std::vector<std::string> v;
    for (const Hit& h : r.hits) v.push_back(h.id);
    std::sort(v.begin(), v.end());
    std::string out;
    for (const std::string& s : v) out += (out.empty() ? "" : " ") + s;
    return out;
  }
  // "North Korea 2, Russia 2" for one facet of a response.
  static std::string counts(const SearchResponse& r, const std::string& facet) {
    for (const FacetResult& f : r.facets) {
      if (f.name != facet) continue;
      std::string out;
      for (const FacetCount& c : f.values) out += (out.empty() ? "" : ", ") + c.value + " " + std::to_string(c.count);
      return out;
    }
    return "(no facet " + facet + ")";
  }
  static TempDir* dir_;
};
TempDir* FacetsTest::dir_ = nullptr;

TEST_F(FacetsTest, CountsEveryMatchExactly) {
  SearchResponse r = search("missile", {"people", "places", "organizations", "source", "language"});
  EXPECT_EQ(ids(r), "a1 a2 a3");
  EXPECT_EQ(counts(r, "people"), "Kim Jong Un 2, Lee Jae Myung 1, Vladimir Putin 1");
  EXPECT_EQ(counts(r, "places"), "North Korea 2, Russia 2, South Korea 1, Ukraine 1");
  EXPECT_EQ(counts(r, "organizations"), "Korean Central News Agency 1");
  EXPECT_EQ(counts(r, "source"), "Harbor Times 2, Daily Compass 1");
  EXPECT_EQ(counts(r, "language"), "en 3");
  EXPECT_TRUE(r.total.exact);
  EXPECT_EQ(r.total.value, 3u);
}

TEST_F(FacetsTest, AFacetsCountsIgnoreItsOwnFilter) {
  SearchResponse r = search("missile", {"people", "places"}, {"people:Kim Jong Un"});
  EXPECT_EQ(ids(r), "a1 a2");
  EXPECT_EQ(r.total.value, 2u);
  // people keeps every value selectable; places counts only the filtered hits.
  EXPECT_EQ(counts(r, "people"), "Kim Jong Un 2, Lee Jae Myung 1, Vladimir Putin 1");
  EXPECT_EQ(counts(r, "places"), "North Korea 2, Russia 1, South Korea 1");
}

TEST_F(FacetsTest, OrWithinAFacetAndAcrossFacets) {
  EXPECT_EQ(ids(search("missile", {"people"}, {"people:Kim Jong Un", "people:Vladimir Putin"})), "a1 a2 a3");
  EXPECT_EQ(ids(search("", {}, {"people:Vladimir Putin", "places:Ukraine"})), "a3");
  EXPECT_EQ(ids(search("", {"places"}, {"people:Vladimir Putin", "places:Ukraine"})), "a3");
  EXPECT_EQ(ids(search("", {}, {"source:harbor times", "language:de"})), "a6");  // values match case-insensitively
}

TEST_F(FacetsTest, DateFacetsByMonthYearAndDay) {
  SearchResponse r = search("", {"date", "date:year", "date:day"});
  EXPECT_EQ(counts(r, "date"), "2025-02 2, 2025-01 2, 2024-12 1, 2024-06 1");
  EXPECT_EQ(counts(r, "date:year"), "2025 4, 2024 2");
  EXPECT_EQ(counts(r, "date:day").substr(0, 28), "2025-02-14 1, 2025-02-05 1, ");
  EXPECT_EQ(ids(search("", {}, {"date:2025-01"})), "a1 a2");
  EXPECT_EQ(ids(search("", {"date"}, {"date:2024"})), "a4 a6");
}

TEST_F(FacetsTest, QueryLanguageFiltersAreCanonicalised) {
  EXPECT_EQ(ids(search("person:\"Kim Jong Un\" missile", {})), "a1 a2");
  EXPECT_EQ(ids(search("place:U.S.", {})), "a4 a5");  // U.S. -> United States
  EXPECT_EQ(ids(search("talks place:America", {})), "a4 a5");
  EXPECT_EQ(ids(search("", {}, {"places:U.S."})), "a4 a5");
  EXPECT_EQ(ids(search("org:\"Korean Central News Agency\"", {})), "a1");
  EXPECT_EQ(ids(search("source:\"Meridian Wire\"", {})), "a5");
}

TEST_F(FacetsTest, FacetSizeLimitsValues) {
  Searcher s(dir_->str("db"));
  SearchRequest r;
  r.facets = {"places"};
  r.facet_size = 2;
  SearchResponse resp = s.search(r);
  EXPECT_EQ(counts(resp, "places"), "Russia 3, North Korea 2");  // ties by name
}

TEST_F(FacetsTest, RejectsUnknownFacetsAndMalformedFilters) {
  EXPECT_THROW(search("missile", {"colour"}), InvalidRequest);
  EXPECT_THROW(search("missile", {"people:year"}), InvalidRequest);
  EXPECT_THROW(search("missile", {}, {"nocolon"}), InvalidRequest);
  EXPECT_THROW(search("missile", {}, {"shape:round"}), InvalidRequest);
  EXPECT_THROW(search("missile", {}, {"date:last week"}), InvalidRequest);
  try {
    search("missile", {}, {"shape:round"});
  } catch (const InvalidRequest& e) {
    EXPECT_NE(std::string(e.what()).find("shape:round"), std::string::npos) << e.what();
  }
}

TEST_F(FacetsTest, JsonHasFacetsInRequestedOrder) {
  std::string json = to_json(search("missile", {"places", "people"}));
  EXPECT_NE(json.find("\"facets\":{\"people\":[{\"count\":2,\"value\":\"Kim Jong Un\"}"), std::string::npos) << json;
}

TEST_F(FacetsTest, ListsEntitiesWithCounts) {
  Searcher s(dir_->str("db"));
  EntityListRequest r;
  r.limit = 3;
  std::vector<EntityCount> all = s.entities(r);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "Russia");
  EXPECT_EQ(all[0].kind, "place");
  EXPECT_EQ(all[0].count, 3u);
  r.kind = "people";
  r.prefix = "v";
  r.limit = 10;
  std::vector<EntityCount> v = s.entities(r);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].name, "Vladimir Putin");  // display form, though the term is folded
  EXPECT_EQ(v[0].count, 2u);
  r.kind = "planet";
  EXPECT_THROW(s.entities(r), InvalidRequest);
}

TEST_F(FacetsTest, RelatedEntitiesBySignificance) {
  Searcher s(dir_->str("db"));
  RelatedResponse r = s.related("people:Kim Jong Un");
  EXPECT_EQ(r.articles, 2u);
  ASSERT_FALSE(r.related.empty());
  // North Korea appears in both of Kim's articles and nowhere else: the most significant.
  EXPECT_EQ(r.related[0].name, "North Korea");
  EXPECT_EQ(r.related[0].together, 2u);
  EXPECT_EQ(r.related[0].total, 2u);
  for (const RelatedEntity& e : r.related) EXPECT_NE(e.name, "Kim Jong Un");
  EXPECT_THROW(s.related("source:Harbor Times"), InvalidRequest);
}

}  // namespace
}  // namespace gazette
