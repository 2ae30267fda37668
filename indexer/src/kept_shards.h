// SPDX-License-Identifier: GPL-2.0-or-later
// A database kept as shards: a folder holding N shard databases, a dictionary database and a
// Xapian stub file (XAPIANDB) that lists them, so that Xapian, xapian-delve, gazette-search and
// xapian-tcpsrv (one per shard) all read it as one database.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gazette::indexer {

// The layout of a kept-shards database folder:
//   XAPIANDB      "auto shard0" ... "auto shard<N-1>", then "auto dictionary"
//   shard<K>/     a Gazette database: the articles whose id term hashes to K (fnv1a64 % N);
//                 shard0 also holds what the database holds once (schema version, synonyms,
//                 the recurring lines of each source)
//   dictionary/   no articles: the spelling dictionary of all shards and a copy of the
//                 synonyms, for searches whose shards are remote (Xapian's remote backend
//                 serves neither)
inline constexpr const char* kStubFile = "XAPIANDB";
inline constexpr const char* kDictionaryName = "dictionary";

// The shard paths of the kept-shards database at `db_path`, in shard order; nullopt when
// `db_path` is not one (no XAPIANDB in it). Throws IndexError naming the file and line when the
// stub is not one gazette-index wrote (another stub, say of remote shards, cannot be updated).
std::optional<std::vector<std::string>> kept_shard_paths(const std::string& db_path);

// Writes the stub of `shards` shards into `folder` (temporary file, fsync, rename).
void write_stub(const std::string& folder, unsigned shards);

// Brings `folder`/dictionary (created when missing) up to date with the shards: their spelling
// dictionary (write_spelling) and the synonyms of the first one, in one commit.
void write_dictionary(const std::vector<std::string>& shards, const std::string& folder);

// Compacts one shard in place (Xapian's compaction to a sibling, then a swap): read-optimised,
// still writable by later runs.
void compact_shard(const std::string& shard);

// fsyncs every file and folder under `folder`: shards written without fsync (DB_NO_SYNC) are
// made durable before they become the database.
void sync_tree(const std::string& folder);

}  // namespace gazette::indexer
