// SPDX-License-Identifier: GPL-2.0-or-later
// Turns an analysed article into its Xapian document, following schema.h.
#include "document_builder.h"

#include <algorithm>

#include "gazette/common/hash.h"
#include "gazette/common/near_duplicates.h"
#include "gazette/common/schema.h"

namespace gazette::indexer {

namespace schema = gazette::schema;

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
  if (entities_) {
    article.entities = entities_->extract(article);
    if (min_entity_confidence_ > 0) {
      auto unsure = [this](const Entity& e) { return e.confidence < min_entity_confidence_; };
      article.entities.erase(std::remove_if(article.entities.begin(), article.entities.end(), unsure),
                             article.entities.end());
    }
  }
  BuiltDocument built;
  Xapian::Document& doc = built.document;
  built.id_term = schema::id_term(article.id);
  built.text_bytes = article.title.size() + article.body.size();

  Xapian::termpos pos = 0;
  std::string z_title(schema::kStemPrefix);
  z_title += schema::kTitlePrefix;
  for (const Token& t : analyzer_.tokenize(article.title)) {
    if (t.term.size() > schema::kMaxWordBytes) continue;
    ++pos;
    doc.add_posting(t.term, pos, schema::kTitleWeight);
    doc.add_posting(std::string(schema::kTitlePrefix) + t.term, pos);
    std::string stem = analyzer_.stem(t.term, article.lang);
    if (!stem.empty()) {
      doc.add_term(std::string(schema::kStemPrefix) + stem, schema::kTitleWeight);
      doc.add_term(z_title + stem);
    }
  }
  pos += schema::kFieldGap;
  std::vector<std::string> body_words;
  for (Token& t : analyzer_.tokenize(article.body)) {
    if (t.term.size() > schema::kMaxWordBytes) continue;
    ++pos;
    doc.add_posting(t.term, pos);
    std::string stem = analyzer_.stem(t.term, article.lang);
    if (!stem.empty()) doc.add_term(std::string(schema::kStemPrefix) + stem);
    body_words.push_back(std::move(t.term));
  }
  // Near-duplicate signature of the body (headlines and boilerplate differ between copies).
  built.signature = minhash(body_words);
  // The dateline (taken out of the body's first words by clean_article) stays searchable.
  if (!article.dateline.empty()) {
    pos += schema::kFieldGap;
    for (const Token& t : analyzer_.tokenize(article.dateline)) {
      if (t.term.size() > schema::kMaxWordBytes) continue;
      doc.add_posting(t.term, ++pos);
      std::string stem = analyzer_.stem(t.term, article.lang);
      if (!stem.empty()) doc.add_term(std::string(schema::kStemPrefix) + stem);
    }
  }
  if (built.signature) {
    doc.add_value(schema::kDupSignatureSlot, encode_minhash(*built.signature));
    for (const std::string& band : band_terms(*built.signature)) doc.add_boolean_term(band);
  }

  doc.add_boolean_term(built.id_term);
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
  for (EntityKind kind : {EntityKind::kPerson, EntityKind::kOrganization, EntityKind::kPlace}) {
    std::vector<std::string> names;
    for (const Entity& e : article.entities) {
      if (e.kind != kind) continue;
      names.push_back(e.canonical);
      doc.add_boolean_term(schema::entity_term(kind, e.canonical));
      // Alias evidence for the searcher (schema.h, kAcronymPrefix).
      auto add = [&doc](const std::string& term) {
        if (!term.empty()) doc.add_boolean_term(term);
      };
      for (const std::string& a : e.acronyms) add(schema::acronym_term(kind, a, e.canonical));
      for (const std::string& w : e.short_forms) add(schema::short_form_term(w, e.canonical));
      if (kind == EntityKind::kPerson && e.canonical.find(' ') != std::string::npos) {
        add(schema::full_name_term(e.canonical));
      }
    }
    if (!names.empty()) doc.add_value(schema::entity_slot(kind), schema::encode_list(names));
  }
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
