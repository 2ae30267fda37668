// SPDX-License-Identifier: GPL-2.0-or-later
// Facet counts through Xapian's built-in ValueCountMatchSpy: the form a search over remote
// shards (xapian-tcpsrv, which runs only Xapian's own classes) can count facets in.
#pragma once

#include <memory>
#include <vector>

#include <xapian.h>

#include "facets.h"

namespace gazette::searcher {

// Counts a set of facets over the documents a match accepts, with one built-in spy per slot
// they need: kEntitiesSlot for the entity facets (documents per combination of names, each
// combination then resolved as FacetValues resolves one document: aliases, a place that is a
// person, once per document), the source, section and language slots, and kDaySlot for dates.
// A spy sees only accepted documents, so a facet with a filter of its own is counted by a match
// of its own without that filter (SpiedFacets in run_search.cc). Not thread-safe.
class FacetSpies {
 public:
  FacetSpies(std::vector<FacetSpec> facets, const EntityAliases* aliases);
  // Adds the spies to `enquire`; they must outlive its get_mset (they are owned here).
  void attach(Xapian::Enquire& enquire);
  // Each facet's counts by value, from what the spies saw (after get_mset).
  std::vector<StringMap<std::uint64_t>> counts() const;
  const std::vector<FacetSpec>& facets() const { return facets_; }

 private:
  std::vector<FacetSpec> facets_;
  const EntityAliases* aliases_;
  std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies_;
  std::vector<Xapian::valueno> slots_;  // of spies_
};

// Whether matches on `db` may take a Xapian::MatchDecider (FacetCollector): false when a shard
// is remote. One empty match to find out.
bool runs_match_deciders(const Xapian::Database& db);

}  // namespace gazette::searcher
