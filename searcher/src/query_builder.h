// SPDX-License-Identifier: GPL-2.0-or-later
// Query text -> Xapian::Query, analysed by the same pipeline as the articles.
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

struct BuiltQuery {
  Xapian::Query query;                       // the words and phrases; MatchAll when there are none
  std::vector<Xapian::Query> filters;        // field:value clauses, to apply as boolean filters
  bool has_text = false;                     // any words or phrases at all
  std::string lang;                          // language used for stemming
  std::unordered_set<std::string> words;     // unstemmed terms, for highlighting
  std::unordered_set<std::string> stems;     // stems (without prefix), for highlighting
};

// Builds queries from text: bare words must all match, each by its exact form or its stem in
// the query's language; a "quoted phrase" matches those exact words in order; field:value and
// field:"several words" (person, org, place, source, section, lang, date) filter by facet,
// canonicalised as the indexer does ("place:U.S." finds the United States). Not thread-safe
// (uses the caller's Analyzer). Throws InvalidRequest when the text holds nothing to search for
// and `allow_empty` is false.
class QueryBuilder {
 public:
  QueryBuilder(Analyzer& analyzer, const Gazetteer* gazetteer = nullptr) : analyzer_(analyzer), gazetteer_(gazetteer) {}

  // `lang`: the query's language; "" = detect from the text, else `fallback_lang`.
  BuiltQuery build(const std::string& text, const std::string& lang, const std::string& fallback_lang,
                   bool allow_empty = false);

 private:
  Analyzer& analyzer_;
  const Gazetteer* gazetteer_;
};

}  // namespace gazette::searcher
