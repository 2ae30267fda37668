// SPDX-License-Identifier: GPL-2.0-or-later
// Facet counts from ValueCountMatchSpy, resolved per combination of values.
#include "facet_spies.h"

#include <algorithm>
#include <array>

#include "aliases.h"

namespace gazette::searcher {
namespace {

Xapian::valueno spy_slot(FacetField field) { return is_list_field(field) ? schema::kEntitiesSlot : facet_slot(field); }

}  // namespace

FacetSpies::FacetSpies(std::vector<FacetSpec> facets, const EntityAliases* aliases)
    : facets_(std::move(facets)), aliases_(aliases != nullptr && aliases->size() > 0 ? aliases : nullptr) {
  for (const FacetSpec& f : facets_) {
    Xapian::valueno slot = spy_slot(f.field);
    if (std::find(slots_.begin(), slots_.end(), slot) != slots_.end()) continue;
    slots_.push_back(slot);
    spies_.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(slot));
  }
}

void FacetSpies::attach(Xapian::Enquire& enquire) {
  for (auto& spy : spies_) enquire.add_matchspy(spy.get());
}

std::vector<StringMap<std::uint64_t>> FacetSpies::counts() const {
  std::vector<StringMap<std::uint64_t>> out(facets_.size());
  FacetValues values(aliases_);
  for (std::size_t k = 0; k < facets_.size(); ++k) {
    const FacetSpec& spec = facets_[k];
    const Xapian::ValueCountMatchSpy& spy = *spies_[static_cast<std::size_t>(
        std::find(slots_.begin(), slots_.end(), spy_slot(spec.field)) - slots_.begin())];
    auto& counts = out[k];
    for (auto v = spy.values_begin(); v != spy.values_end(); ++v) {
      const std::string value = *v;
      const std::uint64_t n = v.get_termfreq();
      // One spied value stands for the n documents that hold it: resolved as one document.
      std::array<std::string, 3> lists;  // people, organisations, places of a combination
      if (spy_slot(spec.field) == schema::kEntitiesSlot) {
        std::size_t i = 0;
        schema::for_each_listed(value, [&](std::string_view l) {
          if (i < lists.size()) lists[i++] = std::string(l);
        });
      }
      auto raw = [&](FacetField field) -> std::string_view {
        switch (field) {
          case FacetField::kPeople:
            return lists[0];
          case FacetField::kOrganizations:
            return lists[1];
          case FacetField::kPlaces:
            return lists[2];
          default:
            return field == spec.field ? std::string_view(value) : std::string_view();
        }
      };
      values.each(spec.field, raw, [&](std::string_view x) {
        if (spec.field == FacetField::kDate) x = date_key(x, spec.grain);
        auto it = counts.find(x);
        if (it == counts.end()) it = counts.emplace(std::string(x), 0).first;
        it->second += n;
      });
    }
  }
  return out;
}

bool runs_match_deciders(const Xapian::Database& db) {
  struct None : Xapian::MatchDecider {
    bool operator()(const Xapian::Document&) const override { return false; }
  } none;
  try {
    Xapian::Enquire probe(db);
    probe.set_query(Xapian::Query(std::string(schema::kIdPrefix)));  // a term no document has
    probe.get_mset(0, 0, 0, nullptr, &none);
    return true;
  } catch (const Xapian::UnimplementedError&) {
    return false;
  }
}

}  // namespace gazette::searcher
