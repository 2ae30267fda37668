// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the parsers behind the HTTP API's parameters that live outside the server (the
// server's own query-string parsing is private to searcher/http/server.cc): the recency half-life
// (parse_half_life), facet names (parse_facet) and filters (parse_filters, with the gazetteer).
// Each line of the input is tried as all three. Contract: only InvalidRequest is thrown; a
// half-life is positive and at most 1000 years; a filter keeps its values.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "facets.h"
#include "fuzz_support.h"
#include "gazette/common/error.h"
#include "gazette/common/ner.h"
#include "gazette/searcher/request.h"

namespace {

const gazette::Gazetteer* gazetteer() {
  static std::shared_ptr<const gazette::Gazetteer> g = gazette::load_default_gazetteer();
  return g.get();
}

template <typename Fn>
void only_invalid_request(const char* what, Fn&& fn) {
  try {
    fn();
  } catch (const gazette::InvalidRequest&) {
  } catch (const std::exception& e) {
    gazette::fuzz::fail(what, e.what());
  } catch (...) {
    gazette::fuzz::fail(what, "a non-standard exception");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gazetteer();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using gazette::fuzz::check;
  std::string text = gazette::fuzz::as_string(data, size);
  std::vector<std::string> lines;
  for (std::size_t at = 0; at <= text.size();) {
    std::size_t nl = text.find('\n', at);
    lines.push_back(text.substr(at, nl == std::string::npos ? std::string::npos : nl - at));
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  for (const std::string& line : lines) {
    only_invalid_request("parse_half_life threw something other than InvalidRequest", [&] {
      double days = gazette::parse_half_life(line);
      check(days > 0 && days <= 365000, "a half-life out of range", line);
    });
    only_invalid_request("parse_facet threw something other than InvalidRequest", [&] {
      gazette::searcher::FacetSpec spec = gazette::searcher::parse_facet(line);
      check(spec.name == line, "a facet spec does not keep its name", line);
    });
  }
  only_invalid_request("parse_filters threw something other than InvalidRequest", [&] {
    std::vector<gazette::searcher::Filter> filters = gazette::searcher::parse_filters(lines, gazetteer());
    std::size_t values = 0;
    for (const gazette::searcher::Filter& f : filters) {
      values += f.values.size();
      (void)gazette::searcher::filter_query(f).get_description();
    }
    check(values <= lines.size(), "more filter values than filters");
  });
  return 0;
}
