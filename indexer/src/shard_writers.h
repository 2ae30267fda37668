// SPDX-License-Identifier: GPL-2.0-or-later
// Parallel writers for a fresh build: N shard databases filled at once, merged by compaction.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "bounded_queue.h"
#include "index_writer.h"

namespace gazette::indexer {

// Xapian's inverter is the indexing bottleneck and a WritableDatabase takes one thread, so a
// build into an empty database writes N shard databases in parallel (one thread each), routes
// each article to a shard by a hash of its id term (a repeated id replaces the earlier copy in
// the same shard), and at the end assigns near-duplicate groups across shards and merges the
// shards into the target with Xapian's compaction (a read-optimised single database).
//
// The shards commit every batch, in a folder beside the target (`.NAME.shards-PID`, with a
// build.state file): a run that is killed leaves them there, and the next run resumes from them
// (`resume`) instead of starting over. The target is only replaced, in one atomic swap, when the
// merged database is complete, so a killed --rebuild leaves the old database answering.
//
// Lifecycle: construct (the caller holds the RunLock), add()/remove() from one thread, then
// finish() and merge_into(). Destroying it without merging keeps the committed shards for the
// next run. Throws IndexError.
class ShardWriters {
 public:
  // New shards in a fresh folder beside `target` (same file system), or, with `resume_folder`,
  // the shards a killed run left there (their count wins over `shards`).
  ShardWriters(const std::string& target, unsigned shards, std::size_t batch_articles, std::size_t batch_bytes,
               bool rebuild, const std::string& resume_folder = "");
  // The shards of a kept-shards database (kept_shards.h), written in place with fsync: an
  // update run. Each article goes to the shard its id term hashes to, as in the build that
  // wrote them, so replacements and deletions find it.
  struct InPlace {};
  ShardWriters(InPlace, const std::string& target, std::vector<std::string> shard_paths, std::size_t batch_articles,
               std::size_t batch_bytes);
  ~ShardWriters();
  ShardWriters(const ShardWriters&) = delete;
  ShardWriters& operator=(const ShardWriters&) = delete;

  // The writer of shard 0, for what the whole database holds once (synonyms). Not thread-safe:
  // only before the first add().
  IndexWriter& first() { return *writers_[0]; }

  // Queues one article (id term + finished document); blocks while its shard is busy.
  // Rethrows a shard writer's failure.
  void add(const std::string& id_term, Xapian::Document document, std::size_t text_bytes);
  // Queues the deletion of an article (of a resumed build).
  void remove(const std::string& id_term);
  // What the shards already hold (a resumed build), by id term. Only before the first add().
  std::unordered_map<std::string, IndexedArticle> load_existing() const;
  unsigned shard_count() const { return static_cast<unsigned>(writers_.size()); }

  // Waits for every shard, commits them, then assigns near-duplicate groups across shards
  // (the same rule as IndexWriter::assign_duplicate_group, in docid order). Rethrows failures.
  void finish();

  // Compacts the shards into `target`, replacing what is there: the caller must hold no
  // Xapian database open on `target`. Removes the shards.
  void merge_into(const std::string& target);

  // Makes the shards the database at `target`, a kept-shards database (kept_shards.h): a new
  // build compacts each shard, writes the dictionary and the stub and swaps its folder in
  // (readers see the old database or the new one); an in-place run rewrites the dictionary.
  void keep_as(const std::string& target);
  bool in_place() const { return in_place_; }

 private:
  struct Job {
    std::string id_term;
    Xapian::Document document;
    std::size_t text_bytes = 0;
    bool remove = false;
  };
  void run(std::size_t shard);
  void fail(std::exception_ptr e);
  void rethrow_failure();
  void assign_groups();

  std::string target_;
  std::string folder_;
  std::vector<std::string> paths_;
  std::vector<std::unique_ptr<IndexWriter>> writers_;
  std::vector<std::unique_ptr<BoundedQueue<Job>>> queues_;
  std::vector<std::thread> threads_;
  std::size_t batch_articles_, batch_bytes_;
  std::mutex failure_mutex_;
  std::exception_ptr failure_;
  std::atomic<bool> failed_{false};
  bool finished_ = false;
  bool in_place_ = false;
};

}  // namespace gazette::indexer
