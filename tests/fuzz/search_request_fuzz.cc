// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the batch/API JSON request (request_from_json) and the request validation and search
// behind it (Searcher::search on a small index built once by the real indexer). Contract: both
// throw nothing but InvalidRequest; a parsed request holds exactly the values of the JSON (no
// integer silently wrapped); a response serialises to valid JSON.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_support.h"
#include "gazette/common/error.h"
#include "gazette/searcher/request_json.h"
#include "gazette/searcher/searcher.h"

namespace {

gazette::Searcher& searcher() {
  static gazette::Searcher s(gazette::fuzz::fixture_index());
  return s;
}

// The integer fields of a request as the JSON holds them.
void check_integers(const std::string& text, const gazette::SearchRequest& r) {
  nlohmann::json j = nlohmann::json::parse(text);
  auto same = [&](const char* key, int value) {
    if (!j.contains(key)) return;
    const nlohmann::json& v = j[key];
    gazette::fuzz::check(
        v.is_number_integer() &&
            (v.is_number_unsigned() ? v.get<std::uint64_t>() == static_cast<std::uint64_t>(value) && value >= 0
                                    : v.get<std::int64_t>() == value),
        "a request integer is not the JSON's value", key);
  };
  same("limit", r.limit);
  same("offset", r.offset);
  same("facet_size", r.facet_size);
  same("snippet_length", r.snippet_chars);
  same("time_limit_ms", r.time_limit_ms);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  searcher();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using gazette::fuzz::check;
  using gazette::fuzz::fail;
  std::string text = gazette::fuzz::as_string(data, size);
  gazette::SearchRequest request;
  try {
    request = gazette::request_from_json(text);
  } catch (const gazette::InvalidRequest& e) {
    check(std::string(e.what()).size() > 0, "an InvalidRequest without a message");
    return 0;
  } catch (const std::exception& e) {
    fail("request_from_json threw something other than InvalidRequest", e.what());
  } catch (...) {
    fail("request_from_json threw a non-standard exception");
  }
  check_integers(text, request);
  // Matching is fast on the fixture; a long limit would only slow the fuzzer.
  if (request.time_limit_ms > 1000) request.time_limit_ms = 1000;
  try {
    gazette::SearchResponse response = searcher().search(request);
    std::string json = gazette::to_json(response);
    check(nlohmann::json::accept(json), "a response is not valid JSON", json);
    check(response.hits.size() <= static_cast<std::size_t>(request.limit), "more hits than the limit");
  } catch (const gazette::InvalidRequest&) {
  } catch (const std::exception& e) {
    fail("Searcher::search threw something other than InvalidRequest", e.what());
  } catch (...) {
    fail("Searcher::search threw a non-standard exception");
  }
  return 0;
}
