// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-bench-search: the in-process baseline for the server load test. N threads share one
// gazette::Searcher and run the same request for a fixed time; prints requests/s, p50 and p99.
// Usage: gazette-bench-search DB THREADS SECONDS REQUEST_JSON
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gazette/common/error.h"
#include "gazette/searcher/request_json.h"
#include "gazette/searcher/searcher.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: gazette-bench-search DB THREADS SECONDS REQUEST_JSON\n");
    return 2;
  }
  try {
    gazette::Searcher searcher(argv[1]);
    int threads = std::max(1, std::atoi(argv[2]));
    double seconds = std::max(0.1, std::atof(argv[3]));
    gazette::SearchRequest request = gazette::request_from_json(argv[4]);
    using Clock = std::chrono::steady_clock;
    auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    std::mutex mutex;
    std::vector<double> latencies;
    std::atomic<long> errors{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        std::vector<double> mine;
        while (Clock::now() < end) {
          auto t0 = Clock::now();
          try {
            searcher.search(request);
          } catch (const gazette::Error&) {
            ++errors;
          }
          mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        }
        std::lock_guard lock(mutex);
        latencies.insert(latencies.end(), mine.begin(), mine.end());
      });
    }
    for (auto& t : pool) t.join();
    std::sort(latencies.begin(), latencies.end());
    auto pct = [&](double p) {
      return latencies.empty() ? 0.0
                               : latencies[static_cast<std::size_t>(p * static_cast<double>(latencies.size() - 1))];
    };
    std::printf("%.0f req/s  p50 %.2f ms  p99 %.2f ms  errors %ld\n", static_cast<double>(latencies.size()) / seconds,
                pct(0.5), pct(0.99), errors.load());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gazette-bench-search: %s\n", e.what());
    return 1;
  }
  return 0;
}
