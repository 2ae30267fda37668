// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of date parsing (ISO 8601, RFC 2822, written forms) and UTC formatting.
#include "gazette/common/dates.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace gazette {
namespace {

TEST(DatesTest, ParsesCommonFormatsToUtc) {
  struct Case {
    const char* input;
    const char* expected;  // ISO 8601 UTC, or nullptr when unparseable
  };
  const std::vector<Case> cases = {
      {"2025-11-03", "2025-11-03T00:00:00Z"},
      {"2025-11-03T08:15:00Z", "2025-11-03T08:15:00Z"},
      {"2025-11-03T08:15:00.123Z", "2025-11-03T08:15:00Z"},
      {"2025-11-03T10:15:00+02:00", "2025-11-03T08:15:00Z"},
      {"2025-11-03T03:15:00-0500", "2025-11-03T08:15:00Z"},
      {"2025-11-03 08:15", "2025-11-03T08:15:00Z"},
      {"Mon, 03 Nov 2025 08:15:00 +0000", "2025-11-03T08:15:00Z"},
      {"Mon, 3 Nov 2025 09:15:00 +0100", "2025-11-03T08:15:00Z"},
      {"03 Nov 2025 08:15:00 GMT", "2025-11-03T08:15:00Z"},
      {"Mon, 03 Nov 2025 03:15:00 EST", "2025-11-03T08:15:00Z"},
      {"November 3, 2025", "2025-11-03T00:00:00Z"},
      {"Nov 3, 2025", "2025-11-03T00:00:00Z"},
      {"3 November 2025", "2025-11-03T00:00:00Z"},
      {"Monday, November 3rd, 2025", "2025-11-03T00:00:00Z"},
      {"November 3, 2025 4:30 pm", "2025-11-03T16:30:00Z"},
      {"Sept 9, 2024", "2024-09-09T00:00:00Z"},
      {"2024-02-29", "2024-02-29T00:00:00Z"},
      {"1999-12-31T23:59:59Z", "1999-12-31T23:59:59Z"},
      {"2025-02-29", nullptr},  // not a leap year
      {"2025-13-01", nullptr},
      {"yesterday", nullptr},
      {"", nullptr},
      {"November 2025", nullptr},
      {"2025", nullptr},
      {"32 March 2025", nullptr},
  };
  for (const Case& c : cases) {
    std::optional<std::int64_t> t = parse_date(c.input);
    if (c.expected == nullptr) {
      EXPECT_FALSE(t.has_value()) << c.input;
    } else {
      ASSERT_TRUE(t.has_value()) << c.input;
      EXPECT_EQ(format_iso8601(*t), c.expected) << c.input;
    }
  }
}

TEST(DatesTest, CivilDatesRoundTrip) {
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59Z");
  CivilDate d = civil_from_seconds(*parse_date("2024-02-29T12:00:00Z"));
  EXPECT_EQ(d.year, 2024);
  EXPECT_EQ(d.month, 2);
  EXPECT_EQ(d.day, 29);
}

TEST(DatesTest, CalendarIsDefinedForEveryTime) {
  // Found by tests/fuzz/dates: seconds - 86399 overflowed for the int64 minimum (a stored record
  // can hold any time).
  for (std::int64_t t : {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    CivilDate d = civil_from_seconds(t);
    EXPECT_TRUE(d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 31) << t;
    EXPECT_EQ(format_iso8601(t).back(), 'Z') << t;
  }
  EXPECT_EQ(format_iso8601(-62135596800), "0001-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(253402300799), "9999-12-31T23:59:59Z");
  EXPECT_EQ(format_iso8601(-86401), "1969-12-30T23:59:59Z");
  // Found by tests/fuzz/dates: a year past an int wrapped into a plausible one (3528).
  const auto wild = static_cast<std::int64_t>(0xba67ba53736fbabaULL);
  EXPECT_EQ(civil_from_seconds(wild).year, std::numeric_limits<int>::min());
  EXPECT_EQ(civil_from_seconds(std::numeric_limits<std::int64_t>::max()).year, std::numeric_limits<int>::max());
}

}  // namespace
}  // namespace gazette
