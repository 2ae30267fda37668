// SPDX-License-Identifier: GPL-2.0-or-later
// What the index holds, listed: entities with their article counts, the entities that appear
// with one (related), completions for a search box (suggest) and the index's summary.
#include <algorithm>
#include <set>
#include <tuple>
#include <unordered_map>

#include "facets.h"
#include "gazette/common/analyzer.h"
#include "gazette/common/dates.h"
#include "gazette/common/schema.h"
#include "gazette/common/term_counts.h"
#include "gazette/searcher/request_params.h"
#include "gazette/searcher/searcher.h"
#include "request_plan.h"
#include "searcher_impl.h"

namespace gazette {

using searcher::Handle;

namespace {

constexpr EntityKind kAllKinds[] = {EntityKind::kPerson, EntityKind::kOrganization, EntityKind::kPlace};

// The display name of an entity term, read from one article that has it.
std::string display_name(Xapian::Database& db, const std::string& term, EntityKind kind) {
  std::string folded = term.substr(schema::entity_prefix(kind).size());
  auto p = db.postlist_begin(term);
  if (p == db.postlist_end(term)) return folded;
  for (const std::string& v : schema::decode_list(db.get_document(*p).get_value(schema::entity_slot(kind)))) {
    if (schema::entity_term(kind, v) == term) return v;
  }
  return folded;
}

// The entities named with one, counted over the articles naming it (the foreground) and scored
// by JLH significance against the whole index (the background). Names the corpus's aliases link
// count as one entity.
class CoMentions {
 public:
  CoMentions(Xapian::Database& db, const searcher::EntityAliases& aliases) : db_(db), aliases_(aliases) {}

  // Foreground: the articles naming the target by any of its names (up to a sample cap), and the
  // entities named with it, each once per article. Returns the articles naming it.
  std::uint64_t count(EntityKind kind, const std::string& name) {
    std::vector<std::string> targets = terms_of(kind, name);
    target_key_ = key_of(kind, targets.front());
    for (const std::string& t : targets) {
      for (auto p = db_.postlist_begin(t); p != db_.postlist_end(t) && docs_.size() < kMaxForeground; ++p) {
        docs_.insert(*p);
      }
    }
    for (Xapian::docid d : docs_) count_in(d);
    std::uint64_t articles = 0;
    for (const std::string& t : targets) articles += db_.get_termfreq(t);
    return std::min<std::uint64_t>(articles, docs_.size() < kMaxForeground ? docs_.size() : articles);
  }

  // The `limit` most significant, best first (ties by key).
  std::vector<RelatedEntity> most_significant(int limit) const {
    std::vector<Scored> scored = score();
    std::sort(scored.begin(), scored.end(),
              [](const Scored& a, const Scored& b) { return a.score != b.score ? a.score > b.score : a.key < b.key; });
    if (scored.size() > static_cast<std::size_t>(limit)) scored.resize(static_cast<std::size_t>(limit));
    std::vector<RelatedEntity> out;
    for (const Scored& x : scored) {
      std::string folded = x.seen.term.substr(schema::entity_prefix(x.seen.kind).size());
      std::string person = aliases_.person(x.seen.kind, folded);
      std::string canonical = person.empty() ? aliases_.canonical(x.seen.kind, folded) : person;
      std::string name = canonical != folded ? canonical : display_name(db_, x.seen.term, x.seen.kind);
      out.push_back({std::string(kind_name(person.empty() ? x.seen.kind : EntityKind::kPerson)), name, x.seen.count,
                     x.total, x.score});
    }
    return out;
  }

 private:
  static constexpr std::size_t kMaxForeground = 20000;
  struct Seen {
    std::uint64_t count = 0;
    EntityKind kind = EntityKind::kPerson;
    std::string term;  // one of its terms, for the display name
  };
  struct Scored {
    double score;
    std::string key;
    std::uint64_t total;
    Seen seen;
  };

  // An entity term's key: kind letter + folded name across the corpus.
  std::string key_of(EntityKind k, const std::string& term) const {
    std::string folded = term.substr(schema::entity_prefix(k).size());
    std::string person = aliases_.person(k, folded);
    if (!person.empty()) return std::string(1, schema::kind_letter(EntityKind::kPerson)) + fold_case(person);
    return std::string(1, schema::kind_letter(k)) + fold_case(aliases_.canonical(k, folded));
  }

  // All the terms of an entity: one per name the corpus gives it.
  std::vector<std::string> terms_of(EntityKind k, const std::string& name) const {
    std::vector<std::string> terms;
    for (const std::string& n : aliases_.names_of(k, aliases_.canonical(k, name))) {
      std::string t = schema::entity_term(k, n);
      if (std::find(terms.begin(), terms.end(), t) == terms.end()) terms.push_back(t);
    }
    return terms;
  }

  void count_in(Xapian::docid d) {
    std::set<std::string> keys;
    for (EntityKind k : kAllKinds) {
      std::string prefix(schema::entity_prefix(k));
      auto t = db_.termlist_begin(d);
      for (t.skip_to(prefix); t != db_.termlist_end(d) && (*t).compare(0, prefix.size(), prefix) == 0; ++t) {
        std::string key = key_of(k, *t);
        if (key == target_key_ || !keys.insert(key).second) continue;
        Seen& seen = together_[key];
        ++seen.count;
        seen.kind = k;
        if (seen.term.empty()) seen.term = *t;
      }
    }
  }

  // JLH: (fg% - bg%) * fg% / bg%, for entities more frequent in the foreground than overall.
  std::vector<Scored> score() const {
    std::vector<Scored> scored;
    const std::size_t fg = docs_.size();
    const double n_fg = std::max<double>(1, static_cast<double>(fg));
    const double n_all = std::max<double>(1, db_.get_doccount());
    for (const auto& [key, seen] : together_) {
      if (fg >= 10 && seen.count < 2) continue;  // one co-mention in a large set is noise
      std::uint64_t total = 0;
      std::string folded = seen.term.substr(schema::entity_prefix(seen.kind).size());
      for (const std::string& t : terms_of(seen.kind, folded)) total += db_.get_termfreq(t);
      double fg_p = static_cast<double>(seen.count) / n_fg, bg_p = static_cast<double>(total) / n_all;
      if (fg_p <= bg_p) continue;
      scored.push_back({(fg_p - bg_p) * (fg_p / bg_p), key, total, seen});
    }
    return scored;
  }

  Xapian::Database& db_;
  const searcher::EntityAliases& aliases_;
  std::string target_key_;
  std::set<Xapian::docid> docs_;
  std::unordered_map<std::string, Seen> together_;
};

}  // namespace

std::vector<EntityCount> Searcher::entities(const EntityListRequest& req) const {
  check_limit(req.limit, 1, kMaxLimit);
  searcher::require_utf8(req.prefix, "prefix");
  std::vector<EntityKind> kinds(std::begin(kAllKinds), std::end(kAllKinds));
  if (!req.kind.empty()) {
    EntityKind k;
    if (!parse_kind(req.kind, k))
      throw InvalidRequest("\"kind\" must be person, organization or place, not \"" + req.kind + "\"");
    kinds = {k};
  }
  return impl_->with_handle("entity listing", [&](Handle& h) {
    // One row per entity: names the corpus's aliases link (searcher/src/aliases.h) are merged.
    struct Row {
      std::uint64_t count = 0;
      EntityKind kind = EntityKind::kPerson;
      std::string name;                // display name when aliased, else ""
      std::vector<std::string> terms;  // its entity terms
    };
    std::unordered_map<std::string, Row> rows;
    std::string folded_prefix = fold_case(req.prefix);
    const searcher::EntityAliases& aliases = *h.aliases;
    for (EntityKind kind : kAllKinds) {  // all: a place may be listed as a person
      std::string prefix(schema::entity_prefix(kind));
      for (TermCount& t : terms_under(h.db, prefix, folded_prefix)) {
        const std::string& folded = t.value;
        // A place or organisation that is a person is listed with the people (when they are).
        EntityKind as = kind;
        std::string canonical = aliases.person(kind, folded);
        if (!canonical.empty()) {
          as = EntityKind::kPerson;
        } else {
          canonical = aliases.canonical(kind, folded);
        }
        if (std::find(kinds.begin(), kinds.end(), as) == kinds.end()) continue;
        bool aliased = canonical != folded;
        Row& r = rows[std::string(1, schema::kind_letter(as)) + (aliased ? fold_case(canonical) : folded)];
        r.count += t.articles;
        r.kind = as;
        if (aliased) r.name = canonical;
        r.terms.push_back(std::move(t.term));
      }
    }
    // The canonical name's own term, when the prefix did not reach it ("BEA" -> "Baltic ...").
    for (auto& [key, r] : rows) {
      if (r.name.empty()) continue;
      std::string own = schema::entity_term(r.kind, r.name);
      if (std::find(r.terms.begin(), r.terms.end(), own) == r.terms.end() && h.db.term_exists(own)) {
        r.count += h.db.get_termfreq(own);
        r.terms.push_back(own);
      }
    }
    std::vector<Row*> order;
    for (auto& [key, r] : rows) order.push_back(&r);
    auto by_count = [](const Row* a, const Row* b) {
      return a->count != b->count ? a->count > b->count : a->terms.front() < b->terms.front();
    };
    std::sort(order.begin(), order.end(), by_count);
    if (order.size() > static_cast<std::size_t>(req.limit)) order.resize(static_cast<std::size_t>(req.limit));
    // Merged rows: articles naming the entity by any of its names, each once.
    for (Row* r : order) {
      if (r->terms.size() < 2) continue;
      std::vector<Xapian::Query> qs(r->terms.begin(), r->terms.end());
      Xapian::Enquire e(h.db);
      e.set_query(Xapian::Query(Xapian::Query::OP_OR, qs.begin(), qs.end()));
      e.set_weighting_scheme(Xapian::BoolWeight());
      r->count = e.get_mset(0, 0, std::max<Xapian::doccount>(h.db.get_doccount(), 1)).get_matches_estimated();
    }
    std::stable_sort(order.begin(), order.end(), by_count);
    std::vector<EntityCount> out;
    for (const Row* r : order) {
      out.push_back({std::string(kind_name(r->kind)),
                     r->name.empty() ? display_name(h.db, r->terms.front(), r->kind) : r->name, r->count});
    }
    return out;
  });
}

RelatedResponse Searcher::related(const std::string& entity, int limit) const {
  check_limit(limit, 1, kMaxLimit);
  searcher::require_utf8(entity, "entity");
  std::vector<searcher::Filter> filters = searcher::parse_filters({entity}, impl_->gazetteer());
  std::optional<EntityKind> kind;
  if (filters.size() == 1 && filters[0].values.size() == 1) kind = searcher::entity_kind(filters[0].field);
  if (!kind) throw InvalidRequest("related takes one entity: people:NAME, organizations:NAME or places:NAME");
  return impl_->with_handle("related", [&](Handle& h) {
    RelatedResponse resp;
    resp.entity = entity;
    CoMentions co(h.db, *h.aliases);
    resp.articles = co.count(*kind, filters[0].values[0]);
    resp.related = co.most_significant(limit);
    return resp;
  });
}

std::vector<Suggestion> Searcher::suggest(const std::string& text, int limit) const {
  check_limit(limit, 1, 50);
  searcher::require_utf8(text, "text");
  if (text.size() > kMaxQueryBytes)
    throw InvalidRequest("text is longer than " + std::to_string(kMaxQueryBytes) + " bytes");
  std::string folded = fold_case(text);
  if (folded.empty()) return {};
  std::vector<Suggestion> out;
  // Entities first: whole names starting with what was typed.
  EntityListRequest req;
  req.prefix = text;
  req.limit = limit;
  for (const EntityCount& e : entities(req)) out.push_back({e.name, e.kind, e.count});
  if (static_cast<int>(out.size()) >= limit) return out;
  // Then title words completing the last word typed.
  std::size_t space = folded.find_last_of(' ');
  std::string head = space == std::string::npos ? "" : text.substr(0, text.find_last_of(' ') + 1);
  std::string last = space == std::string::npos ? folded : folded.substr(space + 1);
  if (last.empty()) return out;
  return impl_->with_handle("suggest", [&](Handle& h) {
    for (const TermCount& word : count_terms(h.db, schema::kTitlePrefix, Xapian::BAD_VALUENO, last)) {
      if (static_cast<int>(out.size()) >= limit) break;
      out.push_back({head + word.value, "word", word.articles});
    }
    return out;
  });
}

IndexSummary Searcher::summary() const {
  return impl_->with_handle("stats", [&](Handle& h) {
    IndexSummary s;
    s.articles = h.db.get_doccount();
    if (s.articles > 0) {
      if (auto t = schema::decode_published(h.db.get_value_lower_bound(schema::kPublishedSlot)))
        s.first_published = format_iso8601(*t);
      if (auto t = schema::decode_published(h.db.get_value_upper_bound(schema::kPublishedSlot)))
        s.last_published = format_iso8601(*t);
    }
    auto counts = [&h](std::string_view prefix, Xapian::valueno slot, std::size_t cap) {
      std::vector<FacetCount> out;
      for (TermCount& c : count_terms(h.db, prefix, slot)) {
        if (out.size() == cap) break;
        out.push_back({std::move(c.value), c.articles});
      }
      return out;
    };
    s.languages = counts(schema::kLanguagePrefix, Xapian::BAD_VALUENO, 100);
    s.sources = counts(schema::kSourcePrefix, schema::kSourceSlot, 50);
    return s;
  });
}

}  // namespace gazette
