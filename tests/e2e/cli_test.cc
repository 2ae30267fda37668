// SPDX-License-Identifier: GPL-2.0-or-later
// End-to-end tests: the real gazette-index and gazette-search binaries on corpus/ and real data.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "support/process.h"
#include "support/temp_index.h"

namespace {

using gazette::testing::TempDir;
using nlohmann::json;

using gazette::testing::Process;

Process run(const std::string& binary, const std::vector<std::string>& args) {
  return gazette::testing::run_process(binary, args);
}

Process index(const std::vector<std::string>& args) { return run(GAZETTE_INDEX_BIN, args); }
Process search(const std::vector<std::string>& args) { return run(GAZETTE_SEARCH_BIN, args); }

json search_json(const std::string& db, const std::string& query, int limit = 10) {
  Process r = search({"query", "--db", db, "--json", "--limit", std::to_string(limit), query});
  EXPECT_EQ(r.status, 0) << r.err;
  return json::parse(r.out);
}

class CorpusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    first_ = new Process(index({"build", "--db", dir_->str("db"), "--json", gazette::testing::source_dir("corpus")}));
  }
  static void TearDownTestSuite() {
    delete first_;
    delete dir_;
  }
  static std::string db() { return dir_->str("db"); }
  static TempDir* dir_;
  static Process* first_;
};
TempDir* CorpusTest::dir_ = nullptr;
Process* CorpusTest::first_ = nullptr;

TEST_F(CorpusTest, IndexesTheWholeCorpusWithoutErrors) {
  ASSERT_EQ(first_->status, 0) << first_->err;
  json s = json::parse(first_->out);
  EXPECT_GE(s["indexed"].get<int>(), 40);
  EXPECT_EQ(s["errors"], 0);
  for (const char* key : {"indexed", "updated", "unchanged", "deleted", "skipped", "errors", "seconds"}) {
    EXPECT_TRUE(s.contains(key)) << key;
  }
}

TEST_F(CorpusTest, ReRunningBuildReindexesNothing) {
  Process again = index({"build", "--db", db(), "--json", gazette::testing::source_dir("corpus")});
  ASSERT_EQ(again.status, 0) << again.err;
  json s = json::parse(again.out);
  json first = json::parse(first_->out);
  EXPECT_EQ(s["indexed"], 0);
  EXPECT_EQ(s["updated"], 0);
  EXPECT_EQ(s["unchanged"], first["indexed"]);
}

TEST_F(CorpusTest, FindsArticlesInEveryLanguage) {
  struct Case {
    const char* query;
    const char* title_part;
  };
  const std::vector<Case> cases = {
      {"\"solar desalination\"", "solar desalination"},
      {"Veltrix quarterly profit", "Veltrix Systems quarterly profit"},
      {"Bundesregierung H\xC3\xA4user", ""},
      {"\xC3\xA9lections", ""},
      {"\xE6\x9D\xB1\xE4\xBA\xAC \xE5\x9C\xB0\xE9\x9C\x87", "\xE5\x9C\xB0\xE9\x9C\x87"},  // 東京 地震
      {"\xEC\x84\x9C\xEC\x9A\xB8 \xEC\x84\xA0\xEA\xB1\xB0", "\xEC\x84\xA0\xEA\xB1\xB0"},  // 서울 선거
  };
  for (const Case& c : cases) {
    json r = search_json(db(), c.query);
    ASSERT_FALSE(r["hits"].empty()) << c.query;
    EXPECT_NE(r["hits"][0]["title"].get<std::string>().find(c.title_part), std::string::npos)
        << c.query << " -> " << r["hits"][0]["title"];
    EXPECT_NE(r["hits"][0]["snippet"].get<std::string>().find("<mark>"), std::string::npos) << c.query;
  }
}

// Did you mean: never for words that match articles on their own, never in scripts without
// such spelling variation; a typo of a corpus word gets the word.
TEST_F(CorpusTest, DidYouMeanOnlyFixesRealTypos) {
  for (const char* q : {"profit", "\"solar desalination\"", "\xE6\x9D\xB1\xE4\xBA\xAC \xE5\x9C\xB0\xE9\x9C\x87",
                        "\xEC\x84\x9C\xEC\x9A\xB8 \xEC\x84\xA0\xEA\xB1\xB0"}) {
    json r = search_json(db(), q);
    EXPECT_FALSE(r["hits"].empty()) << q;
    EXPECT_TRUE(r["suggestion"].is_null()) << q << ": " << r["suggestion"];
  }
  json typo = search_json(db(), "Veltirx");
  EXPECT_TRUE(typo["hits"].empty());
  EXPECT_EQ(typo["suggestion"], "veltrix");
  // The suggested query finds articles.
  EXPECT_FALSE(search_json(db(), typo["suggestion"].get<std::string>())["hits"].empty());
}

TEST_F(CorpusTest, HtmlBoilerplateIsNotIndexed) {
  // The wire page ends in a comment form, with navigation, scripts and a related-stories aside.
  Process inspect =
      index({"inspect", "--json", gazette::testing::source_dir("corpus/wire/harbor-times-amber-link.html")});
  ASSERT_EQ(inspect.status, 0) << inspect.err;
  json files = json::parse(inspect.out);
  ASSERT_EQ(files[0]["articles"].size(), 1u);
  std::string body = files[0]["articles"][0]["body"];
  EXPECT_NE(body.find("Amber Link"), std::string::npos);
  for (const char* junk : {"Leave a Reply", "Your email address", "<script", "function", "Related"}) {
    EXPECT_EQ(body.find(junk), std::string::npos) << junk;
  }
  EXPECT_TRUE(search_json(db(), "\"Your email address will not be published\"")["hits"].empty());
}

// A scraped page's body starts with its section label, its headline again and its byline (and a
// wire story with its dateline): none of that may open a snippet. For every HTML page of corpus/,
// a search for a word of its lead gets a snippet from the lead; the dateline stays searchable
// and the byline gives the authors.
TEST_F(CorpusTest, HtmlSnippetsStartInTheLead) {
  auto unescape = [](std::string s) {
    for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{{"<mark>", ""},
                                                                            {"</mark>", ""},
                                                                            {"&#39;", "'"},
                                                                            {"&quot;", "\""},
                                                                            {"&lt;", "<"},
                                                                            {"&gt;", ">"},
                                                                            {"&amp;", "&"}}) {
      for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at))
        s.replace(at, from.size(), to);
    }
    return s;
  };
  int pages = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(gazette::testing::source_dir("corpus"))) {
    if (entry.path().extension() != ".html") continue;
    ++pages;
    Process inspect = index({"inspect", "--json", entry.path().string()});
    ASSERT_EQ(inspect.status, 0) << inspect.err;
    json a = json::parse(inspect.out)[0]["articles"][0];
    std::string body = a["body"], id = a["id"], title = a["title"];
    std::string lead = body.substr(0, body.find("\n\n"));
    EXPECT_GE(lead.size(), 100u) << entry.path() << ": " << lead;
    EXPECT_EQ(body.rfind("By ", 0), std::string::npos) << entry.path();
    EXPECT_EQ(body.find(title), std::string::npos) << entry.path() << ": the headline is still in the body";
    EXPECT_FALSE(a["authors"].empty()) << entry.path();
    // A word of the lead: its longest one.
    std::string word, cur;
    for (char c : lead + " ") {
      if (std::isalpha(static_cast<unsigned char>(c))) {
        cur += c;
        continue;
      }
      if (cur.size() > word.size()) word = cur;
      cur.clear();
    }
    json r = search_json(db(), word, 50);
    bool found = false;
    for (const json& hit : r["hits"]) {
      if (hit["id"] != id) continue;
      found = true;
      std::string snippet = unescape(hit["snippet"]);
      if (snippet.rfind("\xE2\x80\xA6", 0) == 0) snippet.erase(0, 3);
      std::istringstream words(snippet);
      std::string first, w;
      for (int k = 0; k < 6 && words >> w; ++k) first += (k ? " " : "") + w;
      // Where the snippet starts in the body (paragraphs joined by a space, as snippets join them).
      std::string flat_body;
      std::istringstream body_words(body);
      for (std::string bw; body_words >> bw;) flat_body += (flat_body.empty() ? "" : " ") + bw;
      std::size_t at = flat_body.find(first);
      EXPECT_NE(at, std::string::npos) << entry.path() << ": " << first;
      EXPECT_LT(at, lead.size()) << entry.path() << " (" << word << "): " << first << " | " << lead;
    }
    EXPECT_TRUE(found) << entry.path() << ": " << word;
  }
  EXPECT_EQ(pages, 9);
  // The wire story's dateline: out of the body's first words, still found.
  json riga = search_json(db(), "\"Meridian Wire\" cable Ventspils");
  ASSERT_FALSE(riga["hits"].empty());
  Process doc = search({"doc", "--db", db(), "--json", riga["hits"][0]["id"]});
  ASSERT_EQ(doc.status, 0) << doc.err;
  json stored = json::parse(doc.out);
  EXPECT_EQ(stored["dateline"], "RIGA (Meridian Wire)");
  EXPECT_EQ(stored["body"].get<std::string>().rfind("The Baltic Energy Agency", 0), 0u) << stored["body"];
}

// Found by a user: this query killed the release binary with SIGSEGV inside CLD2 (exit 139,
// every time; no crash under ASan, gdb or valgrind), and so did typographic quotes left open
// (exit 70). The release binary must answer both.
TEST_F(CorpusTest, HostileQueriesNeverKillTheBinary) {
  Process bytes = search({"query", "--db", db(),
                          "Bi\xda\x1c\xf6\xba"
                          "f"});
  EXPECT_EQ(bytes.status, 2) << bytes.err;
  EXPECT_NE(bytes.err.find("not valid UTF-8"), std::string::npos) << bytes.err;
  Process quote = search({"query", "--db", db(), "\xe2\x80\x9cnorth korea"});
  EXPECT_EQ(quote.status, 0) << quote.err;
  std::string wild;
  for (int i = 0; i < 300; ++i) wild += std::string(i ? " OR " : "") + static_cast<char>('a' + i % 26) + "*";
  Process wildcards = search({"query", "--db", db(), "--json", wild});
  EXPECT_EQ(wildcards.status, 0) << wildcards.err;
  EXPECT_LT(wildcards.seconds, 10.0);
}

TEST_F(CorpusTest, TextOutputAndExitStatuses) {
  Process text = search({"query", "--db", db(), "profit"});
  EXPECT_EQ(text.status, 0);
  EXPECT_NE(text.out.find("1. "), std::string::npos);

  Process empty = search({"query", "--db", db(), "--", "  "});
  EXPECT_EQ(empty.status, 2);
  EXPECT_NE(empty.err.find("no words"), std::string::npos) << empty.err;

  Process deep = search({"query", "--db", db(), "--offset", "9999", "--limit", "10", "profit"});
  EXPECT_EQ(deep.status, 2);

  Process missing = search({"query", "--db", dir_->str("nowhere"), "profit"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("nowhere"), std::string::npos) << missing.err;
}

TEST_F(CorpusTest, StatsAndInspect) {
  Process stats = index({"stats", "--db", db(), "--json"});
  ASSERT_EQ(stats.status, 0) << stats.err;
  json s = json::parse(stats.out);
  EXPECT_GE(s["articles"].get<int>(), 40);
  EXPECT_GE(s["languages"].size(), 6u);

  Process inspect = index({"inspect", "--json", gazette::testing::source_dir("corpus/intl/international.jsonl")});
  ASSERT_EQ(inspect.status, 0) << inspect.err;
  json files = json::parse(inspect.out);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_GE(files[0]["articles"].size(), 8u);
  for (const auto& a : files[0]["articles"]) {
    EXPECT_NE(a["lang"], "en") << a["title"];
    EXPECT_GT(a["terms"].get<int>(), 10);
  }
}

TEST_F(CorpusTest, FacetsFiltersAndEntitiesFromTheCommandLine) {
  Process r = search({"query", "--db", db(), "--json", "--facets", "people,places,organizations,source,date:year",
                      "--facet-size", "5", "energy"});
  ASSERT_EQ(r.status, 0) << r.err;
  json j = json::parse(r.out);
  ASSERT_TRUE(j.contains("facets"));
  for (const char* f : {"people", "places", "organizations", "source", "date:year"}) {
    ASSERT_TRUE(j["facets"].contains(f)) << f;
    EXPECT_LE(j["facets"][f].size(), 5u);
  }
  EXPECT_FALSE(j["facets"]["places"].empty());

  // Filtering by a facet value keeps only articles that have it; the count agrees with the facet.
  std::string place = j["facets"]["places"][0]["value"];
  int count = j["facets"]["places"][0]["count"];
  // Facets count every article; hits collapse near-duplicates unless asked not to.
  Process filtered = search(
      {"query", "--db", db(), "--json", "--no-collapse", "--limit", "100", "--filter", "places:" + place, "energy"});
  ASSERT_EQ(filtered.status, 0) << filtered.err;
  EXPECT_EQ(json::parse(filtered.out)["total"]["value"], count);

  // The same through the query language, and the U.S. alias.
  Process us = search({"query", "--db", db(), "--json", "place:U.S."});
  ASSERT_EQ(us.status, 0) << us.err;
  EXPECT_GT(json::parse(us.out)["total"]["value"].get<int>(), 0);

  Process bad = search({"query", "--db", db(), "--facets", "colour", "energy"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("colour"), std::string::npos);

  Process entities = search({"entities", "--db", db(), "--json", "--kind", "place", "--limit", "5"});
  ASSERT_EQ(entities.status, 0) << entities.err;
  json list = json::parse(entities.out)["entities"];
  ASSERT_EQ(list.size(), 5u);
  EXPECT_GE(list[0]["count"].get<int>(), list[4]["count"].get<int>());

  Process related = search({"related", "--db", db(), "--json", "people:Elena Marchetti"});
  ASSERT_EQ(related.status, 0) << related.err;
  json rel = json::parse(related.out);
  EXPECT_GT(rel["articles"].get<int>(), 0);
  EXPECT_FALSE(rel["related"].empty());
}

TEST_F(CorpusTest, WireStoryCopiesCollapseAndSimilarSkipsThem) {
  json r = search_json(db(), "Amber Link cable");
  ASSERT_FALSE(r["hits"].empty());
  json first = r["hits"][0];
  EXPECT_EQ(first["duplicates"]["count"], 2) << first.dump();
  std::string id = first["id"];

  Process similar = search({"similar", "--db", db(), "--json", id});
  ASSERT_EQ(similar.status, 0) << similar.err;
  json s = json::parse(similar.out);
  ASSERT_FALSE(s["hits"].empty());
  std::vector<std::string> copies = first["duplicates"]["ids"];
  copies.push_back(id);
  for (const auto& hit : s["hits"]) {
    EXPECT_EQ(std::find(copies.begin(), copies.end(), hit["id"].get<std::string>()), copies.end()) << hit["id"];
  }

  Process doc = search({"doc", "--db", db(), "--json", id});
  ASSERT_EQ(doc.status, 0) << doc.err;
  EXPECT_EQ(json::parse(doc.out)["id"], id);
  Process text = search({"doc", "--db", db(), id});
  EXPECT_NE(text.out.find("title:"), std::string::npos);
  Process missing = search({"doc", "--db", db(), "no-such-article"});
  EXPECT_EQ(missing.status, 2);
}

TEST_F(CorpusTest, SortExplainAndRecencyFromTheCommandLine) {
  Process newest = search({"query", "--db", db(), "--json", "--sort", "newest", "--limit", "5", "energy"});
  ASSERT_EQ(newest.status, 0) << newest.err;
  json n = json::parse(newest.out);
  for (std::size_t i = 1; i < n["hits"].size(); ++i) {
    EXPECT_GE(n["hits"][i - 1]["published"].get<std::string>(), n["hits"][i]["published"].get<std::string>());
  }
  Process explain = search({"query", "--db", db(), "--json", "--explain", "--recency", "30d", "energy"});
  ASSERT_EQ(explain.status, 0) << explain.err;
  EXPECT_TRUE(json::parse(explain.out)["hits"][0].contains("explanation"));
  Process bad = search({"query", "--db", db(), "--recency", "soon", "energy"});
  EXPECT_EQ(bad.status, 2);
  Process malformed = search({"query", "--db", db(), "--json", "energy AND (cable"});
  ASSERT_EQ(malformed.status, 0) << malformed.err;
  EXPECT_FALSE(json::parse(malformed.out)["warnings"].empty());
}

TEST_F(CorpusTest, BatchAnswersOneJsonLinePerQuery) {
  TempDir dir;
  std::string queries = dir.write("q.txt",
                                  "energy\n"
                                  "{\"q\": \"cable\", \"limit\": 2, \"facets\": [\"places\"]}\n"
                                  "\n"
                                  "{\"q\": \"cable\", \"colour\": 1}\n");
  Process r = search({"batch", "--db", db(), queries});
  EXPECT_EQ(r.status, 2);  // one line was refused
  std::vector<json> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["query"], "energy");
  EXPECT_TRUE(lines[0]["took_ms"].is_number());
  EXPECT_LE(lines[1]["hits"].size(), 2u);
  EXPECT_TRUE(lines[1]["facets"].contains("places"));
  EXPECT_NE(lines[2]["error"]["message"].get<std::string>().find("colour"), std::string::npos);
}

TEST_F(CorpusTest, InspectShowsEntitiesWithOffsets) {
  std::string path = gazette::testing::source_dir("corpus/business/2024-02-06-veltrix-quarterly-profit.txt");
  Process inspect = index({"inspect", "--json", path});
  ASSERT_EQ(inspect.status, 0) << inspect.err;
  json a = json::parse(inspect.out)[0]["articles"][0];
  ASSERT_FALSE(a["entities"].empty());
  bool veltrix = false;
  for (const auto& e : a["entities"]) {
    veltrix = veltrix || (e["name"] == "Veltrix Systems" && e["kind"] == "organization");
    for (const auto& m : e["mentions"]) {
      std::string field = m["field"];
      const std::string& text =
          field == "title" ? a["title"].get_ref<const std::string&>() : a["body"].get_ref<const std::string&>();
      std::size_t start = m["byte_start"], end = m["byte_end"];
      EXPECT_EQ(text.substr(start, end - start), m["text"].get<std::string>());
      EXPECT_LE(m["start"].get<std::size_t>(), start);  // characters, not bytes
      EXPECT_LT(m["start"].get<std::size_t>(), m["end"].get<std::size_t>());
    }
  }
  EXPECT_TRUE(veltrix) << a["entities"].dump();
}

TEST(CliTest, BadInputIsReportedWithFileAndLineAndExitsNonZero) {
  TempDir dir;
  dir.write("news/good.txt", "Good story\n\nAll fine here.\n");
  dir.write("news/feed.jsonl", "{\"id\": \"ok\", \"title\": \"Fine\", \"body\": \"x\"}\n{not json}\n");
  dir.write("news/empty.html", "");
  Process r = index({"build", "--db", dir.str("db"), dir.str("news")});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("feed.jsonl:2: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("empty.html: error: empty file"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("indexed 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("errors 2"), std::string::npos) << r.out;

  Process usage = index({"build"});
  EXPECT_NE(usage.status, 0);
  Process missing = index({"build", "--db", dir.str("db"), dir.str("no-such-folder")});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("no-such-folder"), std::string::npos);
}

// Watches through the real binaries: add, list, show, the build's report, --watch-output,
// matches (--since, --json), remove; a bad name is refused naming the field.
TEST(CliTest, WatchesReportEachBuildsNewMatches) {
  using gazette::testing::text_article;
  TempDir dir;
  const std::string db = dir.str("db"), out = dir.str("matches.jsonl");
  dir.write("news/a.txt", text_article({.title = "Harbour reopens",
                                        .date = "2024-03-14",
                                        .language = "en",
                                        .body = "Ships returned to the harbour in Rotterdam on Thursday."}));
  ASSERT_EQ(index({"build", "--db", db, dir.str("news")}).status, 0);
  Process added = search({"watch", "--db", db, "add", "ships", "ships", "--filter", "places:Rotterdam"});
  ASSERT_EQ(added.status, 0) << added.err;
  ASSERT_EQ(search({"watch", "--db", db, "add", "storms", "storm"}).status, 0);
  Process bad = search({"watch", "--db", db, "add", "two words", "x"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("name"), std::string::npos) << bad.err;
  Process dup = search({"watch", "--db", db, "add", "ships", "again"});
  EXPECT_EQ(dup.status, 2);

  // A run with one matching article and one that is not.
  dir.write("news/b.txt", text_article({.title = "More ships in Rotterdam",
                                        .date = "2024-05-01",
                                        .language = "en",
                                        .body = "Ships crowded the port of Rotterdam again on Monday."}));
  dir.write("news/c.txt", text_article({.title = "School budget",
                                        .date = "2024-05-02",
                                        .language = "en",
                                        .body = "The council voted on the school budget in Leeds."}));
  Process build = index({"build", "--db", db, "--watch-output", out, dir.str("news")});
  ASSERT_EQ(build.status, 0) << build.err;
  EXPECT_NE(build.out.find("watches:    2 evaluated, 1 new matches"), std::string::npos) << build.out;
  EXPECT_NE(build.out.find("ships"), std::string::npos) << build.out;
  std::ifstream lines(out);
  std::string line;
  std::vector<json> written;
  while (std::getline(lines, line)) written.push_back(json::parse(line));
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0]["watch"], "ships");
  EXPECT_EQ(written[0]["title"], "More ships in Rotterdam");
  for (const char* key : {"id", "url", "published", "score", "entities"}) EXPECT_TRUE(written[0].contains(key)) << key;

  Process list = search({"watch", "--db", db, "list"});
  ASSERT_EQ(list.status, 0) << list.err;
  EXPECT_NE(list.out.find("ships"), std::string::npos);
  EXPECT_NE(list.out.find("storms"), std::string::npos);
  Process shown = search({"watch", "--db", db, "--json", "show", "ships"});
  ASSERT_EQ(shown.status, 0) << shown.err;
  EXPECT_EQ(json::parse(shown.out)["new_matches"], 1);
  Process matches = search({"watch", "--db", db, "--json", "matches", "ships", "--since", "7d"});
  ASSERT_EQ(matches.status, 0) << matches.err;
  EXPECT_EQ(json::parse(matches.out)["title"], "More ships in Rotterdam");
  Process later = search({"watch", "--db", db, "--json", "matches", "ships", "--since", "2999-01-01"});
  ASSERT_EQ(later.status, 0) << later.err;
  EXPECT_EQ(later.out, "");
  EXPECT_EQ(search({"watch", "--db", db, "matches", "ships", "--since", "someday"}).status, 2);

  // A run that changes nothing reports nothing new; --json carries the counts.
  Process again = index({"build", "--db", db, "--json", dir.str("news")});
  ASSERT_EQ(again.status, 0) << again.err;
  json summary = json::parse(again.out);
  ASSERT_TRUE(summary.contains("watches")) << again.out;
  EXPECT_EQ(summary["watches"]["matches"]["ships"], 0);

  ASSERT_EQ(search({"watch", "--db", db, "remove", "ships"}).status, 0);
  EXPECT_NE(search({"watch", "--db", db, "show", "ships"}).status, 0);

  // import: JSON Lines, all or none; a bad line is named.
  dir.write("watches.jsonl",
            "{\"name\": \"port\", \"query\": \"port\"}\n\n"
            "{\"name\": \"leeds\", \"filters\": [\"places:Leeds\"]}\n");
  dir.write("bad.jsonl",
            "{\"name\": \"harbour\", \"query\": \"harbour\"}\n"
            "{\"name\": \"mars\", \"filters\": [\"planet:Mars\"]}\n");
  Process refused = search({"watch", "--db", db, "import", dir.str("bad.jsonl")});
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("bad.jsonl: line 2: filters"), std::string::npos) << refused.err;
  Process imported = search({"watch", "--db", db, "import", dir.str("watches.jsonl")});
  ASSERT_EQ(imported.status, 0) << imported.err;
  EXPECT_NE(imported.out.find("2 watches imported"), std::string::npos) << imported.out;
  Process names = search({"watch", "--db", db, "--json", "list"});
  std::vector<std::string> listed;
  for (const json& w : json::parse(names.out)) listed.push_back(w["name"]);
  EXPECT_EQ(listed, (std::vector<std::string>{"storms", "port", "leeds"}));
}

TEST(SharedDataTest, TimeWarnerProfitRanksBusiness001First) {
  std::string bbc = gazette::testing::shared_data("bbc");
  if (bbc.empty()) GTEST_SKIP() << "../shared/data is absent";
  TempDir dir;
  Process built = index({"build", "--db", dir.str("db"), "--json", bbc});
  ASSERT_EQ(built.status, 0) << built.err;
  EXPECT_GE(json::parse(built.out)["indexed"].get<int>(), 2225);
  json r = search_json(dir.str("db"), "\"Time Warner\" profit");
  ASSERT_FALSE(r["hits"].empty());
  EXPECT_EQ(r["hits"][0]["id"], "bbc/business/001.txt");

  Process again = index({"build", "--db", dir.str("db"), "--json", bbc});
  EXPECT_EQ(json::parse(again.out)["indexed"], 0);
  EXPECT_EQ(json::parse(again.out)["updated"], 0);

  // Known answers of the search front end on real news.
  json misspelt = search_json(dir.str("db"), "goverment");
  EXPECT_EQ(misspelt["suggestion"], "government");
  EXPECT_EQ(search_json(dir.str("db"), "goverment spending")["suggestion"], "government spending");
  // Words that match articles are replaced only by far more frequent ones: "wtih" (1 article)
  // is "with"; "luring" (16) is no typo of "during".
  EXPECT_EQ(search_json(dir.str("db"), "wtih")["suggestion"], "with");
  EXPECT_TRUE(search_json(dir.str("db"), "luring")["suggestion"].is_null());
  json wildcard = search_json(dir.str("db"), "microsof*");
  EXPECT_GT(wildcard["total"]["value"].get<int>(), 10);
  json titled = search_json(dir.str("db"), "title:\"Time Warner\"");
  ASSERT_FALSE(titled["hits"].empty());
  EXPECT_EQ(titled["hits"][0]["id"], "bbc/business/001.txt");
  json relaxed = search_json(dir.str("db"), "Blair xylophonequartet");
  EXPECT_EQ(relaxed["relaxed"], true);
  EXPECT_FALSE(relaxed["hits"].empty());
}

TEST(SharedDataTest, KimJongUnFindsTheSeedArticle) {
  std::string seed = gazette::testing::shared_data("seed");
  if (seed.empty()) GTEST_SKIP() << "../shared/data is absent";
  TempDir dir;
  Process built = index({"build", "--db", dir.str("db"), seed});
  ASSERT_EQ(built.status, 0) << built.err;
  json r = search_json(dir.str("db"), "Kim Jong Un");
  ASSERT_EQ(r["hits"].size(), 1u);
  EXPECT_NE(r["hits"][0]["title"].get<std::string>().find("Kim Jong Un"), std::string::npos);
  // The page's comment form is not part of the article: not searchable, not stored.
  for (const char* q : {"\"email address\"", "Akismet", "\"Leave a Reply\"", "Newseum"}) {
    EXPECT_TRUE(search_json(dir.str("db"), q)["hits"].empty()) << q;
  }
  // --keep-boilerplate indexes the body as read.
  Process kept = index({"build", "--keep-boilerplate", "--db", dir.str("kept"), seed});
  ASSERT_EQ(kept.status, 0) << kept.err;
  EXPECT_EQ(search_json(dir.str("kept"), "Akismet")["hits"].size(), 1u);
}

// The seed through the whole pipeline: exactly its people, places and one organisation, and
// what was taken out of its body.
TEST(SharedDataTest, SeedYieldsExactlyItsEntities) {
  std::string seed = gazette::testing::shared_data("seed");
  if (seed.empty()) GTEST_SKIP() << "../shared/data is absent";
  Process inspect = index({"inspect", "--json", seed});
  ASSERT_EQ(inspect.status, 0) << inspect.err;
  json a = json::parse(inspect.out)[0]["articles"][0];
  std::set<std::string> people, places, organisations;
  for (const json& e : a["entities"]) {
    std::string kind = e["kind"];
    (kind == "person" ? people : kind == "place" ? places : organisations).insert(e["name"].get<std::string>());
  }
  EXPECT_EQ(people, (std::set<std::string>{"Kim Jong Un", "Shigeru Ishiba", "Lee Jae Myung", "Donald Trump",
                                           "Vladimir Putin"}));
  std::set<std::string> expected_places = {"North Korea", "South Korea", "Russia", "Ukraine",    "Japan",
                                           "Pyongyang",   "Seoul",       "Tokyo",  "Washington", "Kursk"};
  for (const char* optional : {"United States", "Moscow"}) {  // the text names them too
    if (places.count(optional) != 0) expected_places.insert(optional);
  }
  EXPECT_EQ(places, expected_places);
  EXPECT_EQ(organisations, std::set<std::string>{"Korean Central News Agency"});
  std::string body = a["body"];
  const std::string end = "predicts will occur shortly.";
  ASSERT_GE(body.size(), end.size());
  EXPECT_EQ(body.substr(body.size() - end.size()), end);
  ASSERT_EQ(a["removed"].size(), 4u) << a["removed"].dump();
  EXPECT_EQ(a["removed"][0]["text"], "Leave a Reply");
  EXPECT_EQ(a["removed"][3]["text"], "Newseum Global");
}

}  // namespace
