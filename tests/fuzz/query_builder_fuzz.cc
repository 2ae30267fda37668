// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the query language (QueryBuilder::build) with every option, on a small index built
// once by the real indexer. The first two bytes choose the options, the rest is the query.
// Contract: build() throws nothing but InvalidRequest, and that only when the query has nothing to
// search for and empty queries are not allowed; the query it builds runs on the index.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>

#include <xapian.h>

#include "fuzz_support.h"
#include "gazette/common/analyzer.h"
#include "gazette/common/error.h"
#include "gazette/common/ner.h"
#include "gazette/searcher/request.h"
#include "query_builder.h"

namespace {

struct Fixture {
  Xapian::Database db{gazette::fuzz::fixture_index()};
  std::shared_ptr<const gazette::Gazetteer> gazetteer = gazette::load_default_gazetteer();
  gazette::Analyzer analyzer;
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

// Query languages: unset (detect), the stemmed ones, unstemmed scripts, unknown codes.
const char* const kLanguages[] = {"", "en", "de", "fr", "es", "ru", "zh", "ja", "ko", "th", "ar", "xx", "EN", "pt-BR"};
constexpr std::size_t kLanguageCount = sizeof kLanguages / sizeof kLanguages[0];

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using gazette::fuzz::check;
  using gazette::fuzz::fail;
  gazette::fuzz::ByteReader in(data, size);
  std::uint8_t a = in.byte(), b = in.byte();
  std::string text = in.rest();
  // Searcher refuses longer queries before building them.
  if (text.size() > gazette::kMaxQueryBytes) return 0;

  Fixture& f = fixture();
  gazette::searcher::QueryOptions options;
  options.lang = kLanguages[a % kLanguageCount];
  options.fallback_lang = kLanguages[1 + (b % (kLanguageCount - 1))];
  options.default_or = (a & 0x80) != 0;
  options.allow_empty = (a & 0x40) != 0;
  options.max_all_words = (a & 0x20) != 0 ? 3 : 0;  // the long-question reading
  bool with_db = (b & 0x80) != 0;
  bool with_gazetteer = (b & 0x40) != 0;
  gazette::searcher::QueryBuilder builder(f.analyzer, with_gazetteer ? f.gazetteer.get() : nullptr,
                                          with_db ? &f.db : nullptr);
  gazette::searcher::BuiltQuery q;
  try {
    q = builder.build(text, options);
  } catch (const gazette::InvalidRequest& e) {
    check(!options.allow_empty, "InvalidRequest although empty queries are allowed", e.what());
    return 0;
  } catch (const std::exception& e) {
    fail("QueryBuilder::build threw something other than InvalidRequest", e.what());
  } catch (const Xapian::Error& e) {
    fail("QueryBuilder::build let a Xapian error through", e.get_description());
  } catch (...) {
    fail("QueryBuilder::build threw a non-standard exception");
  }
  check(q.clauses.size() == q.clause_labels.size(), "clauses and their labels differ in number");
  check(!q.lang.empty(), "a built query without a language");
  for (const std::string& w : q.warnings) check(!w.empty(), "an empty warning");
  try {
    (void)q.query.get_description();
    Xapian::Enquire enquire(f.db);
    enquire.set_query(q.query);
    Xapian::MSet mset = enquire.get_mset(0, 10);
    (void)mset.size();
  } catch (const Xapian::Error& e) {
    fail("the built query does not run", e.get_description());
  }
  return 0;
}
