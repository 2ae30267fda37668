// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of the shared analyser: segmentation, folding, stemming per language, CJK, language id.
#include "gazette/common/analyzer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gazette {
namespace {

std::string terms(const std::string& text) {
  Analyzer a;
  std::string out;
  for (const Token& t : a.tokenize(text)) {
    if (!out.empty()) out += ' ';
    out += t.term;
  }
  return out;
}

TEST(AnalyzerTest, SegmentsAndNormalisesWords) {
  struct Case {
    const char* input;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"Hello, World!", "hello world"},
      {"The U.S. economy", "the us economy"},
      {"U.S.A. and U.K.", "usa and uk"},
      {"Kim's speech", "kim speech"},
      {"Kim\xE2\x80\x99s speech", "kim speech"},
      {"students' union", "students union"},
      {"don't stop", "don't stop"},
      {"well-known state-run media", "well known state run media"},
      {"1,000 people and 3.5%", "1000 people and 3.5"},
      {"\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3 fullwidth", "abc fullwidth"},  // NFKC: ＡＢＣ
      {"Stra\xC3\x9F"
       "e",
       "strasse"},                               // case folding: ß -> ss
      {"\xC3\x89LECTIONS", "\xC3\xA9lections"},  // ÉLECTIONS -> élections
      {"  \t\n ", ""},
      {"---", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(terms(c.input), c.expected) << "input: " << c.input;
}

TEST(AnalyzerTest, ReportsByteOffsetsOfWords) {
  Analyzer a;
  std::string text = "Caf\xC3\xA9 au lait";
  std::vector<Token> tokens = a.tokenize(text);
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(text.substr(tokens[0].start, tokens[0].end - tokens[0].start), "Caf\xC3\xA9");
  EXPECT_EQ(text.substr(tokens[2].start, tokens[2].end - tokens[2].start), "lait");
}

TEST(AnalyzerTest, SegmentsJapaneseAndChineseWithoutSpaces) {
  // 東京で地震があった: Tokyo / de / earthquake / ga / atta
  std::string ja = terms(
      "\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xA7\xE5\x9C\xB0\xE9\x9C\x87\xE3\x81\x8C\xE3\x81\x82\xE3\x81\xA3\xE3\x81\x9F");
  EXPECT_NE(ja.find("\xE6\x9D\xB1\xE4\xBA\xAC"), std::string::npos) << ja;   // 東京
  EXPECT_NE(ja.find(" \xE5\x9C\xB0\xE9\x9C\x87"), std::string::npos) << ja;  // 地震 as its own word
  // 北京是中国的首都 (Beijing is China's capital)
  std::string zh =
      terms("\xE5\x8C\x97\xE4\xBA\xAC\xE6\x98\xAF\xE4\xB8\xAD\xE5\x9B\xBD\xE7\x9A\x84\xE9\xA6\x96\xE9\x83\xBD");
  EXPECT_EQ(zh.rfind("\xE5\x8C\x97\xE4\xBA\xAC ", 0), 0u) << zh;  // 北京 first word
  // Thai: ภาษาไทย (Thai language) splits into two words
  std::string th = terms("\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2\xE0\xB9\x84\xE0\xB8\x97\xE0\xB8\xA2");
  EXPECT_NE(th.find(' '), std::string::npos) << th;
}

TEST(AnalyzerTest, StemsInTheArticleLanguage) {
  struct Case {
    const char* term;
    const char* lang;
    const char* stem;
  };
  const std::vector<Case> cases = {
      {"elections", "en", "elect"},
      {"running", "en", "run"},
      {"h\xC3\xA4user", "de", "haus"},      // Häuser
      {"\xC3\xA9lections", "fr", "elect"},  // élections: stem, then fold diacritics
      {"elecciones", "es", "eleccion"},
      {"2025", "en", ""},                      // numbers have no stem
      {"\xE6\x9D\xB1\xE4\xBA\xAC", "ja", ""},  // 東京: no stemmer for Japanese
      {"word", "xx", ""},                      // unknown language: none
      {"\xEC\x84\x9C\xEC\x9A\xB8\xEC\x97\x90\xEC\x84\x9C", "ko", "\xEC\x84\x9C\xEC\x9A\xB8"},  // 서울에서 -> 서울
      {"\xEC\x84\xA0\xEA\xB1\xB0\xEB\xA5\xBC", "ko", "\xEC\x84\xA0\xEA\xB1\xB0"},              // 선거를 -> 선거
      {"\xEC\x84\xA0\xEA\xB1\xB0", "ko", "\xEC\x84\xA0\xEA\xB1\xB0"},                          // 선거 stays
  };
  Analyzer a;
  for (const Case& c : cases) EXPECT_EQ(a.stem(c.term, c.lang), c.stem) << c.term << " (" << c.lang << ")";
}

TEST(AnalyzerTest, FoldsDiacriticsOnlyOnLatinLetters) {
  EXPECT_EQ(fold_latin_diacritics("\xC3\xA9lections S\xC3\xA3o Paulo"), "elections Sao Paulo");
  // Japanese voiced kana (が) must keep its mark.
  EXPECT_EQ(fold_latin_diacritics("\xE3\x81\x8C"), "\xE3\x81\x8C");
}

TEST(AnalyzerTest, IdentifiesLanguages) {
  EXPECT_EQ(detect_language("The government announced on Tuesday that it would raise taxes on large "
                            "companies to pay for new schools and hospitals across the country."),
            "en");
  EXPECT_EQ(
      detect_language("Die Bundesregierung will Eigent\xC3\xBCmer \xC3\xA4lterer H\xC3\xA4user k\xC3\xBCnftig "
                      "st\xC3\xA4rker bei der energetischen Sanierung unterst\xC3\xBCtzen, hie\xC3\x9F es am Montag."),
      "de");
  EXPECT_EQ(detect_language("Le gouvernement a annonc\xC3\xA9 mardi une hausse des imp\xC3\xB4ts pour financer "
                            "de nouvelles \xC3\xA9"
                            "coles et des h\xC3\xB4pitaux dans tout le pays."),
            "fr");
  EXPECT_EQ(
      detect_language("\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xA7\xE9\x9C\x87\xE5\xBA\xA6\x35\xE5\xBC\xB1\xE3\x81\xAE"
                      "\xE5\x9C\xB0\xE9\x9C\x87\xE3\x81\x8C\xE3\x81\x82\xE3\x82\x8A\xE3\x80\x81\xE4\xBA\xA4\xE9\x80\x9A"
                      "\xE6\xA9\x9F\xE9\x96\xA2\xE3\x81\xAB\xE4\xB8\x80\xE6\x99\x82\xE4\xB9\xB1\xE3\x82\x8C\xE3\x81\x8C"
                      "\xE5\x87\xBA\xE3\x81\x9F\xE3\x80\x82"),
      "ja");
  EXPECT_EQ(detect_language("x"), "");
}

// Names carry the language they come from, not the text's: an English results table of clubs
// from Serbia (written here for the test) is English.
TEST(AnalyzerTest, NamesDoNotDecideTheLanguage) {
  std::string table =
      "SOCCER - YUGOSLAV LEAGUE RESULTS / STANDINGS .\n\nBELGRADE 1996-08-31\n\nResults of Yugoslav league "
      "soccer matches played on Saturday :\n\nDivision A\n\nHajduk 2 Proleter ( Z ) 0\n\nZemun 1 Rad ( B ) 0\n\n"
      "Borac 1 Mladost ( L ) 2\n\nCukaricki 1 Vojvodina 0\n\nBuducnost 1 Crvena Zvezda 3\n\nPartizan 6 Becej 0\n\n"
      "Standings ( tabulate under won , drawn , lost , goals for , goals against , points ) :\n\n"
      "Crvena Zvezda 4 4 0 0 9 3 12\n\nPartizan 4 3 1 0 10 2 10\n\nObilic 4 3 0 1 7 4 9\n\nZemun 4 2 1 1 5 4 7\n";
  EXPECT_EQ(detect_language(table), "en");
  // German capitalises its nouns, and is still German.
  EXPECT_EQ(
      detect_language("Die Bundesregierung will Eigent\xC3\xBCmer \xC3\xA4lterer H\xC3\xA4user k\xC3\xBCnftig "
                      "st\xC3\xA4rker bei der energetischen Sanierung unterst\xC3\xBCtzen, hie\xC3\x9F es am Montag "
                      "in Berlin. Die Kosten sollen vor allem Familien mit kleinen Einkommen nicht \xC3\xBC"
                      "berfordern, "
                      "sagte die Ministerin nach der Sitzung des Kabinetts."),
      "de");
}

TEST(AnalyzerTest, FoldCaseTrimsAndFolds) {
  EXPECT_EQ(fold_case("  Harbor TIMES "), "harbor times");
  EXPECT_EQ(fold_case("\xC3\x89"
                      "tat"),
            "\xC3\xA9tat");
}

TEST(AnalyzerTest, SurvivesInvalidUtf8) {
  Analyzer a;
  std::vector<Token> tokens = a.tokenize(std::string("ok \xFF\xFE broken \xC3"));
  ASSERT_FALSE(tokens.empty());
  EXPECT_EQ(tokens.front().term, "ok");
}

}  // namespace
}  // namespace gazette
