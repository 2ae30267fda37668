// SPDX-License-Identifier: GPL-2.0-or-later
// The searcher's pool of Xapian handles: one per concurrent call (Xapian objects are not
// thread-safe), each moved to the latest commit when the searcher is told to reopen, and the
// one place Xapian's exceptions become Gazette's.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <xapian.h>

#include "aliases.h"
#include "facet_table.h"
#include "gazette/common/analyzer.h"
#include "gazette/common/error.h"
#include "gazette/common/ner.h"
#include "recency.h"
#include "shard_set.h"

namespace gazette::searcher {

// One thread's view of the database, with the analyser that goes with it.
struct Handle {
  Xapian::Database db;
  Analyzer analyzer;
  std::uint64_t generation = 0;
  std::uint64_t identity = 0;  // which database folder (or stub file) the handle opened
  // The corpus's entity aliases as of the revision the handle reads (reloaded when it moves).
  std::shared_ptr<const EntityAliases> aliases;
  // The days a recency blend weighs, read by the first such search of the revision.
  std::shared_ptr<const RecencyDays> recency_days;
  std::shared_ptr<const Recency> recency;  // the last half-life's blend over recency_days
  // Whether its matches take a MatchDecider (none do when a shard is remote); probed by the
  // first faceted search.
  std::optional<bool> deciders;
  // A stub's shards, opened one by one (shard_set.h); null for one database folder.
  std::shared_ptr<ShardSet> shards;

  // The names of the shards that are down (empty for one database).
  std::vector<std::string> missing_shards() const { return shards ? shards->missing() : std::vector<std::string>(); }
};

// Opens `path` (a database folder or stub file) and checks its schema version. Throws
// IndexError naming the path.
Xapian::Database open_database(const std::string& path);

// Thread-safe. Handles are opened on demand and kept for reuse.
class HandlePool {
 public:
  // Opens one handle now, so that a bad path fails here (IndexError).
  explicit HandlePool(std::string path);
  ~HandlePool();  // stops and joins a facet table build
  HandlePool(const HandlePool&) = delete;
  HandlePool& operator=(const HandlePool&) = delete;

  const std::string& path() const { return path_; }
  // Entity canonicalisation for filters ("places:U.S."), shared read-only by all threads.
  const Gazetteer* gazetteer() const { return gazetteer_.get(); }
  // Every handle moves to the latest commit before its next use.
  void reopen() { generation_.fetch_add(1); }

  // Runs `fn(handle)` with a pooled handle; retries once on a concurrent commit or a database
  // replaced by a rebuild; translates Xapian errors into IndexError ("PATH: WHAT failed: ...").
  // A handle that failed is dropped rather than pooled.
  template <typename Fn>
  auto with_handle(const char* what, Fn&& fn) -> decltype(fn(std::declval<Handle&>()));

  // The facet table (facet_table.h) of the revision `h` reads, when one is built; otherwise
  // nullptr, and a table of the latest revision starts building in the background (one build at
  // a time, one try per revision), so that later searches count from it. None for a stub
  // database of several shards.
  std::shared_ptr<const FacetTable> facet_table(const Handle& h);

 private:
  void build_facet_table();

  std::unique_ptr<Handle> acquire();
  // Moves a handle to the latest commit: reopen() in place, or a fresh open when the path now
  // names another database (a finished --rebuild).
  void refresh(Handle& h);
  // Opens the path into `h` (its shards one by one when it is a stub Gazette can read).
  void open(Handle& h);
  // Takes what a changed set of shards now holds (a shard dropped or back).
  void adopt(Handle& h);
  void release(std::unique_ptr<Handle> h);
  bool replaced(const Handle& h) const;  // the path now names another database than h's

  std::string path_;
  std::shared_ptr<const Gazetteer> gazetteer_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Handle>> idle_;
  std::atomic<std::uint64_t> generation_{0};
  std::mutex table_mutex_;  // guards the four below
  std::shared_ptr<const FacetTable> table_;
  std::thread table_builder_;
  bool building_ = false;
  std::pair<std::string, Xapian::rev> tried_;  // uuid and revision of the last build begun
  std::atomic<bool> stop_{false};
};

// Tries of a call that meets commits made under it (DatabaseModifiedError), after the first.
inline constexpr int kModifiedRetries = 5;

template <typename Fn>
auto HandlePool::with_handle(const char* what, Fn&& fn) -> decltype(fn(std::declval<Handle&>())) {
  std::unique_ptr<Handle> h = acquire();
  auto run = [&] {
    auto result = fn(*h);
    release(std::move(h));
    return result;
  };
  try {
    try {
      return run();
    } catch (const Xapian::DatabaseModifiedError&) {
      // A writer committed twice under us (Xapian keeps the revision before the latest): retry on
      // the new revision, again when commits come faster than this search (an indexer committing
      // small batches: a single retry was seen to fail).
      for (int attempt = 1;; ++attempt) {
        refresh(*h);
        try {
          return run();
        } catch (const Xapian::DatabaseModifiedError&) {
          if (attempt >= kModifiedRetries) throw;
        }
      }
    } catch (const Xapian::DatabaseError&) {
      // Read errors on a database that a rebuild has just replaced: retry once on the new one.
      if (!replaced(*h)) throw;
      refresh(*h);
      return run();
    } catch (const Xapian::NetworkError&) {
      // A remote shard went down (or timed out): retry once without it.
      if (!h->shards || !h->shards->drop_dead()) throw;
      adopt(*h);
      return run();
    }
  } catch (const Xapian::Error& e) {
    throw IndexError(path_ + ": " + what + " failed: " + e.get_description());
  } catch (...) {
    if (h) release(std::move(h));
    throw;
  }
}

}  // namespace gazette::searcher
