// SPDX-License-Identifier: GPL-2.0-or-later
// The recency blend: a time-decay weight added to relevance, so that fresh news rises.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

namespace gazette::searcher {

// The days the index has articles on (kDaySlot values, "YYYY-MM-DD", with their day numbers
// since the epoch) and the newest article's day. Read once per revision (Handle).
struct RecencyDays {
  std::vector<std::pair<std::string, std::int64_t>> days;
  std::int64_t newest = 0;
};
// From the day terms and the publication slot's upper bound; works on remote shards too.
RecencyDays read_recency_days(const Xapian::Database& db);

// weight = max_weight * 0.5 ^ (age / half_life), age in whole days back from the newest
// article's day; undated articles get nothing. A Xapian::ValueMapPostingSource over kDaySlot
// (one weight per day of the index): a class Xapian's remote servers (xapian-tcpsrv) know, so
// the same blend ranks a merged database and remote shards. Combined with the text query by
// OP_AND_MAYBE it reorders matches without adding any.
class Recency {
 public:
  // Weights below this count as 0 (scores are shown to 4 decimals; BM25 weights are units).
  static constexpr double kNegligibleWeight = 1e-4;
  Recency(const RecencyDays& days, double half_life_days, double max_weight);
  double half_life_days() const { return half_life_days_; }
  Xapian::Query query() const;
  // The decay weight of one "YYYY-MM-DD" day (also used by --explain); 0 for "".
  double weight_of(const std::string& day) const;

 private:
  std::unique_ptr<Xapian::ValueMapPostingSource> source_;
  const RecencyDays* days_;
  double half_life_days_, max_weight_;
};

}  // namespace gazette::searcher
