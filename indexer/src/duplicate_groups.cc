// SPDX-License-Identifier: GPL-2.0-or-later
// Near-duplicate groups: candidates and the group fields of a document.
#include "duplicate_groups.h"

#include <algorithm>

#include "gazette/common/article.h"

namespace gazette::indexer {

void DuplicateCandidates::add(Xapian::docid docid) {
  if (full() || std::find(ids_.begin(), ids_.end(), docid) != ids_.end()) return;
  ids_.push_back(docid);
}

bool holds_term(const Xapian::Document& doc, const std::string& term) {
  auto t = doc.termlist_begin();
  t.skip_to(term);
  return t != doc.termlist_end() && *t == term;
}

void set_group_fields(Xapian::Document& doc, const std::string& group) {
  const std::string old = doc.get_value(schema::kDupGroupSlot);
  if (!old.empty() && old != group) {
    const std::string old_term = schema::make_term(schema::kDupGroupPrefix, old);
    if (holds_term(doc, old_term)) doc.remove_term(old_term);
  }
  doc.add_value(schema::kDupGroupSlot, group);
  doc.add_value(schema::kHitSlot, hit_fields_with_group(doc.get_value(schema::kHitSlot), group));
  doc.add_boolean_term(schema::make_term(schema::kDupGroupPrefix, group));
}

}  // namespace gazette::indexer
