// SPDX-License-Identifier: GPL-2.0-or-later
// How a match is scored: the weighting scheme, pseudo-relevance feedback, proximity of a long
// question's words, and the parts of one hit's score (--explain).
#pragma once

#include <memory>
#include <vector>

#include <xapian.h>

#include "gazette/searcher/request.h"
#include "handle_pool.h"
#include "query_builder.h"
#include "recency.h"

namespace gazette::searcher {

// The weighting scheme of a request (validated by plan_search).
std::unique_ptr<Xapian::Weight> weighting(const RankingOptions& r);

// `query` reranked by the words that best tell its first r.feedback_docs articles from the rest.
Xapian::Query with_feedback(Handle& h, const Xapian::Query& query, const BuiltQuery& q, const RankingOptions& r);

// `query` with a bonus of `weight` for successive words of the question standing near each other.
Xapian::Query with_proximity(Handle& h, const Xapian::Query& query, const BuiltQuery& q, double weight);

// Score parts of one hit: each top-level clause alone on this document, plus recency.
std::vector<ScorePart> explain(Handle& h, Xapian::docid did, const BuiltQuery& q, const Recency* recency,
                               const RankingOptions& ranking);

}  // namespace gazette::searcher
