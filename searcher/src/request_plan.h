// SPDX-License-Identifier: GPL-2.0-or-later
// A search request checked once and normalised: what Searcher::search runs, whichever front end
// (CLI, HTTP, JSON, the library) built the request. Every range and name a request can get
// wrong is checked here, and nowhere else.
#pragma once

#include <string>
#include <vector>

#include "facets.h"
#include "gazette/searcher/request.h"

namespace gazette {
class Gazetteer;
}

namespace gazette::searcher {

enum class SortOrder { kRelevance, kNewest, kOldest };

// The longest snippet a request may ask for, in bytes.
inline constexpr int kMaxSnippetChars = 2000;

struct SearchPlan {
  SearchRequest request;  // as given, every value in range
  SortOrder sort = SortOrder::kRelevance;
  std::vector<FacetSpec> facets;  // parsed request.facets
  std::vector<Filter> filters;    // parsed and canonical request.filters
  bool relevance() const { return sort == SortOrder::kRelevance; }
};

// Checks every field of `request` and parses its facets and filters (entity values
// canonicalised with `gazetteer`, which may be null). Throws InvalidRequest naming the first
// bad field.
SearchPlan plan_search(const SearchRequest& request, const Gazetteer* gazetteer);

// Throws InvalidRequest "WHAT is not valid UTF-8" unless text is.
void require_utf8(const std::string& text, const char* what);

}  // namespace gazette::searcher
