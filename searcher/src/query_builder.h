// SPDX-License-Identifier: GPL-2.0-or-later
// Query text -> Xapian::Query, analysed by the same pipeline as the articles.
#pragma once

#include <string>
#include <unordered_set>

#include <xapian.h>

#include "gazette/common/analyzer.h"

namespace gazette::searcher {

struct BuiltQuery {
  Xapian::Query query;
  std::string lang;                          // language used for stemming
  std::unordered_set<std::string> words;     // unstemmed terms, for highlighting
  std::unordered_set<std::string> stems;     // stems (without prefix), for highlighting
};

// Builds queries from text: bare words must all match, each by its exact form or its stem in
// the query's language; a "quoted phrase" matches those exact words in order. Not thread-safe
// (uses the caller's Analyzer). Throws InvalidRequest when the text holds no searchable word.
class QueryBuilder {
 public:
  explicit QueryBuilder(Analyzer& analyzer) : analyzer_(analyzer) {}

  // `lang`: the query's language; "" = detect from the text, else `fallback_lang`.
  BuiltQuery build(const std::string& text, const std::string& lang, const std::string& fallback_lang);

 private:
  Analyzer& analyzer_;
};

}  // namespace gazette::searcher
