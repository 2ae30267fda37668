// SPDX-License-Identifier: GPL-2.0-or-later
// Near-duplicate groups: the one rule by which an article joins a group (followed by the single
// writer as it adds an article, and by the shard writers across shards at the end), and the
// fields that put a document in its group.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <xapian.h>

#include "gazette/common/near_duplicates.h"
#include "gazette/common/schema.h"

namespace gazette::indexer {

// The most candidates an article is compared with: a band term shared by thousands of articles
// (boilerplate) must not make grouping quadratic.
inline constexpr std::size_t kMaxDuplicateCandidates = 64;

// The distinct candidates of one article, in the order they were met, at most
// kMaxDuplicateCandidates of them (later ones are dropped).
class DuplicateCandidates {
 public:
  // Adds `docid` unless it is there already or the list is full.
  void add(Xapian::docid docid);
  bool full() const { return ids_.size() >= kMaxDuplicateCandidates; }
  const std::vector<Xapian::docid>& ids() const { return ids_; }

 private:
  std::vector<Xapian::docid> ids_;
};

// The group an article with signature `mine` joins: that of its most similar candidate, when it
// is at least schema::kDuplicateSimilarity similar (of equally similar ones, the last); "" when
// no candidate is. `signature_of(docid)` gives a candidate's signature as a `const MinHash*`
// (nullptr: not to be compared); `group_of(docid)` its group, asked only of a candidate that is
// the most similar so far.
template <typename SignatureOf, typename GroupOf>
std::string most_similar_group(const MinHash& mine, const std::vector<Xapian::docid>& candidates,
                               SignatureOf&& signature_of, GroupOf&& group_of) {
  double best = schema::kDuplicateSimilarity;
  std::string group;
  for (Xapian::docid candidate : candidates) {
    const MinHash* theirs = signature_of(candidate);
    if (theirs == nullptr) continue;
    double sim = similarity(mine, *theirs);
    if (sim >= best) {
      best = sim;
      group = group_of(candidate);
    }
  }
  return group;
}

// Whether `doc` holds `term`.
bool holds_term(const Xapian::Document& doc, const std::string& term);

// Puts `doc` in `group`: its group value, the group in its hit record, and its group term, in
// place of the term of the group it was in. Throws DataError when its hit record is malformed.
void set_group_fields(Xapian::Document& doc, const std::string& group);

}  // namespace gazette::indexer
