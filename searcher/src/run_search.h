// SPDX-License-Identifier: GPL-2.0-or-later
// Running one built query under a plan: the match, one page ranked with near-duplicates
// collapsed, its hits and facet counts.
#pragma once

#include "gazette/searcher/request.h"
#include "handle_pool.h"
#include "query_builder.h"
#include "request_plan.h"

namespace gazette::searcher {

// The response for `q` under `plan` (plan.request.time_limit_ms is the time left for the match).
// Spelling and relaxation are the caller's (Searcher::search). Xapian errors propagate.
SearchResponse run_search(Handle& h, const SearchPlan& plan, const BuiltQuery& q,
                          const FacetTable* facet_table = nullptr);

}  // namespace gazette::searcher
