// SPDX-License-Identifier: GPL-2.0-or-later
// A stub database opened shard by shard, so that a shard that is down or slow leaves the others
// searchable, and comes back when it answers again.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

namespace gazette::searcher {

// One line of a Xapian stub file that Gazette opens itself: a local database (`auto PATH`,
// `glass PATH`; relative to the stub's folder) or a remote one over TCP (`remote HOST:PORT`,
// `remote tcp HOST:PORT`).
struct ShardSpec {
  std::string name;  // as the stub says it, for messages: "remote 127.0.0.1:8100"
  std::string path;  // local: the database folder
  std::string host;  // remote
  unsigned port = 0;
};

// The shards of the stub database at `path` (a stub file, or a folder holding XAPIANDB); nullopt
// when `path` is a plain database, or a stub with a line of another form (Xapian opens those).
std::optional<std::vector<ShardSpec>> read_stub(const std::string& path);

// Remote shards' timeouts: a shard that does not answer a request within kRemoteTimeoutMs (or
// accept a connection within kRemoteConnectMs) counts as down for that request.
inline constexpr unsigned kRemoteTimeoutMs = 3000;
inline constexpr unsigned kRemoteConnectMs = 1000;
// A shard that is down is tried again at most this often.
inline constexpr std::chrono::seconds kShardRetry{5};

// The shards of one stub, each opened on its own, combined into one Xapian::Database of those
// that answer. Not thread-safe: one per Handle.
class ShardSet {
 public:
  // Opens every shard it can; throws Xapian errors only when none opens.
  explicit ShardSet(std::vector<ShardSpec> specs);
  // The shards that answer, as one database.
  const Xapian::Database& db() const { return db_; }
  // The names of the shards that are down, in stub order.
  std::vector<std::string> missing() const;
  // After a request failed with a network error: connects to every remote shard anew and drops
  // those that no longer answer. True when some shard still answers (the request may be retried).
  bool drop_dead();
  // Tries the missing shards again (at most every kShardRetry). True when one came back.
  bool retry_missing();
  // Moves every shard to its latest revision (Xapian's reopen); a shard that fails is dropped.
  bool reopen();

 private:
  struct Shard {
    ShardSpec spec;
    std::optional<Xapian::Database> db;  // none: down
  };
  bool open(Shard& s);
  void combine();

  std::vector<Shard> shards_;
  Xapian::Database db_;
  std::chrono::steady_clock::time_point last_retry_;
};

}  // namespace gazette::searcher
