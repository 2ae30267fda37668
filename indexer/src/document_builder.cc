// SPDX-License-Identifier: GPL-2.0-or-later
// Turns an analysed article into its Xapian document, following schema.h.
#include "document_builder.h"

#include <algorithm>

#include "gazette/common/hash.h"
#include "gazette/common/near_duplicates.h"
#include "gazette/common/schema.h"

namespace gazette::indexer {

namespace schema = gazette::schema;
namespace {

// The entities `extractor` finds in the article, less those it is less sure of than
// `min_confidence`.
std::vector<Entity> sure_entities(const EntityExtractor& extractor, const Article& article, float min_confidence) {
  std::vector<Entity> entities = extractor.extract(article);
  if (min_confidence > 0) {
    auto unsure = [min_confidence](const Entity& e) { return e.confidence < min_confidence; };
    entities.erase(std::remove_if(entities.begin(), entities.end(), unsure), entities.end());
  }
  return entities;
}

// Indexes the words of one field, at positions after `pos`: each word with its position and its
// stem in `lang` ("Z" term), `wdf` times each; with a `field_prefix`, once more each under it
// (the title's words). Words over schema::kMaxWordBytes are left out. `words` (when given)
// receives the words indexed, in order.
void add_field_words(Analyzer& analyzer, Xapian::Document& doc, std::string_view text, const std::string& lang,
                     Xapian::termcount wdf, std::string_view field_prefix, Xapian::termpos& pos,
                     std::vector<std::string>* words = nullptr) {
  for (Token& t : analyzer.tokenize(text)) {
    if (t.term.size() > schema::kMaxWordBytes) continue;
    ++pos;
    doc.add_posting(t.term, pos, wdf);
    if (!field_prefix.empty()) doc.add_posting(std::string(field_prefix) + t.term, pos);
    std::string stem = analyzer.stem(t.term, lang);
    if (!stem.empty()) {
      doc.add_term(schema::stem_term(stem), wdf);
      if (!field_prefix.empty()) doc.add_term(schema::stem_term(stem, field_prefix));
    }
    if (words != nullptr) words->push_back(std::move(t.term));
  }
}

// Indexes the article's words: title (weighted up), body, then dateline, schema::kFieldGap
// positions apart. Returns the near-duplicate signature of the body (headlines and boilerplate
// differ between copies).
std::optional<MinHash> add_words(Analyzer& analyzer, const Article& article, Xapian::Document& doc) {
  Xapian::termpos pos = 0;
  add_field_words(analyzer, doc, article.title, article.lang, schema::kTitleWeight, schema::kTitlePrefix, pos);
  pos += schema::kFieldGap;
  std::vector<std::string> body_words;
  add_field_words(analyzer, doc, article.body, article.lang, 1, {}, pos, &body_words);
  // The dateline (taken out of the body's first words by clean_article) stays searchable.
  if (!article.dateline.empty()) {
    pos += schema::kFieldGap;
    add_field_words(analyzer, doc, article.dateline, article.lang, 1, {}, pos);
  }
  return minhash(body_words);
}

// The boolean filter terms and the values of the article's fields (source, section, authors,
// language, publication date).
void add_filters(const Article& article, Xapian::Document& doc) {
  if (!article.source.empty()) doc.add_boolean_term(schema::source_term(article.source));
  if (!article.section.empty()) doc.add_boolean_term(schema::section_term(article.section));
  for (const std::string& author : article.authors) doc.add_boolean_term(schema::author_term(author));
  doc.add_boolean_term(schema::language_term(article.lang));
  if (article.published) {
    for (const std::string& term : schema::date_terms(*article.published)) doc.add_boolean_term(term);
    doc.add_value(schema::kPublishedSlot, schema::encode_published(*article.published));
    doc.add_value(schema::kDaySlot, schema::day_value(*article.published));
  }
  if (!article.source.empty()) doc.add_value(schema::kSourceSlot, article.source);
  if (!article.section.empty()) doc.add_value(schema::kSectionSlot, article.section);
  doc.add_value(schema::kLanguageSlot, article.lang);
}

// The entity facets: a term per entity, its alias evidence for the searcher (schema.h,
// kAcronymPrefix), and the list of each kind's names in its slot.
void add_entities(const std::vector<Entity>& entities, Xapian::Document& doc) {
  auto add = [&doc](const std::string& term) {
    if (!term.empty()) doc.add_boolean_term(term);
  };
  std::vector<std::string> lists;  // each kind's encoded list, for kEntitiesSlot
  for (EntityKind kind : {EntityKind::kPerson, EntityKind::kOrganization, EntityKind::kPlace}) {
    std::vector<std::string> names;
    for (const Entity& e : entities) {
      if (e.kind != kind) continue;
      names.push_back(e.canonical);
      doc.add_boolean_term(schema::entity_term(kind, e.canonical));
      for (const std::string& a : e.acronyms) add(schema::acronym_term(kind, a, e.canonical));
      for (const std::string& w : e.short_forms) add(schema::short_form_term(w, e.canonical));
      if (kind == EntityKind::kPerson && e.canonical.find(' ') != std::string::npos) {
        add(schema::full_name_term(e.canonical));
      }
    }
    lists.push_back(names.empty() ? std::string() : schema::encode_list(names));
    if (!names.empty()) doc.add_value(schema::entity_slot(kind), lists.back());
  }
  if (!lists[0].empty() || !lists[1].empty() || !lists[2].empty()) {
    doc.add_value(schema::kEntitiesSlot, schema::encode_list(lists));
  }
}

}  // namespace

DocumentBuilder::DocumentBuilder(std::string default_language, std::shared_ptr<const EntityExtractor> entities,
                                 float min_entity_confidence)
    : default_language_(std::move(default_language)),
      entities_(std::move(entities)),
      min_entity_confidence_(min_entity_confidence) {}

std::string DocumentBuilder::language_of(const Article& article) const {
  if (!article.lang.empty()) return article.lang;
  std::string sample = article.title;
  sample += "\n";
  sample.append(article.body, 0, std::min<std::size_t>(article.body.size(), 16 * 1024));
  std::string detected = detect_language(sample);
  return detected.empty() ? default_language_ : detected;
}

BuiltDocument DocumentBuilder::build(Article& article, const std::string& hash) {
  article.lang = language_of(article);
  if (entities_) article.entities = sure_entities(*entities_, article, min_entity_confidence_);
  BuiltDocument built;
  Xapian::Document& doc = built.document;
  built.id_term = schema::id_term(article.id);
  built.text_bytes = article.title.size() + article.body.size();
  built.signature = add_words(analyzer_, article, doc);
  if (built.signature) {
    doc.add_value(schema::kDupSignatureSlot, encode_minhash(*built.signature));
    for (const std::string& band : band_terms(*built.signature)) doc.add_boolean_term(band);
  }
  doc.add_boolean_term(built.id_term);
  add_filters(article, doc);
  add_entities(article.entities, doc);
  doc.add_value(schema::kContentHashSlot, hash);
  doc.add_value(schema::kSourceFileSlot, article.path);
  doc.add_value(schema::kHitSlot, serialize_hit_fields(article));
  doc.set_data(serialize_article(article));
  return built;
}

std::string content_hash(const Article& article) { return hex64(fnv1a64(serialize_article(article))); }

std::string describe_terms(const Xapian::Document& doc) {
  std::string out;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    if (!out.empty()) out.push_back(' ');
    out += *it;
    if (it.get_wdf() > 1) out += ":" + std::to_string(it.get_wdf());
    if (it.positionlist_count() > 0) {
      out.push_back('[');
      bool first = true;
      for (auto p = it.positionlist_begin(); p != it.positionlist_end(); ++p) {
        if (!first) out.push_back(',');
        out += std::to_string(*p);
        first = false;
      }
      out.push_back(']');
    }
  }
  return out;
}

}  // namespace gazette::indexer
