// SPDX-License-Identifier: GPL-2.0-or-later
// Owns the WritableDatabase: replace-by-id, deletes, batched commits, what is already indexed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <optional>

#include <xapian.h>

#include "gazette/common/boilerplate.h"

#include "gazette/common/analyzer.h"
#include "gazette/common/near_duplicates.h"

namespace gazette::indexer {

// What the index already holds for one article id term.
struct IndexedArticle {
  std::string content_hash;
  std::string source_file;
};

// The synonym groups of a synonyms file's `text`: one group per line, members separated by
// commas, "#" starts a comment; each member becomes its analysed terms joined by spaces (as the
// query builder looks them up). Blank lines and comments give no group. Throws DataError naming
// `path` and the line of a group with a single member.
std::vector<std::vector<std::string>> parse_synonyms(std::string_view text, const std::string& path,
                                                     Analyzer& analyzer);

// The writer of one Gazette database (an incremental run's, or one shard of ShardWriters). Not
// thread-safe: one thread owns it.
// The spelling dictionary (Xapian's spelling table) holds the plain words (spelling_word) of at
// least this many articles, each with its article count: a word of one article is mostly a typo
// or a one-off name, a poor suggestion, and it took half the table.
inline constexpr Xapian::doccount kMinSpellingArticles = 2;
// Whether a term is a plain word the spelling dictionary may hold: 3-30 bytes, a letter first,
// no digits, dots or apostrophes (numbers and prefixed terms make poor suggestions).
bool spelling_word(std::string_view term);
// The spelling dictionary of `db` (e.g. every shard of a build): its spelling words in at least
// kMinSpellingArticles articles, with their article counts.
std::map<std::string, Xapian::doccount> spelling_of(const Xapian::Database& db);
// Writes that dictionary into `out`, a new database.
void write_spelling(const Xapian::Database& db, Xapian::WritableDatabase& out);

// Throws IndexError when the database cannot be opened (locked, corrupt, other schema version).
class IndexWriter {
 public:
  // Opens (creating if needed) the database at `path`; `rebuild` empties it first. A temporary
  // shard, which a merge replaces (ShardWriters), commits without fsync (Xapian::DB_NO_SYNC) and
  // keeps no spelling dictionary: the merge writes that of all shards (write_spelling). A kept
  // shard (kept_shards.h) commits with fsync, and keeps no spelling either: the database's
  // dictionary holds that of all shards.
  enum class Kind { kDatabase, kShard, kKeptShard };
  IndexWriter(const std::string& path, bool rebuild, Kind kind = Kind::kDatabase);
  ~IndexWriter();

  // Every article in the index, by id term. Read once at start by the pipeline.
  std::unordered_map<std::string, IndexedArticle> load_existing() const;

  // Assigns the article its near-duplicate group: that of the most similar indexed article above
  // schema::kDuplicateSimilarity (found through shared LSH band terms), else a new group named
  // after its own id. Adds the group value and term to `doc`; returns the group.
  std::string assign_duplicate_group(Xapian::Document& doc, const std::string& id_term,
                                     const std::optional<MinHash>& signature);
  // Moves the article with this docid into another near-duplicate group (value and term).
  void set_duplicate_group(Xapian::docid docid, const std::string& group);

  // Adds or replaces the article with this id term, keeping the spelling dictionary in step.
  void put(const std::string& id_term, const Xapian::Document& doc);
  // Deletes the article with this id term, if present.
  void remove(const std::string& id_term);
  // Replaces the database's synonyms with the groups of this file (one group per line,
  // comma-separated; # comments). Throws DataError naming the file and line.
  void load_synonyms(const std::string& path);
  bool has_synonyms() const;
  // The recurring lines of the sources, as the last run stored them (empty when none were);
  // `stored` says whether any record was there. Throws IndexError when a record is malformed.
  RecurringLines load_recurring_lines(bool& stored) const;
  // Replaces the stored recurring lines (written with the next commit).
  void store_recurring_lines(const RecurringLines& lines);

  // The number of the last run that wrote to the database (schema::kLastRunKey; 0 when none).
  // Throws IndexError when the stored value is not a number.
  std::uint64_t last_run() const;
  // Stores `run` as the last run (written with the next commit).
  void set_last_run(std::uint64_t run);

  // Makes every change so far durable (Xapian's commit: all or nothing).
  void commit();
  // Commits and releases the database (and its lock); no other call may follow.
  void close();
  Xapian::doccount doc_count() const { return db_.get_doccount(); }

 private:
  void spelling(const Xapian::Document& doc, bool add);

  Xapian::WritableDatabase db_;
  Kind kind_ = Kind::kDatabase;
  Analyzer analyzer_;
  std::unordered_map<std::string, long> spelling_delta_;  // pending spelling frequency changes
  bool metadata_written_ = false;
};

}  // namespace gazette::indexer
