// SPDX-License-Identifier: GPL-2.0-or-later
// Crash consistency: the real gazette-index is killed with SIGKILL at random moments of every
// kind of run (a build into an empty database with parallel shards, --rebuild with one and with
// two shards, incremental runs with changes, additions and deletions, --prune). After every kill
// the database opens and answers, each article in it is exactly some version of its source and
// is there once, and no shard folder outlives the run after it. A final uninterrupted run reaches
// exactly the source's articles, and a second one re-indexes nothing.
// GAZETTE_CRASH_ROUNDS (default 10) and GAZETTE_CRASH_ARTICLES (default 600) size it;
// scripts/crashtest runs the long variant.
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <xapian.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "corpus_reader.h"
#include "document_builder.h"
#include "gazette/common/schema.h"
#include "gazette/searcher/searcher.h"
#include "support/temp_index.h"

extern char** environ;

namespace gazette {
namespace {

using gazette::testing::TempDir;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && std::atoi(v) > 0 ? std::atoi(v) : fallback;
}

struct Outcome {
  bool killed = false;  // SIGKILL landed before the run ended
  int status = -1;      // exit status when it ended by itself
  double seconds = 0;
  std::string out;  // stdout (the --json summary), when it ended by itself
  std::string err;  // stderr
};

// Runs gazette-index with `args`; kills it after `kill_after` seconds (< 0: never).
Outcome run_index(const std::vector<std::string>& args, double kill_after, const std::string& out_file) {
  std::vector<std::string> argv_s{GAZETTE_INDEX_BIN};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const std::string err_file = out_file + ".err";
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  Outcome o;
  auto t0 = Clock::now();
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) return o;
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  for (;;) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    if (done == pid) break;
    if (kill_after >= 0 && secs >= kill_after) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    if (secs > 600) {  // a hang is a failure, not a stuck test
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ADD_FAILURE() << "gazette-index ran for more than 600 s";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  o.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  o.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  o.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.out = gazette::testing::file_bytes(out_file);
  o.err = gazette::testing::file_bytes(err_file);
  return o;
}

// A corpus of .txt articles that the test edits between runs, remembering every version.
class Source {
 public:
  Source(const fs::path& root, int articles, std::string prefix = "story")
      : root_(root), prefix_(std::move(prefix)), rng_(20261201) {
    for (int i = 0; i < articles; ++i) write(next_++);
  }
  // Changes, adds and deletes a few articles.
  void mutate(bool deletions) {
    std::vector<int> ids(live_.begin(), live_.end());
    for (int k = 0; k < std::max<int>(1, static_cast<int>(ids.size()) / 20); ++k) write(ids[rng_() % ids.size()]);
    for (int k = 0; k < std::max<int>(1, static_cast<int>(ids.size()) / 25); ++k) write(next_++);
    if (deletions) {
      for (int k = 0; k < std::max<int>(1, static_cast<int>(ids.size()) / 30); ++k) {
        int id = ids[rng_() % ids.size()];
        if (live_.erase(id) != 0) fs::remove(path(id));
      }
    }
  }
  // Every (id, content hash) any version of the source ever had.
  const std::map<std::string, std::set<std::string>>& versions() const { return versions_; }
  // The current source: id -> hash.
  std::map<std::string, std::string> current() const {
    std::map<std::string, std::string> out;
    for (const indexer::SourceFile& f : indexer::discover_files({root_.string()})) {
      for (const indexer::ReadArticle& r : indexer::read_file(f, 1 << 20).articles) {
        out[r.article.id] = indexer::content_hash(r.article);
      }
    }
    return out;
  }

 private:
  fs::path path(int id) const {
    return root_ / ("part" + std::to_string(id % 7)) / (prefix_ + "-" + std::to_string(id) + ".txt");
  }
  void write(int id) {
    static const char* words[] = {"harbour", "strike",  "minister", "energy",  "cable",    "market",
                                  "council", "river",   "school",   "budget",  "storm",    "vote",
                                  "museum",  "grain",   "railway",  "court",   "festival", "bridge",
                                  "pension", "fishing", "drought",  "airport", "union",    "tariff"};
    std::string body;
    for (int p = 0; p < 3; ++p) {
      for (int w = 0; w < 60; ++w) body += std::string(words[rng_() % 24]) + (w % 12 == 11 ? ". " : " ");
      if (p < 2) body += "\n\n";
    }
    // A word no other version has, inside a paragraph: a line of its own that differs from every
    // other article's only by its figures would be boilerplate ("recurring line") to indexing.
    body += "Reference word" + std::to_string(id) + "x" + std::to_string(rng_() % 100000) + ".";
    std::string title = "Story " + std::to_string(id) + " on the " + words[rng_() % 24];
    gazette::testing::write_file(
        path(id),
        gazette::testing::text_article({.title = title,
                                        .id = prefix_ + "-" + std::to_string(id),
                                        .date = "2025-0" + std::to_string(1 + id % 9) + "-1" + std::to_string(id % 10),
                                        .body = body}));
    live_.insert(id);
    indexer::FileContents c = indexer::read_file({path(id).string(), "x"}, 1 << 20);
    if (!c.articles.empty()) versions_[c.articles[0].article.id].insert(indexer::content_hash(c.articles[0].article));
  }

  fs::path root_;
  std::string prefix_;
  std::mt19937 rng_;
  int next_ = 0;
  std::set<int> live_;
  std::map<std::string, std::set<std::string>> versions_;
};

// The database's articles: id -> content hash; fails the test on a duplicate id or a bad count.
std::map<std::string, std::string> database_articles(const std::string& db_path) {
  std::map<std::string, std::string> out;
  Xapian::Database db(db_path);
  std::string prefix(schema::kIdPrefix);
  Xapian::doccount ids = 0;
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
    ++ids;
    EXPECT_EQ(t.get_termfreq(), 1u) << *t << " is in the database more than once";
    Xapian::Document doc = db.get_document(*db.postlist_begin(*t));
    out[(*t).substr(prefix.size())] = doc.get_value(schema::kContentHashSlot);
  }
  EXPECT_EQ(ids, db.get_doccount()) << "articles without an id term";
  return out;
}

std::vector<std::string> leftovers(const fs::path& parent, const std::string& db_name) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(parent)) {
    std::string n = e.path().filename().string();
    if (n.rfind("." + db_name + ".shards-", 0) == 0 || n.rfind("." + db_name + ".trash-", 0) == 0) out.push_back(n);
  }
  return out;
}

// The database at `db` opens, answers a search, and holds only versions of source articles.
void check_consistent(const std::string& db, const Source& source, const std::string& when) {
  SCOPED_TRACE(when);
  Searcher searcher(db);  // throws (and fails the test) when it does not open
  SearchRequest r;
  r.query = "harbour";
  EXPECT_NO_THROW(searcher.search(r));
  for (const auto& [id, hash] : database_articles(db)) {
    auto v = source.versions().find(id);
    ASSERT_NE(v, source.versions().end()) << id << " was never in the source";
    EXPECT_EQ(v->second.count(hash), 1u) << id << " holds content that no version of its file had";
  }
}

TEST(CrashTest, KilledAtRandomMomentsTheDatabaseStaysWholeAndTheNextRunFinishes) {
  const int rounds = env_int("GAZETTE_CRASH_ROUNDS", 10);
  const int articles = env_int("GAZETTE_CRASH_ARTICLES", 600);
  TempDir dir;
  Source source(dir.path() / "src", articles);
  const std::string db = dir.str("news.db"), fresh = dir.str("fresh.db"), out = dir.str("out.json");
  const std::string src = dir.str("src");
  std::mt19937 rng(77);
  // The kinds of run, each timed once uninterrupted so that kills land across all its phases.
  struct Kind {
    const char* name;
    std::vector<std::string> args;
    bool fresh_db;
    int mutate;  // 0 none, 1 changes and additions, 2 also deletions
    double seconds = 1;
  };
  std::vector<Kind> kinds = {
      {"rebuild with 2 shards",
       {"build", "--db", db, "--json", "--rebuild", "--shards", "2", "--batch-size", "40", src},
       false,
       0},
      {"incremental", {"build", "--db", db, "--json", "--batch-size", "20", src}, false, 1},
      {"incremental --prune", {"build", "--db", db, "--json", "--prune", "--batch-size", "20", src}, false, 2},
      {"fresh build, 2 shards",
       {"build", "--db", fresh, "--json", "--shards", "2", "--batch-size", "40", src},
       true,
       0},
      {"rebuild with 1 shard",
       {"build", "--db", db, "--json", "--rebuild", "--shards", "1", "--batch-size", "40", src},
       false,
       0},
  };
  for (Kind& k : kinds) {
    Outcome o = run_index(k.args, -1, out);
    ASSERT_EQ(o.status, 0) << k.name;
    k.seconds = std::max(0.05, o.seconds);
    if (k.fresh_db) fs::remove_all(fresh);
  }
  int kills = 0, resumed = 0;
  for (int round = 0; round < rounds; ++round) {
    Kind& k = kinds[static_cast<std::size_t>(round) % kinds.size()];
    if (k.mutate > 0) source.mutate(k.mutate == 2);
    double at = std::uniform_real_distribution<double>(0.0, 1.1 * k.seconds)(rng);
    Outcome o = run_index(k.args, at, out);
    std::string when =
        std::string("round ") + std::to_string(round) + ", " + k.name + ", killed at " + std::to_string(at) + " s";
    if (o.killed) ++kills;
    const std::string& target = k.fresh_db ? fresh : db;
    if (fs::exists(target)) {
      check_consistent(target, source, when);
    } else {
      EXPECT_TRUE(k.fresh_db) << when << ": the database is gone";
    }
    std::vector<std::string> left = leftovers(dir.path(), fs::path(target).filename().string());
    EXPECT_LE(left.size(), o.killed ? 2u : 0u) << when << ": leftover folders pile up";
    // The next run of this database finishes the work and cleans up.
    Outcome next = run_index(k.args, -1, out);
    ASSERT_EQ(next.status, 0) << when << ": the run after the kill failed:\n" << next.err.substr(0, 3000);
    auto summary = nlohmann::json::parse(next.out, nullptr, false);
    if (k.fresh_db && !summary.is_discarded() && summary.value("unchanged", 0) > 0) ++resumed;
    check_consistent(target, source, when + ", then a full run");
    EXPECT_TRUE(leftovers(dir.path(), fs::path(target).filename().string()).empty()) << when;
    if (k.fresh_db) {
      EXPECT_EQ(database_articles(fresh), source.current()) << when;
      fs::remove_all(fresh);
    }
  }
  RecordProperty("kills", kills);
  RecordProperty("fresh_builds_resumed", resumed);
  std::printf("crash test: %d rounds, %d kills landed, %d killed fresh builds resumed\n", rounds, kills, resumed);
  // Final: exactly the source, each article once; a second run re-indexes nothing.
  Outcome final_run = run_index({"build", "--db", db, "--json", "--prune", src}, -1, out);
  ASSERT_EQ(final_run.status, 0);
  EXPECT_EQ(database_articles(db), source.current());
  Outcome again = run_index({"build", "--db", db, "--json", "--prune", src}, -1, out);
  ASSERT_EQ(again.status, 0);
  auto summary = nlohmann::json::parse(again.out, nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << again.out;
  EXPECT_EQ(summary.value("indexed", -1), 0);
  EXPECT_EQ(summary.value("updated", -1), 0);
  EXPECT_EQ(summary.value("deleted", -1), 0);
  EXPECT_GT(kills, rounds / 3) << "too few kills landed inside a run to prove anything";
}

// A file system that fills up during a commit: a clear error, and the database keeps its last
// commit. Needs a small tmpfs (root, and a kernel that lets the test mount one); skipped otherwise.
TEST(CrashTest, DiskFullDuringACommitLeavesTheDatabaseIntact) {
  TempDir dir;
  fs::path mnt = dir.path() / "small";
  fs::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=6m") != 0) {
    GTEST_SKIP() << "cannot mount a small tmpfs here (needs root): " << std::strerror(errno);
  }
  struct Unmount {
    fs::path p;
    ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
  } unmount{mnt};
  Source small(dir.path() / "small-src", 50);
  const std::string db = (mnt / "news.db").string(), out = dir.str("out.json");
  Outcome first =
      run_index({"build", "--db", db, "--json", "--shards", "1", (dir.path() / "small-src").string()}, -1, out);
  ASSERT_EQ(first.status, 0);
  std::map<std::string, std::string> before = database_articles(db);
  ASSERT_EQ(before.size(), 50u);
  // Far more text than the file system holds.
  Source big(dir.path() / "big-src", 6000, "big");
  std::string err_file = dir.str("err.txt");
  std::string cmd = std::string(GAZETTE_INDEX_BIN) + " build --db " + db + " --batch-size 200 " +
                    (dir.path() / "big-src").string() + " >/dev/null 2>" + err_file;
  int status = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << "filling the disk must fail the run";
  std::string err = gazette::testing::file_bytes(err_file);
  EXPECT_NE(err.find("No space left on device"), std::string::npos) << err.substr(0, 2000);
  // The database opens and holds what was committed: the first 50 articles, plus whole batches.
  Searcher searcher(db);
  std::map<std::string, std::string> after = database_articles(db);
  for (const auto& [id, hash] : before) EXPECT_EQ(after[id], hash);
}

}  // namespace
}  // namespace gazette
