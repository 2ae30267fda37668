// SPDX-License-Identifier: GPL-2.0-or-later
// Counting articles by boolean term.
#include "gazette/common/term_counts.h"

#include <algorithm>

namespace gazette {

std::vector<TermCount> terms_under(const Xapian::Database& db, std::string_view prefix, std::string_view start) {
  std::vector<TermCount> out;
  std::string from = std::string(prefix) + std::string(start);
  for (auto t = db.allterms_begin(from); t != db.allterms_end(from); ++t) {
    out.push_back({(*t).substr(prefix.size()), *t, t.get_termfreq()});
  }
  return out;
}

std::vector<TermCount> count_terms(const Xapian::Database& db, std::string_view prefix, Xapian::valueno display_slot,
                                   std::string_view start) {
  std::vector<TermCount> out = terms_under(db, prefix, start);
  if (display_slot != Xapian::BAD_VALUENO) {
    for (TermCount& c : out) {
      auto post = db.postlist_begin(c.term);
      if (post == db.postlist_end(c.term)) continue;
      std::string display = db.get_document(*post).get_value(display_slot);
      if (!display.empty()) c.value = std::move(display);
    }
  }
  std::sort(out.begin(), out.end(), [](const TermCount& a, const TermCount& b) {
    return a.articles != b.articles ? a.articles > b.articles : a.value < b.value;
  });
  return out;
}

}  // namespace gazette
