// SPDX-License-Identifier: GPL-2.0-or-later
// Facets and filters: parsing "people:Kim Jong Un", boolean filter queries, and the collector
// that counts facet values (disjunctively) in the same match pass that ranks the hits.
#pragma once

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

// Counts facet values over every document the match considers, and accepts only documents
// that pass every filter given to it. A facet's counts ignore that facet's own filter
// (disjunctive faceting), so the other values stay selectable. Used with check_at_least equal
// to the document count, the counts are exact. Not thread-safe: one per search.
class FacetCollector : public Xapian::MatchDecider {
 public:
  // With `aliases` (which must outlive the collector), entity values are counted and filtered
  // by their name across the corpus, once per document.
  FacetCollector(std::vector<FacetSpec> facets, std::vector<Filter> filters, const EntityAliases* aliases = nullptr);
  bool operator()(const Xapian::Document& doc) const override;
  // Top `size` values per facet, in the order the facets were requested.
  std::vector<FacetResult> results(int size) const;

 private:
  // Hash maps keyed by std::string that are searched with a std::string_view (no copy per value).
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename V>
  using StringMap = std::unordered_map<std::string, V, Hash, std::equal_to<>>;

  const std::string& folded(std::string_view value) const;
  // An entity value as the corpus names it (itself without aliases).
  std::string_view resolved(FacetField field, std::string_view value) const;
  // The person a place or organisation value is (EntityAliases::person), or "".
  std::string_view person_of(FacetField field, std::string_view value) const;

  std::vector<FacetSpec> facets_;
  std::vector<Filter> filters_;
  std::vector<std::vector<std::string>> folded_filter_values_;
  mutable std::vector<StringMap<std::uint64_t>> counts_;
  mutable StringMap<std::string> fold_cache_;
  const EntityAliases* aliases_ = nullptr;
  mutable std::array<StringMap<std::string>, 3> resolve_cache_;  // people, organisations, places
  mutable std::vector<std::string_view> seen_;                   // one document's resolved values
  mutable std::array<StringMap<std::string>, 2> person_cache_;   // places, organisations
  // Per document: which filters it passes, and the raw slot values read so far (by FacetField).
  mutable std::vector<char> pass_;
  mutable std::array<std::string, 8> raw_;
  mutable std::array<bool, 8> raw_read_{};
};

}  // namespace gazette::searcher
