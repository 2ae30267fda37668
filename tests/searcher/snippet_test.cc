// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of snippet passage choice, highlighting and escaping.
#include "snippet.h"

#include <gtest/gtest.h>

namespace gazette::searcher {
namespace {

TEST(SnippetTest, HighlightsExactAndStemmedMatches) {
  Analyzer a;
  std::string s = make_snippet(a, "Profits rose. The profit was large.", {"profit"}, {"profit"}, "en", 200);
  EXPECT_EQ(s, "<mark>Profits</mark> rose. The <mark>profit</mark> was large.");
}

TEST(SnippetTest, PicksThePassageWithMostDistinctWordsAndMarksCuts) {
  Analyzer a;
  std::string text = "Opening words about nothing in particular. " + std::string(200, 'x') +
                     " filler. Here Time Warner reported a profit today. More text follows here and there.";
  std::string s = make_snippet(a, text, {"time", "warner", "profit"}, {}, "en", 60);
  EXPECT_NE(s.find("<mark>Time</mark> <mark>Warner</mark>"), std::string::npos) << s;
  EXPECT_NE(s.find("<mark>profit</mark>"), std::string::npos) << s;
  EXPECT_EQ(s.rfind("\xE2\x80\xA6 ", 0), 0u) << s;  // starts with an ellipsis
  EXPECT_LE(s.size(), 60u + 80u);                   // passage + markup
}

TEST(SnippetTest, EscapesHtmlInSourceText) {
  Analyzer a;
  std::string s = make_snippet(a, "Use <script>alert('x')</script> & profit", {"profit"}, {}, "en", 200);
  EXPECT_EQ(s, "Use &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; <mark>profit</mark>");
}

TEST(SnippetTest, WithoutMatchesShowsTheStart) {
  Analyzer a;
  EXPECT_EQ(make_snippet(a, "First words here.\n\nSecond paragraph is long.", {"zzz"}, {}, "en", 20),
            "First words here. \xE2\x80\xA6");
  EXPECT_EQ(make_snippet(a, "", {"x"}, {}, "en", 20), "");
}

}  // namespace
}  // namespace gazette::searcher
