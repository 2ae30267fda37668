// SPDX-License-Identifier: GPL-2.0-or-later
// Test support: the one way test fixtures build an index, by the real pipeline from article files
// or, for a database made by hand, from articles written as given. Needs only the indexer (no test
// data macros), so the fuzz targets use it too.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "document_builder.h"
#include "gazette/common/article.h"
#include "index_writer.h"
#include "indexer.h"

namespace gazette::testing {

// The settings of every index a test builds: `db` from `inputs` on one thread, with the problems
// the run counts (IndexStats) not printed. A test that is about a setting changes it from here.
inline indexer::IndexerConfig test_index_config(const std::string& db, std::vector<std::string> inputs) {
  indexer::IndexerConfig c;
  c.db_path = db;
  c.inputs = std::move(inputs);
  c.threads = 1;
  c.log = [](std::string_view) {};
  return c;
}

// Builds the index at `db` from `inputs` (files and folders) with run_indexer, or updates it when
// it exists; `tweak` changes the settings of test_index_config first. Returns what the run did.
inline indexer::IndexStats build_test_index(const std::string& db, std::vector<std::string> inputs,
                                            const std::function<void(indexer::IndexerConfig&)>& tweak = {}) {
  indexer::IndexerConfig c = test_index_config(db, std::move(inputs));
  if (tweak) tweak(c);
  return indexer::run_indexer(c);
}

// Writes a new database at `db` (replacing one there) holding these articles as they are: no
// entity extraction, so the entities given are the truth; the language is "en" where none is
// given. Through the indexer's own writer (schema version, spelling), without the pipeline's
// reading, cleaning or near-duplicate groups.
inline void write_test_index(const std::string& db, std::vector<Article> articles) {
  indexer::IndexWriter writer(db, true);
  indexer::DocumentBuilder builder("en", nullptr);
  for (Article& a : articles) {
    indexer::BuiltDocument built = builder.build(a, indexer::content_hash(a));
    writer.put(built.id_term, built.document);
  }
  writer.commit();
}

}  // namespace gazette::testing
