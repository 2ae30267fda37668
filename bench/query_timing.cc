// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-bench-queries: the C++ side of the Python overhead benchmark (scripts/bench-python).
// Runs each JSON request of a file REPS times through gazette::Searcher::search, after one
// untimed pass, and prints {"requests", "p50_us", "p95_us", "mean_us"} of the calls.
// Usage: gazette-bench-queries DB REQUESTS.jsonl REPS
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gazette/searcher/request_json.h"
#include "gazette/searcher/searcher.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: gazette-bench-queries DB REQUESTS.jsonl REPS\n");
    return 2;
  }
  try {
    gazette::Searcher searcher(argv[1]);
    std::vector<gazette::SearchRequest> requests;
    std::ifstream in(argv[2]);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) requests.push_back(gazette::request_from_json(line));
    }
    const int reps = std::max(1, std::atoi(argv[3]));
    for (const gazette::SearchRequest& r : requests) searcher.search(r);  // warm
    std::vector<double> us;
    for (int rep = 0; rep < reps; ++rep) {
      for (const gazette::SearchRequest& r : requests) {
        auto t0 = std::chrono::steady_clock::now();
        gazette::SearchResponse response = searcher.search(r);
        us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
      }
    }
    std::sort(us.begin(), us.end());
    double sum = 0;
    for (double x : us) sum += x;
    auto at = [&](double p) {
      return us.empty() ? 0.0 : us[static_cast<std::size_t>(p * static_cast<double>(us.size() - 1))];
    };
    std::printf("{\"requests\": %zu, \"p50_us\": %.1f, \"p95_us\": %.1f, \"mean_us\": %.1f}\n", us.size(), at(0.5),
                at(0.95), us.empty() ? 0.0 : sum / static_cast<double>(us.size()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gazette-bench-queries: %s\n", e.what());
    return 1;
  }
  return 0;
}
