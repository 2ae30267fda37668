// SPDX-License-Identifier: GPL-2.0-or-later
// Date parsing and formatting without locale or time-zone state (pure civil-date arithmetic).
#include "gazette/common/dates.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "gazette/common/text.h"

namespace gazette {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

struct Fields {
  int year = -1, month = -1, day = -1;
  int hour = 0, minute = 0, second = 0;
  int offset_minutes = 0;
};

std::optional<std::int64_t> to_seconds(const Fields& f) {
  if (f.year < 1 || f.year > 9999 || f.month < 1 || f.month > 12 || f.day < 1 ||
      f.day > days_in_month(f.year, f.month) || f.hour < 0 || f.hour > 23 || f.minute < 0 || f.minute > 59 ||
      f.second < 0 || f.second > 60) {
    return std::nullopt;
  }
  std::int64_t days = days_from_civil(f.year, static_cast<unsigned>(f.month), static_cast<unsigned>(f.day));
  return days * 86400 + f.hour * 3600 + f.minute * 60 + f.second - f.offset_minutes * 60;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// "+02:00", "-0500", "+02", "Z" at s[pos..]; returns false on anything else.
bool parse_offset(std::string_view s, int& minutes) {
  if (s == "Z" || s == "z") {
    minutes = 0;
    return true;
  }
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return false;
  int sign = s[0] == '-' ? -1 : 1;
  int h = 0, m = 0;
  if (s.size() == 3 && digits(s, 1, 2, h)) {
  } else if (s.size() == 5 && digits(s, 1, 2, h) && digits(s, 3, 2, m)) {
  } else if (s.size() == 6 && s[3] == ':' && digits(s, 1, 2, h) && digits(s, 4, 2, m)) {
  } else {
    return false;
  }
  if (h > 14 || m > 59) return false;
  minutes = sign * (h * 60 + m);
  return true;
}

// "HH:MM[:SS[.fff]]"
bool parse_time(std::string_view s, Fields& f) {
  if (!digits(s, 0, 2, f.hour) || s.size() < 5 || s[2] != ':' || !digits(s, 3, 2, f.minute)) {
    // also "H:MM" as in "9:30"
    if (s.size() >= 4 && s[1] == ':' && digits(s, 0, 1, f.hour) && digits(s, 2, 2, f.minute)) {
      s.remove_prefix(4);
    } else {
      return false;
    }
  } else {
    s.remove_prefix(5);
  }
  if (!s.empty() && s[0] == ':') {
    if (!digits(s, 1, 2, f.second)) return false;
    s.remove_prefix(3);
    if (!s.empty() && (s[0] == '.' || s[0] == ',')) {
      std::size_t i = 1;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      if (i == 1) return false;
      s.remove_prefix(i);
    }
  }
  return s.empty();
}

std::optional<std::int64_t> parse_iso(std::string_view s) {
  Fields f;
  if (!digits(s, 0, 4, f.year)) return std::nullopt;
  if (s.size() == 4) {
    return std::nullopt;  // a bare year is too vague for a publication date
  }
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 5, 2, f.month) || !digits(s, 8, 2, f.day)) {
    return std::nullopt;
  }
  std::string_view rest = s.substr(10);
  if (!rest.empty()) {
    if (rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ') return std::nullopt;
    rest.remove_prefix(1);
    // Split the zone off the time.
    std::size_t zone = rest.find_first_of("Zz+-");
    std::string_view time = rest.substr(0, zone);
    while (!time.empty() && time.back() == ' ') time.remove_suffix(1);
    if (!parse_time(time, f)) return std::nullopt;
    if (zone != std::string_view::npos && !parse_offset(rest.substr(zone), f.offset_minutes)) return std::nullopt;
  }
  return to_seconds(f);
}

int month_from_name(std::string lower) {
  static constexpr std::array<const char*, 12> kNames = {"january",   "february", "march",    "april",
                                                         "may",       "june",     "july",     "august",
                                                         "september", "october",  "november", "december"};
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  if (lower == "sept") lower = "sep";
  if (lower.size() < 3) return -1;
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    std::string_view name = kNames[i];
    if (lower == name || (lower.size() == 3 && name.substr(0, 3) == lower)) return static_cast<int>(i) + 1;
  }
  return -1;
}

bool is_weekday(std::string lower) {
  static constexpr std::array<const char*, 7> kDays = {"monday", "tuesday",  "wednesday", "thursday",
                                                       "friday", "saturday", "sunday"};
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  for (std::string_view d : kDays) {
    if (lower == d || (lower.size() == 3 && d.substr(0, 3) == lower)) return true;
  }
  return false;
}

bool zone_name(const std::string& upper, int& minutes) {
  static const std::array<std::pair<const char*, int>, 12> kZones = {{{"UT", 0},
                                                                      {"UTC", 0},
                                                                      {"GMT", 0},
                                                                      {"Z", 0},
                                                                      {"EST", -300},
                                                                      {"EDT", -240},
                                                                      {"CST", -360},
                                                                      {"CDT", -300},
                                                                      {"MST", -420},
                                                                      {"MDT", -360},
                                                                      {"PST", -480},
                                                                      {"PDT", -420}}};
  for (const auto& [name, offset] : kZones) {
    if (upper == name) {
      minutes = offset;
      return true;
    }
  }
  return false;
}

// RFC 2822 and written forms: a bag of tokens (weekday, month name, day, year, time, zone).
std::optional<std::int64_t> parse_written(std::string_view s) {
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!cur.empty()) tokens.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) tokens.push_back(std::move(cur));

  Fields f;
  bool have_time = false;
  for (const std::string& tok : tokens) {
    const std::string lower = ascii_lower(tok);
    std::string upper;
    for (char c : tok) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    int value = 0;
    if (is_weekday(lower) || lower == "at" || lower == "on") continue;
    if (int m = month_from_name(lower); m > 0 && f.month < 0) {
      f.month = m;
    } else if (tok.size() == 4 && digits(tok, 0, 4, value) && f.year < 0) {
      f.year = value;
    } else if (!have_time && tok.find(':') != std::string::npos && parse_time(tok, f)) {
      have_time = true;
    } else if (have_time && (lower == "am" || lower == "pm" || lower == "a.m." || lower == "p.m.")) {
      if (f.hour > 12) return std::nullopt;
      if (lower[0] == 'p' && f.hour < 12) f.hour += 12;
      if (lower[0] == 'a' && f.hour == 12) f.hour = 0;
    } else if ((tok[0] == '+' || tok[0] == '-') && parse_offset(tok, f.offset_minutes)) {
    } else if (zone_name(upper, f.offset_minutes)) {
    } else {
      // A day: "3", "03", "3rd", "21st".
      std::size_t n = 0;
      while (n < tok.size() && std::isdigit(static_cast<unsigned char>(tok[n]))) ++n;
      std::string_view suffix = std::string_view(lower).substr(n);
      if (n == 0 || n > 2 || f.day >= 0 ||
          !(suffix.empty() || suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th")) {
        return std::nullopt;
      }
      digits(tok, 0, n, f.day);
    }
  }
  if (f.year < 0 || f.month < 0 || f.day < 0) return std::nullopt;
  return to_seconds(f);
}

}  // namespace

std::optional<std::int64_t> parse_date(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.size() > 100) return std::nullopt;
  if (auto iso = parse_iso(text)) return iso;
  return parse_written(text);
}

CivilDate civil_from_seconds(std::int64_t seconds) {
  // Floor division without seconds - 86399, which overflows near the int64 minimum.
  std::int64_t z = seconds / 86400 - (seconds % 86400 < 0 ? 1 : 0);
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  // Years past an int (times beyond +-2.1 billion years) saturate instead of wrapping into a
  // plausible year (fuzzing found 0xba67ba53736fbaba seconds printed as 3528-06-30).
  const std::int64_t year =
      std::clamp<std::int64_t>(y + (m <= 2), std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
  return CivilDate{static_cast<int>(year), static_cast<int>(m), static_cast<int>(d)};
}

std::string format_iso8601(std::int64_t seconds) {
  CivilDate d = civil_from_seconds(seconds);
  // The time of day straight from the seconds: going back through the date would overflow for
  // times whose year does not fit an int.
  std::int64_t rem = seconds % 86400;
  if (rem < 0) rem += 86400;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day, static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return buf;
}

}  // namespace gazette
