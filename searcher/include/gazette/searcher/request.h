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

struct SearchRequest {
  std::string query;          // words and "quoted phrases"; all words must match
  int limit = 10;             // 0..kMaxLimit hits
  int offset = 0;             // hits to skip; offset + limit <= kMaxResultWindow
  std::string lang;           // ISO 639-1 language of the query for stemming; "" = detect
  int snippet_chars = 240;    // target snippet length in characters (bytes of UTF-8, roughly)
};

struct Hit {
  std::string id;
  int rank = 0;               // 1-based position in the full ranking
  double score = 0;           // BM25 weight
  std::string title;
  std::string url;
  std::string source;
  std::optional<std::string> published;  // ISO 8601 UTC
  std::string snippet;        // HTML: source text escaped, matches in <mark>..</mark>
};

struct SearchResponse {
  std::string query;
  struct Total {
    std::uint64_t value = 0;  // matching articles (an estimate when !exact)
    bool exact = true;
  } total;
  double took_ms = 0;
  std::vector<Hit> hits;
};

}  // namespace gazette
