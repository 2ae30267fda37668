// SPDX-License-Identifier: GPL-2.0-or-later
// The one serialiser of SearchResponse.
#include "gazette/searcher/request_json.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "gazette/common/dates.h"
#include "gazette/common/entities.h"
#include "gazette/common/error.h"
#include "gazette/searcher/request_params.h"

namespace gazette {

namespace {

double round4(double x) { return std::round(x * 1e4) / 1e4; }

// The filter that selects an entity ("people:Kim Jong Un"), or null for a kind that is none.
nlohmann::json entity_filter(const std::string& kind, const std::string& name) {
  EntityKind k;
  if (!parse_kind(kind, k)) return nullptr;
  return std::string(facet_name(k)) + ":" + name;
}

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
            {"optional_words", r.optional_words},
            {"suggestion", r.suggestion.empty() ? json(nullptr) : json(r.suggestion)},
            {"warnings", r.warnings},
            {"hits", std::move(hits)}};
  if (!r.missing_shards.empty()) j["missing_shards"] = r.missing_shards;
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
  for (const EntityCount& e : entities) {
    list.push_back({{"kind", e.kind}, {"name", e.name}, {"count", e.count}, {"filter", entity_filter(e.kind, e.name)}});
  }
  return json{{"entities", std::move(list)}}.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string to_json(const RelatedResponse& r, int indent) {
  using nlohmann::json;
  json list = json::array();
  for (const RelatedEntity& e : r.related) {
    list.push_back({{"kind", e.kind},
                    {"name", e.name},
                    {"filter", entity_filter(e.kind, e.name)},
                    {"together", e.together},
                    {"total", e.total},
                    {"score", std::round(e.score * 1e4) / 1e4}});
  }
  json j = {{"entity", r.entity}, {"articles", r.articles}, {"related", std::move(list)}};
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string to_json(const std::vector<Suggestion>& suggestions, int indent) {
  using nlohmann::json;
  json list = json::array();
  for (const Suggestion& x : suggestions) {
    list.push_back({{"text", x.text}, {"kind", x.kind}, {"count", x.count}, {"filter", entity_filter(x.kind, x.text)}});
  }
  return json{{"suggestions", std::move(list)}}.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string to_json(const IndexSummary& s, int indent) {
  using nlohmann::json;
  auto counts = [](const std::vector<FacetCount>& v) {
    json out = json::array();
    for (const FacetCount& c : v) out.push_back({{"value", c.value}, {"count", c.count}});
    return out;
  };
  json j = {{"articles", s.articles},
            {"first_published", s.first_published ? json(*s.first_published) : json(nullptr)},
            {"last_published", s.last_published ? json(*s.last_published) : json(nullptr)},
            {"languages", counts(s.languages)},
            {"sources", counts(s.sources)}};
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string error_json(const std::string& code, const std::string& message) {
  using nlohmann::json;
  return json{{"error", {{"code", code}, {"message", message}}}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

using nlohmann::json;

// A JSON value for p: the JSON type its ParamType asks for, set through the parameter table.
void set_json_param(SearchRequest& r, const SearchParam& p, const std::string& key, const json& v) {
  auto need = [&](bool ok, const char* what) {
    if (!ok) throw InvalidRequest("request key \"" + key + "\" must be " + what);
  };
  switch (p.type) {
    case ParamType::kText:
      need(v.is_string(), "a string");
      r.*p.text = v.get<std::string>();
      return;
    case ParamType::kInteger: {
      // A wider integer must not wrap into range (4294967306 is not a limit of 10).
      bool fits = v.is_number_unsigned()
                      ? v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<int>::max())
                      : v.is_number_integer() && v.get<std::int64_t>() >= std::numeric_limits<int>::min() &&
                            v.get<std::int64_t>() <= std::numeric_limits<int>::max();
      need(fits, "an integer from -2147483648 to 2147483647");
      r.*p.integer = static_cast<int>(v.get<std::int64_t>());
      return;
    }
    case ParamType::kFlag:
      need(v.is_boolean(), "true or false");
      r.*p.flag = v.get<bool>();
      return;
    case ParamType::kDuration:
      need(v.is_number(), "a number of days");
      r.*p.number = v.get<double>();
      return;
    case ParamType::kList:
      if (v.is_string()) {
        set_param(r, p, v.get<std::string>(), "request key \"" + key + "\"");
        return;
      }
      [[fallthrough]];
    case ParamType::kRepeated:
      need(v.is_array(), "an array of strings");
      for (const json& x : v) {
        need(x.is_string(), "an array of strings");
        (r.*p.list).push_back(x.get<std::string>());
      }
      return;
  }
}

void set_ranking_options(RankingOptions& o, const json& v) {
  if (!v.is_object()) {
    throw InvalidRequest(
        "request key \"ranking\" must be an object (weighting, k1, b, feedback, feedback_docs, feedback_terms, "
        "feedback_weight, proximity)");
  }
  for (const auto& option : v.items()) {
    const std::string& k = option.key();
    const json& x = option.value();
    auto want = [&](bool ok, const char* what) {
      if (!ok) throw InvalidRequest("ranking key \"" + k + "\" must be " + what);
    };
    if (k == "weighting" || k == "feedback") {
      want(x.is_string(), "a string");
      (k == "weighting" ? o.weighting : o.feedback) = x.get<std::string>();
    } else if (k == "k1" || k == "b" || k == "feedback_weight" || k == "proximity") {
      want(x.is_number(), "a number");
      (k == "k1"          ? o.bm25_k1
       : k == "b"         ? o.bm25_b
       : k == "proximity" ? o.proximity
                          : o.feedback_weight) = x.get<double>();
    } else if (k == "feedback_docs" || k == "feedback_terms") {
      want(x.is_number_integer() && x.get<std::int64_t>() >= 0 && x.get<std::int64_t>() <= 1000,
           "an integer from 0 to 1000");
      (k == "feedback_docs" ? o.feedback_docs : o.feedback_terms) = static_cast<int>(x.get<std::int64_t>());
    } else {
      throw InvalidRequest("unknown ranking key \"" + k + "\"");
    }
  }
}

}  // namespace

SearchRequest request_from_json(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    // Not only parse_error: a number too big for a double ("1E400") is out_of_range.
    throw InvalidRequest(std::string("malformed request JSON: ") + e.what());
  }
  if (!j.is_object()) throw InvalidRequest("a request must be a JSON object");
  SearchRequest r;
  for (const auto& item : j.items()) {
    if (item.key() == "ranking") {
      set_ranking_options(r.ranking, item.value());
    } else if (const SearchParam* p = find_json_param(item.key())) {
      set_json_param(r, *p, item.key(), item.value());
    } else {
      throw InvalidRequest("unknown request key \"" + item.key() + "\"");
    }
  }
  return r;
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
            {"dateline", a.dateline},
            {"date_given", a.date_given.empty() ? json(nullptr) : json(a.date_given)},
            {"body", a.body},
            {"entities", std::move(entities)}};
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace gazette
