// SPDX-License-Identifier: GPL-2.0-or-later
// Shared helpers of the fuzz targets: contract checks that abort, reading structured values from
// the fuzzer's bytes, and a small fixture index built once per process by the real indexer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "../support/temp_dir.h"
#include "../support/test_index.h"
#include "gazette/common/dates.h"
#include "gazette/common/encoding.h"

namespace gazette::fuzz {

// A broken contract: prints what and aborts, which libFuzzer (and the replay test) reports as a
// crash with this input.
[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz contract broken: %.*s%s%.*s\n", static_cast<int>(what.size()), what.data(),
               detail.empty() ? "" : ": ", static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline void check(bool ok, std::string_view what, std::string_view detail = {}) {
  if (!ok) fail(what, detail);
}

// False when GAZETTE_FUZZ_NO_SKIP is set: targets then also run the inputs they skip because of a
// known finding that is not fixed yet (README "Fuzzing"), to check whether it still reproduces.
inline bool skip_known_findings() {
  static const bool skip = std::getenv("GAZETTE_FUZZ_NO_SKIP") == nullptr;
  return skip;
}

inline std::string as_string(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Takes structured values off the front of the fuzzer's input; past the end it yields zeros and
// empty strings, so every input is usable.
class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  bool flag() { return (byte() & 1) != 0; }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(byte()) << (8 * i);
    return v;
  }
  // A string of up to `max` bytes: a length byte, then the bytes.
  std::string string(std::size_t max = 255) {
    std::size_t n = byte();
    if (n > max) n = max;
    if (n > size_ - pos_) n = size_ - pos_;
    std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return s;
  }
  // Everything not consumed yet.
  std::string rest() {
    std::string s(reinterpret_cast<const char*>(data_ + pos_), size_ - pos_);
    pos_ = size_;
    return s;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// A parsed publication time is a real instant: its UTC date lies within a day of the years 1..9999
// that the parser accepts (zone offsets move it at most 14 hours).
inline bool valid_time(std::int64_t seconds) {
  constexpr std::int64_t kFirst = -62135596800 - 86400;  // 0001-01-01T00:00:00Z, less a day
  constexpr std::int64_t kLast = 253402300800 + 86400;   // 10000-01-01T00:00:00Z, plus a day
  return seconds >= kFirst && seconds <= kLast;
}

// A Gazette database indexed once per process from tests/data/search by the tests' index builder
// (entities, shipped synonyms, one thread, one writer), in a temporary folder removed at exit.
// Aborts when it cannot be built: the target would test nothing.
inline const std::string& fixture_index() {
  static const gazette::testing::TempDir dir;
  static const std::string path = [] {
    std::string db = dir.str("db");
    indexer::IndexStats stats = gazette::testing::build_test_index(
        db, {std::string(GAZETTE_FUZZ_TEST_DATA) + "/search"}, [](indexer::IndexerConfig& c) { c.shards = 1; });
    if (stats.indexed == 0) fail("the fixture index is empty");
    return db;
  }();
  return path;
}

}  // namespace gazette::fuzz
