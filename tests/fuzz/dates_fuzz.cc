// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the date parser (parse_date: ISO 8601, RFC 2822, written forms) and the calendar
// arithmetic behind it. Contract: a parsed date is a valid time (a UTC date within a day of the
// years 1..9999) whose ISO 8601 form parses back to the same second; the calendar functions are
// defined for every time (the 8 bytes of an input of exactly 8 bytes are also tried as one).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "fuzz_support.h"
#include "gazette/common/dates.h"

namespace {

void check_calendar(std::int64_t seconds) {
  using gazette::fuzz::check;
  gazette::CivilDate d = gazette::civil_from_seconds(seconds);
  check(d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 31, "a calendar date out of range");
  std::string iso = gazette::format_iso8601(seconds);
  check(!iso.empty(), "an empty ISO 8601 date");
  if (d.year >= 1 && d.year <= 9999) {
    check(iso.size() == 20, "an ISO 8601 date of the wrong length", iso);
    check(gazette::parse_date(iso) == seconds, "an ISO 8601 date does not parse back", iso);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using gazette::fuzz::check;
  std::string text = gazette::fuzz::as_string(data, size);
  std::optional<std::int64_t> t = gazette::parse_date(text);
  if (t) {
    check(gazette::fuzz::valid_time(*t), "a parsed date is no valid time", text);
    check_calendar(*t);
  }
  if (size == 8) {
    std::int64_t seconds = 0;
    std::memcpy(&seconds, data, 8);
    check_calendar(seconds);
  }
  return 0;
}
