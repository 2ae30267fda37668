// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-bench-facet-table: the cost of the searcher's facet table (facet_table.h) on a Gazette
// index: build time (the background build a first faceted search starts), memory, values per field.
// Prints one JSON line. Usage: gazette-bench-facet-table DB
#include <chrono>
#include <cstdio>

#include <xapian.h>

#include "aliases.h"
#include "facet_table.h"
#include "gazette/common/ner.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: gazette-bench-facet-table DB\n");
    return 2;
  }
  try {
    using gazette::searcher::FacetField;
    Xapian::Database db(argv[1]);
    auto t0 = std::chrono::steady_clock::now();
    const gazette::searcher::EntityAliases aliases =
        gazette::searcher::EntityAliases::load(db, gazette::load_default_gazetteer());
    auto t1 = std::chrono::steady_clock::now();
    const std::atomic<bool> stop{false};
    auto table = gazette::searcher::FacetTable::build(db, &aliases, stop);
    auto t2 = std::chrono::steady_clock::now();
    auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    std::printf(
        "{\"articles\": %u, \"aliases_ms\": %.0f, \"build_ms\": %.0f, \"table_mb\": %.1f, \"people\": %zu, "
        "\"organizations\": %zu, \"places\": %zu, \"days\": %zu}\n",
        db.get_doccount(), ms(t0, t1), ms(t1, t2), static_cast<double>(table->bytes()) / 1e6,
        table->field(FacetField::kPeople).names.size(), table->field(FacetField::kOrganizations).names.size(),
        table->field(FacetField::kPlaces).names.size(), table->field(FacetField::kDate).names.size());
  } catch (const Xapian::Error& e) {
    std::fprintf(stderr, "gazette-bench-facet-table: %s\n", e.get_description().c_str());
    return 1;
  }
  return 0;
}
