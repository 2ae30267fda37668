// SPDX-License-Identifier: GPL-2.0-or-later
// The parameters of a search as the three front ends spell them: keys of a JSON request
// (request_from_json), query-string parameters of /api/search and flags of `gazette-search
// query`. One table says each parameter's names, its help and which SearchRequest field it
// sets; one reader turns each front end's text into that field. Defaults are SearchRequest's
// own (request.h), and every range is checked once, when Searcher::search plans the request.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gazette/searcher/request.h"

namespace gazette {

enum class ParamType {
  kText,      // a string
  kInteger,   // an int ("10")
  kFlag,      // true or false ("true", "false", "1", "0"; a bare query-string parameter is true)
  kList,      // comma-separated names ("people,places"), or a JSON array of strings
  kRepeated,  // one value per occurrence (--filter A --filter B), or a JSON array of strings
  kDuration,  // a half-life: "30d", "12h", "2w", "1y" or days; in JSON a number of days
};

struct SearchParam {
  std::string_view json{};        // key of a JSON request ("" = none)
  std::string_view json_alias{};  // a second accepted key ("q" for "query")
  std::string_view http{};        // query-string parameter of /api/search ("" = none)
  std::string_view cli{};         // flag of gazette-search query without "--" ("" = none)
  ParamType type = ParamType::kText;
  std::string_view help{};
  // The SearchRequest field it sets: the one that matches `type`.
  std::string SearchRequest::*text = nullptr;
  int SearchRequest::*integer = nullptr;
  bool SearchRequest::*flag = nullptr;
  std::vector<std::string> SearchRequest::*list = nullptr;  // kList and kRepeated
  double SearchRequest::*number = nullptr;                  // kDuration, in days
  bool cli_negates = false;                                 // the flag sets false (--no-collapse)
};

// Every parameter, in the order --help lists them. The query's words are the first entry: on
// the command line they are the positional arguments.
const std::vector<SearchParam>& search_params();

// The parameter with this JSON key (or alias), or nullptr.
const SearchParam* find_json_param(std::string_view key);

// Sets p's field of r from its text form. A kRepeated or kList parameter appends. `shown_as`
// names the parameter in errors ("parameter \"limit\"", "--limit"). Throws InvalidRequest when
// the text is not a value of p's type; ranges are Searcher::search's to check.
void set_param(SearchRequest& r, const SearchParam& p, std::string_view text, std::string_view shown_as);

// "10" -> 10. Throws InvalidRequest "SHOWN_AS must be an integer, not ..." for anything else.
int parse_integer(std::string_view text, std::string_view shown_as);

// Throws InvalidRequest "\"limit\" must be between LO and HI" unless lo <= limit <= hi: the
// one check of a result count, for searches and listings alike.
void check_limit(int limit, int lo, int hi);

// The text form of p's field in a default SearchRequest ("10", "relevance", ""), for --help.
std::string default_text(const SearchParam& p);

// "people,places,,date" -> {"people", "places", "date"}: the comma list of kList parameters
// (empty names dropped, nothing trimmed).
std::vector<std::string> split_list(std::string_view text);

}  // namespace gazette
