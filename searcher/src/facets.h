// SPDX-License-Identifier: GPL-2.0-or-later
// Facets and filters: parsing "people:Kim Jong Un", boolean filter queries, and the collector
// that counts facet values (disjunctively) in the same match pass that ranks the hits.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "gazette/common/entities.h"
#include "gazette/common/schema.h"
#include "gazette/searcher/request.h"

namespace gazette {
class Gazetteer;
}

namespace gazette::searcher {

class EntityAliases;

enum class FacetField { kPeople, kOrganizations, kPlaces, kSource, kSection, kLanguage, kDate };
enum class DateGrain { kYear, kMonth, kDay };

struct FacetSpec {
  std::string name;  // as the caller wrote it, for the response
  FacetField field = FacetField::kPeople;
  DateGrain grain = DateGrain::kMonth;
};

// "people" | "person", "organizations" | "orgs" | "org", "places" | "place", "source",
// "section", "language" | "lang", "date" (months), "date:year", "date:month", "date:day".
// Throws InvalidRequest naming the unknown facet.
FacetSpec parse_facet(std::string_view name);

// A field name as used in filters and the query language ("person", "places", "lang", ...);
// false when unknown.
bool parse_field(std::string_view name, FacetField& field);

// The entity kind an entity field counts (people: person, ...); nullopt for the other fields.
std::optional<EntityKind> entity_kind(FacetField field);

struct Filter {
  FacetField field;
  std::vector<std::string> values;  // canonical display forms, OR-ed
};

// Parses filters "field:value" and groups them by field, canonicalising entity values as the
// indexer does ("places:U.S." -> "United States"). Throws InvalidRequest naming a bad filter.
std::vector<Filter> parse_filters(const std::vector<std::string>& filters, const Gazetteer* gazetteer);

// The canonical form of one filter value (gazetteer aliases and demonyms for places and
// organisations; trimmed text for the rest).
std::string canonical_value(FacetField field, std::string_view value, const Gazetteer* gazetteer);

// OR of the boolean terms of a filter's values (with `aliases`, of every name of each entity).
Xapian::Query filter_query(const Filter& filter, const EntityAliases* aliases = nullptr);
// The filter with each entity value replaced by its name across the corpus ("organizations:BEA"
// -> "organizations:Baltic Energy Agency" where the corpus defines it so).
Filter resolve_aliases(Filter filter, const EntityAliases* aliases);

// Hash maps keyed by std::string that are searched with a std::string_view (no copy per value).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

Xapian::valueno facet_slot(FacetField field);
inline bool is_list_field(FacetField field) { return entity_kind(field).has_value(); }

// A document's values of a field as facets count and filter them: with aliases, entity names as
// the corpus names them, and a place or organisation that is a person among the people instead,
// once per document. Caches what it resolves: not thread-safe.
class FacetValues {
 public:
  explicit FacetValues(const EntityAliases* aliases);
  // Calls fn(std::string_view) for each value of `field`; raw(FacetField) gives the document's
  // raw slot value of a field.
  template <typename Raw, typename Fn>
  void each(FacetField field, Raw&& raw, Fn&& fn) const;
  const std::string& folded(std::string_view value) const;
  bool has_aliases() const { return aliases_ != nullptr; }

 private:
  std::string_view resolved(FacetField field, std::string_view value) const;
  // The person a place or organisation value is (EntityAliases::person), or "".
  std::string_view person_of(FacetField field, std::string_view value) const;

  const EntityAliases* aliases_ = nullptr;
  mutable StringMap<std::string> fold_cache_;
  mutable std::array<StringMap<std::string>, 3> resolve_cache_;  // people, organisations, places
  mutable std::array<StringMap<std::string>, 2> person_cache_;   // places, organisations
  mutable std::vector<std::string_view> seen_;                   // one call's values
};

// The part of a day "YYYY-MM-DD" a date facet of `grain` counts by.
std::string_view date_key(std::string_view day, DateGrain grain);

// The top `size` values of each facet from its counts (facets[k] from counts[k]): most
// frequent first, ties by value; dates newest first.
std::vector<FacetResult> top_facet_values(const std::vector<FacetSpec>& facets,
                                          const std::vector<StringMap<std::uint64_t>>& counts, int size);

class FacetTable;

// Counts facet values over every document the match considers, and accepts only documents
// that pass every filter given to it. A facet's counts ignore that facet's own filter
// (disjunctive faceting), so the other values stay selectable. Used with check_at_least equal
// to the document count, the counts are exact. Not thread-safe: one per search.
class FacetCollector : public Xapian::MatchDecider {
 public:
  // With `aliases` (which must outlive the collector), entity values are counted and filtered
  // by their name across the corpus, once per document. With `table` (built with the same
  // aliases from the revision the match reads; it must outlive the collector), values are read
  // from it rather than from each document's slots: the same counts, faster.
  FacetCollector(std::vector<FacetSpec> facets, std::vector<Filter> filters, const EntityAliases* aliases = nullptr,
                 const FacetTable* table = nullptr);
  bool operator()(const Xapian::Document& doc) const override;
  // Top `size` values per facet, in the order the facets were requested.
  std::vector<FacetResult> results(int size) const;

 private:
  bool from_table(Xapian::docid did) const;

  std::vector<FacetSpec> facets_;
  std::vector<Filter> filters_;
  std::vector<std::vector<std::string>> folded_filter_values_;
  mutable std::vector<StringMap<std::uint64_t>> counts_;
  const EntityAliases* aliases_ = nullptr;
  FacetValues values_;
  // Per document: which filters it passes, and the raw slot values read so far (by FacetField).
  mutable std::vector<char> pass_;
  mutable std::array<std::string, 8> raw_;
  mutable std::array<bool, 8> raw_read_{};
  // With a table: counts by value id, and per filter which ids pass it.
  const FacetTable* table_ = nullptr;
  mutable std::vector<std::vector<std::uint32_t>> id_counts_;
  std::vector<std::vector<char>> id_passes_;
};

template <typename Raw, typename Fn>
void FacetValues::each(FacetField field, Raw&& raw, Fn&& fn) const {
  auto listed = [](std::string_view value, FacetField f, auto&& g) {
    if (value.empty()) return;
    if (is_list_field(f)) {
      schema::for_each_listed(value, g);
    } else {
      g(value);
    }
  };
  if (aliases_ == nullptr || !is_list_field(field)) {
    listed(raw(field), field, fn);
    return;
  }
  // Two names of one entity in a document count it once.
  seen_.clear();
  auto once = [&](std::string_view v) {
    if (std::find(seen_.begin(), seen_.end(), v) != seen_.end()) return;
    seen_.push_back(v);
    fn(v);
  };
  if (field == FacetField::kPeople) {
    listed(raw(field), field, [&](std::string_view v) { once(resolved(field, v)); });
    for (FacetField other : {FacetField::kPlaces, FacetField::kOrganizations}) {
      listed(raw(other), other, [&](std::string_view v) {
        std::string_view p = person_of(other, v);
        if (!p.empty()) once(p);
      });
    }
    return;
  }
  listed(raw(field), field, [&](std::string_view v) {
    if (person_of(field, v).empty()) once(resolved(field, v));
  });
}

}  // namespace gazette::searcher
