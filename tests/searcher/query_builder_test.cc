// SPDX-License-Identifier: GPL-2.0-or-later
// Golden tests of the query language (Query::get_description()), and of malformed input.
#include "query_builder.h"

#include <gtest/gtest.h>

#include "gazette/common/error.h"

namespace gazette::searcher {
namespace {

BuiltQuery build(const std::string& text, bool relaxed = false, const std::string& lang = "en") {
  Analyzer analyzer;
  QueryBuilder builder(analyzer);
  QueryOptions options;
  options.lang = lang;
  options.default_or = relaxed;
  options.allow_empty = true;
  return builder.build(text, options);
}

std::string describe(const std::string& text, bool relaxed = false) {
  return build(text, relaxed).query.get_description();
}

TEST(QueryBuilderTest, EveryConstructOfTheLanguage) {
  struct Case {
    const char* text;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"profit", "Query((profit OR Zprofit))"},
      {"Rising profits", "Query(((rising OR Zrise) AND (profits OR Zprofit)))"},
      {"\"Time Warner\" profit", "Query(((time PHRASE 2 warner) AND (profit OR Zprofit)))"},
      {"\"Warner\"", "Query(warner)"},  // a quoted word: exact form only
      {"\xE2\x80\x9CTime Warner\xE2\x80\x9D", "Query((time PHRASE 2 warner))"},
      {"U.S. Kim's", "Query(((us OR Zus) AND (kim OR Zkim)))"},
      {"2025", "Query(2025)"},
      {"oil AND gas", "Query(((oil OR Zoil) AND (gas OR Zgas)))"},
      {"oil OR gas", "Query(((oil OR Zoil) OR (gas OR Zgas)))"},
      {"oil NOT gas", "Query(((oil OR Zoil) AND_NOT (gas OR Zgas)))"},
      {"oil -gas", "Query(((oil OR Zoil) AND_NOT (gas OR Zgas)))"},
      {"-gas", "Query((<alldocuments> AND_NOT (gas OR Zgas)))"},
      {"+oil gas", "Query(((oil OR Zoil) AND (gas OR Zgas)))"},
      {"(oil OR gas) AND prices", "Query((((oil OR Zoil) OR (gas OR Zgas)) AND (prices OR Zprice)))"},
      {"oil NEAR gas", "Query((oil NEAR 11 gas))"},
      {"oil NEAR/3 gas", "Query((oil NEAR 4 gas))"},
      {"oil ADJ gas", "Query((oil PHRASE 2 gas))"},
      {"missil*", "Query(WILDCARD SYNONYM missil)"},
      {"title:profit", "Query((Sprofit OR ZSprofit))"},
      {"title:\"time warner\"", "Query((Stime PHRASE 2 Swarner))"},
      {"author:\"Jana Vermeer\"", "Query(0 * Ajana vermeer)"},
      {"source:\"Harbor Times\"", "Query(0 * XSRCharbor times)"},
      {"section:business", "Query(0 * XSECTIONbusiness)"},
      {"lang:de", "Query(0 * Lde)"},
      {"person:\"Kim Jong Un\"", "Query(0 * XPERkim jong un)"},
      {"date:2025-03", "Query(0 * M202503)"},
      {"state-run media", "Query(((state PHRASE 2 run) AND (media OR Zmedia)))"},
  };
  for (const Case& c : cases) {
    BuiltQuery q = build(c.text);
    EXPECT_EQ(q.query.get_description(), c.expected) << c.text;
    EXPECT_TRUE(q.warnings.empty()) << c.text;
  }
}

TEST(QueryBuilderTest, DateRangesCoverWholePeriodsAndOpenEnds) {
  EXPECT_EQ(describe("date:2025-01-01..2025-06-30").rfind("Query(VALUE_RANGE 0 ", 0), 0u);
  EXPECT_EQ(describe("date:2025..").rfind("Query(VALUE_GE 0 ", 0), 0u);
  EXPECT_EQ(describe("date:..2024-12").rfind("Query(VALUE_LE 0 ", 0), 0u);
  // The end of a range is the last second of its period.
  Xapian::Query q = date_range_query("2024..2024");
  EXPECT_EQ(q.get_description(), date_range_query("2024-01-01..2024-12-31").get_description());
  EXPECT_THROW(date_range_query("2025..2024"), InvalidRequest);
  EXPECT_THROW(date_range_query(".."), InvalidRequest);
  EXPECT_THROW(date_range_query("2025-13..2026"), InvalidRequest);
}

TEST(QueryBuilderTest, MalformedQueriesFallBackToWordsWithAWarning) {
  struct Case {
    const char* text;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"\"unterminated phrase", "Query(((unterminated OR Zuntermin) AND (phrase OR Zphrase)))"},
      {"oil AND", "Query((oil OR Zoil))"},
      {"(oil gas", "Query(((oil OR Zoil) AND (gas OR Zgas)))"},
      {"oil )", "Query((oil OR Zoil))"},
      {"NEAR gas", "Query((gas OR Zgas))"},
      {"OR oil", "Query((oil OR Zoil))"},
      {"\"oil gas\" NEAR price", "Query(((oil OR Zoil) AND (gas OR Zgas) AND (price OR Zprice)))"},
  };
  for (const Case& c : cases) {
    BuiltQuery q = build(c.text);
    EXPECT_EQ(q.query.get_description(), c.expected) << c.text;
    ASSERT_EQ(q.warnings.size(), 1u) << c.text;
    EXPECT_NE(q.warnings[0].find("could not parse"), std::string::npos);
  }
}

// Found by fuzzing: an operator that wants a word after it, last in the query, read past the
// token list (heap-buffer-overflow under ASan; garbage in a release build).
TEST(QueryBuilderTest, OperatorsAtTheEndNeverReadPastTheQuery) {
  for (const char* q : {"oil NOT", "oil -", "oil +", "oil NEAR", "oil ADJ/2", "oil AND", "(oil NOT",
                        "oil NEAR gas NEAR", "\"oil\" ADJ", "oil OR", "NOT oil NOT"}) {
    BuiltQuery b = build(q);
    // Still a search for its word, not a failure.
    EXPECT_NE(b.query.get_description().find("oil"), std::string::npos) << q << ": " << b.query.get_description();
  }
}

TEST(QueryBuilderTest, RelaxedReadingMakesBareWordsOptional) {
  BuiltQuery strict = build("oil gas prices");
  EXPECT_TRUE(strict.relaxable);
  EXPECT_EQ(describe("oil gas", true), "Query(((oil OR Zoil) OR (gas OR Zgas)))");
  // +words and filters stay required.
  EXPECT_EQ(describe("+oil gas source:bbc", true),
            "Query((((oil OR Zoil) AND 0 * XSRCbbc) AND_MAYBE (gas OR Zgas)))");
  EXPECT_FALSE(build("oil OR gas").relaxable);
  EXPECT_FALSE(build("oil").relaxable);
  EXPECT_FALSE(build("oil source:bbc").relaxable);
  EXPECT_FALSE(build("oil date:2024..2025").relaxable);
}

TEST(QueryBuilderTest, StemsInTheQueryLanguage) {
  EXPECT_EQ(build("H\xC3\xA4user", false, "de").query.get_description(), "Query((h\xC3\xA4user OR Zhaus))");
}

TEST(QueryBuilderTest, CollectsWordsForHighlightingAndClausesForExplain) {
  BuiltQuery q = build("\"Time Warner\" profits -loss");
  EXPECT_EQ(q.words.count("time") + q.words.count("warner") + q.words.count("profits"), 3u);
  EXPECT_EQ(q.stems.count("profit"), 1u);
  ASSERT_EQ(q.clauses.size(), 2u);  // the phrase and the word; the exclusion scores nothing
  EXPECT_EQ(q.clause_labels[0], "\"Time Warner\"");
  EXPECT_EQ(q.clause_labels[1], "profits");
}

TEST(QueryBuilderTest, EmptyQueriesMatchAllOnlyWhenAllowed) {
  Analyzer analyzer;
  QueryBuilder builder(analyzer);
  QueryOptions options;
  EXPECT_THROW(builder.build("", options), InvalidRequest);
  EXPECT_THROW(builder.build(" -- ?! ", options), InvalidRequest);
  options.allow_empty = true;
  EXPECT_EQ(builder.build("", options).query.get_description(), "Query(<alldocuments>)");
}

}  // namespace
}  // namespace gazette::searcher
