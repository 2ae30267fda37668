// SPDX-License-Identifier: GPL-2.0-or-later
// Exponential time decay as a Xapian posting source.
#include "recency.h"

#include <algorithm>
#include <cmath>

#include "gazette/common/schema.h"

namespace gazette::searcher {

RecencySource::RecencySource(Xapian::valueno slot, std::int64_t reference, double half_life_seconds, double max_weight)
    : Xapian::ValuePostingSource(slot), reference_(reference), half_life_(half_life_seconds), max_weight_(max_weight) {}

double RecencySource::weight_at(std::int64_t published) const {
  double age = std::max<double>(0, static_cast<double>(reference_ - published));
  return max_weight_ * std::pow(0.5, age / half_life_);
}

double RecencySource::get_weight() const {
  std::optional<std::int64_t> t = schema::decode_published(get_value());
  return t ? weight_at(*t) : 0.0;
}

RecencySource* RecencySource::clone() const {
  return new RecencySource(get_slot(), reference_, half_life_, max_weight_);
}

void RecencySource::init(const Xapian::Database& db) {
  Xapian::ValuePostingSource::init(db);
  set_maxweight(max_weight_);
}

}  // namespace gazette::searcher
