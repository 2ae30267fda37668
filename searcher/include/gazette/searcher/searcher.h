// SPDX-License-Identifier: GPL-2.0-or-later
// gazette::Searcher: ranked search over a Gazette database, for CLIs, servers and web backends.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <optional>

#include "gazette/common/article.h"
#include "gazette/searcher/request.h"

namespace gazette {

struct Watch;
struct WatchMatch;

// Opens a Gazette database (a folder, or a Xapian stub file listing shards) read-only and
// answers searches.
//
// Thread-safety: a Searcher may be shared by many threads; search() and reopen() may be called
// concurrently. Xapian objects are not thread-safe, so each concurrent call borrows its own
// Xapian::Database handle from an internal pool (opened on demand, kept for reuse).
// Freshness: each handle picks up commits made by a concurrent gazette-index when reopen() is
// called, and by itself when Xapian reports the database was modified mid-search (retried up to 5 times).
// Errors: the constructor throws IndexError when the database is missing, unreadable or of
// another schema version; search() throws InvalidRequest for a bad request (empty query, paging
// past kMaxResultWindow) and IndexError when the index fails. No Xapian exception escapes.
class Searcher {
 public:
  explicit Searcher(const std::string& db_path);
  ~Searcher();
  Searcher(Searcher&&) noexcept;
  Searcher& operator=(Searcher&&) noexcept;

  SearchResponse search(const SearchRequest& request) const;

  // Entities of the index with article counts, most frequent first (for autocomplete and
  // browsing). Throws InvalidRequest for an unknown kind or a bad limit.
  std::vector<EntityCount> entities(const EntityListRequest& request) const;

  // Entities significantly associated with `entity` ("people:Kim Jong Un"), best first.
  // Throws InvalidRequest for a malformed filter.
  RelatedResponse related(const std::string& entity, int limit = 10) const;

  // The stored article with this id (fields and entities), or nullopt.
  std::optional<Article> document(const std::string& id) const;

  // Articles like the given one: relevance-feedback expansion of its words and entities,
  // excluding the article itself and its near-duplicates. Throws InvalidRequest for an unknown id.
  SearchResponse similar(const std::string& id, int limit = 10) const;

  // Completions of what a user is typing: entities whose name starts with `text`, then title
  // words completing its last word. Empty text gives nothing.
  std::vector<Suggestion> suggest(const std::string& text, int limit = 8) const;

  // Articles, date span, languages and sources of the index.
  IndexSummary summary() const;

  // The number of the last gazette-index run that wrote to the database (0 before any).
  std::uint64_t last_run() const;

  // The articles of index runs after `after_run`, up to `through_run`, that `watch` matches
  // (watches.h): the same hits and scores as search() of its query and filters with feedback
  // off, restricted to those articles; best first, each near-duplicate group as one match with
  // its copies. Throws InvalidRequest for a bad watch.
  std::vector<WatchMatch> watch_matches(const Watch& watch, std::uint64_t after_run, std::uint64_t through_run) const;

  // Makes later searches see the latest commit.
  void reopen();

  // Number of articles in the database.
  std::uint64_t article_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gazette
