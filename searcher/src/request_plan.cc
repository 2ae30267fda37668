// SPDX-License-Identifier: GPL-2.0-or-later
// Checking and normalising a search request, once.
#include "request_plan.h"

#include "gazette/searcher/request_params.h"

#include "gazette/common/encoding.h"
#include "gazette/common/error.h"

namespace gazette::searcher {

namespace {

void check_paging(const SearchRequest& req) {
  gazette::check_limit(req.limit, 0, kMaxLimit);
  if (req.offset < 0) throw InvalidRequest("\"offset\" must not be negative");
  if (req.offset > kMaxResultWindow - req.limit) {  // (offset + limit would overflow near INT_MAX)
    throw InvalidRequest("offset + limit must not exceed " + std::to_string(kMaxResultWindow) +
                         " (deep paging is bounded; narrow the query instead)");
  }
  if (req.facet_size < 1 || req.facet_size > kMaxLimit) {
    throw InvalidRequest("\"facet_size\" must be between 1 and " + std::to_string(kMaxLimit));
  }
  if (req.snippet_chars < 0 || req.snippet_chars > kMaxSnippetChars) {
    throw InvalidRequest("\"snippet_length\" must be between 0 and " + std::to_string(kMaxSnippetChars));
  }
  if (req.time_limit_ms < 0) throw InvalidRequest("\"time_limit_ms\" must not be negative");
}

void check_ranking(const RankingOptions& rk) {
  if (rk.weighting != "bm25" && rk.weighting != "dlh" && rk.weighting != "pl2" && rk.weighting != "lm") {
    throw InvalidRequest("weighting must be bm25, dlh, pl2 or lm, not \"" + rk.weighting + "\"");
  }
  if (!(rk.bm25_k1 >= 0 && rk.bm25_k1 <= 100)) throw InvalidRequest("bm25 k1 must be between 0 and 100");
  if (!(rk.bm25_b >= 0 && rk.bm25_b <= 1)) throw InvalidRequest("bm25 b must be between 0 and 1");
  if (rk.feedback != "auto" && rk.feedback != "on" && rk.feedback != "off") {
    throw InvalidRequest("feedback must be auto, on or off, not \"" + rk.feedback + "\"");
  }
  if (rk.feedback_docs < 2 || rk.feedback_docs > 100) throw InvalidRequest("feedback docs must be between 2 and 100");
  if (rk.feedback_terms < 1 || rk.feedback_terms > 100) {
    throw InvalidRequest("feedback terms must be between 1 and 100");
  }
  if (!(rk.feedback_weight >= 0 && rk.feedback_weight <= 1)) {
    throw InvalidRequest("feedback weight must be between 0 and 1");
  }
  if (!(rk.proximity >= 0 && rk.proximity <= 1)) throw InvalidRequest("proximity must be between 0 and 1");
}

SortOrder parse_sort(const std::string& sort) {
  if (sort == "relevance") return SortOrder::kRelevance;
  if (sort == "newest") return SortOrder::kNewest;
  if (sort == "oldest") return SortOrder::kOldest;
  throw InvalidRequest("\"sort\" must be relevance, newest or oldest, not \"" + sort + "\"");
}

void check_text(const SearchRequest& req) {
  if (req.query.size() > kMaxQueryBytes) {
    throw InvalidRequest("\"query\" is longer than " + std::to_string(kMaxQueryBytes) + " bytes");
  }
  require_utf8(req.query, "query");
  for (const std::string& f : req.filters) require_utf8(f, "filter");
  for (const std::string& f : req.facets) require_utf8(f, "facet");
  require_utf8(req.lang, "lang");
}

}  // namespace

void require_utf8(const std::string& text, const char* what) {
  if (!is_valid_utf8(text)) throw InvalidRequest(std::string(what) + " is not valid UTF-8");
}

SearchPlan plan_search(const SearchRequest& request, const Gazetteer* gazetteer) {
  SearchPlan plan;
  check_paging(request);
  plan.sort = parse_sort(request.sort);
  if (request.recency_half_life_days < 0) throw InvalidRequest("\"recency\" must be a positive half-life");
  check_ranking(request.ranking);
  check_text(request);
  for (const std::string& name : request.facets) plan.facets.push_back(parse_facet(name));
  plan.filters = parse_filters(request.filters, gazetteer);
  plan.request = request;
  return plan;
}

}  // namespace gazette::searcher
