// SPDX-License-Identifier: GPL-2.0-or-later
// Facet parsing, filter terms and the counting match decider.
#include "facets.h"

#include <algorithm>

#include "aliases.h"
#include "facet_table.h"
#include "gazette/common/analyzer.h"
#include "gazette/common/error.h"
#include "gazette/common/ner.h"
#include "gazette/common/schema.h"
#include "gazette/common/text.h"

namespace gazette::searcher {

std::string_view date_key(std::string_view day, DateGrain grain) {
  return day.substr(0, grain == DateGrain::kYear ? 4 : grain == DateGrain::kMonth ? 7 : 10);
}

namespace {

EntityKind kind_of(FacetField field) { return entity_kind(field).value_or(EntityKind::kPlace); }

bool valid_date_prefix(const std::string& v) {
  // "2025", "2025-03", "2025-03-14"
  if (v.size() != 4 && v.size() != 7 && v.size() != 10) return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    bool dash = i == 4 || i == 7;
    if (dash ? v[i] != '-' : !(v[i] >= '0' && v[i] <= '9')) return false;
  }
  return true;
}

}  // namespace

Xapian::valueno facet_slot(FacetField field) {
  switch (field) {
    case FacetField::kPeople:
      return schema::kPeopleSlot;
    case FacetField::kOrganizations:
      return schema::kOrganizationsSlot;
    case FacetField::kPlaces:
      return schema::kPlacesSlot;
    case FacetField::kSource:
      return schema::kSourceSlot;
    case FacetField::kSection:
      return schema::kSectionSlot;
    case FacetField::kLanguage:
      return schema::kLanguageSlot;
    case FacetField::kDate:
      return schema::kDaySlot;
  }
  return schema::kPeopleSlot;
}

std::optional<EntityKind> entity_kind(FacetField field) {
  switch (field) {
    case FacetField::kPeople:
      return EntityKind::kPerson;
    case FacetField::kOrganizations:
      return EntityKind::kOrganization;
    case FacetField::kPlaces:
      return EntityKind::kPlace;
    default:
      return std::nullopt;
  }
}

bool parse_field(std::string_view name, FacetField& field) {
  // Entity fields by the one table of kind names; the others here.
  if (EntityKind kind; parse_kind(name, kind)) {
    field = kind == EntityKind::kPerson         ? FacetField::kPeople
            : kind == EntityKind::kOrganization ? FacetField::kOrganizations
                                                : FacetField::kPlaces;
    return true;
  }
  static const std::pair<std::string_view, FacetField> kNames[] = {
      {"source", FacetField::kSource},    {"sources", FacetField::kSource},    {"section", FacetField::kSection},
      {"sections", FacetField::kSection}, {"language", FacetField::kLanguage}, {"lang", FacetField::kLanguage},
      {"date", FacetField::kDate}};
  for (const auto& [n, f] : kNames) {
    if (name == n) {
      field = f;
      return true;
    }
  }
  return false;
}

FacetSpec parse_facet(std::string_view name) {
  FacetSpec spec;
  spec.name = std::string(name);
  std::string_view base = name.substr(0, name.find(':'));
  if (!parse_field(base, spec.field)) {
    throw InvalidRequest("unknown facet \"" + std::string(name) +
                         "\" (facets: people, organizations, places, source, section, language, date, "
                         "date:year, date:day)");
  }
  if (name.find(':') != std::string_view::npos) {
    std::string_view grain = name.substr(name.find(':') + 1);
    if (spec.field != FacetField::kDate) throw InvalidRequest("facet \"" + spec.name + "\" takes no granularity");
    if (grain == "year") {
      spec.grain = DateGrain::kYear;
    } else if (grain == "month") {
      spec.grain = DateGrain::kMonth;
    } else if (grain == "day") {
      spec.grain = DateGrain::kDay;
    } else {
      throw InvalidRequest("unknown date granularity \"" + std::string(grain) + "\" (year, month or day)");
    }
  }
  return spec;
}

std::string canonical_value(FacetField field, std::string_view value, const Gazetteer* gazetteer) {
  std::string v(trim(value, " \t\r\n\""));
  if (gazetteer == nullptr || !is_list_field(field)) return v;
  return canonical_name(kind_of(field), v, *gazetteer);  // as the indexer names what it finds
}

std::vector<Filter> parse_filters(const std::vector<std::string>& filters, const Gazetteer* gazetteer) {
  std::vector<Filter> out;
  for (const std::string& text : filters) {
    std::size_t colon = text.find(':');
    FacetField field;
    if (colon == std::string::npos || !parse_field(trim(text.substr(0, colon), " \t\r\n\""), field)) {
      throw InvalidRequest("bad filter \"" + text + "\": expected facet:value, e.g. \"people:Kim Jong Un\"");
    }
    std::string value = canonical_value(field, text.substr(colon + 1), gazetteer);
    if (value.empty()) throw InvalidRequest("bad filter \"" + text + "\": empty value");
    if (field == FacetField::kDate && !valid_date_prefix(value)) {
      throw InvalidRequest("bad filter \"" + text + "\": dates are YYYY, YYYY-MM or YYYY-MM-DD");
    }
    auto it = std::find_if(out.begin(), out.end(), [field](const Filter& f) { return f.field == field; });
    if (it == out.end()) {
      out.push_back({field, {value}});
    } else if (std::find(it->values.begin(), it->values.end(), value) == it->values.end()) {
      it->values.push_back(value);
    }
  }
  return out;
}

Filter resolve_aliases(Filter filter, const EntityAliases* aliases) {
  if (aliases == nullptr || aliases->size() == 0 || !is_list_field(filter.field)) return filter;
  std::vector<std::string> values;
  for (const std::string& v : filter.values) {
    std::string c = aliases->canonical(kind_of(filter.field), v);
    if (std::find(values.begin(), values.end(), c) == values.end()) values.push_back(std::move(c));
  }
  filter.values = std::move(values);
  return filter;
}

Xapian::Query filter_query(const Filter& filter, const EntityAliases* aliases) {
  std::vector<Xapian::Query> terms;
  for (const std::string& v : filter.values) {
    std::string term;
    switch (filter.field) {
      case FacetField::kPeople:
      case FacetField::kOrganizations:
      case FacetField::kPlaces:
        if (aliases != nullptr && aliases->size() > 0) {
          std::string c = aliases->canonical(kind_of(filter.field), v);
          for (const std::string& name : aliases->names_of(kind_of(filter.field), c)) {
            if (fold_case(name) != fold_case(v)) terms.emplace_back(schema::entity_term(kind_of(filter.field), name));
          }
          if (filter.field == FacetField::kPeople) {
            for (const auto& [k, name] : aliases->other_names(c)) terms.emplace_back(schema::entity_term(k, name));
          }
        }
        term = schema::entity_term(kind_of(filter.field), v);
        break;
      case FacetField::kSource:
        term = schema::source_term(v);
        break;
      case FacetField::kSection:
        term = schema::section_term(v);
        break;
      case FacetField::kLanguage:
        term = schema::language_term(v);
        break;
      case FacetField::kDate: {
        std::string digits;
        for (char c : v) {
          if (c != '-') digits.push_back(c);
        }
        std::string_view prefix = digits.size() == 4   ? schema::kYearPrefix
                                  : digits.size() == 6 ? schema::kMonthPrefix
                                                       : schema::kDayPrefix;
        term = schema::make_term(prefix, digits);
        break;
      }
    }
    terms.emplace_back(term);
  }
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

FacetValues::FacetValues(const EntityAliases* aliases)
    : aliases_(aliases != nullptr && aliases->size() > 0 ? aliases : nullptr) {}

const std::string& FacetValues::folded(std::string_view value) const {
  auto it = fold_cache_.find(value);
  if (it == fold_cache_.end()) it = fold_cache_.emplace(std::string(value), fold_case(value)).first;
  return it->second;
}

std::string_view FacetValues::resolved(FacetField field, std::string_view value) const {
  auto& cache = resolve_cache_[static_cast<std::size_t>(kind_of(field))];
  auto it = cache.find(value);
  if (it == cache.end()) it = cache.emplace(std::string(value), aliases_->canonical(kind_of(field), value)).first;
  return it->second;
}

std::string_view FacetValues::person_of(FacetField field, std::string_view value) const {
  auto& cache = person_cache_[field == FacetField::kPlaces ? 0 : 1];
  auto it = cache.find(value);
  if (it == cache.end()) it = cache.emplace(std::string(value), aliases_->person(kind_of(field), value)).first;
  return it->second;
}

FacetCollector::FacetCollector(std::vector<FacetSpec> facets, std::vector<Filter> filters, const EntityAliases* aliases,
                               const FacetTable* table)
    : facets_(std::move(facets)),
      filters_(std::move(filters)),
      counts_(facets_.size()),
      aliases_(aliases != nullptr && aliases->size() > 0 ? aliases : nullptr),
      values_(aliases_),
      pass_(filters_.size()),
      table_(table) {
  for (Filter& f : filters_) f = resolve_aliases(std::move(f), aliases_);
  for (const Filter& f : filters_) {
    std::vector<std::string> folded;
    for (const std::string& v : f.values) folded.push_back(f.field == FacetField::kDate ? v : fold_case(v));
    folded_filter_values_.push_back(std::move(folded));
  }
  if (table_ == nullptr) return;
  for (const FacetSpec& spec : facets_) id_counts_.emplace_back(table_->field(spec.field).names.size());
  for (std::size_t f = 0; f < filters_.size(); ++f) {
    const FacetTable::Field& field = table_->field(filters_[f].field);
    std::vector<char> passes(field.names.size());
    for (const std::string& want : folded_filter_values_[f]) {
      if (filters_[f].field == FacetField::kDate) {
        for (std::size_t id = 0; id < field.names.size(); ++id) {
          if (field.names[id].compare(0, want.size(), want) == 0) passes[id] = 1;
        }
      } else if (auto it = field.by_folded.find(want); it != field.by_folded.end()) {
        for (std::uint32_t id : it->second) passes[id] = 1;
      }
    }
    id_passes_.push_back(std::move(passes));
  }
}

bool FacetCollector::from_table(Xapian::docid did) const {
  auto ids = [&](FacetField field, auto&& fn) {
    const FacetTable::Field& f = table_->field(field);
    if (did + 1 >= f.offsets.size()) return;
    for (std::uint32_t i = f.offsets[did]; i < f.offsets[did + 1]; ++i) fn(f.ids[i]);
  };
  std::size_t failed = 0;
  for (std::size_t f = 0; f < filters_.size(); ++f) {
    bool ok = false;
    ids(filters_[f].field, [&](std::uint32_t id) { ok = ok || id_passes_[f][id] != 0; });
    pass_[f] = ok;
    failed += ok ? 0 : 1;
  }
  for (std::size_t k = 0; k < facets_.size(); ++k) {
    std::size_t failed_elsewhere = failed;
    for (std::size_t f = 0; f < filters_.size(); ++f) {
      if (filters_[f].field == facets_[k].field && !pass_[f]) --failed_elsewhere;
    }
    if (failed_elsewhere != 0) continue;
    std::vector<std::uint32_t>& counts = id_counts_[k];
    ids(facets_[k].field, [&](std::uint32_t id) { ++counts[id]; });
  }
  return failed == 0;
}

bool FacetCollector::operator()(const Xapian::Document& doc) const {
  if (table_ != nullptr) return from_table(doc.get_docid());
  // Each slot read once per document, whether a filter, a facet or both need it.
  for (std::size_t i = 0; i < raw_.size(); ++i) raw_read_[i] = false;
  auto raw = [&](FacetField field) -> std::string_view {
    auto i = static_cast<std::size_t>(field);
    if (!raw_read_[i]) {
      raw_[i] = doc.get_value(facet_slot(field));
      raw_read_[i] = true;
    }
    return raw_[i];
  };
  // Which of the decider's filters this document passes.
  std::size_t failed = 0;
  for (std::size_t f = 0; f < filters_.size(); ++f) {
    const Filter& filter = filters_[f];
    bool ok = false;
    values_.each(filter.field, raw, [&](std::string_view v) {
      for (const std::string& want : folded_filter_values_[f]) {
        if (ok) return;
        ok = filter.field == FacetField::kDate ? v.substr(0, want.size()) == want : values_.folded(v) == want;
      }
    });
    pass_[f] = ok;
    failed += ok ? 0 : 1;
  }
  for (std::size_t k = 0; k < facets_.size(); ++k) {
    const FacetSpec& spec = facets_[k];
    // Disjunctive: this facet's own filter does not restrict its counts.
    std::size_t failed_elsewhere = failed;
    for (std::size_t f = 0; f < filters_.size(); ++f) {
      if (filters_[f].field == spec.field && !pass_[f]) --failed_elsewhere;
    }
    if (failed_elsewhere != 0) continue;
    auto& counts = counts_[k];
    values_.each(spec.field, raw, [&](std::string_view v) {
      if (spec.field == FacetField::kDate) v = date_key(v, spec.grain);
      auto it = counts.find(v);
      if (it == counts.end()) {
        counts.emplace(std::string(v), 1);
      } else {
        ++it->second;
      }
    });
  }
  return failed == 0;
}

std::vector<FacetResult> FacetCollector::results(int size) const {
  // Counts by id into counts by value (a date's by its year or month).
  for (std::size_t k = 0; k < id_counts_.size(); ++k) {
    const FacetTable::Field& field = table_->field(facets_[k].field);
    for (std::size_t id = 0; id < id_counts_[k].size(); ++id) {
      if (id_counts_[k][id] == 0) continue;
      std::string_view v = field.names[id];
      if (facets_[k].field == FacetField::kDate) v = date_key(v, facets_[k].grain);
      auto it = counts_[k].find(v);
      if (it == counts_[k].end()) it = counts_[k].emplace(std::string(v), 0).first;
      it->second += id_counts_[k][id];
    }
    id_counts_[k].assign(id_counts_[k].size(), 0);
  }
  return top_facet_values(facets_, counts_, size);
}

std::vector<FacetResult> top_facet_values(const std::vector<FacetSpec>& facets,
                                          const std::vector<StringMap<std::uint64_t>>& counts, int size) {
  std::vector<FacetResult> out;
  using Entry = std::pair<const std::string, std::uint64_t>;
  for (std::size_t k = 0; k < facets.size(); ++k) {
    FacetResult r;
    r.name = facets[k].name;
    std::vector<const Entry*> all;
    all.reserve(counts[k].size());
    for (const Entry& e : counts[k]) all.push_back(&e);
    bool date = facets[k].field == FacetField::kDate;
    auto order = [date](const Entry* a, const Entry* b) {
      if (date) return a->first > b->first;
      return a->second != b->second ? a->second > b->second : a->first < b->first;
    };
    // Only the top `size` are sorted and copied (an entity facet may hold tens of thousands).
    auto top = std::min(all.size(), static_cast<std::size_t>(size));
    std::partial_sort(all.begin(), all.begin() + static_cast<long>(top), all.end(), order);
    for (std::size_t i = 0; i < top; ++i) r.values.push_back({all[i]->first, all[i]->second});
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace gazette::searcher
