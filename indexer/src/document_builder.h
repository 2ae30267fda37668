// SPDX-License-Identifier: GPL-2.0-or-later
// Article -> Xapian::Document, using only the schema and the shared analyser.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <xapian.h>

#include "gazette/common/analyzer.h"
#include "gazette/common/article.h"
#include "gazette/common/entities.h"
#include "gazette/common/near_duplicates.h"

namespace gazette::indexer {

struct BuiltDocument {
  Xapian::Document document;
  std::string id_term;
  std::size_t text_bytes = 0;        // title + body, for batching by size
  std::optional<MinHash> signature;  // near-duplicate signature of the body, if long enough
};

// Builds the Xapian document of an article: unstemmed words with positions (title words
// also under the title prefix and weighted up), stemmed "Z" terms in the article's language,
// boolean filter terms, values and the stored record.
//
// Not thread-safe (it owns an Analyzer): one per thread. Throws nothing on odd text.
class DocumentBuilder {
 public:
  // `entities` may be null: no entity extraction.
  // Entities whose confidence is below `min_entity_confidence` are left out.
  explicit DocumentBuilder(std::string default_language = "en",
                           std::shared_ptr<const EntityExtractor> entities = nullptr,
                           float min_entity_confidence = 0.0f);

  // Fills in `article.lang` when empty (detected, else the default language) and
  // `article.entities` (when extraction is on), then builds.
  // `content_hash` is stored for incremental runs.
  BuiltDocument build(Article& article, const std::string& content_hash);

  // The language the builder would assign to the article.
  std::string language_of(const Article& article) const;

 private:
  Analyzer analyzer_;
  std::string default_language_;
  std::shared_ptr<const EntityExtractor> entities_;
  float min_entity_confidence_ = 0.0f;
};

// The content signature of an article: changes when any stored field changes.
std::string content_hash(const Article& article);

// A document's terms as one line, for tests and `inspect`: "S:title Zelect:2 elect[3,9]"
// (":wdf" when over 1, "[positions]" when positional), sorted by term.
std::string describe_terms(const Xapian::Document& doc);

}  // namespace gazette::indexer
