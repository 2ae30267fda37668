// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of the search front end over a fixture index built by the real pipeline: sorting,
// recency, explain, collapse of near-duplicates, similar, spelling, synonyms, relaxed and
// malformed queries, wildcards, fields, ranges, snippets and documents.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "gazette/common/error.h"
#include "gazette/searcher/request_json.h"
#include "gazette/searcher/searcher.h"
#include "support/temp_index.h"
#include "support/test_index.h"

namespace gazette {
namespace {

using gazette::testing::build_test_index;
using gazette::testing::TempDir;

class SearchFeaturesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    indexer::IndexStats s = build_test_index(dir_->str("db"), {gazette::testing::test_data("search")});
    ASSERT_EQ(s.errors, 0u);
    searcher_ = new Searcher(dir_->str("db"));
  }
  static void TearDownTestSuite() {
    delete searcher_;
    delete dir_;
  }
  static SearchResponse search(const std::string& q, const std::function<void(SearchRequest&)>& tweak = {}) {
    SearchRequest r;
    r.query = q;
    r.limit = 20;
    if (tweak) tweak(r);
    return searcher_->search(r);
  }
  static std::vector<std::string> ids(const SearchResponse& r) {
    std::vector<std::string> v;
    for (const Hit& h : r.hits) v.push_back(h.id);
    return v;
  }
  static TempDir* dir_;
  static Searcher* searcher_;
};
TempDir* SearchFeaturesTest::dir_ = nullptr;
Searcher* SearchFeaturesTest::searcher_ = nullptr;

TEST_F(SearchFeaturesTest, SortsByDate) {
  EXPECT_EQ(ids(search("oil", [](SearchRequest& r) { r.sort = "newest"; })),
            (std::vector<std::string>{"oil-new", "oil-old"}));
  EXPECT_EQ(ids(search("oil", [](SearchRequest& r) { r.sort = "oldest"; })),
            (std::vector<std::string>{"oil-old", "oil-new"}));
  EXPECT_THROW(search("oil", [](SearchRequest& r) { r.sort = "random"; }), InvalidRequest);
}

TEST_F(SearchFeaturesTest, RecencyLiftsFreshNewsWithoutDroppingAnything) {
  // By words alone the older article (four "oil"s) wins; a 30-day half-life lifts the newer one.
  SearchResponse plain = search("oil");
  ASSERT_EQ(ids(plain), (std::vector<std::string>{"oil-old", "oil-new"}));
  SearchResponse fresh = search("oil", [](SearchRequest& r) { r.recency_half_life_days = 30; });
  EXPECT_EQ(ids(fresh), (std::vector<std::string>{"oil-new", "oil-old"}));
  EXPECT_EQ(fresh.total.value, plain.total.value);  // reorders, never adds matches
}

TEST_F(SearchFeaturesTest, ExplainSplitsTheScore) {
  SearchResponse r = search("oil prices", [](SearchRequest& q) {
    q.explain = true;
    q.recency_half_life_days = 30;
  });
  ASSERT_FALSE(r.hits.empty());
  for (const Hit& h : r.hits) {
    ASSERT_EQ(h.explanation.size(), 3u);  // oil, prices, recency
    EXPECT_EQ(h.explanation[0].label, "oil");
    EXPECT_EQ(h.explanation[2].label, "recency");
    double sum = 0;
    for (const ScorePart& p : h.explanation) sum += p.weight;
    EXPECT_NEAR(sum, h.score, 1e-6 * std::max(1.0, h.score)) << h.id;
  }
}

TEST_F(SearchFeaturesTest, CollapsesNearDuplicatesAndListsThem) {
  // Three copies of one wire story: edited sentences, other headlines, other boilerplate.
  SearchResponse r = search("undersea cable megawatts");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].duplicates, 2u);
  std::vector<std::string> dup = r.hits[0].duplicate_ids;
  std::sort(dup.begin(), dup.end());
  std::vector<std::string> all = {"wire-1", "wire-2", "wire-3"};
  all.erase(std::find(all.begin(), all.end(), r.hits[0].id));
  EXPECT_EQ(dup, all);
  EXPECT_EQ(r.total.value, 1u);
  EXPECT_TRUE(r.total.exact);
  SearchResponse every = search("undersea cable megawatts", [](SearchRequest& q) { q.collapse = false; });
  EXPECT_EQ(every.hits.size(), 3u);
  // A related but different article is not a duplicate.
  SearchResponse grid = search("undersea cable");
  EXPECT_NE(std::find(ids(grid).begin(), ids(grid).end(), "grid"), ids(grid).end());
}

// A result page is collapsed after ranking when no exact count is asked for, and by Xapian
// (which reads every candidate's group) otherwise, or when duplicates fill the ranked window:
// every way gives the same pages.
TEST(CollapseTest, PagesAgreeWhetherCollapsedAfterRankingOrByXapian) {
  TempDir dir;
  std::string body =
      "The harbour authority said on Tuesday that the new container crane at the eastern quay had "
      "lifted its first load, a refrigerated box of citrus fruit bound for inland warehouses. The "
      "crane, built over two years, doubles the number of ships the quay can unload in a day, "
      "according to the authority, which expects freight volumes to grow by a fifth next year.";
  std::string jsonl;
  // 25 copies of one wire story, each with its own headline and sign-off (one group), and 8
  // different articles that share its words.
  for (int i = 0; i < 25; ++i) {
    jsonl += "{\"id\": \"copy-" + std::to_string(i) + "\", \"title\": \"Harbour crane report " + std::to_string(i) +
             "\", \"body\": \"" + body + " Reported by desk " + std::to_string(i) + ".\"}\n";
  }
  const char* others[] = {"citrus growers", "warehouse rents", "freight rates", "quay repairs",
                          "ship queues",    "crane makers",    "harbour fees",  "container prices"};
  for (int i = 0; i < 8; ++i) {
    jsonl += "{\"id\": \"other-" + std::to_string(i) + "\", \"title\": \"" + others[i] +
             "\", \"body\": \"A report on " + others[i] + " at the harbour: the crane and the quay " +
             "were mentioned once, and freight " + std::string(i + 1, 'x') + " more.\"}\n";
  }
  dir.write("in/articles.jsonl", jsonl);
  ASSERT_EQ(build_test_index(dir.str("db"), {dir.str("in")}).errors, 0u);
  Searcher s(dir.str("db"));
  for (const char* q : {"harbour crane", "crane", "freight quay"}) {
    for (int offset : {0, 1, 3}) {
      SearchRequest fast;
      fast.query = q;
      fast.limit = 3;
      fast.offset = offset;
      SearchRequest exact = fast;
      exact.exact_total = true;
      SearchResponse a = s.search(fast), b = s.search(exact);
      std::vector<std::string> ia, ib;
      for (const Hit& h : a.hits) ia.push_back(h.id);
      for (const Hit& h : b.hits) ib.push_back(h.id);
      EXPECT_EQ(ia, ib) << q << " offset " << offset;
      ASSERT_TRUE(b.total.exact);
      EXPECT_EQ(b.total.value, 9u) << q;  // one group of copies + 8 others
      int copies = 0;
      for (const Hit& h : a.hits) {
        if (h.id.rfind("copy-", 0) == 0) {
          ++copies;
          EXPECT_EQ(h.duplicates, 24u) << q;
        } else {
          EXPECT_EQ(h.duplicates, 0u) << h.id;
        }
      }
      EXPECT_LE(copies, 1) << q << " offset " << offset;
    }
  }
}

TEST_F(SearchFeaturesTest, SimilarExcludesTheArticleAndItsDuplicates) {
  SearchResponse r = searcher_->similar("wire-1", 5);
  std::vector<std::string> got = ids(r);
  ASSERT_FALSE(got.empty());
  for (const char* self : {"wire-1", "wire-2", "wire-3"}) {
    EXPECT_EQ(std::find(got.begin(), got.end(), self), got.end()) << self;
  }
  EXPECT_EQ(got[0], "grid");  // the other cable-and-wind story
  EXPECT_THROW(searcher_->similar("no-such-id"), InvalidRequest);
}

TEST_F(SearchFeaturesTest, SuggestsSpellingFromTheIndexVocabulary) {
  SearchResponse r = search("electricty");
  EXPECT_TRUE(r.hits.empty());
  EXPECT_EQ(r.suggestion, "electricity");
  EXPECT_EQ(search("undersea electricity").suggestion, "");  // known words: no suggestion
  // The dictionary holds the words of two articles or more: "desalination" is in one only.
  EXPECT_TRUE(search("desalinaton").hits.empty());
  EXPECT_EQ(search("desalinaton").suggestion, "");
}

// The fix replaces the word where it was typed, whatever the folding did to the text before it:
// leading spaces, capitals, full-width letters (characters NFKC expands, "\u3348" to four, are
// the fuzzer's regression input tests/fuzz/regressions/search_request/suggestion-offset-*).
TEST_F(SearchFeaturesTest, SuggestionsReplaceTheWordWhereItWasTyped) {
  struct Case {
    const char* typed;
    const char* suggested;
  };
  const std::vector<Case> cases = {
      {" electricty", " electricity"},
      {"ELECTRICTY", "electricity"},
      // Full-width letters before the word fold to fewer bytes.
      {"\xEF\xBD\x83\xEF\xBD\x81\xEF\xBD\x82\xEF\xBD\x8C\xEF\xBD\x85 electricty",
       "\xEF\xBD\x83\xEF\xBD\x81\xEF\xBD\x82\xEF\xBD\x8C\xEF\xBD\x85 electricity"},
      {"ENERGY  electricty", "ENERGY  electricity"},
  };
  for (const Case& c : cases) {
    SearchResponse r = search(c.typed);
    EXPECT_EQ(r.suggestion, c.suggested) << c.typed;
  }
}

TEST_F(SearchFeaturesTest, SynonymsFromTheDefaultFile) {
  EXPECT_EQ(ids(search("DPRK")), std::vector<std::string>{"korea"});  // DPRK -> "north korea"
}

TEST_F(SearchFeaturesTest, RelaxesToAnyWordAndSaysSo) {
  SearchResponse r = search("oil zebra");
  EXPECT_TRUE(r.relaxed);
  EXPECT_EQ(r.hits.size(), 2u);
  EXPECT_FALSE(search("oil prices").relaxed);
}

// Up to three words, all must match; a longer question makes each optional (said in the
// response), ranks articles with more of them first, and its stop words ("the", in more than a
// fifth of the articles) match nothing on their own.
TEST_F(SearchFeaturesTest, LongQuestionsMakeEveryWordOptional) {
  SearchResponse three = search("oil prices zebra");
  EXPECT_TRUE(three.relaxed);  // no article has all three: relaxed, as before
  EXPECT_TRUE(three.optional_words.empty());
  SearchResponse four = search("oil prices zebra quagga");
  EXPECT_FALSE(four.relaxed);
  EXPECT_EQ(four.optional_words, (std::vector<std::string>{"oil", "prices", "zebra", "quagga"}));
  ASSERT_FALSE(four.hits.empty());
  // The article with both "oil" and "prices" ranks above those with one of them.
  SearchResponse both = search("oil prices");
  ASSERT_FALSE(both.hits.empty());
  EXPECT_EQ(four.hits[0].id, both.hits[0].id);
  EXPECT_EQ(four.total.value, search("oil OR prices").total.value);
  // "the" (in six of the nine articles) adds no article: the total is that of the rarer word.
  SearchResponse with_the = search("the desalination zebra quagga");
  EXPECT_EQ(with_the.total.value, search("desalination").total.value);
  EXPECT_LT(with_the.total.value, search("the").total.value);
}

TEST_F(SearchFeaturesTest, MalformedQueriesStillSearchAndWarn) {
  SearchResponse r = search("oil AND (prices");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("could not parse"), std::string::npos);
  EXPECT_EQ(ids(r), std::vector<std::string>{"oil-new"});
}

TEST_F(SearchFeaturesTest, OperatorsFieldsWildcardsAndRanges) {
  struct Case {
    const char* query;
    std::vector<std::string> expected;  // sorted
  };
  const std::vector<Case> cases = {
      {"missil*", {"korea"}},
      {"title:oil", {"oil-new", "oil-old"}},
      {"title:\"output cut\"", {"oil-new"}},
      {"oil -brent", {"oil-old"}},
      {"oil NOT brent", {"oil-old"}},
      {"(brent OR seoul) AND sunday", {"korea"}},
      {"oil NEAR/2 traders", {"oil-old"}},
      {"traders ADJ said", {"oil-new", "oil-old"}},
      {"oil date:2025..", {"oil-new"}},
      {"oil date:..2024-12", {"oil-old"}},
      {"oil date:2024-01-01..2024-01-31", {"oil-old"}},
      {"source:\"Harbor Times\"", {"korea", "oil-old"}},
      {"lang:ja", {"jishin"}},
      {"+solar water", {"water"}},
  };
  for (const Case& c : cases) {
    SearchResponse r = search(c.query, [](SearchRequest& q) { q.collapse = false; });
    std::vector<std::string> got = ids(r);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, c.expected) << c.query;
    EXPECT_TRUE(r.warnings.empty()) << c.query << ": " << (r.warnings.empty() ? "" : r.warnings[0]);
  }
}

TEST_F(SearchFeaturesTest, HighlightsTitlesAndCjkSnippets) {
  SearchResponse r = search("\xE5\x9C\xB0\xE9\x9C\x87");  // 地震
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_NE(r.hits[0].snippet.find("<mark>\xE5\x9C\xB0\xE9\x9C\x87</mark>"), std::string::npos) << r.hits[0].snippet;
  EXPECT_NE(r.hits[0].title_html.find("<mark>\xE5\x9C\xB0\xE9\x9C\x87</mark>"), std::string::npos);
  SearchResponse oil = search("prices", [](SearchRequest& q) { q.sort = "newest"; });
  EXPECT_EQ(oil.hits[0].title_html, "Oil <mark>prices</mark> rise after output cut");
}

TEST_F(SearchFeaturesTest, StoredDocuments) {
  std::optional<Article> a = searcher_->document("korea");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->title, "North Korea fires test missiles");
  bool place = false;
  for (const Entity& e : a->entities) place = place || e.canonical == "North Korea";
  EXPECT_TRUE(place);
  EXPECT_FALSE(searcher_->document("nope").has_value());
  std::string json = to_json(*a);
  EXPECT_NE(json.find("\"entities\":["), std::string::npos);
}

TEST_F(SearchFeaturesTest, ResponseJsonCarriesTheNewKeys) {
  std::string json = to_json(search("oil zebra", [](SearchRequest& q) { q.explain = true; }));
  for (const char* key : {"\"relaxed\":true", "\"suggestion\":", "\"warnings\":[]", "\"duplicates\":{\"count\":0",
                          "\"explanation\":[", "\"title_html\":"}) {
    EXPECT_NE(json.find(key), std::string::npos) << key << " in " << json;
  }
}

TEST(ExactTotalTest, SmallIndexesCountEveryMatch) {
  // 400 articles, "common" in every third: a one-hit page over an index this small still gets
  // the exact total (counting every match costs nothing), where Xapian alone would estimate it.
  TempDir dir;
  std::string jsonl;
  for (int i = 0; i < 400; ++i) {
    jsonl += "{\"id\": \"a" + std::to_string(i) + "\", \"title\": \"Report " + std::to_string(i) +
             "\", \"body\": \"word" + std::to_string(i % 7) + " filler" + std::to_string(i % 13) +
             (i % 3 == 0 ? " common" : "") + " text " + std::string(static_cast<std::size_t>(i % 5), 'x') + "\"}\n";
  }
  std::string path = dir.write("articles.jsonl", jsonl);
  ASSERT_EQ(build_test_index(dir.str("db"), {path}).errors, 0u);
  Searcher s(dir.str("db"));
  SearchRequest r;
  r.query = "common";
  r.limit = 1;
  r.collapse = false;
  r.snippet_chars = 0;
  SearchResponse page = s.search(r);
  EXPECT_TRUE(page.total.exact);
  EXPECT_EQ(page.total.value, 134u);
  r.query = "common OR word3";
  page = s.search(r);
  EXPECT_TRUE(page.total.exact);
  EXPECT_EQ(page.total.value, 134u + 57u - 19u);
}

TEST_F(SearchFeaturesTest, RankingOptionsChangeTheOrderNotTheMatches) {
  auto scores = [](const SearchResponse& r) {
    std::vector<double> v;
    for (const Hit& h : r.hits) v.push_back(h.score);
    return v;
  };
  auto sorted_ids = [](const SearchResponse& r) {
    std::vector<std::string> v = ids(r);
    std::sort(v.begin(), v.end());
    return v;
  };
  // Uncollapsed: which member stands for a near-duplicate group depends on the scores.
  auto run = [](const std::string& q, const std::function<void(RankingOptions&)>& options = {}) {
    return search(q, [&options](SearchRequest& r) {
      r.collapse = false;
      if (options) options(r.ranking);
    });
  };
  SearchResponse bm25 = run("oil OR prices");
  ASSERT_GE(bm25.hits.size(), 2u);
  for (const char* w : {"dlh", "pl2", "lm"}) {
    SearchResponse other = run("oil OR prices", [w](RankingOptions& o) { o.weighting = w; });
    EXPECT_EQ(sorted_ids(other), sorted_ids(bm25)) << w;
    EXPECT_NE(scores(other), scores(bm25)) << w;
  }
  SearchResponse k1 = run("oil OR prices", [](RankingOptions& o) { o.bm25_k1 = 0.5; });
  EXPECT_EQ(sorted_ids(k1), sorted_ids(bm25));
  EXPECT_NE(scores(k1), scores(bm25));
  // Feedback only reranks: a long question matches the same articles with it and without.
  const std::string question = "oil prices zebra quagga";
  SearchResponse with = run(question);
  SearchResponse without = run(question, [](RankingOptions& o) { o.feedback = "off"; });
  EXPECT_EQ(with.total.value, without.total.value);
  EXPECT_EQ(sorted_ids(with), sorted_ids(without));
  // Proximity also only reranks a long question.
  SearchResponse near = run(question, [](RankingOptions& o) { o.proximity = 0.5; });
  EXPECT_EQ(sorted_ids(near), sorted_ids(with));
  // "on" expands a short query too (it reranks, the matches stay); "auto" leaves it as typed.
  SearchResponse on = run("oil OR prices", [](RankingOptions& o) { o.feedback = "on"; });
  EXPECT_EQ(sorted_ids(on), sorted_ids(bm25));
  EXPECT_NE(scores(on), scores(bm25));
}

TEST_F(SearchFeaturesTest, RejectsBadRankingOptions) {
  auto message = [](const std::function<void(SearchRequest&)>& tweak) {
    try {
      search("oil", tweak);
    } catch (const InvalidRequest& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message([](SearchRequest& q) { q.ranking.weighting = "tfidf"; }).find("weighting"), std::string::npos);
  EXPECT_NE(message([](SearchRequest& q) { q.ranking.bm25_k1 = -1; }).find("k1"), std::string::npos);
  EXPECT_NE(message([](SearchRequest& q) { q.ranking.bm25_b = 1.5; }).find("b must"), std::string::npos);
  EXPECT_NE(message([](SearchRequest& q) { q.ranking.bm25_b = std::nan(""); }).find("b must"), std::string::npos);
  EXPECT_NE(message([](SearchRequest& q) { q.ranking.feedback = "maybe"; }).find("feedback"), std::string::npos);
  EXPECT_NE(message([](SearchRequest& q) { q.ranking.feedback_docs = 1; }).find("feedback docs"), std::string::npos);
  EXPECT_NE(message([](SearchRequest& q) { q.ranking.feedback_terms = 0; }).find("feedback terms"), std::string::npos);
  EXPECT_NE(message([](SearchRequest& q) { q.ranking.feedback_weight = 2; }).find("feedback weight"),
            std::string::npos);
  EXPECT_NE(message([](SearchRequest& q) { q.ranking.proximity = -0.5; }).find("proximity"), std::string::npos);
  EXPECT_EQ(message([](SearchRequest& q) { q.ranking.weighting = "pl2"; }), "accepted");

  SearchRequest r = request_from_json(
      R"({"q": "oil", "ranking": {"weighting": "dlh", "k1": 1.5, "b": 0.5, "feedback": "off", "feedback_docs": 12,
          "feedback_terms": 7, "feedback_weight": 0.1, "proximity": 0.2}})");
  EXPECT_EQ(r.ranking.weighting, "dlh");
  EXPECT_DOUBLE_EQ(r.ranking.bm25_k1, 1.5);
  EXPECT_DOUBLE_EQ(r.ranking.bm25_b, 0.5);
  EXPECT_EQ(r.ranking.feedback, "off");
  EXPECT_EQ(r.ranking.feedback_docs, 12);
  EXPECT_EQ(r.ranking.feedback_terms, 7);
  EXPECT_DOUBLE_EQ(r.ranking.feedback_weight, 0.1);
  EXPECT_DOUBLE_EQ(r.ranking.proximity, 0.2);
  EXPECT_THROW(request_from_json(R"({"q": "oil", "ranking": {"mu": 2000}})"), InvalidRequest);
  EXPECT_THROW(request_from_json(R"({"q": "oil", "ranking": {"k1": "high"}})"), InvalidRequest);
  EXPECT_THROW(request_from_json(R"({"q": "oil", "ranking": {"feedback_docs": 1e30}})"), InvalidRequest);
  EXPECT_THROW(request_from_json(R"({"q": "oil", "ranking": "bm25"})"), InvalidRequest);
}

TEST_F(SearchFeaturesTest, RejectsBadLimits) {
  EXPECT_THROW(search("oil", [](SearchRequest& q) { q.time_limit_ms = -1; }), InvalidRequest);
  EXPECT_THROW(search("oil", [](SearchRequest& q) { q.recency_half_life_days = -2; }), InvalidRequest);
  EXPECT_THROW(search(std::string(5000, 'a')), InvalidRequest);
  EXPECT_NO_THROW(search("oil", [](SearchRequest& q) { q.time_limit_ms = 0; }));
}

}  // namespace
}  // namespace gazette
