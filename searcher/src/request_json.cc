// SPDX-License-Identifier: GPL-2.0-or-later
// The one serialiser of SearchResponse.
#include "gazette/searcher/request_json.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace gazette {

std::string to_json(const SearchResponse& r, int indent) {
  using nlohmann::json;
  json hits = json::array();
  for (const Hit& h : r.hits) {
    hits.push_back({{"id", h.id},
                    {"rank", h.rank},
                    {"score", std::round(h.score * 1e4) / 1e4},
                    {"title", h.title},
                    {"url", h.url},
                    {"source", h.source},
                    {"published", h.published ? json(*h.published) : json(nullptr)},
                    {"snippet", h.snippet}});
  }
  json j = {{"query", r.query},
            {"total", {{"value", r.total.value}, {"exact", r.total.exact}}},
            {"took_ms", std::round(r.took_ms * 1000) / 1000},
            {"hits", std::move(hits)}};
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace gazette
