// SPDX-License-Identifier: GPL-2.0-or-later
// The JSON wire format of search responses: one serialiser for the CLI and the HTTP server.
#pragma once

#include <string>

#include "gazette/common/article.h"
#include "gazette/searcher/request.h"

namespace gazette {

// {"query", "total": {"value", "exact"}, "took_ms", "relaxed", "suggestion", "warnings",
//  "hits": [{"id", "rank", "score", "title", "title_html", "url", "source", "published",
//  "snippet", "duplicates": {"count", "ids"}, "explanation"?}], "facets"?}. `indent` < 0: one line.
std::string to_json(const SearchResponse& response, int indent = -1);
// One stored article: {"id", "url", "title", "published", "source", "authors", "section",
// "lang", "body", "entities": [{"kind", "name", "mentions"}]}
std::string to_json(const Article& article, int indent = -1);
// {"entities": [{"kind", "name", "count"}]}
std::string to_json(const std::vector<EntityCount>& entities, int indent = -1);
// {"entity", "articles", "related": [{"kind", "name", "together", "total", "score"}]}
std::string to_json(const RelatedResponse& related, int indent = -1);

}  // namespace gazette
