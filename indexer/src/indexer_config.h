// SPDX-License-Identifier: GPL-2.0-or-later
// The indexer's settings: a plain struct the CLI fills in and run_indexer() reads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gazette::indexer {

inline constexpr unsigned kMaxAutoShards = 8;

// How far a run is, for IndexerConfig::on_progress.
struct IndexProgress {
  std::size_t files_done = 0, files_total = 0;
  std::size_t articles = 0;  // read so far: new, changed and unchanged
  double seconds = 0;        // since the run started
  bool final = false;        // the last call, when every file is read
};

struct IndexerConfig {
  std::string db_path;
  std::vector<std::string> inputs;  // files and folders, walked recursively
  unsigned threads = 0;             // reading + analysis threads; 0 = all cores
  // Writer threads when building into an empty database: shard databases written in parallel,
  // then merged by compaction. 0 = one per core (at most kMaxAutoShards); 1 = one writer.
  // Updates to a non-empty database always use one writer.
  unsigned shards = 0;
  // Keep the shards as the database (kept_shards.h: N shard databases and a stub that lists
  // them) instead of merging them: for serving them from several machines (xapian-tcpsrv).
  // Later runs update a kept-shards database in place whatever this says.
  bool keep_shards = false;
  bool prune = false;    // delete articles whose file is gone (or no longer holds them)
  bool rebuild = false;  // start from an empty database
  // Files read whole (text, JSON, HTML) over this size are errors; in JSON Lines, records are.
  std::uintmax_t max_file_bytes = 20u * 1024 * 1024;
  // Bodies longer than this are cut (at a word boundary, with a warning): analysis memory grows
  // with the text (a 15 MB body took 1 GB), and no reader searches past the first megabyte.
  std::size_t max_article_bytes = 1u << 20;
  // Time one file (or one run of a JSON Lines file) may take to analyse; later articles of it are
  // skipped as errors. 0: no limit.
  double max_file_seconds = 120;
  // JSON Lines files over this size are read in runs of lines of about this size, on all threads.
  std::uintmax_t jsonl_chunk_bytes = 4u * 1024 * 1024;
  std::size_t batch_articles = 1000;            // commit after this many changed articles...
  std::size_t batch_bytes = 32u * 1024 * 1024;  // ...or this much article text, whichever first
  std::size_t queue_capacity = 256;             // analysed documents waiting for the writer
  long max_errors = -1;                         // stop after more errors than this; -1 = never
  std::string default_language = "en";          // when an article states none and detection is unsure
  std::string synonyms_path;                    // synonym groups to store; "" = the shipped defaults for a new database
  bool extract_entities = true;                 // people, organisations, places as facets
  // Clean bodies before they are indexed and stored (clean_article, boilerplate.h): page tails,
  // lead furniture and dateline, lines recurring across a source, HTML link lists.
  bool remove_boilerplate = true;
  float min_entity_confidence = 0;  // leave out entities the tagger is less sure of (0..1)
  bool progress = false;            // a live progress line on stderr
  // Called on the thread that called run_indexer, at most every 250 ms and once at the end
  // (final). To end the run early from it, set the atomic `stop` points to (the last batch is
  // still committed).
  std::function<void(const IndexProgress&)> on_progress;
  // Receives one line per problem ("file:line: error: ..."). Default: stderr.
  std::function<void(std::string_view)> log;
  // Set from a signal handler to stop early; the last batch is still committed.
  const std::atomic<bool>* stop = nullptr;
};

struct IndexStats {
  std::size_t files = 0;      // files read
  std::size_t indexed = 0;    // new articles
  std::size_t updated = 0;    // changed articles re-indexed
  std::size_t unchanged = 0;  // articles whose content hash matched: not re-indexed
  std::size_t deleted = 0;    // pruned articles
  std::size_t skipped = 0;    // files of an unsupported format
  std::size_t errors = 0;     // bad files or records (reported, not indexed)
  std::size_t warnings = 0;   // non-fatal problems (bad date, repaired encoding)
  double seconds = 0;
  bool interrupted = false;  // stopped early (signal or --max-errors)
  // This run's number (schema::kLastRunKey): the articles it added or changed carry it, for the
  // watches evaluated after it (gazette/searcher/watches.h).
  std::uint64_t run = 0;
};

}  // namespace gazette::indexer
