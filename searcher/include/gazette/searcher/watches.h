// SPDX-License-Identifier: GPL-2.0-or-later
// Watches: saved searches (and followed entities: a watch with filters only) that report the
// articles each gazette-index run adds or changes which match them.
//
// Stored beside the database, in the folder `DB.watches/` (WatchStore::folder_of), so that every
// reader of the database (CLI, server, library) sees the same set:
//   watches.json    the watches, their counts and what was evaluated; replaced atomically
//   matches.jsonl   every match recorded, one JSON object per line, appended by each evaluation
//   lock            flock()ed by every writer (gazette-search watch, the server, gazette-index)
// Evaluation (run_watches) follows each gazette-index build: every watch is run as an ordinary
// search (gazette::Searcher, the same analysis, filters and BM25 statistics of the whole
// database) restricted to the articles of the runs after the last evaluation (schema::kRunPrefix
// terms), with pseudo-relevance feedback off and without relaxation to any word.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gazette/common/error.h"

namespace gazette {

class Searcher;

// The longest watch name; names are letters, digits, '.', '_' and '-'.
inline constexpr std::size_t kMaxWatchNameBytes = 64;

struct Watch {
  std::string name;                  // unique per database
  std::string query;                 // the query language; "" when the filters say it all
  std::vector<std::string> filters;  // "facet:value", as SearchRequest::filters
  double min_score = 0;              // matches scoring below this are left out (0: none)
  // Set by the store:
  std::uint64_t id = 0;                // never reused: matches of a removed watch stay its own
  std::string created;                 // ISO 8601 UTC
  std::uint64_t since_run = 0;         // the database's last run when it was added: later runs count
  std::uint64_t matches = 0;           // matches recorded
  std::uint64_t new_matches = 0;       // since mark_seen
  std::uint64_t last_run_matches = 0;  // of the latest evaluation
  std::string last_match;              // ISO 8601 UTC of its latest match; "" when none
};

struct MatchedEntity {
  std::string kind;  // "person", "organization", "place"
  std::string name;
};

// One article a watch matched; near-duplicates of one run are one match with its copies.
struct WatchMatch {
  std::string watch;
  std::uint64_t watch_id = 0;
  std::string id;
  std::string title, url, source;
  std::optional<std::string> published;  // ISO 8601 UTC
  double score = 0;                      // as Searcher::search scores it
  std::string change;                    // "added" or "changed" (indexed before)
  // The article's entities the watch names: those of its filters, those whose every word is a
  // word of its query, and people whose last name is one.
  std::vector<MatchedEntity> entities;
  std::vector<std::string> copies;  // ids of its near-duplicates that matched in the same runs
  std::uint64_t run = 0;            // the index run that wrote it
  std::string matched_at;           // ISO 8601 UTC of the evaluation
};

std::string watch_to_json(const Watch& w);
std::string match_to_json(const WatchMatch& m);  // one line, no newline
// A watch from a JSON object {"name", "query" (or "q"), "filters", "min_score"}. Throws
// InvalidRequest naming the bad field.
Watch watch_from_json(const std::string& text);
WatchMatch match_from_json(const std::string& line);  // throws InvalidRequest
// A "since" time: ISO 8601 ("2026-12-01", "2026-12-01T08:00:00Z") or a duration back from now
// ("24h", "7d", "2w"), as seconds since the epoch. Throws InvalidRequest naming `what`.
std::int64_t parse_since(const std::string& text, const std::string& what);

// A watch of a list (WatchStore::add_all) that cannot be added: which one, and why (reason(),
// naming the field). what() is "watch N: reason", N counted from 1.
class InvalidWatch : public InvalidRequest {
 public:
  InvalidWatch(std::size_t index, const std::string& reason)
      : InvalidRequest("watch " + std::to_string(index + 1) + ": " + reason), index_(index), reason_(reason) {}
  std::size_t index() const { return index_; }  // from 0
  const std::string& reason() const { return reason_; }

 private:
  std::size_t index_;
  std::string reason_;
};

class WatchStore {
 public:
  // The store of the database at `db_path`; nothing is read or created yet.
  explicit WatchStore(const std::string& db_path);

  // "DB.watches" for a database at "DB" (a trailing slash ignored).
  static std::string folder_of(const std::string& db_path);
  const std::string& folder() const { return folder_; }
  bool exists() const;

  std::vector<Watch> list() const;
  std::optional<Watch> get(const std::string& name) const;
  // Adds a watch after checking it against `searcher` (the database's, for the filters and the
  // run it starts after). Throws InvalidRequest naming the field ("name", "query", "filters",
  // "min_score"), or when the name is taken. Creates the store when needed.
  Watch add(Watch w, const Searcher& searcher);
  // Adds the watches in one step (one rewrite of the store, however many): all of them or, when
  // one is bad or its name taken (by the store or an earlier one of the list), none, throwing
  // InvalidWatch for the first such. For importing a list of saved searches.
  std::vector<Watch> add_all(std::vector<Watch> watches, const Searcher& searcher);
  // Whether there was one to remove. Its recorded matches stay in matches.jsonl.
  bool remove(const std::string& name);
  // Resets the watch's new-match count. Throws InvalidRequest when there is no such watch.
  void mark_seen(const std::string& name);
  // Recorded matches of the watch (a removed one's too, by name, when no watch has it now),
  // oldest first; with `since` (seconds since the epoch), those evaluated at or after it.
  std::vector<WatchMatch> matches(const std::string& name, std::optional<std::int64_t> since = std::nullopt,
                                  std::size_t limit = 0) const;

  // The evaluation's side (run_watches): what was evaluated and the matches of later runs.
  struct State {
    std::vector<Watch> watches;
    std::uint64_t evaluated_run = 0;  // runs up to this one are evaluated
    std::uint64_t next_id = 1;
    std::uint64_t matches_bytes = 0;  // matches.jsonl's length after the last evaluation
  };
  State state() const;
  // Appends `found` (of the runs up to `run`) and updates the counts of the `evaluated` watches
  // (ids), in one locked step: first cutting matches.jsonl back to the end of the last completed
  // evaluation (what a killed one appended is recorded again now). Matches of watches removed
  // meanwhile are dropped.
  void record(const std::vector<WatchMatch>& found, std::uint64_t run, const std::vector<std::uint64_t>& evaluated);

 private:
  std::string folder_;
};

// What an evaluation did.
struct WatchRun {
  std::uint64_t first_run = 0, last_run = 0;  // the runs evaluated; first > last: none
  // The watches evaluated (in the store's order) and how many matches each got.
  std::vector<std::pair<std::string, std::size_t>> counts;
  std::vector<WatchMatch> matches;  // by watch, in that order, best first
  double seconds = 0;
};

// {"evaluated", "new_matches", "matches": {name: count}, "seconds", "runs": [first, last]}: as
// `gazette-index build --json` reports an evaluation ("runs" only when there were some).
std::string watch_run_to_json(const WatchRun& run);

// Evaluates every watch of the database's store against the articles of the runs not evaluated
// yet, records the matches, and returns them. Nothing when the store does not exist. `threads`:
// 0 = all cores. Throws IndexError.
WatchRun run_watches(const std::string& db_path, unsigned threads = 0);

}  // namespace gazette
