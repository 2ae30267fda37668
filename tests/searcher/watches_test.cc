// SPDX-License-Identifier: GPL-2.0-or-later
// Watches (gazette/searcher/watches.h): the store beside a database, and the evaluation of every
// watch against the articles an index run added or changed.
#include "gazette/searcher/watches.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "gazette/common/error.h"
#include "gazette/searcher/searcher.h"
#include "support/temp_index.h"
#include "support/test_index.h"

namespace gazette {
namespace {

using gazette::testing::build_test_index;
using gazette::testing::TempDir;
using gazette::testing::text_article;
using gazette::testing::TextArticle;

// Articles of a run, written as text files under in/.
void write_article(TempDir& dir, const std::string& id, const std::string& title, const std::string& body,
                   const std::string& date = "2026-11-20") {
  dir.write("in/" + id + ".txt", text_article({title, id, "Test Wire", date, "en", body}));
}

const char* kWire =
    "The harbour authority said on Tuesday that the new container crane at the eastern quay had lifted its first "
    "load, a refrigerated box of citrus fruit bound for inland warehouses. The crane, built over two years, "
    "doubles the number of ships the quay can unload in a day, according to the authority, which expects freight "
    "volumes to grow by a fifth next year.";

indexer::IndexStats build(TempDir& dir, bool prune = true) {
  indexer::IndexStats s =
      build_test_index(dir.str("db"), {dir.str("in")}, [prune](indexer::IndexerConfig& c) { c.prune = prune; });
  EXPECT_EQ(s.errors, 0u);
  return s;
}

Watch watch(const std::string& name, const std::string& query, std::vector<std::string> filters = {},
            double min_score = 0) {
  Watch w;
  w.name = name;
  w.query = query;
  w.filters = std::move(filters);
  w.min_score = min_score;
  return w;
}

std::map<std::string, std::vector<WatchMatch>> by_watch(const WatchRun& run) {
  std::map<std::string, std::vector<WatchMatch>> out;
  for (const auto& [name, n] : run.counts) out[name];
  for (const WatchMatch& m : run.matches) out[m.watch].push_back(m);
  return out;
}

std::vector<std::string> ids(const std::vector<WatchMatch>& ms) {
  std::vector<std::string> out;
  for (const WatchMatch& m : ms) out.push_back(m.id);
  return out;
}

// An InvalidRequest whose message starts with `field`.
void expect_refused(WatchStore& store, const Watch& w, const Searcher& s, const std::string& field) {
  try {
    store.add(w, s);
    ADD_FAILURE() << "accepted watch " << w.name;
  } catch (const InvalidRequest& e) {
    EXPECT_EQ(std::string(e.what()).rfind(field, 0), 0u) << e.what();
  }
}

class WatchesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_article(dir, "fleet", "Fishing fleet returns",
                  "The fishing fleet returned to the harbour with a record "
                  "catch of herring, the cooperative said.");
    write_article(dir, "budget", "City budget approved",
                  "The council approved the city budget after a long "
                  "debate about school repairs and bus fares.");
    write_article(dir, "bridge", "Bridge repairs begin",
                  "Repairs on the old river bridge began on Monday and will "
                  "close one lane for a month.");
    indexer::IndexStats s = build(dir);
    ASSERT_EQ(s.run, 1u);
  }
  std::string db() const { return dir.str("db"); }

  TempDir dir;
};

TEST_F(WatchesTest, StoreKeepsWatchesBesideTheDatabase) {
  Searcher s(db());
  WatchStore store(db());
  EXPECT_EQ(store.folder(), db() + ".watches");
  EXPECT_FALSE(store.exists());
  EXPECT_TRUE(store.list().empty());
  Watch a = store.add(watch("harbour", "harbour crane", {}, 0.5), s);
  Watch b = store.add(watch("budget-news", "", {"source:Test Wire"}), s);
  EXPECT_TRUE(store.exists());
  EXPECT_EQ(a.id, 1u);
  EXPECT_EQ(b.id, 2u);
  EXPECT_EQ(a.since_run, 1u);  // the runs after the one the database had when it was added
  EXPECT_FALSE(a.created.empty());

  WatchStore again(db());  // another reader sees the same set
  std::vector<Watch> all = again.list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "harbour");
  EXPECT_EQ(all[0].query, "harbour crane");
  EXPECT_DOUBLE_EQ(all[0].min_score, 0.5);
  EXPECT_EQ(all[1].filters, (std::vector<std::string>{"source:Test Wire"}));
  ASSERT_TRUE(again.get("budget-news"));
  EXPECT_FALSE(again.get("nothing"));

  EXPECT_TRUE(again.remove("harbour"));
  EXPECT_FALSE(again.remove("harbour"));
  Watch c = store.add(watch("harbour", "crane"), s);
  EXPECT_EQ(c.id, 3u);  // ids are never reused
  EXPECT_EQ(store.list().size(), 2u);
}

TEST_F(WatchesTest, RefusesBadWatchesNamingTheField) {
  Searcher s(db());
  WatchStore store(db());
  expect_refused(store, watch("", "crane"), s, "name");
  expect_refused(store, watch("has space", "crane"), s, "name");
  expect_refused(store, watch(std::string(kMaxWatchNameBytes + 1, 'a'), "crane"), s, "name");
  expect_refused(store, watch("empty", "  "), s, "query");
  expect_refused(store, watch("long", std::string(kMaxQueryBytes + 1, 'a')), s, "query");
  expect_refused(store, watch("planet", "crane", {"planet:Mars"}), s, "filters");
  expect_refused(store, watch("novalue", "crane", {"people"}), s, "filters");
  expect_refused(store, watch("negative", "crane", {}, -1), s, "min_score");
  store.add(watch("ok", "crane"), s);
  expect_refused(store, watch("ok", "bridge"), s, "name");  // taken
  EXPECT_EQ(store.list().size(), 1u);

  EXPECT_THROW(watch_from_json("[1]"), InvalidRequest);
  EXPECT_THROW(watch_from_json("{\"name\": 3}"), InvalidRequest);
  EXPECT_THROW(watch_from_json("{\"name\": \"x\", \"colour\": \"red\"}"), InvalidRequest);
  try {
    watch_from_json("{\"name\": \"x\", \"min_score\": \"high\"}");
    ADD_FAILURE();
  } catch (const InvalidRequest& e) {
    EXPECT_EQ(std::string(e.what()).rfind("min_score", 0), 0u) << e.what();
  }
  Watch w = watch_from_json(R"({"name": "x", "q": "crane", "filters": "places:Riga", "min_score": 2})");
  EXPECT_EQ(w.query, "crane");
  EXPECT_EQ(w.filters, (std::vector<std::string>{"places:Riga"}));
  EXPECT_DOUBLE_EQ(w.min_score, 2);
}

TEST_F(WatchesTest, AddAllAddsEveryWatchOrNone) {
  Searcher s(db());
  WatchStore store(db());
  store.add(watch("first", "crane"), s);
  // One bad watch of a list (here the third: its name is taken by the first of the list) and
  // nothing of it is added.
  try {
    store.add_all({watch("a", "bridge"), watch("b", "budget"), watch("a", "herring")}, s);
    ADD_FAILURE() << "a list with a name twice was added";
  } catch (const InvalidWatch& e) {
    EXPECT_EQ(e.index(), 2u);
    EXPECT_EQ(e.reason().rfind("name", 0), 0u) << e.reason();
    EXPECT_EQ(std::string(e.what()).rfind("watch 3: name", 0), 0u) << e.what();
  }
  try {
    store.add_all({watch("c", "bridge"), watch("d", "crane", {"planet:Mars"})}, s);
    ADD_FAILURE() << "a list with a bad filter was added";
  } catch (const InvalidWatch& e) {
    EXPECT_EQ(e.index(), 1u);
    EXPECT_EQ(e.reason().rfind("filters", 0), 0u) << e.reason();
  }
  EXPECT_THROW(store.add_all({watch("first", "bridge")}, s), InvalidWatch);  // taken by the store
  EXPECT_EQ(store.list().size(), 1u);

  std::vector<Watch> added = store.add_all({watch("a", "bridge"), watch("b", "", {"source:Test Wire"})}, s);
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[0].id, 2u);
  EXPECT_EQ(added[1].id, 3u);
  EXPECT_EQ(added[1].since_run, 1u);
  std::vector<Watch> all = WatchStore(db()).list();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].name, "b");
  // They are evaluated as any other: the next run's bridge article matches "a".
  write_article(dir, "bridge2", "Bridge reopens", "The old river bridge reopened on Friday.");
  build(dir);
  std::map<std::string, std::vector<WatchMatch>> got = by_watch(run_watches(db(), 1));
  EXPECT_EQ(ids(got["a"]), (std::vector<std::string>{"bridge2"}));
}

TEST_F(WatchesTest, EvaluatesOnlyWhatTheRunAddedOrChanged) {
  {
    Searcher s(db());
    WatchStore store(db());
    store.add(watch("harbour", "harbour"), s);
    store.add(watch("bridge", "bridge repairs"), s);
    store.add(watch("budget", "budget"), s);
    store.add(watch("wire", "", {"source:Test Wire"}), s);
  }
  // Nothing indexed since the watches were added: nothing to report.
  WatchRun none = run_watches(db(), 1);
  EXPECT_TRUE(none.matches.empty());

  // Run 2: one new article, one changed, one deleted, one unchanged.
  write_article(dir, "crane", "New crane at the harbour", kWire);
  write_article(dir, "bridge", "Bridge repairs begin",
                "Repairs on the old river bridge began on Monday and will "
                "close two lanes for a month, the city said.");
  std::filesystem::remove(dir.path() / "in/budget.txt");
  indexer::IndexStats s2 = build(dir);
  ASSERT_EQ(s2.run, 2u);
  ASSERT_EQ(s2.deleted, 1u);

  WatchRun run = run_watches(db(), 2);
  EXPECT_EQ(run.first_run, 2u);
  EXPECT_EQ(run.last_run, 2u);
  auto m = by_watch(run);
  EXPECT_EQ(ids(m["harbour"]), (std::vector<std::string>{"crane"}));  // not the old "fleet"
  ASSERT_EQ(ids(m["bridge"]), (std::vector<std::string>{"bridge"}));
  EXPECT_EQ(m["bridge"][0].change, "changed");
  EXPECT_EQ(m["harbour"][0].change, "added");
  EXPECT_EQ(m["harbour"][0].run, 2u);
  EXPECT_EQ(m["harbour"][0].title, "New crane at the harbour");
  EXPECT_EQ(m["harbour"][0].published.value_or(""), "2026-11-20T00:00:00Z");
  EXPECT_GT(m["harbour"][0].score, 0);
  EXPECT_TRUE(m["budget"].empty());  // deleted: nothing to match
  std::vector<std::string> wire = ids(m["wire"]);
  std::sort(wire.begin(), wire.end());
  EXPECT_EQ(wire, (std::vector<std::string>{"bridge", "crane"}));

  // Recorded: counts and the matches, once.
  WatchStore store(db());
  EXPECT_EQ(store.get("harbour")->matches, 1u);
  EXPECT_EQ(store.get("harbour")->new_matches, 1u);
  EXPECT_EQ(store.get("budget")->last_run_matches, 0u);
  EXPECT_EQ(ids(store.matches("harbour")), (std::vector<std::string>{"crane"}));
  store.mark_seen("harbour");
  EXPECT_EQ(store.get("harbour")->new_matches, 0u);
  EXPECT_EQ(store.get("harbour")->matches, 1u);
  EXPECT_THROW(store.mark_seen("nothing"), InvalidRequest);
  EXPECT_TRUE(run_watches(db(), 1).matches.empty());  // run 2 is evaluated

  // Run 3 indexes nothing new: unchanged files are not marked.
  indexer::IndexStats s3 = build(dir);
  EXPECT_EQ(s3.run, 3u);
  EXPECT_TRUE(run_watches(db(), 1).matches.empty());
  EXPECT_EQ(store.matches("harbour").size(), 1u);
}

TEST_F(WatchesTest, ARebuildReportsOnlyArticlesItChanged) {
  {
    Searcher s(db());
    WatchStore(db()).add(watch("any", "", {"source:Test Wire"}), s);
  }
  write_article(dir, "fleet", "Fishing fleet returns",
                "The fishing fleet returned to the harbour with a record "
                "catch of mackerel, the cooperative said.");
  indexer::IndexStats s = build_test_index(db(), {dir.str("in")}, [](indexer::IndexerConfig& c) { c.rebuild = true; });
  ASSERT_EQ(s.errors, 0u);
  EXPECT_EQ(s.run, 2u);  // numbered after the database it replaced
  WatchRun run = run_watches(db(), 1);
  ASSERT_EQ(ids(run.matches), (std::vector<std::string>{"fleet"}));
  EXPECT_EQ(run.matches[0].change, "changed");
}

TEST_F(WatchesTest, NearDuplicatesAreOneMatchWithTheirCopies) {
  {
    Searcher s(db());
    WatchStore(db()).add(watch("crane", "crane quay"), s);
  }
  for (int i = 0; i < 4; ++i) {
    std::string id = "copy-" + std::to_string(i);
    write_article(dir, id, "Harbour crane report " + std::to_string(i),
                  std::string(kWire) + " Reported by desk " + std::to_string(i) + ".");
  }
  write_article(dir, "other", "Quay repairs", "A report on quay repairs: the crane was mentioned once.");
  build(dir);
  WatchRun run = run_watches(db(), 1);
  ASSERT_EQ(run.matches.size(), 2u);
  std::set<std::string> group;
  const WatchMatch* story = nullptr;
  for (const WatchMatch& m : run.matches) {
    if (m.id.rfind("copy-", 0) == 0) story = &m;
  }
  ASSERT_NE(story, nullptr);
  EXPECT_EQ(story->copies.size(), 3u);
  group.insert(story->id);
  group.insert(story->copies.begin(), story->copies.end());
  EXPECT_EQ(group, (std::set<std::string>{"copy-0", "copy-1", "copy-2", "copy-3"}));
}

// A watch's matches are what an ordinary search of its query and filters finds among the
// run's articles (feedback off, uncollapsed), with the same scores and order.
TEST_F(WatchesTest, MatchesAreTheOrdinarySearchRestrictedToTheRun) {
  const std::vector<Watch> watches = {watch("w1", "harbour"),
                                      watch("w2", "crane quay freight"),
                                      watch("w3", "\"container crane\""),
                                      watch("w4", "bridge OR budget"),
                                      watch("w5", "harbour", {"source:Test Wire"}),
                                      watch("w6", "crane", {}, 1.0),
                                      watch("w7", "fleet harbour herring catch")};
  {
    Searcher s(db());
    WatchStore store(db());
    for (const Watch& w : watches) store.add(w, s);
  }
  write_article(dir, "crane", "New crane at the harbour", kWire);
  write_article(dir, "herring", "Herring catch",
                "The herring catch at the harbour was the best in years; the "
                "fleet stayed out a week longer.");
  write_article(dir, "fees", "Harbour fees rise", "Harbour fees rise for freight ships at the quay next month.");
  write_article(dir, "budget2", "Budget vote delayed", "The budget vote on the bridge was delayed.");
  build(dir);
  const std::set<std::string> added = {"crane", "herring", "fees", "budget2"};
  WatchRun run = run_watches(db(), 2);
  auto got = by_watch(run);
  Searcher s(db());
  std::size_t compared = 0;
  for (const Watch& w : watches) {
    SearchRequest r;
    r.query = w.query;
    r.filters = w.filters;
    r.limit = 100;
    r.collapse = false;
    r.ranking.feedback = "off";
    r.snippet_chars = 0;
    SearchResponse resp = s.search(r);
    ASSERT_FALSE(resp.relaxed) << w.name;
    std::vector<std::pair<std::string, double>> expected;
    for (const Hit& h : resp.hits) {
      if (added.count(h.id) != 0 && h.score >= w.min_score) expected.emplace_back(h.id, h.score);
    }
    const std::vector<WatchMatch>& ms = got[w.name];
    ASSERT_EQ(ms.size(), expected.size()) << w.name;
    for (std::size_t i = 0; i < ms.size(); ++i) {
      EXPECT_EQ(ms[i].id, expected[i].first) << w.name;
      EXPECT_NEAR(ms[i].score, expected[i].second, 1e-9) << w.name;
    }
    compared += ms.size();
  }
  EXPECT_GE(compared, 8u);  // the table exercises real matches
}

TEST_F(WatchesTest, FollowsAnEntityAndReportsIt) {
  {
    Searcher s(db());
    WatchStore(db()).add(watch("putin", "", {"people:Vladimir Putin"}), s);
    WatchStore(db()).add(watch("missile", "missile Putin"), s);
  }
  write_article(dir, "talks", "Talks in Moscow",
                "Russian President Vladimir Putin met the foreign minister of "
                "Ukraine in Moscow on Friday. Putin said the talks about the missile tests were useful.");
  write_article(dir, "weather", "Rain in Kyiv", "Heavy rain fell in Kyiv on Friday, flooding several streets.");
  build(dir);
  WatchRun run = run_watches(db(), 1);
  auto m = by_watch(run);
  ASSERT_EQ(ids(m["putin"]), (std::vector<std::string>{"talks"}));
  ASSERT_EQ(ids(m["missile"]), (std::vector<std::string>{"talks"}));
  for (const char* name : {"putin", "missile"}) {
    const std::vector<MatchedEntity>& e = m[name][0].entities;
    ASSERT_EQ(e.size(), 1u) << name;  // not Moscow or Ukraine: the watch does not name them
    EXPECT_EQ(e[0].kind, "person");
    EXPECT_EQ(e[0].name, "Vladimir Putin");
  }
}

TEST_F(WatchesTest, AWatchAddedLaterStartsAfterTheRunsBeforeIt) {
  Searcher s(db());
  WatchStore store(db());
  store.add(watch("early", "harbour"), s);
  write_article(dir, "crane", "New crane at the harbour", kWire);
  build(dir);  // run 2, not evaluated yet
  s.reopen();
  store.add(watch("late", "harbour"), s);  // added after run 2: it waits for run 3
  WatchRun run = run_watches(db(), 1);
  auto m = by_watch(run);
  EXPECT_EQ(ids(m["early"]), (std::vector<std::string>{"crane"}));
  EXPECT_EQ(m.count("late"), 0u);
  EXPECT_EQ(store.get("late")->since_run, 2u);
}

// An evaluation killed after appending matches but before recording them: the next one cuts
// them off and records them once.
TEST_F(WatchesTest, AnUnfinishedEvaluationIsRecordedOnce) {
  Searcher s(db());
  WatchStore store(db());
  store.add(watch("harbour", "harbour"), s);
  write_article(dir, "crane", "New crane at the harbour", kWire);
  build(dir);
  const auto matches = std::filesystem::path(store.folder()) / "matches.jsonl";
  // What a killed evaluation leaves: appended lines (one cut short) past the recorded length.
  {
    std::ofstream out(matches, std::ios::app);
    WatchMatch stray;
    stray.watch = "harbour";
    stray.watch_id = 1;
    stray.id = "crane";
    out << match_to_json(stray) << "\n{\"watch\": \"harb";
  }
  EXPECT_TRUE(store.matches("harbour").empty());  // readers see only recorded evaluations
  WatchRun run = run_watches(db(), 1);
  EXPECT_EQ(run.matches.size(), 1u);
  std::vector<WatchMatch> recorded = store.matches("harbour");
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_FALSE(recorded[0].matched_at.empty());
  EXPECT_EQ(store.get("harbour")->matches, 1u);
  EXPECT_EQ(std::filesystem::file_size(matches), store.state().matches_bytes);

  // A damaged store is an error naming its file, not an empty one.
  dir.write("db.watches/watches.json", "{not json");
  try {
    store.list();
    ADD_FAILURE();
  } catch (const IndexError& e) {
    EXPECT_NE(std::string(e.what()).find("watches.json"), std::string::npos) << e.what();
  }
}

TEST_F(WatchesTest, MatchesSinceATime) {
  Searcher s(db());
  WatchStore store(db());
  store.add(watch("harbour", "harbour"), s);
  write_article(dir, "crane", "New crane at the harbour", kWire);
  build(dir);
  run_watches(db(), 1);
  EXPECT_EQ(store.matches("harbour", 0).size(), 1u);
  EXPECT_EQ(store.matches("harbour", std::int64_t{4102444800}).size(), 0u);  // 2100
  WatchMatch m = store.matches("harbour")[0];
  WatchMatch back = match_from_json(match_to_json(m));
  EXPECT_EQ(back.id, m.id);
  EXPECT_EQ(back.title, m.title);
  EXPECT_DOUBLE_EQ(back.score, m.score);
  EXPECT_EQ(back.matched_at, m.matched_at);
  EXPECT_TRUE(store.remove("harbour"));
  EXPECT_EQ(store.matches("harbour").size(), 1u);  // a removed watch's history stays readable
}

}  // namespace
}  // namespace gazette
