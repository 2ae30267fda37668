// SPDX-License-Identifier: GPL-2.0-or-later
// The database writer; Xapian errors become IndexError with the path in the message.
#include "index_writer.h"

#include <filesystem>

#include "gazette/common/error.h"
#include "gazette/common/schema.h"

namespace gazette::indexer {

namespace schema = gazette::schema;

IndexWriter::IndexWriter(const std::string& path, bool rebuild) {
  try {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    db_ = Xapian::WritableDatabase(path, rebuild ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN);
  } catch (const Xapian::DatabaseLockError&) {
    throw IndexError(path + ": database is locked by another writer (is another gazette-index running?)");
  } catch (const Xapian::Error& e) {
    throw IndexError(path + ": cannot open database for writing: " + e.get_description());
  } catch (const std::filesystem::filesystem_error& e) {
    throw IndexError(path + ": " + e.what());
  }
  std::string version = db_.get_metadata(std::string(schema::kSchemaVersionKey));
  if (!version.empty() && version != std::to_string(schema::kSchemaVersion)) {
    throw IndexError(path + ": built with schema version " + version + ", this gazette-index writes version " +
                     std::to_string(schema::kSchemaVersion) + "; re-run with --rebuild");
  }
  if (db_.get_doccount() > 0 && version.empty()) {
    throw IndexError(path + ": not a Gazette database (no schema version); use another path or --rebuild");
  }
}

IndexWriter::~IndexWriter() = default;

std::unordered_map<std::string, IndexedArticle> IndexWriter::load_existing() const {
  std::unordered_map<std::string, IndexedArticle> existing;
  try {
    existing.reserve(db_.get_doccount());
    std::string prefix(schema::kIdPrefix);
    for (auto t = db_.allterms_begin(prefix); t != db_.allterms_end(prefix); ++t) {
      auto p = db_.postlist_begin(*t);
      if (p == db_.postlist_end(*t)) continue;
      Xapian::Document doc = db_.get_document(*p, Xapian::DOC_ASSUME_VALID);
      existing.emplace(*t, IndexedArticle{doc.get_value(schema::kContentHashSlot),
                                          doc.get_value(schema::kSourceFileSlot)});
    }
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot read the existing index: " + e.get_description());
  }
  return existing;
}

void IndexWriter::put(const std::string& id_term, const Xapian::Document& doc) {
  try {
    db_.replace_document(id_term, doc);
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot write article " + id_term.substr(schema::kIdPrefix.size()) + ": " + e.get_description());
  }
}

void IndexWriter::remove(const std::string& id_term) {
  try {
    db_.delete_document(id_term);
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot delete article " + id_term.substr(schema::kIdPrefix.size()) + ": " +
                     e.get_description());
  }
}

void IndexWriter::commit() {
  try {
    if (!metadata_written_) {
      db_.set_metadata(std::string(schema::kSchemaVersionKey), std::to_string(schema::kSchemaVersion));
      metadata_written_ = true;
    }
    db_.commit();
  } catch (const Xapian::Error& e) {
    throw IndexError("commit failed: " + e.get_description());
  }
}

}  // namespace gazette::indexer
