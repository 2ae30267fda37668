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
  if (!r.facets.empty()) {
    json facets = json::object();
    for (const FacetResult& f : r.facets) {
      json values = json::array();
      for (const FacetCount& c : f.values) values.push_back({{"value", c.value}, {"count", c.count}});
      facets[f.name] = std::move(values);
    }
    j["facets"] = std::move(facets);
  }
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string to_json(const std::vector<EntityCount>& entities, int indent) {
  using nlohmann::json;
  json list = json::array();
  for (const EntityCount& e : entities) list.push_back({{"kind", e.kind}, {"name", e.name}, {"count", e.count}});
  return json{{"entities", std::move(list)}}.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string to_json(const RelatedResponse& r, int indent) {
  using nlohmann::json;
  json list = json::array();
  for (const RelatedEntity& e : r.related) {
    list.push_back({{"kind", e.kind},
                    {"name", e.name},
                    {"together", e.together},
                    {"total", e.total},
                    {"score", std::round(e.score * 1e4) / 1e4}});
  }
  json j = {{"entity", r.entity}, {"articles", r.articles}, {"related", std::move(list)}};
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace gazette
