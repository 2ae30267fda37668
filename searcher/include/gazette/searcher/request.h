// SPDX-License-Identifier: GPL-2.0-or-later
// Plain value types of a search: what is asked, and what comes back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gazette {

// Deep paging is bounded: offset + limit may not exceed this.
inline constexpr int kMaxResultWindow = 10000;
inline constexpr int kMaxLimit = 1000;
inline constexpr std::size_t kMaxQueryBytes = 4096;
inline constexpr int kMaxWildcards = 8;  // wildcards expanded per query; later ones are plain words

// How relevance is computed. The defaults are what scripts/eval-ranking measured best (README,
// "Ranking"); the others are there to measure against them.
struct RankingOptions {
  // bm25 | dlh | pl2 | lm: Xapian's BM25Weight (with k1 and b below), DLHWeight, PL2Weight,
  // LMWeight (Dirichlet smoothing).
  std::string weighting = "bm25";
  double bm25_k1 = 2.0;  // term frequency saturation, 0..100 (Xapian's default: 1.2)
  double bm25_b = 0.75;  // document length normalisation, 0..1
  // Pseudo-relevance feedback: auto expands long questions only (more than three words),
  // on expands every relevance-ranked query, off none.
  std::string feedback = "auto";
  int feedback_docs = 15;         // top articles read, 2..100
  int feedback_terms = 20;        // words added, 1..100
  double feedback_weight = 0.25;  // the best added word's weight relative to the question's, 0..1
  // Term proximity for long questions: articles where two successive words of the question
  // (stop words skipped) stand within 8 words of each other gain this share of the pair's
  // weight, 0..1 (0: off).
  double proximity = 0;
};

// What a search asks. These member initialisers are the defaults of every front end (CLI flags,
// query parameters and JSON keys all read through request_params.h); Searcher::search checks
// every range once (searcher/src/request_plan.cc).
struct SearchRequest {
  // Words, "quoted phrases", operators and field:value (README "What a query means"): up to three
  // bare words must all match; a longer question ranks articles by how many of its words they hold.
  std::string query;
  int limit = 10;           // 0..kMaxLimit hits
  int offset = 0;           // hits to skip; offset + limit <= kMaxResultWindow
  std::string lang;         // ISO 639-1 language of the query for stemming; "" = detect
  int snippet_chars = 240;  // target snippet length in bytes of UTF-8 (about characters), 0..2000; 0 = none
  // Facets to count over all matches: people, organizations, places, source, section, language,
  // date (per month; also date:month), date:year, date:day.
  std::vector<std::string> facets;
  int facet_size = 10;  // values per facet, 1..1000
  // Filters "facet:value" ("people:Kim Jong Un", "places:U.S.", "date:2025-03"): OR between
  // values of one facet, AND across facets. A counted facet ignores its own filters.
  std::vector<std::string> filters;
  std::string sort = "relevance";  // relevance | newest | oldest
  // > 0: blend a time decay into relevance with this half-life in days (fresh news rises).
  double recency_half_life_days = 0;
  bool explain = false;      // per-hit score parts
  bool collapse = true;      // one article per near-duplicate group
  int time_limit_ms = 2000;  // stop matching after this long (results are then partial)
  bool exact_total = false;  // count every match (costs as much as ranking them); facets imply it
  RankingOptions ranking;
};

// "30d", "12h", "2w", "1y" or a bare number of days -> days. Throws InvalidRequest naming the
// value when it is not a positive duration. Shared by the CLI's --recency and the API's recency.
double parse_half_life(const std::string& text);

// One part of a hit's score, for --explain.
struct ScorePart {
  std::string label;  // the query clause ("profit", "\"time warner\"", "recency")
  double weight = 0;
};

struct FacetCount {
  std::string value;
  std::uint64_t count = 0;
};

struct FacetResult {
  std::string name;                // as requested: "people", "date:year", ...
  std::vector<FacetCount> values;  // by count (dates: newest first), at most facet_size
};

struct Hit {
  std::string id;
  int rank = 0;      // 1-based position in the full ranking
  double score = 0;  // relevance weight under the request's weighting scheme (BM25 by default)
  std::string title;
  std::string url;
  std::string source;
  std::optional<std::string> published;    // ISO 8601 UTC
  std::string snippet;                     // HTML: source text escaped, matches in <mark>..</mark>
  std::string title_html;                  // the title, HTML-escaped, matches in <mark>..</mark>
  std::uint64_t duplicates = 0;            // other articles of its near-duplicate group
  std::vector<std::string> duplicate_ids;  // their ids (at most 20)
  std::vector<ScorePart> explanation;      // with SearchRequest::explain
};

struct SearchResponse {
  std::string query;
  struct Total {
    std::uint64_t value = 0;  // matching articles (an estimate when !exact)
    bool exact = true;
  } total;
  double took_ms = 0;
  std::vector<Hit> hits;
  std::vector<FacetResult> facets;  // in the order requested; counts are exact
  bool relaxed = false;             // no article had every word: any word was enough
  // A question of more than three words: each of these was optional (more of them rank higher).
  std::vector<std::string> optional_words;
  std::string suggestion;             // "did you mean", or "" when the words are known
  std::vector<std::string> warnings;  // problems worked around (unparseable query, time limit)
  // Shards of a stub database that did not answer ("remote 10.0.0.2:8100"): the hits, total and
  // counts leave out their articles (total.exact is then false).
  std::vector<std::string> missing_shards;
};

// An entity of the index and the number of articles naming it.
struct EntityCount {
  std::string kind;  // "person", "organization", "place"
  std::string name;  // canonical display name
  std::uint64_t count = 0;
};

// How many similar articles and search-box completions a front end asks for by default.
inline constexpr int kDefaultSimilarLimit = 10;
inline constexpr int kDefaultSuggestLimit = 8;

struct EntityListRequest {
  std::string kind;    // "" = all kinds; else person|organization|place (plurals accepted)
  std::string prefix;  // names starting with this (case- and accent-insensitive as indexed)
  int limit = 20;
};

// An entity that appears with a given one more often than chance, by JLH significance.
struct RelatedEntity {
  std::string kind;
  std::string name;
  std::uint64_t together = 0;  // articles naming both
  std::uint64_t total = 0;     // articles naming this one, in the whole index
  double score = 0;            // JLH: (fg% - bg%) * fg% / bg%
};

struct RelatedResponse {
  std::string entity;          // the filter as given
  std::uint64_t articles = 0;  // articles naming it (the foreground)
  std::vector<RelatedEntity> related;
};

// A completion for a search box.
struct Suggestion {
  std::string text;         // what the box would hold
  std::string kind;         // "person", "organization", "place" or "word" (from titles)
  std::uint64_t count = 0;  // articles
};

// What an index holds.
struct IndexSummary {
  std::uint64_t articles = 0;
  std::optional<std::string> first_published, last_published;  // ISO 8601 UTC
  std::vector<FacetCount> languages;                           // by article count
  std::vector<FacetCount> sources;                             // by article count (display names), at most 50
};

}  // namespace gazette
