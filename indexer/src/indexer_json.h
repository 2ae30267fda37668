// SPDX-License-Identifier: GPL-2.0-or-later
// JSON renderings of the indexer's reports (build summary, inspect, stats).
#pragma once

#include <string>
#include <vector>

#include "indexer.h"

namespace gazette::indexer {

// {"indexed", "updated", "unchanged", "deleted", "skipped", "errors", "warnings", "files", "seconds"}
std::string stats_to_json(const IndexStats& stats);
// [{"path", "problems": [...], "articles": [{"id", "title", ..., "terms", "words"}]}]
std::string inspected_to_json(const std::vector<InspectedFile>& files, bool with_terms);
std::string database_stats_to_json(const DatabaseStats& stats);

}  // namespace gazette::indexer
