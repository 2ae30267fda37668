// SPDX-License-Identifier: GPL-2.0-or-later
// Date parsing (ISO 8601, RFC 2822, "November 3, 2025") and formatting, always in UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gazette {

// Parses a publication date and returns seconds since the Unix epoch (UTC), applying any zone
// offset given. Accepts ISO 8601 ("2025-11-03", "2025-11-03T08:00:00Z", "...+02:00",
// fractional seconds), RFC 2822 ("Mon, 03 Nov 2025 08:00:00 +0000", "GMT"), and written forms
// ("November 3, 2025", "3 November 2025", "Nov 3, 2025 10:15"). Dates without a time are
// midnight UTC. Returns nullopt when the text is not a date it understands.
std::optional<std::int64_t> parse_date(std::string_view text);

// Formats seconds since the epoch as ISO 8601 UTC: "2025-11-03T08:00:00Z".
std::string format_iso8601(std::int64_t seconds);

// Splits seconds since the epoch into a UTC calendar date.
struct CivilDate {
  int year;
  int month;  // 1..12
  int day;    // 1..31
};
CivilDate civil_from_seconds(std::int64_t seconds);

}  // namespace gazette
