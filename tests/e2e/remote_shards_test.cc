// SPDX-License-Identifier: GPL-2.0-or-later
// Kept shards, locally through their stub and remotely behind three xapian-tcpsrv on loopback:
// every request of a table gets the response the merged database gives (same hits in the same
// order apart from equally scored ones, same totals, same facet counts, snippets, suggestion).
// And updates of a kept-shards database find each article in its shard.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "gazette/common/error.h"
#include "gazette/common/schema.h"
#include "gazette/searcher/request_json.h"
#include "gazette/searcher/searcher.h"
#include "shard_set.h"
#include "support/temp_dir.h"
#include "support/test_index.h"

namespace gazette {
namespace {

namespace fs = std::filesystem;
using gazette::testing::TempDir;

// A response as the comparison sees it: took_ms dropped; each hit by its score (to 1e-9
// relative), the smallest id of its near-duplicate group and the group's ids, so that the choice
// of a group's representative and the order of equal scores (both follow docids, which differ
// between one database and shards) are no difference.
nlohmann::json comparable(const SearchResponse& r) {
  nlohmann::json j = nlohmann::json::parse(to_json(r));
  j.erase("took_ms");
  std::vector<nlohmann::json> hits;
  for (const auto& h : j["hits"]) {
    std::set<std::string> group{h["id"].get<std::string>()};
    for (const auto& d : h["duplicates"]["ids"]) group.insert(d.get<std::string>());
    double s = h["score"].get<double>();
    hits.push_back({{"score", std::round(s * 1e6) / 1e6}, {"group", group}, {"count", h["duplicates"]["count"]}});
  }
  std::sort(hits.begin(), hits.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    if (a["score"] != b["score"]) return a["score"].get<double>() > b["score"].get<double>();
    return *a["group"].begin() < *b["group"].begin();
  });
  j["hits"] = hits;
  return j;
}

struct Case {
  const char* name;
  void (*set)(SearchRequest&);
};

const Case kCases[] = {
    {"keywords", [](SearchRequest& r) { r.query = "energy prices"; }},
    {"phrase", [](SearchRequest& r) { r.query = "\"energy security\""; }},
    {"filter", [](SearchRequest& r) { r.query = "energy", r.filters = {"places:Latvia"}; }},
    {"five facets",
     [](SearchRequest& r) {
       r.query = "energy", r.facets = {"people", "places", "organizations", "source", "date"};
     }},
    {"facets with their own filters",
     [](SearchRequest& r) {
       r.query = "energy", r.facets = {"people", "places", "source"}, r.filters = {"places:Latvia", "places:Riga"};
     }},
    {"date facet, filters only",
     [](SearchRequest& r) {
       r.facets = {"date:year", "language"}, r.filters = {"date:2025"}, r.limit = 50;
     }},
    {"recency", [](SearchRequest& r) { r.query = "oil markets", r.recency_half_life_days = 30; }},
    {"newest first", [](SearchRequest& r) { r.query = "government", r.sort = "newest"; }},
    {"no collapse", [](SearchRequest& r) { r.query = "minister", r.collapse = false; }},
    {"second page", [](SearchRequest& r) { r.query = "the", r.offset = 3, r.limit = 4, r.exact_total = true; }},
    {"typo", [](SearchRequest& r) { r.query = "electricty"; }},
    {"query language", [](SearchRequest& r) { r.query = "place:Italy energy -nuclear"; }},
};

// One xapian-tcpsrv per shard on free loopback ports; stopped by pid, also when a test fails
// (the destructor).
class Servers {
 public:
  explicit Servers(const std::vector<std::string>& shards) : shards_(shards) {
    for (std::size_t i = 0; i < shards.size(); ++i) {
      pids_.push_back(-1);
      ports_.push_back(0);
      for (int attempt = 0; attempt < 30 && pids_[i] < 0; ++attempt) {
        start(i, 20000 + static_cast<int>((::getpid() * 7 + attempt * 131 + i * 17) % 30000));
      }
    }
  }
  ~Servers() {
    for (std::size_t i = 0; i < pids_.size(); ++i) stop(i);
  }
  const std::vector<int>& ports() const { return ports_; }
  bool ok() const {
    return !pids_.empty() && std::all_of(pids_.begin(), pids_.end(), [](pid_t p) { return p > 0; });
  }
  void stop(std::size_t i) {
    if (pids_[i] <= 0) return;
    ::kill(pids_[i], SIGTERM);
    ::waitpid(pids_[i], nullptr, 0);
    pids_[i] = -1;
  }
  // Starts shard i's server on `port`; false when it does not answer there.
  bool start(std::size_t i, int port) {
    pid_t pid = ::fork();
    if (pid == 0) {
      // A group of its own: xapian-tcpsrv ends its connection handlers by signalling its
      // whole process group, which would otherwise be this test's.
      ::setpgid(0, 0);
      std::string p = std::to_string(port);
      ::execlp("xapian-tcpsrv", "xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1", "--port", p.c_str(),
               shards_[i].c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int wait = 0; wait < 100; ++wait) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) return false;  // port taken, or no server
      try {
        Xapian::Remote::open("127.0.0.1", static_cast<unsigned>(port), 2000).get_doccount();
        pids_[i] = pid;
        ports_[i] = port;
        return true;
      } catch (const Xapian::Error&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return false;
  }

 private:
  std::vector<std::string> shards_;
  std::vector<pid_t> pids_;
  std::vector<int> ports_;
};

// The stub a user writes for remote shards: one line per server, the dictionary local.
std::string write_remote_stub(const TempDir& dir, const std::vector<int>& ports, const std::string& dictionary) {
  const std::string stub = dir.str("remote-" + std::to_string(ports.front()) + ".stub");
  std::ofstream out(stub);
  for (int port : ports) out << "remote 127.0.0.1:" << port << "\n";
  out << "auto " << dictionary << "\n";
  return stub;
}

class RemoteShardsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string corpus = std::string(GAZETTE_SOURCE_DIR) + "/corpus";
    gazette::testing::build_test_index(dir_->str("merged"), {corpus});
    gazette::testing::build_test_index(dir_->str("kept"), {corpus}, [](indexer::IndexerConfig& c) {
      c.keep_shards = true;
      c.shards = 3;
    });
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::vector<std::string> shards() {
    return {dir_->str("kept/shard0"), dir_->str("kept/shard1"), dir_->str("kept/shard2")};
  }
  static void expect_same_responses(const std::string& path) {
    Searcher merged(dir_->str("merged"));
    Searcher other(path);
    EXPECT_EQ(other.article_count(), merged.article_count());
    for (const Case& c : kCases) {
      SearchRequest r;
      c.set(r);
      EXPECT_EQ(comparable(other.search(r)).dump(1), comparable(merged.search(r)).dump(1)) << c.name;
    }
  }
  static TempDir* dir_;
};
TempDir* RemoteShardsTest::dir_ = nullptr;

TEST_F(RemoteShardsTest, TheKeptShardsAreADatabaseOfStubAndShards) {
  EXPECT_TRUE(fs::is_regular_file(dir_->str("kept/XAPIANDB")));
  Xapian::Database all(dir_->str("kept"));
  Xapian::doccount sum = 0;
  for (const std::string& s : shards()) {
    Xapian::Database shard(s);
    EXPECT_GT(shard.get_doccount(), 0u) << s;
    sum += shard.get_doccount();
  }
  EXPECT_EQ(all.get_doccount(), sum);
  EXPECT_EQ(Xapian::Database(dir_->str("kept/dictionary")).get_doccount(), 0u);
}

TEST_F(RemoteShardsTest, LocalShardsAnswerAsTheMergedDatabase) { expect_same_responses(dir_->str("kept")); }

TEST_F(RemoteShardsTest, RemoteShardsAnswerAsTheMergedDatabase) {
  if (std::system("command -v xapian-tcpsrv > /dev/null 2>&1") != 0) GTEST_SKIP() << "xapian-tcpsrv not installed";
  Servers servers(shards());
  ASSERT_TRUE(servers.ok()) << "could not start 3 xapian-tcpsrv on loopback";
  expect_same_responses(write_remote_stub(*dir_, servers.ports(), dir_->str("kept/dictionary")));
}

TEST_F(RemoteShardsTest, AShardDownLeavesTheOthersAnsweringUntilItIsBack) {
  if (std::system("command -v xapian-tcpsrv > /dev/null 2>&1") != 0) GTEST_SKIP() << "xapian-tcpsrv not installed";
  Servers servers(shards());
  ASSERT_TRUE(servers.ok());
  Searcher searcher(write_remote_stub(*dir_, servers.ports(), dir_->str("kept/dictionary")));
  SearchRequest r;
  r.query = "the";
  r.facets = {"source"};
  r.collapse = false;  // the total counts articles, not near-duplicate groups (they span shards)
  const SearchResponse all = searcher.search(r);
  EXPECT_TRUE(all.missing_shards.empty());
  const std::uint64_t in_shard1 = Xapian::Database(shards()[1]).get_termfreq("the");
  ASSERT_GT(in_shard1, 0u);

  servers.stop(1);
  const SearchResponse partial = searcher.search(r);
  ASSERT_EQ(partial.missing_shards, std::vector<std::string>{"remote 127.0.0.1:" + std::to_string(servers.ports()[1])});
  EXPECT_FALSE(partial.total.exact);
  EXPECT_EQ(partial.total.value, all.total.value - in_shard1);
  ASSERT_FALSE(partial.warnings.empty());
  EXPECT_NE(partial.warnings.back().find("shards not answering"), std::string::npos);

  // Back on its port: the next search after the retry interval finds it again.
  ASSERT_TRUE(servers.start(1, servers.ports()[1]));
  std::this_thread::sleep_for(searcher::kShardRetry + std::chrono::milliseconds(300));
  const SearchResponse back = searcher.search(r);
  EXPECT_TRUE(back.missing_shards.empty());
  EXPECT_EQ(back.total.value, all.total.value);
  EXPECT_EQ(back.facets.front().values.front().count, all.facets.front().values.front().count);
}

TEST_F(RemoteShardsTest, AShardThatNeverAnswersCostsATimeoutNotAHang) {
  if (std::system("command -v xapian-tcpsrv > /dev/null 2>&1") != 0) GTEST_SKIP() << "xapian-tcpsrv not installed";
  Servers servers({shards()[0], shards()[2]});
  ASSERT_TRUE(servers.ok());
  // A listener that accepts connections (the kernel's backlog) and never says a word.
  int silent = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(silent, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(silent, 16), 0);
  socklen_t len = sizeof addr;
  ::getsockname(silent, reinterpret_cast<sockaddr*>(&addr), &len);
  const int silent_port = ntohs(addr.sin_port);
  const auto t0 = std::chrono::steady_clock::now();
  Searcher searcher(
      write_remote_stub(*dir_, {servers.ports()[0], silent_port, servers.ports()[1]}, dir_->str("kept/dictionary")));
  SearchRequest r;
  r.query = "energy";
  const SearchResponse partial = searcher.search(r);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::close(silent);
  EXPECT_EQ(partial.missing_shards, std::vector<std::string>{"remote 127.0.0.1:" + std::to_string(silent_port)});
  EXPECT_GT(partial.total.value, 0u);
  EXPECT_LT(seconds, 2.0 * searcher::kRemoteTimeoutMs / 1000.0 + 2.0);
}

TEST(KeptShardsTest, UpdatesFindEachArticleInItsShard) {
  TempDir dir;
  fs::create_directories(dir.str("in"));
  auto write = [&](const std::string& name, const std::string& text) { std::ofstream(dir.str("in/" + name)) << text; };
  for (int i = 0; i < 12; ++i) {
    write("a" + std::to_string(i) + ".txt", "Report number " + std::to_string(i) + "\n\nHarbour cranes stood idle " +
                                                "on day " + std::to_string(i) + " of the dock strike.\n");
  }
  const std::string db = dir.str("db");
  auto build = [&](bool prune) {
    return gazette::testing::build_test_index(db, {dir.str("in")}, [&](indexer::IndexerConfig& c) {
      c.keep_shards = true;
      c.shards = 3;
      c.prune = prune;
    });
  };
  ASSERT_EQ(build(false).indexed, 12u);
  write("a4.txt", "Report number 4\n\nThe strike ended with a pay deal for the crane drivers.\n");
  fs::remove(dir.str("in/a7.txt"));
  indexer::IndexStats second = build(true);
  EXPECT_EQ(second.updated, 1u);
  EXPECT_EQ(second.deleted, 1u);
  EXPECT_EQ(second.unchanged, 10u);
  // Each article in exactly one shard: the update replaced it where it was.
  std::size_t total = 0;
  for (int s = 0; s < 3; ++s) {
    Xapian::Database shard(db + "/shard" + std::to_string(s));
    total += shard.get_doccount();
  }
  EXPECT_EQ(total, 11u);
  Searcher searcher(db);
  SearchRequest r;
  r.query = "pay deal";
  EXPECT_EQ(searcher.search(r).total.value, 1u);
  r.query = "idle";
  EXPECT_EQ(searcher.search(r).total.value, 10u);
  // The dictionary follows the shards: a word of two articles or more is in it.
  Xapian::Database dictionary(db + "/dictionary");
  EXPECT_NE(dictionary.spellings_begin(), dictionary.spellings_end());
}

TEST(KeptShardsTest, AStubOfItsOwnIsNotUpdatedAndSaysWhy) {
  TempDir dir;
  fs::create_directories(dir.str("db"));
  std::ofstream(dir.str("db/XAPIANDB")) << "remote 10.0.0.1:8000\n";
  std::ofstream(dir.str("a.txt")) << "Title\n\nSome text about harbours.\n";
  try {
    gazette::testing::build_test_index(dir.str("db"), {dir.str("a.txt")});
    FAIL() << "no error";
  } catch (const IndexError& e) {
    EXPECT_NE(std::string(e.what()).find("XAPIANDB:1: not a stub gazette-index wrote"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gazette
