// SPDX-License-Identifier: GPL-2.0-or-later
// The JSON wire format of search responses: one serialiser for the CLI and the HTTP server.
#pragma once

#include <string>

#include "gazette/common/article.h"
#include "gazette/searcher/request.h"

namespace gazette {

// {"query", "total": {"value", "exact"}, "took_ms", "relaxed", "optional_words", "suggestion", "warnings",
//  "hits": [{"id", "rank", "score", "title", "title_html", "url", "source", "published",
//  "snippet", "duplicates": {"count", "ids"}, "explanation"?}], "facets"?}. `indent` < 0: one line.
std::string to_json(const SearchResponse& response, int indent = -1);
// A request from JSON: the keys of the parameter table (request_params.h: "query" or "q",
// "limit", "offset", "lang", "snippet_length", "facets" (array or comma list), "facet_size",
// "filters" (array), "sort", "recency" (days), "explain", "exact_total", "collapse",
// "time_limit_ms") and "ranking" (an object of RankingOptions). Unknown keys are refused.
// Throws InvalidRequest naming the key; ranges are checked when the request is searched.
SearchRequest request_from_json(std::string_view json_text);

// {"suggestions": [{"text", "kind", "count", "filter"}]}: "filter" selects an entity
// ("people:NAME"); null for a title word.
std::string to_json(const std::vector<Suggestion>& suggestions, int indent = -1);
// {"articles", "first_published", "last_published", "languages": [...], "sources": [...]}
std::string to_json(const IndexSummary& summary, int indent = -1);

// {"error": {"code", "message"}}: how front ends report a failed request.
std::string error_json(const std::string& code, const std::string& message);

// One stored article: {"id", "url", "title", "published", "source", "authors", "section",
// "lang", "body", "entities": [{"kind", "name", "mentions"}]}
std::string to_json(const Article& article, int indent = -1);
// {"entities": [{"kind", "name", "count"}]}
std::string to_json(const std::vector<EntityCount>& entities, int indent = -1);
// {"entity", "articles", "related": [{"kind", "name", "together", "total", "score"}]}
std::string to_json(const RelatedResponse& related, int indent = -1);

}  // namespace gazette
