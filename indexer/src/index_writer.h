// SPDX-License-Identifier: GPL-2.0-or-later
// Owns the WritableDatabase: replace-by-id, deletes, batched commits, what is already indexed.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

namespace gazette::indexer {

// What the index already holds for one article id term.
struct IndexedArticle {
  std::string content_hash;
  std::string source_file;
};

// The single writer of a Gazette database. Not thread-safe: one thread owns it.
// Throws IndexError when the database cannot be opened (locked, corrupt, other schema version).
class IndexWriter {
 public:
  // Opens (creating if needed) the database at `path`; `rebuild` empties it first.
  IndexWriter(const std::string& path, bool rebuild);
  ~IndexWriter();

  // Every article in the index, by id term. Read once at start by the pipeline.
  std::unordered_map<std::string, IndexedArticle> load_existing() const;

  // Adds or replaces the article with this id term.
  void put(const std::string& id_term, const Xapian::Document& doc);
  // Deletes the article with this id term, if present.
  void remove(const std::string& id_term);
  // Makes every change so far durable (Xapian's commit: all or nothing).
  void commit();

 private:
  Xapian::WritableDatabase db_;
  bool metadata_written_ = false;
};

}  // namespace gazette::indexer
