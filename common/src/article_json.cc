// SPDX-License-Identifier: GPL-2.0-or-later
// JSON forms of an Article: corpus records (with feed field aliases) and the stored record.
#include <string>

#include <nlohmann/json.hpp>

#include "gazette/common/article.h"
#include "gazette/common/dates.h"
#include "gazette/common/encoding.h"
#include "gazette/common/error.h"

namespace gazette {
namespace {

using nlohmann::json;

// The first of `names` present and not null in `obj`, as a string. Numbers are accepted
// (ids often are); other types are a DataError naming the field.
std::string string_field(const json& obj, std::initializer_list<const char*> names, std::string* used = nullptr) {
  for (const char* name : names) {
    auto it = obj.find(name);
    if (it == obj.end() || it->is_null()) continue;
    if (used != nullptr) *used = name;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_unsigned()) return std::to_string(it->get<unsigned long long>());
    if (it->is_number_integer()) return std::to_string(it->get<long long>());
    if (it->is_number()) return it->dump();
    throw DataError(std::string("field \"") + name + "\" must be a string, not " + it->type_name());
  }
  return {};
}

Article article_from_object(const json& obj, std::vector<std::string>& warnings) {
  if (!obj.is_object()) throw DataError(std::string("expected a JSON object, found ") + obj.type_name());
  Article a;
  a.id = string_field(obj, {"id"});
  a.url = string_field(obj, {"url", "link"});
  a.title = string_field(obj, {"title", "headline"});
  a.body = string_field(obj, {"body", "text", "content"});
  a.source = string_field(obj, {"source", "site", "publisher"});
  a.section = string_field(obj, {"section", "category"});
  a.lang = string_field(obj, {"lang", "language"});
  std::string date_field;
  std::string date = string_field(obj, {"date", "published", "published_at", "pubdate"}, &date_field);
  if (!date.empty()) {
    a.published = parse_date(date);
    if (!a.published) warnings.push_back("unparseable date in \"" + date_field + "\": \"" + date + "\"");
  }
  for (const char* name : {"authors", "author"}) {
    auto it = obj.find(name);
    if (it == obj.end() || it->is_null()) continue;
    if (it->is_string()) {
      if (!it->get<std::string>().empty()) a.authors.push_back(it->get<std::string>());
    } else if (it->is_array()) {
      for (const json& v : *it) {
        if (v.is_string()) {
          a.authors.push_back(v.get<std::string>());
        } else if (v.is_object() && v.contains("name") && v["name"].is_string()) {
          a.authors.push_back(v["name"].get<std::string>());
        } else {
          throw DataError(std::string("field \"") + name + "\" must hold strings");
        }
      }
    } else {
      throw DataError(std::string("field \"") + name + "\" must be a string or an array of strings");
    }
    break;
  }
  return a;
}

// nlohmann's messages quote the bytes last read ("last read: '...'"), which can end inside a
// character: such bytes become U+FFFD, so a problem message is always valid UTF-8.
std::string library_message(const json::exception& e) {
  std::string_view what = e.what();
  std::string out;
  for (std::size_t i = 0; i < what.size();) {
    auto c = static_cast<unsigned char>(what[i]);
    std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n != 0 && i + n <= what.size() && is_valid_utf8(what.substr(i, n))) {
      out.append(what.substr(i, n));
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

int line_of(std::string_view text, std::size_t byte) {
  int line = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

}  // namespace

Article article_from_corpus_json(std::string_view json_text, std::vector<std::string>& warnings) {
  json obj;
  try {
    obj = json::parse(json_text);
  } catch (const json::exception& e) {
    // Not only parse_error: a number too big for a double ("1E400") is out_of_range.
    throw DataError("malformed JSON: " + library_message(e));
  }
  return article_from_object(obj, warnings);
}

std::vector<CorpusRecord> parse_corpus_json_document(std::string_view json_text) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw DataError(line_of(json_text, e.byte > 0 ? e.byte - 1 : 0), "malformed JSON: " + library_message(e));
  } catch (const json::exception& e) {
    // A number too big for a double ("1E400") is out_of_range, which carries no position.
    throw DataError("malformed JSON: " + library_message(e));
  }
  std::vector<CorpusRecord> records;
  auto one = [&records](const json& obj) {
    CorpusRecord r;
    try {
      r.article = article_from_object(obj, r.warnings);
    } catch (const DataError& e) {
      r.error = e.what();
    }
    records.push_back(std::move(r));
  };
  if (doc.is_array()) {
    for (const json& obj : doc) one(obj);
  } else {
    one(doc);
  }
  return records;
}

}  // namespace gazette
