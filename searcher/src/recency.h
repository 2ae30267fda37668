// SPDX-License-Identifier: GPL-2.0-or-later
// A posting source that adds a time-decay weight to relevance: fresh news rises.
#pragma once

#include <cstdint>
#include <string>

#include <xapian.h>

namespace gazette::searcher {

// weight = max_weight * 0.5 ^ (age / half_life), age measured back from `reference` (seconds
// since the epoch) using the publication value slot; undated articles get nothing. Combined with
// the text query by OP_AND_MAYBE it reorders matches without adding any.
class RecencySource : public Xapian::ValuePostingSource {
 public:
  RecencySource(Xapian::valueno slot, std::int64_t reference, double half_life_seconds, double max_weight);
  double get_weight() const override;
  RecencySource* clone() const override;
  std::string name() const override { return "gazette::RecencySource"; }
  void init(const Xapian::Database& db) override;

  // The decay weight for one publication time (also used by --explain).
  double weight_at(std::int64_t published) const;

 private:
  std::int64_t reference_;
  double half_life_;
  double max_weight_;
};

}  // namespace gazette::searcher
