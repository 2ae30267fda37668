// SPDX-License-Identifier: GPL-2.0-or-later
// The one request path: every front end's name of a parameter reads into the same field, the
// defaults are SearchRequest's, and every range is checked once by plan_search.
#include "gazette/searcher/request_params.h"

#include <gtest/gtest.h>

#include <string>

#include "gazette/common/error.h"
#include "gazette/searcher/request_json.h"
#include "request_plan.h"

namespace gazette {
namespace {

// A sample value per type, as text and as JSON.
struct Sample {
  std::string text, json;
};
Sample sample(ParamType t) {
  switch (t) {
    case ParamType::kText:
      return {"newest", "\"newest\""};
    case ParamType::kInteger:
      return {"37", "37"};
    case ParamType::kFlag:
      return {"true", "true"};
    case ParamType::kList:
      return {"people,places", "[\"people\", \"places\"]"};
    case ParamType::kRepeated:
      return {"people:Kim Jong Un", "[\"people:Kim Jong Un\"]"};
    case ParamType::kDuration:
      return {"14", "14"};
  }
  return {};
}

// The value p's field holds in r, as text.
std::string field_text(const SearchRequest& r, const SearchParam& p) {
  switch (p.type) {
    case ParamType::kText:
      return r.*p.text;
    case ParamType::kInteger:
      return std::to_string(r.*p.integer);
    case ParamType::kFlag:
      return r.*p.flag ? "true" : "false";
    case ParamType::kList:
    case ParamType::kRepeated: {
      std::string out;
      for (const std::string& v : r.*p.list) out += v + "|";
      return out;
    }
    case ParamType::kDuration:
      return std::to_string(r.*p.number);
  }
  return {};
}

TEST(RequestParamsTest, TextAndJsonFormsOfEveryParameterSetTheSameField) {
  for (const SearchParam& p : search_params()) {
    ASSERT_FALSE(p.json.empty()) << p.help;
    Sample s = sample(p.type);
    if (p.type == ParamType::kFlag && default_text(p) == "true") s = {"false", "false"};
    SearchRequest from_text;
    set_param(from_text, p, s.text, p.json);
    SearchRequest from_json = request_from_json("{\"" + std::string(p.json) + "\": " + s.json + "}");
    EXPECT_EQ(field_text(from_text, p), field_text(from_json, p)) << p.json;
    EXPECT_NE(field_text(from_text, p), field_text(SearchRequest{}, p)) << p.json << " did not change its field";
  }
}

TEST(RequestParamsTest, DefaultsAreSearchRequestsOwn) {
  struct Case {
    std::string_view json;
    std::string expected;
  };
  const Case cases[] = {{"limit", "10"}, {"snippet_length", "240"}, {"sort", "relevance"}, {"collapse", "true"}};
  for (const Case& c : cases) {
    const SearchParam* p = find_json_param(c.json);
    ASSERT_NE(p, nullptr) << c.json;
    EXPECT_EQ(default_text(*p), c.expected) << c.json;
  }
  EXPECT_EQ(find_json_param("q"), find_json_param("query"));
  EXPECT_EQ(find_json_param("nonsense"), nullptr);
}

TEST(RequestParamsTest, BadTextNamesTheParameterAsShown) {
  const SearchParam* limit = find_json_param("limit");
  const SearchParam* recency = find_json_param("recency");
  const SearchParam* explain = find_json_param("explain");
  struct Case {
    const SearchParam* p;
    std::string text, message;
  };
  const Case cases[] = {
      {limit, "ten", "--limit must be an integer, not \"ten\""},
      {limit, "99999999999", "--limit must be an integer, not \"99999999999\""},
      {limit, "", "--limit must be an integer, not \"\""},
      {explain, "maybe", "--limit must be true or false, not \"maybe\""},
      {recency, "soon", "--limit: recency \"soon\" is not a half-life such as 30d, 12h or 2w"},
  };
  for (const Case& c : cases) {
    SearchRequest r;
    try {
      set_param(r, *c.p, c.text, "--limit");
      ADD_FAILURE() << c.text << " was accepted";
    } catch (const InvalidRequest& e) {
      EXPECT_EQ(std::string(e.what()), c.message);
    }
  }
}

TEST(RequestParamsTest, CommaListsDropEmptyNames) {
  EXPECT_EQ(split_list("people,,places,"), (std::vector<std::string>{"people", "places"}));
  EXPECT_EQ(split_list(""), std::vector<std::string>{});
}

// The one validation path: each bad field is refused by plan_search with its wire name.
TEST(RequestPlanTest, EveryRangeIsCheckedOnceWithTheFieldsName) {
  struct Case {
    std::string json, names;
  };
  const Case cases[] = {
      {R"({"limit": 1001})", "\"limit\""},
      {R"({"limit": -1})", "\"limit\""},
      {R"({"offset": -1})", "\"offset\""},
      {R"({"offset": 9995, "limit": 10})", "offset + limit"},
      {R"({"facet_size": 0})", "\"facet_size\""},
      {R"({"snippet_length": 2001})", "\"snippet_length\""},
      {R"({"time_limit_ms": -5})", "\"time_limit_ms\""},
      {R"({"sort": "sideways"})", "\"sort\""},
      {R"({"recency": -3})", "\"recency\""},
      {R"({"facets": ["colour"]})", "colour"},
      {R"({"filters": ["nocolon"]})", "nocolon"},
      {R"({"ranking": {"weighting": "tfidf"}})", "weighting"},
  };
  for (const Case& c : cases) {
    SearchRequest r = request_from_json(c.json);
    try {
      searcher::plan_search(r, nullptr);
      ADD_FAILURE() << c.json << " was accepted";
    } catch (const InvalidRequest& e) {
      EXPECT_NE(std::string(e.what()).find(c.names), std::string::npos) << c.json << ": " << e.what();
    }
  }
  searcher::SearchPlan plan =
      searcher::plan_search(request_from_json(R"({"sort": "newest", "facets": "people"})"), nullptr);
  EXPECT_EQ(plan.sort, searcher::SortOrder::kNewest);
  ASSERT_EQ(plan.facets.size(), 1u);
  EXPECT_EQ(plan.facets[0].field, searcher::FacetField::kPeople);
}

}  // namespace
}  // namespace gazette
