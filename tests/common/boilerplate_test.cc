// SPDX-License-Identifier: GPL-2.0-or-later
#include "gazette/common/boilerplate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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
      {"", "\n\nLeave a Reply\n\nYour email address will not be published. Required fields are marked *\n\n"
           "This site uses Akismet to reduce spam. Learn how your comment data is processed.\n\nNewseum Global",
       {"comment form", "comment form", "comment form", "after the tail"}},
      {"", "\n\nShare this:\nFacebook\nX\nWhatsApp\n\nRelated\n", {"share", "after the tail", "after the tail",
                                                                  "after the tail", "after the tail"}},
      {"", "\n\nRelated articles\nMayor opens bridge\nTram fares to rise", {"related", "after the tail", "after the tail"}},
      {"", "\n\nSubscribe to our newsletter\nEmail address\nSign up", {"subscribe", "after the tail", "after the tail"}},
      {"", "\n\n\xC2\xA9 2025 Harbor Times. All rights reserved.", {"copyright"}},
      {"", "\n\nWe use cookies to improve your experience. Accept", {"cookies"}},
      {"", "\n\nSchreibe einen Kommentar\n\nDeine E-Mail-Adresse wird nicht ver\xC3\xB6" "ffentlicht.",
       {"comment form", "comment form"}},
      {"", "\n\nLaisser un commentaire\n\nVotre adresse e-mail ne sera pas publi\xC3\xA9" "e.",
       {"comment form", "comment form"}},
      {"", "\n\nDeja una respuesta\n\nTu direcci\xC3\xB3n de correo electr\xC3\xB3nico no ser\xC3\xA1 publicada.",
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
      std::string(kArticle) + "\n\nShare this story with a friend, the mayor urged residents at the end of a "
                              "long evening in which the council heard from dozens of speakers.",
      std::string("Related:\n\n") + kArticle,
      std::string(kArticle) + "\n\nRelated articles\n\nThe tram line is the city's first since 1961. Critics "
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

}  // namespace
}  // namespace gazette
