// SPDX-License-Identifier: GPL-2.0-or-later
// Golden tests of query construction (Query::get_description()).
#include "query_builder.h"

#include <gtest/gtest.h>

#include "gazette/common/error.h"

namespace gazette::searcher {
namespace {

std::string describe(const std::string& text, const std::string& lang = "en") {
  Analyzer analyzer;
  QueryBuilder builder(analyzer);
  return builder.build(text, lang, "en").query.get_description();
}

TEST(QueryBuilderTest, BuildsQueriesFromAnalyserTokens) {
  struct Case {
    const char* text;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"profit", "Query((profit OR Zprofit))"},
      {"Rising profits", "Query(((rising OR Zrise) AND (profits OR Zprofit)))"},
      {"\"Time Warner\" profit", "Query(((time PHRASE 2 warner) AND (profit OR Zprofit)))"},
      {"\"Warner\"", "Query(warner)"},
      {"U.S. Kim's", "Query(((us OR Zus) AND (kim OR Zkim)))"},
      {"\"unterminated phrase", "Query(((unterminated OR Zuntermin) AND (phrase OR Zphrase)))"},
      {"2025", "Query(2025)"},
      {"\xE2\x80\x9CTime Warner\xE2\x80\x9D", "Query((time PHRASE 2 warner))"},
  };
  for (const Case& c : cases) EXPECT_EQ(describe(c.text), c.expected) << c.text;
}

TEST(QueryBuilderTest, StemsInTheGivenLanguage) {
  EXPECT_EQ(describe("H\xC3\xA4user", "de"), "Query((h\xC3\xA4user OR Zhaus))");
}

TEST(QueryBuilderTest, RejectsQueriesWithoutWords) {
  Analyzer analyzer;
  QueryBuilder builder(analyzer);
  EXPECT_THROW(builder.build("", "", "en"), InvalidRequest);
  EXPECT_THROW(builder.build(" -- ?! ", "", "en"), InvalidRequest);
}

}  // namespace
}  // namespace gazette::searcher
