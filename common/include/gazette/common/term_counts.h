// SPDX-License-Identifier: GPL-2.0-or-later
// Counting articles by boolean term: the one way the index's listings (sources, languages,
// entities) are counted, by the indexer's `stats` and by the searcher.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace gazette {

struct TermCount {
  std::string value;           // the term without its prefix, or the display name (see below)
  std::string term;            // the whole term
  std::uint64_t articles = 0;  // articles holding it (its term frequency)
};

// Every term that starts with prefix + start, in term order. Xapian errors propagate.
std::vector<TermCount> terms_under(const Xapian::Database& db, std::string_view prefix, std::string_view start = {});

// Every term that starts with prefix + start, most articles first (ties by value). With a
// display_slot, value is what the first article holding the term stores in that slot (the term
// itself is folded), when it stores anything.
std::vector<TermCount> count_terms(const Xapian::Database& db, std::string_view prefix,
                                   Xapian::valueno display_slot = Xapian::BAD_VALUENO, std::string_view start = {});

}  // namespace gazette
