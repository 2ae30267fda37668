// SPDX-License-Identifier: GPL-2.0-or-later
// Golden tests of the query language (Query::get_description()), and of malformed input.
#include "query_builder.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

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

// A phrase may be typed with the typographic and national quotes of any language.
TEST(QueryBuilderTest, NationalQuotesMakePhrases) {
  const std::string phrase = describe("\"north korea\"");
  for (const char* q :
       {"\xE2\x80\x9Cnorth korea\xE2\x80\x9D", "\xE2\x80\x9Enorth korea\xE2\x80\x9C", "\xC2\xABnorth korea\xC2\xBB",
        "\xC2\xBB north korea \xC2\xAB", "\xE2\x80\xB9north korea\xE2\x80\xBA", "\xE3\x80\x8Cnorth korea\xE3\x80\x8D",
        "\xEF\xBC\x82north korea\xEF\xBC\x82"}) {
    BuiltQuery b = build(q);
    EXPECT_EQ(b.query.get_description(), phrase) << q;
    EXPECT_TRUE(b.warnings.empty()) << q;
  }
  // Unterminated, it is searched as words, with a warning.
  BuiltQuery open = build("\xE2\x80\x9Cnorth korea");
  EXPECT_EQ(open.warnings.size(), 1u);
  EXPECT_NE(open.query.get_description().find("korea"), std::string::npos);
}

// Property: whatever the text (random Unicode, brackets and quotes unbalanced, operators in every
// position, 4,096 bytes), build() answers a query or throws the library's InvalidRequest only.
TEST(QueryBuilderTest, NoGeneratedQueryFails) {
  const std::vector<std::string> pieces = {"oil",
                                           "gas",
                                           "AND",
                                           "OR",
                                           "NOT",
                                           "NEAR",
                                           "NEAR/3",
                                           "ADJ/2",
                                           "(",
                                           ")",
                                           "\"",
                                           "\xE2\x80\x9C",
                                           "\xE2\x80\x9D",
                                           "\xE2\x80\x9E",
                                           "\xC2\xAB",
                                           "\xC2\xBB",
                                           "\xE3\x80\x8C",
                                           "\xEF\xBC\x82",
                                           "\xE2\x80\x98",
                                           "\xE2\x80\x99",
                                           "+",
                                           "-",
                                           "*",
                                           "title:",
                                           "person:",
                                           "place:",
                                           "org:",
                                           "date:",
                                           "source:",
                                           "lang:",
                                           "2025-01..2025-02",
                                           "..",
                                           ":",
                                           "\xEF\xBC\xA1\xEF\xBC\xAE\xEF\xBC\xA4",
                                           "\xEF\xBC\x88",
                                           "\xEF\xBC\x89",
                                           "\xEF\xBC\x8B",
                                           "\xE6\x9D\xB1\xE4\xBA\xAC",
                                           "\xEC\x84\x9C\xEC\x9A\xB8",
                                           "\xD9\x85\xD8\xB5\xD8\xB1",
                                           "\xCD\xBA",
                                           "\xE3\x8D\x88",
                                           "\xEF\xAC\x81",
                                           "Kim's's",
                                           " ",
                                           "  ",
                                           "\t",
                                           "\xC2\xA0",
                                           "\xE2\x80\x8B",
                                           "~",
                                           "^",
                                           "\\"};
  std::mt19937 rng(20261201);
  Analyzer analyzer;
  QueryBuilder builder(analyzer);
  int answered = 0, refused = 0;
  for (int n = 0; n < 3000; ++n) {
    std::string text;
    std::size_t target = n % 100 == 0 ? 4096 : rng() % 60;
    while (text.size() < target) {
      if (rng() % 4 == 0) {
        // A random code point, valid UTF-8.
        char32_t cp = 0x20 + rng() % 0x2FFE0;
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0x41;
        char buf[4];
        std::size_t len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (len == 1) buf[0] = static_cast<char>(cp);
        if (len == 2) buf[0] = static_cast<char>(0xC0 | (cp >> 6)), buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
        if (len == 3) {
          buf[0] = static_cast<char>(0xE0 | (cp >> 12));
          buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
        }
        if (len == 4) {
          buf[0] = static_cast<char>(0xF0 | (cp >> 18));
          buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
          buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
        }
        text.append(buf, len);
      } else {
        text += pieces[rng() % pieces.size()];
        if (rng() % 2 == 0) text += ' ';
      }
    }
    QueryOptions options;
    options.default_or = n % 2 == 1;
    options.allow_empty = n % 3 == 0;
    options.max_all_words = n % 5 == 0 ? 0 : 3;
    try {
      BuiltQuery q = builder.build(text, options);
      (void)q.query.get_description();
      ++answered;
    } catch (const InvalidRequest&) {
      ++refused;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "build() threw " << e.what() << " for: " << text;
    }
  }
  EXPECT_EQ(answered + refused, 3000);
  EXPECT_GT(answered, 2000);  // most queries have words to search
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
  EXPECT_EQ(describe("+oil gas source:bbc", true), "Query((((oil OR Zoil) AND 0 * XSRCbbc) AND_MAYBE (gas OR Zgas)))");
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
