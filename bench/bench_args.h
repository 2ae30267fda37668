// SPDX-License-Identifier: GPL-2.0-or-later
// What the baseline benchmark programs share: flag lookup, peak RSS, latency percentiles.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace gazette::bench {

// The value after `name` on the command line, else `fallback`.
inline std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback = "") {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return fallback;
}

inline long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// Prints {"queries", "p50_us", "p95_us", "p99_us"} of these latencies (nearest rank).
inline void print_latencies(std::vector<double> us) {
  if (us.empty()) us.push_back(0);
  std::sort(us.begin(), us.end());
  auto pct = [&us](double p) { return us[static_cast<std::size_t>(p * static_cast<double>(us.size() - 1))]; };
  std::printf("{\"queries\": %zu, \"p50_us\": %.0f, \"p95_us\": %.0f, \"p99_us\": %.0f}\n", us.size(), pct(0.5),
              pct(0.95), pct(0.99));
}

}  // namespace gazette::bench
