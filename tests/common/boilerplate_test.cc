// SPDX-License-Identifier: GPL-2.0-or-later
#include "gazette/common/boilerplate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gazette/common/error.h"

namespace gazette {
namespace {

const char* kArticle =
    "The council approved the new tram line on Tuesday after a debate of four hours.\n\n"
    "Work will start in the spring and the first trams should run in 2028, the mayor said.";
const char* kKept = "...the mayor said.";

// Each case: a page tail (or head) around the article, and the rules that must remove it.
TEST(PageTailsTest, RemovesTheTailsScrapersKeepInSeveralLanguages) {
  struct Case {
    std::string before, after;
    std::vector<std::string> rules;  // of the removals, in body order
  };
  const std::vector<Case> cases = {
      // WordPress comment form and the site's name after it (the seed article).
      {"",
       "\n\nLeave a Reply\n\nYour email address will not be published. Required fields are marked *\n\n"
       "This site uses Akismet to reduce spam. Learn how your comment data is processed.\n\nNewseum Global",
       {"comment form", "comment form", "comment form", "after the tail"}},
      {"",
       "\n\nShare this:\nFacebook\nX\nWhatsApp\n\nRelated\n",
       {"share", "after the tail", "after the tail", "after the tail", "after the tail"}},
      {"",
       "\n\nRelated articles\nMayor opens bridge\nTram fares to rise",
       {"related", "after the tail", "after the tail"}},
      {"",
       "\n\nSubscribe to our newsletter\nEmail address\nSign up",
       {"subscribe", "after the tail", "after the tail"}},
      {"", "\n\n\xC2\xA9 2025 Harbor Times. All rights reserved.", {"copyright"}},
      {"", "\n\nWe use cookies to improve your experience. Accept", {"cookies"}},
      {"",
       "\n\nSchreibe einen Kommentar\n\nDeine E-Mail-Adresse wird nicht ver\xC3\xB6"
       "ffentlicht.",
       {"comment form", "comment form"}},
      {"",
       "\n\nLaisser un commentaire\n\nVotre adresse e-mail ne sera pas publi\xC3\xA9"
       "e.",
       {"comment form", "comment form"}},
      {"",
       "\n\nDeja una respuesta\n\nTu direcci\xC3\xB3n de correo electr\xC3\xB3nico no ser\xC3\xA1 publicada.",
       {"comment form", "comment form"}},
      {"", "\n\nDeixe um coment\xC3\xA1rio\n\nLeia tamb\xC3\xA9m", {"comment form", "related"}},
      {"", "\n\nLascia un commento", {"comment form"}},
      {"", "\n\nLaat een reactie achter", {"comment form"}},
      // Page furniture at the start.
      {"Skip to content\n\n", "", {"skip link"}},
      {"Advertisement\n\n", "\n\nAll rights reserved", {"advertisement", "copyright"}},
  };
  for (const Case& c : cases) {
    std::string body = c.before + kArticle + c.after;
    std::vector<Removal> removed = remove_page_tails(body);
    EXPECT_EQ(body, kArticle) << c.before << "|" << c.after << " (" << kKept << ")";
    std::vector<std::string> rules;
    for (const Removal& r : removed) rules.push_back(r.rule);
    EXPECT_EQ(rules, c.rules) << c.before << "|" << c.after;
    // Each removal names the bytes of the body as read.
    std::string read = c.before + kArticle + c.after;
    for (const Removal& r : removed) {
      ASSERT_LE(r.end, read.size());
      EXPECT_EQ(read.substr(r.start, r.end - r.start), r.text);
      EXPECT_FALSE(r.why.empty());
    }
  }
}

// Article text is never cut: a pattern inside or before prose, a long paragraph that begins like
// a pattern, a tail opener followed by more article, a body that is only a pattern.
TEST(PageTailsTest, NeverCutsIntoTheArticle) {
  const std::vector<std::string> bodies = {
      std::string(kArticle) +
          "\n\nShare this story with a friend, the mayor urged residents at the end of a "
          "long evening in which the council heard from dozens of speakers.",
      std::string("Related:\n\n") + kArticle,
      std::string(kArticle) +
          "\n\nRelated articles\n\nThe tram line is the city's first since 1961. Critics "
          "said the budget was too small for a project of its size.",
      std::string("Leave a comment below, the editor wrote, if you remember the old trams.\n\n") + kArticle,
      "Leave a Reply",
      "Comments are closed on this story because the council asked us to close them, the editor said.",
  };
  for (const std::string& b : bodies) {
    std::string body = b;
    std::vector<Removal> removed = remove_page_tails(body);
    EXPECT_TRUE(removed.empty()) << b;
    EXPECT_EQ(body, b);
  }
}

// The lead's furniture: each case is an article as read and what clean_article leaves of it.
TEST(CleanArticleTest, TakesTheLeadsFurnitureOutAndKeepsTheArticle) {
  struct Case {
    std::string title, section, body;
    std::vector<std::string> authors;  // as read
    std::string kept_start;            // the cleaned body starts so
    std::vector<std::string> rules;
    std::vector<std::string> authors_after;
    std::string dateline;
  };
  const std::string rest = "\n\nWork will start in the spring and the first trams should run in 2028.";
  const std::vector<Case> cases = {
      // A scraped news page (corpus/ HTML): section label, headline, byline, dateline.
      {"Baltic agency approves power cable",
       "world",
       "Energy\n\nBaltic agency approves power cable\n\nBy Meridian Wire \xC2\xB7 February 3, 2025\n\n"
       "RIGA (Meridian Wire) \xE2\x80\x94 The Baltic Energy Agency on Monday approved plans." +
           rest,
       {},
       "The Baltic Energy Agency on Monday",
       {"section label", "title repeat", "byline", "dateline"},
       {"Meridian Wire"},
       "RIGA (Meridian Wire)"},
      {"",
       "",
       "SEOUL, Jan 4 (Reuters) - South Korea said on Monday it would hold talks." + rest,
       {},
       "South Korea said",
       {"dateline"},
       {},
       "SEOUL, Jan 4 (Reuters)"},
      {"",
       "",
       "WASHINGTON, D.C. \xE2\x80\x94 Lawmakers passed the budget late on Friday." + rest,
       {},
       "Lawmakers",
       {"dateline"},
       {},
       "WASHINGTON, D.C."},
      {"",
       "",
       "Paris (AFP) - Museums reopened on Tuesday after a strike." + rest,
       {},
       "Museums",
       {"dateline"},
       {},
       "Paris (AFP)"},
      {"", "", "NEW YORK -- Stocks fell sharply in early trading." + rest, {}, "Stocks", {"dateline"}, {}, "NEW YORK"},
      {"",
       "",
       "S\xC3\x83O PAULO \xE2\x80\x93 Brazil's central bank raised rates." + rest,
       {},
       "Brazil",
       {"dateline"},
       {},
       "S\xC3\x83O PAULO"},
      // Bylines in several languages; their names become the authors when there are none.
      {"",
       "",
       "Par Camille Perrin et Luc Roy\n\nLa ville a battu son record de visiteurs." + rest,
       {},
       "La ville",
       {"byline"},
       {"Camille Perrin", "Luc Roy"},
       ""},
      {"",
       "",
       "By JANE DOE, Associated Press\n\nThe storm reached the coast overnight." + rest,
       {},
       "The storm",
       {"byline"},
       {"JANE DOE"},
       ""},
      {"",
       "",
       "Von Anna Schmidt | 3. M\xC3\xA4rz 2025\n\nDie Stadt plant eine neue Tram." + rest,
       {},
       "Die Stadt",
       {"byline"},
       {"Anna Schmidt"},
       ""},
      {"",
       "",
       "By Ana de la Cruz and Tom Hale\n\nThe port reopened." + rest,
       {"Desk"},
       "The port",
       {"byline"},
       {"Desk"},
       ""},
      // The author's name alone under the headline.
      {"Council approves the new tram line",
       "",
       "Council approves the new tram line\n\nMaris Kalnins\n\nThe "
       "council voted." +
           rest,
       {"Maris Kalnins"},
       "The council voted",
       {"title repeat", "byline"},
       {"Maris Kalnins"},
       ""},
      // The page's title, with the site's name.
      {"Council approves the new tram line",
       "",
       "Council approves the new tram line | Harbor Times\n\nThe council "
       "voted." +
           rest,
       {},
       "The council voted",
       {"title repeat"},
       {},
       ""},
      // The section alone at the start.
      {"", "Sport", "Sport\n\nThe derby ended in a draw." + rest, {}, "The derby", {"section label"}, {}, ""},
  };
  for (const Case& c : cases) {
    Article a;
    a.title = c.title;
    a.section = c.section;
    a.body = c.body;
    a.authors = c.authors;
    std::vector<Removal> removed = clean_article(a);
    EXPECT_EQ(a.body.substr(0, c.kept_start.size()), c.kept_start) << c.body;
    EXPECT_NE(a.body.find("first trams should run"), std::string::npos) << c.body;
    std::vector<std::string> rules;
    for (const Removal& r : removed) {
      rules.push_back(r.rule);
      EXPECT_EQ(c.body.substr(r.start, r.end - r.start), r.text) << c.body;
      EXPECT_FALSE(r.why.empty());
    }
    EXPECT_EQ(rules, c.rules) << c.body;
    EXPECT_EQ(a.authors, c.authors_after) << c.body;
    EXPECT_EQ(a.dateline, c.dateline) << c.body;
  }
}

// Lines that look like furniture but are the article's: left alone.
TEST(CleanArticleTest, LeavesTheArticlesOwnFirstLinesAlone) {
  const std::string rest = "\n\nWork will start in the spring and the first trams should run in 2028.";
  const std::vector<std::string> bodies = {
      "By the end of the year, the council said, the line will be open." + rest,
      "By Tuesday the water had risen." + rest,
      "By Monday, officials said." + rest,
      "Paris is preparing for the Olympics \xE2\x80\x94 and for the crowds." + rest,
      "NATO said on Monday - after long talks - that it would meet again." + rest,
      "Energy\n\nThe Baltic Energy Agency approved the cable on Monday." + rest,  // no headline after it
      "The UN \xE2\x80\x94 in a rare move \xE2\x80\x94 voted unanimously." + rest,
      "RIGA \xE2\x80\x94",  // a dateline with nothing after it is no dateline
      "By Meridian Wire",   // a body of one line is all article
  };
  for (const std::string& b : bodies) {
    Article a;
    a.title = "Council approves the new tram line";
    a.body = b;
    std::vector<Removal> removed = clean_article(a);
    EXPECT_TRUE(removed.empty()) << b << ": " << (removed.empty() ? "" : removed[0].rule);
    EXPECT_EQ(a.body, b);
    EXPECT_TRUE(a.dateline.empty()) << b;
    EXPECT_TRUE(a.authors.empty()) << b;
  }
}

// A small generated site: articles of varied text, each with some of the site's boilerplate
// (varied in case, figures and white space) at its start, middle and end.
std::vector<Article> generated_site(const std::string& folder, int count, unsigned seed) {
  static const char* words[] = {"harbour",  "strike", "minister", "energy",  "cable",   "market",  "council", "river",
                                "school",   "budget", "storm",    "vote",    "museum",  "grain",   "railway", "court",
                                "festival", "bridge", "pension",  "fishing", "drought", "airport", "union",   "tariff"};
  std::uint32_t state = seed;
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  std::vector<Article> out;
  for (int i = 0; i < count; ++i) {
    std::vector<std::string> paras;
    for (int p = 0; p < 5; ++p) {
      std::string para;
      for (int w = 0; w < 30; ++w) para += std::string(words[(next() >> 8) % 24]) + (w == 29 ? "." : " ");
      paras.push_back(para);
    }
    std::string body;
    if ((next() >> 8) % 3 != 0)
      body += "Updated " + std::to_string((next() >> 8) % 28 + 1) +
              " March at 10:" + std::to_string(10 + (next() >> 8) % 50) + "\n\n";
    for (int p = 0; p < 5; ++p) {
      body += paras[p] + "\n\n";
      if (p == 2 && (next() >> 8) % 2 == 0)
        body += ((next() >> 8) % 2 ? "Story continues below\n\n" : "STORY CONTINUES  BELOW\n\n");
    }
    if ((next() >> 8) % 4 != 0) body += "Get the Harbor Times briefing in your inbox at 7am, free.\n\n";
    body += "Follow the Harbor Times on social media.";
    Article a;
    a.id = folder + "/" + std::to_string(i) + ".txt";
    a.path = "/data/" + a.id;
    a.body = body;
    out.push_back(std::move(a));
  }
  return out;
}

TEST(RecurringLinesTest, LinesThatRecurInASourcesArticlesGoAndTheArticlesStay) {
  std::vector<Article> site = generated_site("scrape/harbor", 40, 1);
  RecurringLines lines;
  for (const Article& a : site) lines.add(source_key(a), RecurringLines::signatures(a.body));
  EXPECT_EQ(source_key(site[0]), "folder:scrape/harbor");
  EXPECT_GE(lines.recurring(), 3u);  // the update note, "story continues", the briefing, the follow line
  for (Article a : site) {
    const std::string read = a.body;
    std::vector<Removal> removed = clean_article(a, &lines);
    EXPECT_EQ(a.body.find("Harbor Times"), std::string::npos) << a.body;
    EXPECT_EQ(a.body.find("Updated"), std::string::npos) << a.body;
    EXPECT_EQ(a.body.find("ontinue"), std::string::npos) << a.body;
    EXPECT_EQ(std::count(a.body.begin(), a.body.end(), '.'), 5) << a.body;  // the five paragraphs, whole
    for (const Removal& r : removed) {
      EXPECT_EQ(read.substr(r.start, r.end - r.start), r.text);
      EXPECT_EQ(r.rule, "recurring line");
      EXPECT_NE(r.why.find("articles of folder:scrape/harbor"), std::string::npos) << r.why;
    }
  }
  // Another site's article with the same lines: they are not its boilerplate (not counted there).
  std::vector<Article> other = generated_site("scrape/ledger", 1, 2);
  std::string before = other[0].body;
  clean_article(other[0], &lines);
  EXPECT_NE(other[0].body.find("Follow the Harbor Times"), std::string::npos);
}

TEST(RecurringLinesTest, ARareLineARepublishedStoryAndFiguresAreNotBoilerplate) {
  RecurringLines lines;
  // 300 articles of one source; a sentence in 5 of them (under 2% of the source) does not recur.
  for (int i = 0; i < 300; ++i) {
    std::vector<std::uint64_t> sigs = {
        RecurringLines::signature("line " + std::string(1, static_cast<char>('a' + i % 26)) + std::to_string(i) + "x")};
    if (i < 5) sigs.push_back(RecurringLines::signature("The minister declined to comment."));
    lines.add("source:a", sigs);
  }
  EXPECT_FALSE(lines.recurs("source:a", RecurringLines::signature("The minister declined to comment.")));
  EXPECT_EQ(lines.count("source:a", RecurringLines::signature("the MINISTER declined  to comment.")), 5u);
  // A story republished four times: all of it recurs, so none of it is taken.
  RecurringLines wire;
  const std::string story = "The port reopened on Monday after a week.\n\nShips queued outside for days.\n\nRead more";
  for (int i = 0; i < 4; ++i) wire.add("source:b", RecurringLines::signatures(story));
  Article a;
  a.source = "B";
  a.body = story;
  EXPECT_EQ(source_key(a), "source:b");
  std::vector<Removal> removed = clean_article(a, &wire);
  ASSERT_EQ(removed.size(), 1u);  // only the "Read more" pattern line at its end
  EXPECT_EQ(removed[0].rule, "related");
  // Lines of figures alone (a table's rows) are never counted.
  EXPECT_TRUE(RecurringLines::signatures("78,000\n\n29,603\n\n2-1").empty());
}

TEST(RecurringLinesTest, StoredRecordsReadBackAndMalformedOnesAreErrors) {
  RecurringLines lines;
  std::vector<std::uint64_t> sigs = RecurringLines::signatures("Sign up now\n\nShare");
  for (int i = 0; i < 6; ++i) lines.add("site:example.com", sigs);
  lines.add("site:example.com", RecurringLines::signatures("A line seen once"));
  RecurringLines back;
  for (const auto& [key, record] : lines.records()) back.add_record(record);
  EXPECT_EQ(back.articles("site:example.com"), 7u);
  EXPECT_EQ(back.count("site:example.com", RecurringLines::signature("sign up NOW")), 6u);
  EXPECT_EQ(back.count("site:example.com", RecurringLines::signature("A line seen once")), 0u);  // not stored
  EXPECT_EQ(back.recurring(), 2u);
  std::string record = lines.records()[0].second;
  for (std::size_t cut = 0; cut < record.size(); ++cut) {
    RecurringLines r;
    EXPECT_THROW(r.add_record(record.substr(0, cut)), DataError) << cut;
  }
  RecurringLines r;
  EXPECT_THROW(r.add_record(record + "x"), DataError);
  Article a;
  a.url = "https://www.Example.com:8080/news/1";
  EXPECT_EQ(source_key(a), "site:example.com");
}

}  // namespace
}  // namespace gazette
