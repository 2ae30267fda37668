// SPDX-License-Identifier: GPL-2.0-or-later
// The names of the entity kinds: the one table every reader of a kind name uses (CoNLL tags,
// facets, filters, query fields, listings).
#include <array>
#include <string_view>

#include "gazette/common/entities.h"

namespace gazette {

namespace {

struct KindNames {
  EntityKind kind;
  std::string_view name;                    // singular, as responses say it
  std::string_view facet;                   // plural, as facets and filters say it
  std::string_view conll;                   // CoNLL-2003 tag
  std::array<std::string_view, 5> aliases;  // also accepted ("" = unused)
};

constexpr KindNames kKinds[] = {
    {EntityKind::kPerson, "person", "people", "PER", {"per", "persons"}},
    {EntityKind::kOrganization,
     "organization",
     "organizations",
     "ORG",
     {"organisation", "organisations", "org", "orgs"}},
    {EntityKind::kPlace, "place", "places", "LOC", {"loc", "location", "locations"}},
};

const KindNames& names_of(EntityKind kind) {
  for (const KindNames& k : kKinds) {
    if (k.kind == kind) return k;
  }
  return kKinds[0];
}

}  // namespace

std::string_view kind_name(EntityKind kind) { return names_of(kind).name; }

std::string_view facet_name(EntityKind kind) { return names_of(kind).facet; }

const char* conll_tag(EntityKind kind) { return names_of(kind).conll.data(); }

bool parse_kind(std::string_view name, EntityKind& kind) {
  for (const KindNames& k : kKinds) {
    bool alias = false;
    for (std::string_view a : k.aliases) alias = alias || (!a.empty() && a == name);
    if (name == k.name || name == k.facet || name == k.conll || alias) {
      kind = k.kind;
      return true;
    }
  }
  return false;
}

}  // namespace gazette
