// SPDX-License-Identifier: GPL-2.0-or-later
// The article model shared by the indexer and the searcher, and its JSON forms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gazette/common/entities.h"

namespace gazette {

// One news article as read from a corpus file. All text is valid UTF-8.
struct Article {
  std::string id;  // stable id: "id" field, else URL, else the file path (+ "#N" in a feed)
  std::string url;
  std::string title;
  std::string body;                       // paragraphs separated by "\n\n"
  std::optional<std::int64_t> published;  // seconds since the Unix epoch, UTC
  std::string source;
  std::vector<std::string> authors;
  std::string section;
  std::string lang;              // ISO 639-1 code; empty when unknown (the analyser detects it)
  std::string path;              // the file it came from, as found on disk
  std::string dateline;          // "RIGA (Meridian Wire)": taken from the body's start (clean_article)
  std::string date_given;        // a date the source gave that cannot be true (ISO 8601), not used as
                                 // `published`: after the time of indexing plus a day, or before 1800
  std::vector<Entity> entities;  // filled in by entity extraction at indexing time
};

// Maps one corpus JSON object (already parsed from `json_text`) onto an Article, accepting the
// field aliases of real feeds: body|text|content, date|published|published_at,
// author|authors (string or array), section|category, lang|language. Unknown fields are ignored.
// `warnings` receives non-fatal problems (e.g. an unparseable date).
// Throws DataError when the text is not a JSON object or a field has the wrong type.
Article article_from_corpus_json(std::string_view json_text, std::vector<std::string>& warnings);

// One object of a .json document: the article, or why it could not be read.
struct CorpusRecord {
  std::optional<Article> article;
  std::string error;                  // set when article is empty
  std::vector<std::string> warnings;  // non-fatal problems
};

// Parses a .json document holding one object or an array of objects, one record per object.
// Throws DataError naming the line when the document is not well-formed JSON.
std::vector<CorpusRecord> parse_corpus_json_document(std::string_view json_text);

// The stored form of an article (Xapian document data): a compact binary record.
std::string serialize_article(const Article& article);
// Inverse of serialize_article. Throws DataError on a malformed record: one that
// serialize_article would not write (cut short, trailing bytes, a varint not in its shortest form).
Article deserialize_article(std::string_view data);

// The few fields a result list shows (id, url, title, source, lang, published) and the
// article's near-duplicate group, in a small record of their own (schema::kHitSlot): a hit
// without a snippet then never inflates the whole stored article, and a result page is collapsed
// from the same read. deserialize_hit_fields fills only those fields (and `group` when given);
// throws DataError when malformed.
std::string serialize_hit_fields(const Article& article, std::string_view group = {});
Article deserialize_hit_fields(std::string_view data, std::string* group = nullptr);
// The same record with its group replaced. Throws DataError when malformed.
std::string hit_fields_with_group(std::string_view data, std::string_view group);

}  // namespace gazette
