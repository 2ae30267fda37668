// SPDX-License-Identifier: GPL-2.0-or-later
// The query language: text -> Xapian::Query, analysed by the same pipeline as the articles.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include <xapian.h>

#include "gazette/common/analyzer.h"

namespace gazette {
class Gazetteer;
}

namespace gazette::searcher {

class EntityAliases;

struct QueryOptions {
  std::string lang;  // the query's language; "" = detect, else fallback_lang
  std::string fallback_lang = "en";
  bool default_or = false;   // bare words joined by OR (the relaxed reading) instead of AND
  bool allow_empty = false;  // an empty query matches everything (facets, filters)
  // Bare words beyond this many are all optional (ranked by how many match); 0 = always AND.
  int max_all_words = 0;
};

// A word in more than this share of the articles is common (a stop word): a long question's
// common words are split off, and proximity pairs skip them. Measured with scripts/eval-ranking
// on the four ircoll collections, 0.2 costs 0-1% MAP against no split (0.05: up to 9%, 0.01: up
// to 48%), and keeps "the" from matching every article.
inline constexpr double kCommonWordShare = 0.2;

// A search's queries of up to this many bare words need them all (relaxed to any when none has
// them all); longer ones make each optional (README "What a query means").
inline constexpr int kMaxAllWords = 3;

struct BuiltQuery {
  Xapian::Query query;                      // MatchAll when there is nothing to search for
  bool has_text = false;                    // any weighted (word or phrase) clause
  bool relaxable = false;                   // two or more words joined by the default AND
  std::string lang;                         // language used for stemming
  std::unordered_set<std::string> words;    // unstemmed terms to highlight
  std::unordered_set<std::string> stems;    // stems (without prefix) to highlight
  std::vector<std::string> plain_words;     // the query's words as folded terms, in order (spelling)
  std::vector<Xapian::Query> clauses;       // top-level weighted clauses (for --explain)
  std::vector<std::string> clause_labels;   // their descriptions
  std::vector<std::string> warnings;        // problems that were worked around
  std::vector<std::string> optional_words;  // a long question's words, each optional (max_all_words)
};

// The Gazette query language (README "Query language"): words (up to max_all_words bare words must all match, more are
// each optional; each by exact form or stem), "exact phrases", AND / OR / NOT, +must / -exclude, parentheses, NEAR,
// NEAR/n, ADJ, ADJ/n, trailing wildcards (missil*), fields title:, author:, source:, section:, lang:, person:, org:,
// place: and date: with ranges (date:2025-01..2025-06-30, open ends allowed). A malformed query never throws: it is
// read as plain words and a warning says so. Not thread-safe (uses the caller's Analyzer and database). Throws
// InvalidRequest only when the text holds nothing to search for and options.allow_empty is false.
class QueryBuilder {
 public:
  QueryBuilder(Analyzer& analyzer, const Gazetteer* gazetteer = nullptr, const Xapian::Database* db = nullptr,
               const EntityAliases* aliases = nullptr)
      : analyzer_(analyzer), gazetteer_(gazetteer), db_(db), aliases_(aliases) {}

  BuiltQuery build(const std::string& text, const QueryOptions& options);

 private:
  Analyzer& analyzer_;
  const Gazetteer* gazetteer_;
  const Xapian::Database* db_;    // for synonyms; may be null
  const EntityAliases* aliases_;  // corpus-wide entity names for field terms; may be null
};

// Date range "A..B" (each end YYYY, YYYY-MM or YYYY-MM-DD, either may be empty) -> a value range
// query on the publication slot. Throws InvalidRequest on a malformed range.
Xapian::Query date_range_query(const std::string& range);

}  // namespace gazette::searcher
