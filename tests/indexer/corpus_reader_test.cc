// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of file discovery and the .txt, .json, .jsonl and .html readers, good and bad input.
#include "corpus_reader.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <iterator>
#include <map>

#include "gazette/common/boilerplate.h"
#include "gazette/common/dates.h"
#include "gazette/common/encoding.h"
#include "gazette/common/error.h"
#include "support/temp_index.h"

namespace gazette::indexer {
namespace {

using gazette::testing::TempDir;

std::string published(const Article& a) { return a.published ? format_iso8601(*a.published) : "-"; }

TEST(CorpusReaderTest, ReadsTextWithHeaderBlock) {
  FileContents c = read_text_article(
      "Title: Port strike halts traffic\nDate: Thu, 14 Mar 2024 09:30:00 +0000\nSource: Harbor Times\n"
      "URL: https://harbortimes.example/strike\nAuthor: Jana Vermeer, Piet Smit\nSection: business\n"
      "Language: EN\n\nFirst paragraph\nwraps here.\n\n\nSecond paragraph.\n",
      "corpus/a.txt");
  ASSERT_EQ(c.articles.size(), 1u);
  EXPECT_TRUE(c.problems.empty());
  const Article& a = c.articles[0].article;
  EXPECT_EQ(a.title, "Port strike halts traffic");
  EXPECT_EQ(published(a), "2024-03-14T09:30:00Z");
  EXPECT_EQ(a.source, "Harbor Times");
  EXPECT_EQ(a.url, "https://harbortimes.example/strike");
  EXPECT_EQ(a.id, "https://harbortimes.example/strike");  // the URL is the id
  EXPECT_EQ(a.authors, (std::vector<std::string>{"Jana Vermeer", "Piet Smit"}));
  EXPECT_EQ(a.section, "business");
  EXPECT_EQ(a.lang, "en");
  EXPECT_EQ(a.body, "First paragraph wraps here.\n\nSecond paragraph.");
}

TEST(CorpusReaderTest, ReadsTextWithoutHeaderAsTitleThenBody) {
  FileContents c = read_text_article("\n\nUpdate: markets fall\n\nShares fell.\r\n\r\nBonds rose.\r\n", "bbc/x.txt");
  ASSERT_EQ(c.articles.size(), 1u);
  const Article& a = c.articles[0].article;
  EXPECT_EQ(a.title, "Update: markets fall");  // "Update" is no header key
  EXPECT_EQ(a.body, "Shares fell.\n\nBonds rose.");
  EXPECT_EQ(a.id, "bbc/x.txt");
  EXPECT_FALSE(a.published.has_value());
}

TEST(CorpusReaderTest, BadDateIsAWarningNotAFailure) {
  FileContents c = read_text_article("Title: T\nDate: sometime soon\n\nBody.\n", "x.txt");
  ASSERT_EQ(c.articles.size(), 1u);
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_FALSE(c.problems[0].error);
  EXPECT_EQ(c.problems[0].line, 2);
  EXPECT_NE(c.problems[0].message.find("sometime soon"), std::string::npos);
}

TEST(CorpusReaderTest, ReadsJsonObjectAndArrayWithFieldAliases) {
  FileContents one = read_json_document(
      R"({"title": "A", "text": "Body A", "published_at": "2025-01-02", "authors": ["X", "Y"],
          "category": "sport", "language": "de", "extra": {"ignored": true}})",
      "feed/one.json");
  ASSERT_EQ(one.articles.size(), 1u);
  const Article& a = one.articles[0].article;
  EXPECT_EQ(a.body, "Body A");
  EXPECT_EQ(published(a), "2025-01-02T00:00:00Z");
  EXPECT_EQ(a.authors, (std::vector<std::string>{"X", "Y"}));
  EXPECT_EQ(a.section, "sport");
  EXPECT_EQ(a.lang, "de");
  EXPECT_EQ(a.id, "feed/one.json");

  FileContents many = read_json_document(
      R"([{"id": "a1", "title": "A", "content": "x"}, {"title": "B", "body": "y", "author": "Z"}, 42])",
      "feed/many.json");
  ASSERT_EQ(many.articles.size(), 2u);
  EXPECT_EQ(many.articles[0].article.id, "a1");
  EXPECT_EQ(many.articles[1].article.id, "feed/many.json#2");
  EXPECT_EQ(many.articles[1].article.authors, std::vector<std::string>{"Z"});
  ASSERT_EQ(many.problems.size(), 1u);  // the 42
  EXPECT_TRUE(many.problems[0].error);
  EXPECT_NE(many.problems[0].message.find("object 3"), std::string::npos);
}

TEST(CorpusReaderTest, MalformedJsonNamesTheLine) {
  FileContents c = read_json_document("{\n  \"title\": \"A\",\n  \"body\": oops\n}", "bad.json");
  EXPECT_TRUE(c.articles.empty());
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_TRUE(c.problems[0].error);
  EXPECT_EQ(c.problems[0].line, 3);
}

TEST(CorpusReaderTest, JsonLinesKeepsGoodLinesAndReportsBadOnes) {
  FileContents c = read_json_lines(
      "{\"title\": \"One\", \"body\": \"first\"}\n"
      "{\"title\": \"Two\", \"body\": \n"
      "\n"
      "{\"title\": \"Three\", \"body\": \"third\", \"date\": \"not a date\"}\n"
      "[1, 2]\n"
      "{\"title\": 5.5, \"body\": {\"nested\": 1}}\n",
      "feed.jsonl");
  ASSERT_EQ(c.articles.size(), 2u);
  EXPECT_EQ(c.articles[0].article.id, "feed.jsonl#1");
  EXPECT_EQ(c.articles[1].article.title, "Three");
  EXPECT_EQ(c.articles[1].line, 4);
  std::vector<std::pair<int, bool>> where;
  for (const Problem& p : c.problems) where.emplace_back(p.line, p.error);
  EXPECT_EQ(where, (std::vector<std::pair<int, bool>>{{2, true}, {4, false}, {5, true}, {6, true}}));
}

TEST(CorpusReaderTest, ReadsHtmlMetadataAndMainTextOnly) {
  FileContents c = read_html_article(R"(<!doctype html>
<html lang="fr-FR"><head>
<title>Fallback title | Site</title>
<meta property="og:title" content="Lyon bat un record">
<meta property="og:site_name" content="Le Courrier">
<meta property="article:published_time" content="2024-12-09T18:00:00+01:00">
<meta name="author" content="Sophie Garnier">
<link rel="canonical" href="https://courrier.example/lyon">
<style>p { color: red }</style><script>var tracking = "secret";</script>
</head><body>
<header><nav><a href="/">Accueil</a> <a href="/sport">Sport</a></nav></header>
<article><header><h1>Lyon bat un record</h1><time datetime="2020-01-01">old</time></header>
<p>Premier paragraphe avec &eacute;l&eacute;gance &amp; style.</p>
<p>Second <b>paragraphe</b>.</p>
<aside>Related: Other story</aside>
<form><label>Leave a comment</label><textarea></textarea></form>
</article>
<footer>Copyright 2024</footer>
</body></html>)",
                                     "page.html");
  ASSERT_EQ(c.articles.size(), 1u);
  const Article& a = c.articles[0].article;
  EXPECT_EQ(a.title, "Lyon bat un record");
  EXPECT_EQ(a.source, "Le Courrier");
  EXPECT_EQ(published(a), "2024-12-09T17:00:00Z");  // meta wins over <time>
  EXPECT_EQ(a.authors, std::vector<std::string>{"Sophie Garnier"});
  EXPECT_EQ(a.url, "https://courrier.example/lyon");
  EXPECT_EQ(a.lang, "fr");
  EXPECT_EQ(a.body, "Premier paragraphe avec \xC3\xA9l\xC3\xA9gance & style.\n\nSecond paragraphe.");
}

TEST(CorpusReaderTest, HtmlFallsBackToTitleTagThenH1AndTimeElement) {
  FileContents c = read_html_article(
      "<html><head><title>Only title</title></head><body><main><p>Text <time datetime=\"2024-05-02T06:00:00Z\">"
      "May 2</time></p></main></body></html>",
      "p.htm");
  ASSERT_EQ(c.articles.size(), 1u);
  EXPECT_EQ(c.articles[0].article.title, "Only title");
  EXPECT_EQ(published(c.articles[0].article), "2024-05-02T06:00:00Z");
  EXPECT_EQ(c.articles[0].article.body, "Text May 2");

  FileContents h1 = read_html_article("<body><h1>Heading</h1><div>Body text</div></body>", "q.html");
  ASSERT_EQ(h1.articles.size(), 1u);
  EXPECT_EQ(h1.articles[0].article.title, "Heading");
  EXPECT_EQ(h1.articles[0].article.body, "Body text");
}

// The article's text in the page, as Readability and jusText find it: an element marking it
// (itemprop="articleBody", class="entry-content") wins inside an <article>; a page that marks
// nothing gets the element whose paragraphs score highest, not the whole <body>; paragraphs that
// are mostly links are found and taken out by clean_article, with their rule.
TEST(CorpusReaderTest, HtmlMainTextByMarkersScoresAndLinkDensity) {
  const std::string para1 =
      "<p>The council approved the new tram line on Tuesday, after a debate of four hours, "
      "and work will start in the spring.</p>";
  const std::string para2 =
      "<p>The first trams should run in 2028, the mayor said, and fares will not rise, "
      "although critics doubt it.</p>";
  struct Case {
    std::string html;
    std::vector<std::string> in, out;  // in the body as read / not
    std::vector<std::string> links;    // the link lists found
  };
  const std::vector<Case> cases = {
      {"<article><p class=kicker>City</p><div itemprop=articleBody>" + para1 + para2 +
           "</div><p>Tags: trams</p></article>",
       {"council approved", "first trams"},
       {"City", "Tags"},
       {}},
      {"<article><div class=\"wrap entry-content\">" + para1 + para2 +
           "</div><div class=sharing>Share on X</div></article>",
       {"council approved"},
       {"Share on X"},
       {}},
      // A marker that holds little of the article is not trusted.
      {"<article>" + para1 + para2 + para1 + "<div class=article-body><p>Short.</p></div></article>",
       {"council approved", "Short."},
       {},
       {}},
      // No <article>, no <main>: the scored container, not the sidebar or the menu of links.
      {"<body><div id=menu><p><a href=/a>World news and politics</a></p><p><a href=/b>Business and markets "
       "today</a></p></div>"
       "<div id=story>" +
           para1 + para2 + para1 + "</div><div id=side><p>Most read: a list of other stories here</p></div></body>",
       {"council approved", "first trams"},
       {"World news", "Most read"},
       {}},
      // Inside the article, a paragraph of links: found, with the text it has.
      {"<article>" + para1 + "<p><a href=/1>Tram fares to rise</a> \xC2\xB7 <a href=/2>Mayor opens bridge</a></p>" +
           para2 + "</article>",
       {"council approved", "Tram fares"},
       {},
       {"Tram fares to rise \xC2\xB7 Mayor opens bridge"}},
      // One link in a sentence is the article's.
      {"<article><p>The <a href=/c>council</a> approved the new tram line on Tuesday after a long debate.</p>" + para2 +
           "</article>",
       {"council approved"},
       {},
       {}},
  };
  for (const Case& c : cases) {
    FileContents out = read_html_article("<html><head><title>Trams</title></head>" + c.html + "</html>", "t.html");
    ASSERT_EQ(out.articles.size(), 1u) << c.html;
    const ReadArticle& r = out.articles[0];
    for (const std::string& w : c.in)
      EXPECT_NE(r.article.body.find(w), std::string::npos) << w << " | " << r.article.body;
    for (const std::string& w : c.out)
      EXPECT_EQ(r.article.body.find(w), std::string::npos) << w << " | " << r.article.body;
    EXPECT_EQ(r.link_lists, c.links) << c.html;
    Article cleaned = r.article;
    std::vector<Removal> removed = clean_article(cleaned, nullptr, r.link_lists);
    std::size_t link_removals = 0;
    for (const Removal& x : removed) link_removals += x.rule == "link list" ? 1 : 0;
    EXPECT_EQ(link_removals, c.links.size()) << c.html;
    for (const std::string& l : c.links) EXPECT_EQ(cleaned.body.find(l), std::string::npos) << cleaned.body;
  }
}

TEST(CorpusReaderTest, ImpossibleDatesAreNotUsedAndSaySo) {
  std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  struct Row {
    std::string date;
    bool kept;
    const char* why;  // in the warning when not kept
  };
  const Row rows[] = {
      {"2024-03-05T10:00:00Z", true, ""},
      {format_iso8601(now + 12 * 3600), true, ""},  // tomorrow's paper, in another time zone
      {"1800-01-01T00:00:00Z", true, ""},
      {format_iso8601(now + 3 * 86400), false, "is in the future"},
      {"2999-01-01", false, "is in the future"},
      {"1799-12-31T23:59:59Z", false, "is before 1800"},
      {"0001-01-01", false, "is before 1800"},
  };
  std::string jsonl;
  for (const Row& r : rows) jsonl += "{\"title\": \"t\", \"body\": \"b\", \"date\": \"" + r.date + "\"}\n";
  SourceFile file;
  file.path = file.id_base = "dates.jsonl";
  FileContents c = read_file_bytes(file, jsonl);
  ASSERT_EQ(c.articles.size(), std::size(rows));
  for (std::size_t i = 0; i < std::size(rows); ++i) {
    const Row& r = rows[i];
    EXPECT_EQ(c.articles[i].article.published.has_value(), r.kept) << r.date;
    // An impossible date stays in the stored article, as given.
    EXPECT_EQ(c.articles[i].article.date_given.empty(), r.kept) << r.date;
    if (!r.kept) {
      EXPECT_EQ(c.articles[i].article.date_given.substr(0, 4), r.date.substr(0, 4)) << r.date;
    }
    int line = static_cast<int>(i) + 1;
    auto warning =
        std::find_if(c.problems.begin(), c.problems.end(), [line](const Problem& p) { return p.line == line; });
    if (r.kept) {
      EXPECT_EQ(warning, c.problems.end()) << r.date;
    } else {
      ASSERT_NE(warning, c.problems.end()) << r.date;
      EXPECT_FALSE(warning->error);
      EXPECT_NE(warning->message.find(r.why), std::string::npos) << warning->message;
      EXPECT_NE(warning->message.find("not used as the publication date"), std::string::npos);
    }
  }
  // The same in the streaming reader of large JSON Lines files, and in a page's metadata.
  TempDir dir;
  std::string path = dir.write("dates.jsonl", jsonl);
  file.path = path;
  FileContents streamed = read_json_lines_chunk(file, LineChunk{0, jsonl.size(), 1}, 1 << 20);
  ASSERT_EQ(streamed.articles.size(), std::size(rows));
  EXPECT_FALSE(streamed.articles[4].article.published.has_value());
  EXPECT_TRUE(streamed.articles[0].article.published.has_value());
  file.path = "page.html";
  FileContents page = read_file_bytes(
      file, "<meta property=\"article:published_time\" content=\"2999-01-01\"><article><p>x</p></article>");
  ASSERT_EQ(page.articles.size(), 1u);
  EXPECT_FALSE(page.articles[0].article.published.has_value());
  EXPECT_EQ(page.articles[0].article.date_given, "2999-01-01T00:00:00Z");
}

TEST(CorpusReaderTest, HtmlCharacterReferencesOutOfRangeStayUtf8) {
  // Found by the html_reader fuzz target: Gumbo turned this reference into a byte that is not
  // UTF-8 (tests/fuzz/regressions/html_reader/char-reference-overflow-not-utf8.html).
  for (const char* ref : {"&#x2999999999999999999999\"", "&#x2999999999999999999999;", "&#99999999999999999999;",
                          "&#x110000;", "&#xD800;", "&#x80000099;"}) {
    std::string page = std::string("<title>t") + ref + "</title><article><p>aly" + ref + " and more</p></article>";
    FileContents c = read_html_article(page, "r.html");
    ASSERT_EQ(c.articles.size(), 1u) << ref;
    const Article& a = c.articles[0].article;
    EXPECT_TRUE(is_valid_utf8(a.body)) << ref;
    EXPECT_TRUE(is_valid_utf8(a.title)) << ref;
    EXPECT_NE(a.body.find("and more"), std::string::npos) << ref;
    // The same in a date attribute: the warning that quotes it is UTF-8 too.
    std::string dated = std::string("<meta property=\"article:published_time\" content=\"2024-12-05") + ref +
                        "\"><article><p>text</p></article>";
    FileContents d = read_html_article(dated, "d.html");
    ASSERT_FALSE(d.problems.empty()) << ref;
    for (const Problem& p : d.problems) EXPECT_TRUE(is_valid_utf8(p.message)) << ref;
  }
}

TEST(CorpusReaderTest, DeeplyNestedHtmlDoesNotCrash) {
  // Below the depth cap the page is read (iteratively: no stack overflow)...
  std::string html = "<html><body>";
  for (int i = 0; i < 1500; ++i) html += "<div><p>";
  html += "deep text";
  FileContents c = read_html_article(html, "deep.html");
  ASSERT_EQ(c.articles.size(), 1u);
  EXPECT_EQ(c.articles[0].article.body, "deep text");
  // ...past it, refused before Gumbo spends quadratic time on it (500,000 levels: minutes).
  std::string deep = "<html><body>";
  for (int i = 0; i < 500000; ++i) deep += "<div>";
  FileContents d = read_html_article(deep + "deep text", "deeper.html");
  EXPECT_TRUE(d.articles.empty());
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_NE(d.problems[0].message.find("nested deeper than 2000"), std::string::npos) << d.problems[0].message;
  // Nested <article>s are measured once (the outermost), not each: 40,000 took 39 s.
  std::string articles = "<html><body>";
  for (int i = 0; i < 1900; ++i) articles += "<article>";
  FileContents a = read_html_article(articles + "inner text", "articles.html");
  ASSERT_EQ(a.articles.size(), 1u);
  EXPECT_EQ(a.articles[0].article.body, "inner text");
}

TEST(CorpusReaderTest, PrintablePathEscapesControlsAndBadUtf8) {
  EXPECT_EQ(printable_path("a/b c.txt"), "a/b c.txt");
  EXPECT_EQ(printable_path("new\nline\x1b[31m.txt"), "new\\x0aline\\x1b[31m.txt");
  EXPECT_EQ(printable_path("caf\xc3\xa9 \xff.txt"), "caf\xc3\xa9 \\xff.txt");
}

TEST(CorpusReaderTest, OneBinaryLineRejectsOnlyThatLineOfJsonLines) {
  std::string text = std::string(R"({"id":"a","title":"good one","body":"good text here"})") + "\n" +
                     std::string("\x00\x01\x02", 3) + "\n" + R"({"id":"b","title":"good two","body":"more"})" + "\n";
  TempDir dir;
  std::string path = dir.write("m.jsonl", text);
  FileContents c = read_file({path, "m.jsonl"}, 1 << 20);
  ASSERT_EQ(c.articles.size(), 2u);
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_EQ(c.problems[0].line, 2);
}

TEST(CorpusReaderTest, FifosAndLoopingLinksAreReportedNotRead) {
  TempDir dir;
  dir.write("in/good.txt", "Title\n\nBody\n");
  ASSERT_EQ(::mkfifo(dir.str("in/pipe.txt").c_str(), 0644), 0);
  std::filesystem::create_symlink(dir.str("in/loop-b.txt"), dir.str("in/loop-a.txt"));
  std::filesystem::create_symlink(dir.str("in/loop-a.txt"), dir.str("in/loop-b.txt"));
  std::filesystem::create_symlink(dir.str("in"), dir.str("in/self"));
  std::vector<SourceFile> files = discover_files({dir.str("in")});
  std::map<std::string, std::string> problems;
  for (const SourceFile& f : files) problems[std::filesystem::path(f.path).filename().string()] = f.problem;
  ASSERT_EQ(problems.size(), 4u);  // good, pipe, loop-a, loop-b; the link to a folder is not followed
  EXPECT_EQ(problems["good.txt"], "");
  EXPECT_NE(problems["pipe.txt"].find("FIFO"), std::string::npos);
  EXPECT_NE(problems["loop-a.txt"].find("symbolic link"), std::string::npos);
  // Reading the FIFO itself (it may have become one after discovery) must not block.
  FileContents c = read_file({dir.str("in/pipe.txt"), "pipe.txt"}, 1 << 20);
  EXPECT_TRUE(c.articles.empty());
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_NE(c.problems[0].message.find("not a regular file"), std::string::npos);
}

TEST(CorpusReaderTest, RejectsEmptyBinaryAndOversizedFiles) {
  TempDir dir;
  struct Case {
    std::string name;
    std::string content;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"empty.txt", "", "empty file"},
      {"image.txt", std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0", 18), "binary"},
      {"big.txt", std::string(2000, 'a'), "over the limit"},
      {"blank.txt", "\n\n   \n", "no article text"},
  };
  for (const Case& c : cases) {
    std::string path = dir.write(c.name, c.content);
    FileContents fc = read_file({path, c.name}, 1000);
    EXPECT_TRUE(fc.articles.empty()) << c.name;
    ASSERT_EQ(fc.problems.size(), 1u) << c.name;
    EXPECT_TRUE(fc.problems[0].error) << c.name;
    EXPECT_NE(fc.problems[0].message.find(c.message), std::string::npos) << c.name << ": " << fc.problems[0].message;
  }
}

TEST(CorpusReaderTest, ConvertsLatin1FilesWithAWarning) {
  TempDir dir;
  std::string path = dir.write("latin1.txt",
                               "Caf\xE9 society returns\n\nThe caf\xE9s of M\xFCnchen re-opened on Monday, "
                               "and the na\xEFve optimism of their owners was a pleasure to see after the d\xE9"
                               "b\xE2"
                               "cle of last winter.\n");
  FileContents c = read_file({path, "latin1.txt"}, 1 << 20);
  ASSERT_EQ(c.articles.size(), 1u);
  EXPECT_EQ(c.articles[0].article.title, "Caf\xC3\xA9 society returns");
  ASSERT_FALSE(c.problems.empty());
  EXPECT_FALSE(c.problems[0].error);
  EXPECT_NE(c.problems[0].message.find("decoded from"), std::string::npos);
}

TEST(CorpusReaderTest, LatinOneFileInBbcCorpus) {
  std::string path = gazette::testing::shared_data("bbc/sport/199.txt");
  if (path.empty()) GTEST_SKIP() << "../shared/data is absent";
  FileContents c = read_file({path, "bbc/sport/199.txt"}, 1 << 20);
  ASSERT_EQ(c.articles.size(), 1u);
  EXPECT_TRUE(is_valid_utf8(c.articles[0].article.body));
  ASSERT_FALSE(c.problems.empty());
  EXPECT_NE(c.problems[0].message.find("decoded from"), std::string::npos);
}

TEST(CorpusReaderTest, DiscoversRecursivelySkippingHiddenFiles) {
  TempDir dir;
  dir.write("news/a.txt", "A\n\nx");
  dir.write("news/sub/b.json", "{}");
  dir.write("news/.hidden.txt", "H\n\nx");
  dir.write("news/.git/c.txt", "C\n\nx");
  dir.write("news/notes.md", "M");
  std::vector<SourceFile> files = discover_files({dir.str("news")});
  std::vector<std::string> ids;
  for (const SourceFile& f : files) ids.push_back(f.id_base);
  EXPECT_EQ(ids, (std::vector<std::string>{"news/a.txt", "news/notes.md", "news/sub/b.json"}));
  EXPECT_EQ(format_of("x/notes.md"), Format::kUnsupported);
  EXPECT_EQ(format_of("x/A.HTM"), Format::kHtml);
  EXPECT_THROW(discover_files({dir.str("missing")}), DataError);
}

// A walk that cannot go on (here: no file descriptor left to open the next folder down) is an
// entry with its problem, naming the folder given: never a walk that silently stops short.
TEST(CorpusReaderTest, FolderWalkThatCannotGoOnIsReported) {
  TempDir dir;
  std::string deep = "news";
  for (int i = 0; i < 16; ++i) deep += "/d" + std::to_string(i);
  dir.write(deep + "/a.txt", "A\n\nx");
  // New descriptors take the lowest free number: with the limit 4 above it, only 4 more open.
  const int lowest_free = ::dup(0);
  ASSERT_GE(lowest_free, 0);
  ::close(lowest_free);
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = static_cast<rlim_t>(lowest_free + 4);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<SourceFile> files;
  try {
    files = discover_files({dir.str("news")});
  } catch (...) {
    setrlimit(RLIMIT_NOFILE, &saved);
    throw;
  }
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_FALSE(files.empty());
  const SourceFile* stopped = nullptr;
  for (const SourceFile& f : files) {
    if (f.problem.find("cannot read the whole folder") != std::string::npos) stopped = &f;
  }
  ASSERT_NE(stopped, nullptr);
  EXPECT_EQ(stopped->path, dir.str("news"));
  EXPECT_NE(stopped->problem.find("/d"), std::string::npos) << stopped->problem;  // where it stopped
}

}  // namespace
}  // namespace gazette::indexer
