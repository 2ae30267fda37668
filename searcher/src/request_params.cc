// SPDX-License-Identifier: GPL-2.0-or-later
// The one table of search parameters and the one reader of their text forms.
#include "gazette/searcher/request_params.h"

#include <cerrno>
#include <cstdlib>
#include <iterator>
#include <limits>

#include "gazette/common/error.h"

namespace gazette {

namespace {

using T = ParamType;
using R = SearchRequest;

const SearchParam kParams[] = {
    {.json = "query",
     .json_alias = "q",
     .http = "q",
     .type = T::kText,
     .help = "Words, \"quoted phrases\", operators and field:value filters",
     .text = &R::query},
    {.json = "limit",
     .http = "limit",
     .cli = "limit",
     .type = T::kInteger,
     .help = "Hits to return",
     .integer = &R::limit},
    {.json = "offset",
     .http = "offset",
     .cli = "offset",
     .type = T::kInteger,
     .help = "Hits to skip",
     .integer = &R::offset},
    {.json = "lang",
     .http = "lang",
     .cli = "lang",
     .type = T::kText,
     .help = "Language of the query for stemming (default: detect, else en)",
     .text = &R::lang},
    {.json = "snippet_length",
     .http = "snippet_length",
     .cli = "snippet-length",
     .type = T::kInteger,
     .help = "Snippet length in bytes of UTF-8, about characters (0: none, at most 2000)",
     .integer = &R::snippet_chars},
    {.json = "facets",
     .http = "facets",
     .cli = "facets",
     .type = T::kList,
     .help = "Facets to count, comma-separated: people,organizations,places,source,section,language,"
             "date,date:year,date:day",
     .list = &R::facets},
    {.json = "facet_size",
     .http = "facet_size",
     .cli = "facet-size",
     .type = T::kInteger,
     .help = "Values per facet",
     .integer = &R::facet_size},
    {.json = "filters",
     .http = "filter",
     .cli = "filter",
     .type = T::kRepeated,
     .help = "Filter facet:value (repeatable), e.g. 'people:Kim Jong Un'",
     .list = &R::filters},
    {.json = "sort",
     .http = "sort",
     .cli = "sort",
     .type = T::kText,
     .help = "relevance, newest or oldest",
     .text = &R::sort},
    {.json = "recency",
     .http = "recency",
     .cli = "recency",
     .type = T::kDuration,
     .help = "Blend a time decay with this half-life into relevance: 30d, 12h, 2w",
     .number = &R::recency_half_life_days},
    {.json = "explain",
     .http = "explain",
     .cli = "explain",
     .type = T::kFlag,
     .help = "Show the parts of each hit's score",
     .flag = &R::explain},
    {.json = "exact_total",
     .http = "exact_total",
     .cli = "exact-total",
     .type = T::kFlag,
     .help = "Count every match exactly (slower on large result sets)",
     .flag = &R::exact_total},
    {.json = "collapse",
     .http = "collapse",
     .cli = "no-collapse",
     .type = T::kFlag,
     .help = "Show every near-duplicate instead of one per group",
     .flag = &R::collapse,
     .cli_negates = true},
    // The HTTP server's limit is its own (--max-time-limit), not the caller's.
    {.json = "time_limit_ms",
     .cli = "time-limit",
     .type = T::kInteger,
     .help = "Stop matching after this many ms (0: none)",
     .integer = &R::time_limit_ms},
};

}  // namespace

const std::vector<SearchParam>& search_params() {
  static const std::vector<SearchParam> params(std::begin(kParams), std::end(kParams));
  return params;
}

const SearchParam* find_json_param(std::string_view key) {
  for (const SearchParam& p : search_params()) {
    if (!key.empty() && (key == p.json || key == p.json_alias)) return &p;
  }
  return nullptr;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t b = 0; b <= text.size();) {
    std::size_t e = text.find(',', b);
    std::string_view name = text.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b);
    if (!name.empty()) out.emplace_back(name);
    if (e == std::string_view::npos) break;
    b = e + 1;
  }
  return out;
}

double parse_half_life(const std::string& text) {
  char* end = nullptr;
  double n = std::strtod(text.c_str(), &end);
  std::string unit(end);
  double days = unit.empty() || unit == "d" ? n
                : unit == "h"               ? n / 24
                : unit == "w"               ? n * 7
                : unit == "y"               ? n * 365
                                            : -1;
  if (end == text.c_str() || !(days > 0) || days > 365000) {
    throw InvalidRequest("recency \"" + text + "\" is not a half-life such as 30d, 12h or 2w");
  }
  return days;
}

int parse_integer(std::string_view text, std::string_view shown_as) {
  std::string s(text);
  char* end = nullptr;
  errno = 0;
  long n = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno == ERANGE || n < std::numeric_limits<int>::min() ||
      n > std::numeric_limits<int>::max()) {
    throw InvalidRequest(std::string(shown_as) + " must be an integer, not \"" + s + "\"");
  }
  return static_cast<int>(n);
}

namespace {

bool parse_flag(std::string_view text, std::string_view shown_as) {
  if (text == "true" || text == "1" || text.empty()) return true;
  if (text == "false" || text == "0") return false;
  throw InvalidRequest(std::string(shown_as) + " must be true or false, not \"" + std::string(text) + "\"");
}

}  // namespace

void set_param(SearchRequest& r, const SearchParam& p, std::string_view text, std::string_view shown_as) {
  switch (p.type) {
    case ParamType::kText:
      r.*p.text = std::string(text);
      break;
    case ParamType::kInteger:
      r.*p.integer = parse_integer(text, shown_as);
      break;
    case ParamType::kFlag:
      r.*p.flag = parse_flag(text, shown_as);
      break;
    case ParamType::kList:
      for (std::string& name : split_list(text)) (r.*p.list).push_back(std::move(name));
      break;
    case ParamType::kRepeated:
      (r.*p.list).emplace_back(text);
      break;
    case ParamType::kDuration:
      try {
        r.*p.number = parse_half_life(std::string(text));
      } catch (const InvalidRequest& e) {
        throw InvalidRequest(std::string(shown_as) + ": " + e.what());
      }
      break;
  }
}

void check_limit(int limit, int lo, int hi) {
  if (limit < lo || limit > hi) {
    throw InvalidRequest("\"limit\" must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
}

std::string default_text(const SearchParam& p) {
  static const SearchRequest kDefaults;
  switch (p.type) {
    case ParamType::kText:
      return kDefaults.*p.text;
    case ParamType::kInteger:
      return std::to_string(kDefaults.*p.integer);
    case ParamType::kFlag:
      return kDefaults.*p.flag ? "true" : "false";
    default:
      return {};
  }
}

}  // namespace gazette
