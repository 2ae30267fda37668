// SPDX-License-Identifier: GPL-2.0-or-later
// nlohmann/json renderings of the indexer's reports.
#include "indexer_json.h"

#include <nlohmann/json.hpp>

#include "gazette/common/dates.h"

namespace gazette::indexer {
namespace {

using nlohmann::json;

json optional_date(const std::optional<std::int64_t>& t) { return t ? json(format_iso8601(*t)) : json(nullptr); }

json counts(const std::vector<std::pair<std::string, std::uint64_t>>& values) {
  json out = json::array();
  for (const auto& [value, count] : values) out.push_back({{"value", value}, {"count", count}});
  return out;
}

// Unicode code points in text[0, byte): the character offset JSON consumers expect.
std::size_t char_offset(const std::string& text, std::size_t byte) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) n += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  return n;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string stats_to_json(const IndexStats& s) {
  json j = {{"indexed", s.indexed},         {"updated", s.updated}, {"unchanged", s.unchanged},
            {"deleted", s.deleted},         {"skipped", s.skipped}, {"errors", s.errors},
            {"warnings", s.warnings},       {"files", s.files},     {"seconds", s.seconds},
            {"interrupted", s.interrupted}, {"run", s.run}};
  return dump(j);
}

std::string inspected_to_json(const std::vector<InspectedFile>& files, bool with_terms) {
  json out = json::array();
  for (const InspectedFile& f : files) {
    json jf = {{"path", f.path}, {"problems", json::array()}, {"articles", json::array()}};
    for (const Problem& p : f.problems) {
      jf["problems"].push_back({{"line", p.line}, {"severity", p.error ? "error" : "warning"}, {"message", p.message}});
    }
    for (const InspectedArticle& ia : f.articles) {
      const Article& a = ia.article;
      json ja = {{"id", a.id},
                 {"line", ia.line},
                 {"url", a.url},
                 {"title", a.title},
                 {"published", optional_date(a.published)},
                 {"source", a.source},
                 {"authors", a.authors},
                 {"section", a.section},
                 {"lang", a.lang},
                 {"dateline", a.dateline},
                 {"date_given", a.date_given},
                 {"body_chars", a.body.size()},
                 {"terms", ia.terms},
                 {"words", ia.words},
                 {"body", a.body}};
      json entities = json::array();
      for (const Entity& e : a.entities) {
        json mentions = json::array();
        for (const Mention& m : e.mentions) {
          const std::string& text = m.field == TextField::kTitle ? a.title : a.body;
          mentions.push_back({{"field", m.field == TextField::kTitle ? "title" : "body"},
                              {"start", char_offset(text, m.start)},
                              {"end", char_offset(text, m.end)},
                              {"byte_start", m.start},
                              {"byte_end", m.end},
                              {"text", m.surface},
                              {"confidence", m.confidence},
                              {"rule", m.rule}});
        }
        entities.push_back({{"kind", kind_name(e.kind)},
                            {"name", e.canonical},
                            {"confidence", e.confidence},
                            {"acronyms", e.acronyms},
                            {"short_forms", e.short_forms},
                            {"mentions", std::move(mentions)}});
      }
      ja["entities"] = std::move(entities);
      json removed = json::array();
      for (const Removal& r : ia.removed) {
        removed.push_back(
            {{"byte_start", r.start}, {"byte_end", r.end}, {"rule", r.rule}, {"text", r.text}, {"why", r.why}});
      }
      ja["removed"] = std::move(removed);
      if (with_terms) ja["term_list"] = ia.term_list;
      jf["articles"].push_back(std::move(ja));
    }
    out.push_back(std::move(jf));
  }
  return dump(out);
}

std::string database_stats_to_json(const DatabaseStats& s) {
  json j = {{"path", s.path},
            {"articles", s.articles},
            {"terms", s.terms},
            {"first_published", optional_date(s.first_published)},
            {"last_published", optional_date(s.last_published)},
            {"sources", counts(s.sources)},
            {"languages", counts(s.languages)},
            {"size_bytes", s.size_bytes},
            {"schema_version", s.schema_version}};
  return dump(j);
}

}  // namespace gazette::indexer
