// SPDX-License-Identifier: GPL-2.0-or-later
// The one serialiser of SearchResponse.
#include "gazette/searcher/request_json.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "gazette/common/dates.h"

namespace gazette {

namespace {

double round4(double x) { return std::round(x * 1e4) / 1e4; }

}  // namespace

std::string to_json(const SearchResponse& r, int indent) {
  using nlohmann::json;
  json hits = json::array();
  for (const Hit& h : r.hits) {
    json hit = {{"id", h.id},
                {"rank", h.rank},
                {"score", round4(h.score)},
                {"title", h.title},
                {"title_html", h.title_html},
                {"url", h.url},
                {"source", h.source},
                {"published", h.published ? json(*h.published) : json(nullptr)},
                {"snippet", h.snippet},
                {"duplicates", {{"count", h.duplicates}, {"ids", h.duplicate_ids}}}};
    if (!h.explanation.empty()) {
      json parts = json::array();
      for (const ScorePart& p : h.explanation) parts.push_back({{"clause", p.label}, {"weight", round4(p.weight)}});
      hit["explanation"] = std::move(parts);
    }
    hits.push_back(std::move(hit));
  }
  json j = {{"query", r.query},
            {"total", {{"value", r.total.value}, {"exact", r.total.exact}}},
            {"took_ms", std::round(r.took_ms * 1000) / 1000},
            {"relaxed", r.relaxed},
            {"suggestion", r.suggestion.empty() ? json(nullptr) : json(r.suggestion)},
            {"warnings", r.warnings},
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

std::string to_json(const Article& a, int indent) {
  using nlohmann::json;
  json entities = json::array();
  for (const Entity& e : a.entities) {
    entities.push_back({{"kind", kind_name(e.kind)}, {"name", e.canonical}, {"mentions", e.mentions.size()}});
  }
  json j = {{"id", a.id},
            {"url", a.url},
            {"title", a.title},
            {"published", a.published ? json(format_iso8601(*a.published)) : json(nullptr)},
            {"source", a.source},
            {"authors", a.authors},
            {"section", a.section},
            {"lang", a.lang},
            {"body", a.body},
            {"entities", std::move(entities)}};
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace gazette
