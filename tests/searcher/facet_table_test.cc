// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of the per-document facet table: the same counts and matches as reading each document's
// slots, on the bundled corpus indexed by the real pipeline (entities, aliases, dates), with gaps
// in the docids; and the pool's background build, per revision.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "aliases.h"
#include "facet_table.h"
#include "facets.h"
#include "handle_pool.h"
#include "support/temp_index.h"
#include "support/test_index.h"

namespace gazette::searcher {
namespace {

using gazette::testing::TempDir;

std::string describe(const std::vector<FacetResult>& results) {
  std::string out;
  for (const FacetResult& r : results) {
    out += r.name + ":";
    for (const FacetCount& c : r.values) out += " " + c.value + "=" + std::to_string(c.count);
    out += "\n";
  }
  return out;
}

std::vector<Xapian::docid> docids(const Xapian::MSet& m) {
  std::vector<Xapian::docid> out;
  for (auto it = m.begin(); it != m.end(); ++it) out.push_back(*it);
  return out;
}

class FacetTableTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    gazette::testing::build_test_index(dir_->str("db"), {std::string(GAZETTE_SOURCE_DIR) + "/corpus"});
    // Gaps in the docids: the table must skip documents that are gone.
    Xapian::WritableDatabase w(dir_->str("db"));
    w.delete_document(3);
    w.delete_document(10);
    w.commit();
  }
  static void TearDownTestSuite() { delete dir_; }
  static TempDir* dir_;
};
TempDir* FacetTableTest::dir_ = nullptr;

TEST_F(FacetTableTest, CountsAndMatchesEqualReadingEachDocument) {
  Xapian::Database db(dir_->str("db"));
  const EntityAliases aliases = EntityAliases::load(db, load_default_gazetteer());
  const std::atomic<bool> stop{false};
  std::shared_ptr<const FacetTable> table = FacetTable::build(db, &aliases, stop);
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->revision(), db.get_revision());
  EXPECT_GT(table->field(FacetField::kPeople).names.size(), 5u);
  EXPECT_GT(table->field(FacetField::kPlaces).names.size(), 5u);
  EXPECT_GT(table->field(FacetField::kDate).names.size(), 1u);

  std::vector<FacetSpec> facets;
  for (const char* f :
       {"people", "organizations", "places", "source", "section", "language", "date", "date:year", "date:day"}) {
    facets.push_back(parse_facet(f));
  }
  // Filters on the most frequent values of the whole corpus, one field at a time and together.
  FacetCollector all(facets, {}, &aliases, table.get());
  Xapian::Enquire everything(db);
  everything.set_query(Xapian::Query::MatchAll);
  everything.get_mset(0, 0, db.get_doccount(), nullptr, &all);
  const std::vector<FacetResult> top = all.results(3);
  std::vector<std::vector<Filter>> filter_sets = {{}};
  std::vector<Filter> combined;
  for (const FacetResult& r : top) {
    if (r.values.empty() || r.name == "date:year" || r.name == "date:day") continue;
    FacetField field = parse_facet(r.name).field;
    std::string value = r.values[0].value;
    if (field == FacetField::kDate) value = value.substr(0, 4);  // a year: a prefix of the days
    filter_sets.push_back({Filter{field, {value}}});
    if (r.values.size() > 1) filter_sets.push_back({Filter{field, {value, r.values[1].value}}});
    if (combined.size() < 2) combined.push_back(Filter{field, {value}});
  }
  filter_sets.push_back(combined);
  ASSERT_GT(filter_sets.size(), 6u);

  const std::vector<Xapian::Query> queries = {
      Xapian::Query::MatchAll, Xapian::Query("energy"),
      Xapian::Query(Xapian::Query::OP_OR, Xapian::Query("minister"), Xapian::Query("market"))};
  int compared = 0;
  for (const Xapian::Query& q : queries) {
    for (const std::vector<Filter>& filters : filter_sets) {
      FacetCollector slots(facets, filters, &aliases);
      FacetCollector fast(facets, filters, &aliases, table.get());
      Xapian::Enquire e(db);
      e.set_query(q);
      Xapian::MSet a = e.get_mset(0, 20, db.get_doccount(), nullptr, &slots);
      Xapian::MSet b = e.get_mset(0, 20, db.get_doccount(), nullptr, &fast);
      SCOPED_TRACE(q.get_description() + " with " + std::to_string(filters.size()) + " filters");
      EXPECT_EQ(docids(a), docids(b));
      EXPECT_EQ(a.get_matches_estimated(), b.get_matches_estimated());
      EXPECT_EQ(describe(slots.results(50)), describe(fast.results(50)));
      compared += a.empty() ? 0 : 1;
    }
  }
  EXPECT_GT(compared, 10);  // most combinations match something: the comparison is not vacuous
}

TEST_F(FacetTableTest, ABuildStopsWhenAsked) {
  Xapian::Database db(dir_->str("db"));
  const std::atomic<bool> stop{true};
  EXPECT_EQ(FacetTable::build(db, nullptr, stop), nullptr);
}

// Polls the pool until its table for the current revision is built.
bool table_appears(HandlePool& pool) {
  for (int i = 0; i < 300; ++i) {
    if (pool.with_handle("test", [&](Handle& h) { return pool.facet_table(h) != nullptr; })) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST_F(FacetTableTest, ThePoolBuildsOneTablePerRevisionInTheBackground) {
  TempDir dir;
  gazette::testing::build_test_index(dir.str("db"), {std::string(GAZETTE_SOURCE_DIR) + "/corpus"});
  HandlePool pool(dir.str("db"));
  EXPECT_FALSE(pool.with_handle("test", [&](Handle& h) { return pool.facet_table(h) != nullptr; }));
  ASSERT_TRUE(table_appears(pool));
  Xapian::rev first = pool.with_handle("test", [&](Handle& h) { return pool.facet_table(h)->revision(); });
  {
    Xapian::WritableDatabase w(dir.str("db"));
    w.delete_document(1);
    w.commit();
  }
  pool.reopen();
  // The old revision's table is not used for the new one; a new table follows.
  EXPECT_FALSE(pool.with_handle("test", [&](Handle& h) { return pool.facet_table(h) != nullptr; }));
  ASSERT_TRUE(table_appears(pool));
  Xapian::rev second = pool.with_handle("test", [&](Handle& h) { return pool.facet_table(h)->revision(); });
  EXPECT_GT(second, first);
}

}  // namespace
}  // namespace gazette::searcher
