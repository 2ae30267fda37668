// SPDX-License-Identifier: GPL-2.0-or-later
// The recency blend as a ValueMapPostingSource over the day slot.
#include "recency.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "gazette/common/schema.h"

namespace gazette::searcher {
namespace {

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "D20251103" -> ("2025-11-03", day number); nullopt for any other term of the prefix.
std::optional<std::pair<std::string, std::int64_t>> parse_day_term(const std::string& term) {
  const std::size_t p = schema::kDayPrefix.size();
  if (term.size() != p + 8 || !std::all_of(term.begin() + static_cast<long>(p), term.end(), ::isdigit)) {
    return std::nullopt;
  }
  const int y = std::stoi(term.substr(p, 4));
  const auto m = static_cast<unsigned>(std::stoi(term.substr(p + 4, 2)));
  const auto d = static_cast<unsigned>(std::stoi(term.substr(p + 6, 2)));
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  return std::make_pair(term.substr(p, 4) + "-" + term.substr(p + 4, 2) + "-" + term.substr(p + 6, 2),
                        days_from_civil(y, m, d));
}

}  // namespace

RecencyDays read_recency_days(const Xapian::Database& db) {
  RecencyDays out;
  const std::string prefix(schema::kDayPrefix);
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
    if (auto day = parse_day_term(*t)) out.days.push_back(std::move(*day));
  }
  std::optional<std::int64_t> newest = schema::decode_published(db.get_value_upper_bound(schema::kPublishedSlot));
  if (newest) out.newest = (*newest >= 0 ? *newest : *newest - 86399) / 86400;
  return out;
}

Recency::Recency(const RecencyDays& days, double half_life_days, double max_weight)
    : source_(std::make_unique<Xapian::ValueMapPostingSource>(schema::kDaySlot)),
      days_(&days),
      half_life_days_(half_life_days),
      max_weight_(max_weight) {
  for (const auto& [day, number] : days.days) {
    const double age = static_cast<double>(std::max<std::int64_t>(0, days.newest - number));
    const double weight = max_weight_ * std::pow(0.5, age / half_life_days_);
    // Days whose weight no score can tell from nothing stay out of the map (the default, 0):
    // Xapian copies the map for every shard of every search, and an archive of years holds
    // thousands of days.
    if (weight >= kNegligibleWeight) source_->add_mapping(day, weight);
  }
  source_->set_default_weight(0);
}

Xapian::Query Recency::query() const { return Xapian::Query(source_.get()); }

double Recency::weight_of(const std::string& day) const {
  if (day.size() != 10) return 0;
  auto it = std::find_if(days_->days.begin(), days_->days.end(), [&](const auto& d) { return d.first == day; });
  if (it == days_->days.end()) return 0;
  const double age = static_cast<double>(std::max<std::int64_t>(0, days_->newest - it->second));
  const double weight = max_weight_ * std::pow(0.5, age / half_life_days_);
  return weight >= kNegligibleWeight ? weight : 0.0;
}

}  // namespace gazette::searcher
