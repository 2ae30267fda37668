// SPDX-License-Identifier: GPL-2.0-or-later
// JSON forms of an Article: corpus records (with feed field aliases) and the stored record.
#include <string>

#include <nlohmann/json.hpp>

#include "gazette/common/article.h"
#include "gazette/common/dates.h"
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
  } catch (const json::parse_error& e) {
    throw DataError(std::string("malformed JSON: ") + e.what());
  }
  return article_from_object(obj, warnings);
}

std::vector<CorpusRecord> parse_corpus_json_document(std::string_view json_text) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw DataError("line " + std::to_string(line_of(json_text, e.byte > 0 ? e.byte - 1 : 0)) +
                    ": malformed JSON: " + e.what());
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

std::string serialize_article(const Article& a) {
  json j = {{"id", a.id},         {"url", a.url},         {"title", a.title}, {"body", a.body},
            {"source", a.source}, {"authors", a.authors}, {"section", a.section}, {"lang", a.lang},
            {"path", a.path}};
  if (a.published) j["published"] = *a.published;
  if (!a.entities.empty()) {
    json entities = json::array();
    for (const Entity& e : a.entities) {
      json mentions = json::array();
      for (const Mention& m : e.mentions) {
        mentions.push_back({m.field == TextField::kTitle ? "title" : "body", m.start, m.end});
      }
      entities.push_back({{"kind", kind_name(e.kind)}, {"name", e.canonical}, {"mentions", std::move(mentions)}});
    }
    j["entities"] = std::move(entities);
  }
  // Replace invalid UTF-8 rather than throw: the readers already repaired it, this is a backstop.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Article deserialize_article(std::string_view data) {
  try {
    json j = json::parse(data);
    Article a;
    a.id = j.value("id", "");
    a.url = j.value("url", "");
    a.title = j.value("title", "");
    a.body = j.value("body", "");
    a.source = j.value("source", "");
    a.section = j.value("section", "");
    a.lang = j.value("lang", "");
    a.path = j.value("path", "");
    a.authors = j.value("authors", std::vector<std::string>{});
    if (j.contains("published") && j["published"].is_number_integer()) a.published = j["published"].get<std::int64_t>();
    if (auto it = j.find("entities"); it != j.end() && it->is_array()) {
      for (const json& je : *it) {
        Entity e;
        if (!parse_kind(je.value("kind", ""), e.kind)) continue;
        e.canonical = je.value("name", "");
        for (const json& jm : je.value("mentions", json::array())) {
          if (!jm.is_array() || jm.size() != 3) continue;
          Mention m;
          m.field = jm[0] == "title" ? TextField::kTitle : TextField::kBody;
          m.start = jm[1].get<std::size_t>();
          m.end = jm[2].get<std::size_t>();
          const std::string& text = m.field == TextField::kTitle ? a.title : a.body;
          if (m.start <= m.end && m.end <= text.size()) m.surface = text.substr(m.start, m.end - m.start);
          e.mentions.push_back(std::move(m));
        }
        a.entities.push_back(std::move(e));
      }
    }
    return a;
  } catch (const json::exception& e) {
    throw DataError(std::string("malformed stored article: ") + e.what());
  }
}

}  // namespace gazette
