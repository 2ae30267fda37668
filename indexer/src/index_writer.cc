// SPDX-License-Identifier: GPL-2.0-or-later
// The database writer; Xapian errors become IndexError with the path in the message.
#include "index_writer.h"

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "duplicate_groups.h"

#include "gazette/common/article.h"
#include "gazette/common/error.h"
#include "gazette/common/hash.h"
#include "gazette/common/schema.h"

namespace gazette::indexer {

namespace schema = gazette::schema;
namespace {

// The group of the indexed article most similar to one with `signature`, by the rule of
// most_similar_group; its candidates are the articles that share one of its band terms. Never
// a group reached through a former version of this very article (`id_term`).
std::string indexed_duplicate_group(const Xapian::Database& db, const MinHash& signature, const std::string& id_term) {
  DuplicateCandidates candidates;
  for (const std::string& band : band_terms(signature)) {
    for (auto p = db.postlist_begin(band); p != db.postlist_end(band) && !candidates.full(); ++p) candidates.add(*p);
  }
  // Read together: the candidate last asked for its signature is the one asked for its group.
  std::optional<MinHash> theirs;
  std::string their_group;
  auto signature_of = [&](Xapian::docid docid) -> const MinHash* {
    Xapian::Document other = db.get_document(docid, Xapian::DOC_ASSUME_VALID);
    theirs = decode_minhash(other.get_value(schema::kDupSignatureSlot));
    their_group = other.get_value(schema::kDupGroupSlot);
    if (!theirs || their_group.empty() || holds_term(other, id_term)) return nullptr;
    return &*theirs;
  };
  return most_similar_group(signature, candidates.ids(), signature_of, [&](Xapian::docid) { return their_group; });
}

}  // namespace

bool spelling_word(std::string_view term) {
  if (term.size() < 3 || term.size() > 30) return false;
  auto c = static_cast<unsigned char>(term[0]);
  if (!((c >= 'a' && c <= 'z') || c >= 0xC3)) return false;
  return term.find_first_of("0123456789.'") == std::string_view::npos;
}

std::map<std::string, Xapian::doccount> spelling_of(const Xapian::Database& db) {
  std::map<std::string, Xapian::doccount> words;
  // Prefixes are capitals: from "a" on, every term is a plain word or other unprefixed text.
  auto t = db.allterms_begin();
  t.skip_to("a");
  for (; t != db.allterms_end(); ++t) {
    if (t.get_termfreq() >= kMinSpellingArticles && spelling_word(*t))
      words.emplace_hint(words.end(), *t, t.get_termfreq());
  }
  return words;
}

void write_spelling(const Xapian::Database& db, Xapian::WritableDatabase& out) {
  for (const auto& [word, articles] : spelling_of(db)) out.add_spelling(word, articles);
}

IndexWriter::IndexWriter(const std::string& path, bool rebuild, Kind kind) : kind_(kind) {
  try {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    int flags = rebuild ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN;
    db_ = Xapian::WritableDatabase(path, kind == Kind::kShard ? flags | Xapian::DB_NO_SYNC : flags);
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
      existing.emplace(*t,
                       IndexedArticle{doc.get_value(schema::kContentHashSlot), doc.get_value(schema::kSourceFileSlot)});
    }
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot read the existing index: " + e.get_description());
  }
  return existing;
}

std::string IndexWriter::assign_duplicate_group(Xapian::Document& doc, const std::string& id_term,
                                                const std::optional<MinHash>& signature) {
  std::string group;
  try {
    if (signature) group = indexed_duplicate_group(db_, *signature, id_term);
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot look up near-duplicates of " + id_term.substr(schema::kIdPrefix.size()) + ": " +
                     e.get_description());
  }
  if (group.empty()) group = hex64(fnv1a64(id_term));
  set_group_fields(doc, group);
  return group;
}

void IndexWriter::set_duplicate_group(Xapian::docid docid, const std::string& group) {
  try {
    Xapian::Document doc = db_.get_document(docid);
    if (doc.get_value(schema::kDupGroupSlot) == group) return;
    set_group_fields(doc, group);
    db_.replace_document(docid, doc);
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot set the near-duplicate group of document " + std::to_string(docid) + ": " +
                     e.get_description());
  }
}

void IndexWriter::spelling(const Xapian::Document& doc, bool add) {
  if (kind_ != Kind::kDatabase) return;
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
    if (spelling_word(*t)) spelling_delta_[*t] += add ? 1 : -1;
  }
}

std::vector<std::vector<std::string>> parse_synonyms(std::string_view text, const std::string& path,
                                                     Analyzer& analyzer) {
  std::vector<std::vector<std::string>> groups;
  int n = 0;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t nl = text.find('\n', at);
    std::string_view line = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
    at = nl == std::string_view::npos ? text.size() : nl + 1;
    ++n;
    line = line.substr(0, line.find('#'));
    std::vector<std::string> group;
    std::size_t start = 0;
    while (start <= line.size()) {
      std::size_t comma = line.find(',', start);
      std::string_view member =
          line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      std::string key;
      for (const Token& t : analyzer.tokenize(member)) key += (key.empty() ? "" : " ") + t.term;
      if (!key.empty()) group.push_back(key);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (group.size() == 1)
      throw DataError(path + ":" + std::to_string(n) + ": a synonym group needs two or more members");
    if (group.size() > 1) groups.push_back(std::move(group));
  }
  return groups;
}

void IndexWriter::load_synonyms(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open synonyms file");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw DataError(path + ": cannot read synonyms file");
  std::vector<std::vector<std::string>> groups = parse_synonyms(text, path, analyzer_);
  try {
    std::vector<std::string> keys;
    for (auto k = db_.synonym_keys_begin(); k != db_.synonym_keys_end(); ++k) keys.push_back(*k);
    for (const std::string& k : keys) db_.clear_synonyms(k);
    for (const auto& group : groups) {
      for (const std::string& a : group) {
        for (const std::string& b : group) {
          if (a != b) db_.add_synonym(a, b);
        }
      }
    }
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot store synonyms: " + e.get_description());
  }
}

bool IndexWriter::has_synonyms() const { return db_.synonym_keys_begin() != db_.synonym_keys_end(); }

RecurringLines IndexWriter::load_recurring_lines(bool& stored) const {
  RecurringLines lines;
  stored = false;
  const std::string prefix(schema::kRecurringLinesPrefix);
  try {
    for (auto k = db_.metadata_keys_begin(prefix); k != db_.metadata_keys_end(prefix); ++k) {
      lines.add_record(db_.get_metadata(*k));
      stored = true;
    }
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot read the recurring lines: " + e.get_description());
  } catch (const DataError& e) {
    throw IndexError(std::string("cannot read the recurring lines: ") + e.what());
  }
  return lines;
}

void IndexWriter::store_recurring_lines(const RecurringLines& lines) {
  const std::string prefix(schema::kRecurringLinesPrefix);
  try {
    std::vector<std::string> old;
    for (auto k = db_.metadata_keys_begin(prefix); k != db_.metadata_keys_end(prefix); ++k) old.push_back(*k);
    for (const std::string& k : old) db_.set_metadata(k, "");
    for (const auto& [key, record] : lines.records()) db_.set_metadata(prefix + hex64(fnv1a64(key)), record);
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot store the recurring lines: " + e.get_description());
  }
}

std::uint64_t IndexWriter::last_run() const {
  try {
    return schema::parse_last_run(db_.get_metadata(std::string(schema::kLastRunKey)));
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot read the last run number: " + e.get_description());
  }
}

void IndexWriter::set_last_run(std::uint64_t run) {
  try {
    db_.set_metadata(std::string(schema::kLastRunKey), std::to_string(run));
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot store the run number: " + e.get_description());
  }
}

void IndexWriter::put(const std::string& id_term, const Xapian::Document& doc) {
  try {
    if (kind_ == Kind::kDatabase) {  // a shard keeps no spelling: no need to read the old article
      auto old = db_.postlist_begin(id_term);
      if (old != db_.postlist_end(id_term)) spelling(db_.get_document(*old), false);
      spelling(doc, true);
    }
    db_.replace_document(id_term, doc);
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot write article " + id_term.substr(schema::kIdPrefix.size()) + ": " + e.get_description());
  }
}

void IndexWriter::remove(const std::string& id_term) {
  try {
    auto old = db_.postlist_begin(id_term);
    if (old != db_.postlist_end(id_term)) spelling(db_.get_document(*old), false);
    db_.delete_document(id_term);
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot delete article " + id_term.substr(schema::kIdPrefix.size()) + ": " + e.get_description());
  }
}

void IndexWriter::commit() {
  try {
    // Spelling frequencies are summed per batch: one Xapian call per distinct word instead of
    // one per word of every article (which cost 40% of indexing time).
    // A word enters the dictionary with its article count once kMinSpellingArticles articles
    // hold it (the count includes this batch), and leaves it when fewer do.
    std::vector<std::pair<std::string, long>> changes(spelling_delta_.begin(), spelling_delta_.end());
    std::sort(changes.begin(), changes.end());
    std::vector<Xapian::termcount> have(changes.size(), 0);  // each word's count in the dictionary
    auto w = db_.spellings_begin();
    for (std::size_t i = 0; i < changes.size() && w != db_.spellings_end(); ++i) {
      w.skip_to(changes[i].first);
      if (w != db_.spellings_end() && *w == changes[i].first) have[i] = w.get_termfreq();
    }
    for (std::size_t i = 0; i < changes.size(); ++i) {
      const auto& [word, delta] = changes[i];
      if (delta > 0 && have[i] > 0) {
        db_.add_spelling(word, static_cast<Xapian::termcount>(delta));
      } else if (delta > 0) {
        if (Xapian::doccount n = db_.get_termfreq(word); n >= kMinSpellingArticles) db_.add_spelling(word, n);
      } else if (delta < 0 && have[i] > 0) {
        auto drop = static_cast<Xapian::termcount>(-delta);
        db_.remove_spelling(word, drop + kMinSpellingArticles > have[i] ? have[i] : drop);
      }
    }
    spelling_delta_.clear();
    if (!metadata_written_) {
      db_.set_metadata(std::string(schema::kSchemaVersionKey), std::to_string(schema::kSchemaVersion));
      metadata_written_ = true;
    }
    db_.commit();
  } catch (const Xapian::Error& e) {
    throw IndexError("commit failed: " + e.get_description());
  }
}

void IndexWriter::close() {
  commit();
  try {
    db_.close();
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot close the database: " + e.get_description());
  }
}

}  // namespace gazette::indexer
