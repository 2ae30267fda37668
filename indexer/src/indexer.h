// SPDX-License-Identifier: GPL-2.0-or-later
// The indexing pipeline and the read-only tools (inspect, stats) behind gazette-index.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "corpus_reader.h"
#include "gazette/common/boilerplate.h"
#include "indexer_config.h"

namespace gazette::indexer {

// Indexes config.inputs into config.db_path: files are read and analysed on a thread pool;
// into an empty database, config.shards threads write shard databases that are merged by
// compaction at the end (ShardWriters); into a non-empty one, one thread writes. Unchanged articles (same content hash)
// are skipped; with prune, articles whose file is gone, or whose file no longer holds them, are deleted. Commits in
// batches, so an interrupted run leaves every article of its last commit. Bad files are logged through config.log and
// counted, never thrown. Throws DataError when an input path does not exist, IndexError when the database fails.
IndexStats run_indexer(const IndexerConfig& config);

// What the readers and the analyser make of a file, without writing anything.
struct InspectedArticle {
  Article article;  // lang filled in as the indexer would
  int line = 1;
  std::size_t terms = 0;         // distinct terms of its Xapian document
  std::size_t words = 0;         // positional words (title + body)
  std::string term_list;         // describe_terms() of the document
  std::vector<Removal> removed;  // what was taken out of the body as read (remove_page_tails)
};
struct InspectedFile {
  std::string path;
  std::vector<InspectedArticle> articles;
  std::vector<Problem> problems;
};
InspectedFile inspect_file(const std::string& path, const IndexerConfig& config);

// Summary of an existing database. Throws IndexError when it cannot be opened.
struct DatabaseStats {
  std::string path;
  std::uint64_t articles = 0;
  std::uint64_t terms = 0;  // distinct terms
  std::optional<std::int64_t> first_published, last_published;
  std::vector<std::pair<std::string, std::uint64_t>> sources;    // by article count, descending
  std::vector<std::pair<std::string, std::uint64_t>> languages;  // by article count, descending
  std::uint64_t size_bytes = 0;
  int schema_version = 0;
};
DatabaseStats database_stats(const std::string& db_path);

}  // namespace gazette::indexer
