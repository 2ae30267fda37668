// SPDX-License-Identifier: GPL-2.0-or-later
// A watch run as a search restricted to the articles of some index runs (watches.h): the
// Searcher's side of a watch evaluation.
#include <algorithm>
#include <charconv>
#include <unordered_map>
#include <unordered_set>

#include <xapian.h>

#include "gazette/common/analyzer.h"
#include "gazette/common/article.h"
#include "gazette/common/dates.h"
#include "gazette/common/entities.h"
#include "gazette/common/schema.h"
#include "gazette/searcher/searcher.h"
#include "gazette/searcher/watches.h"
#include "query_builder.h"
#include "request_plan.h"
#include "scoring.h"
#include "searcher_impl.h"

namespace gazette {

using searcher::Handle;

namespace {

// The search a watch is: its query and filters, ranked as a search ranks them without
// pseudo-relevance feedback (which would expand it by the top articles of the restricted set).
SearchRequest watch_request(const Watch& w) {
  SearchRequest r;
  r.query = w.query;
  r.filters = w.filters;
  r.limit = 0;
  r.snippet_chars = 0;
  r.time_limit_ms = 0;
  r.ranking.feedback = "off";
  return r;
}

// The run number of a run term ("XRUN12" -> 12); 0 when it is not one.
std::uint64_t run_of(const std::string& term, std::string_view prefix) {
  if (term.compare(0, prefix.size(), prefix) != 0) return 0;
  std::uint64_t run = 0;
  const char* b = term.data() + prefix.size();
  auto [end, ec] = std::from_chars(b, term.data() + term.size(), run);
  return ec == std::errc() && end == term.data() + term.size() ? run : 0;
}

// The run terms for the runs in (after, through] the database still holds.
std::vector<std::string> run_terms(const Xapian::Database& db, std::uint64_t after, std::uint64_t through) {
  std::vector<std::string> terms;
  const std::string prefix(schema::kRunPrefix);
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
    std::uint64_t run = run_of(*t, prefix);
    if (run > after && run <= through) terms.push_back(*t);
  }
  return terms;
}

// Folded words of a name or a query, split at anything but letters and digits.
std::vector<std::string> folded_words(std::string_view text) {
  std::vector<std::string> words;
  std::string folded = fold_case(text), word;
  for (char c : folded) {
    if (static_cast<unsigned char>(c) >= 0x80 || std::isalnum(static_cast<unsigned char>(c))) {
      word += c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

// What a match reports of the entities: those the watch names (a filter on them, or the query's
// words: every word of the name, or a person's last name).
struct NamedEntities {
  std::unordered_set<std::string> filtered[3];  // folded canonical names, by EntityKind
  std::unordered_set<std::string> query_words;

  bool names(EntityKind kind, const std::string& name) const {
    if (filtered[static_cast<int>(kind)].count(fold_case(name)) != 0) return true;
    std::vector<std::string> words = folded_words(name);
    if (words.empty()) return false;
    // A person is named by the surname alone ("missile Putin"); others by every word of the name.
    if (kind == EntityKind::kPerson && query_words.count(words.back()) != 0) return true;
    return std::all_of(words.begin(), words.end(), [this](const std::string& w) { return query_words.count(w) != 0; });
  }
};

// The article's entities (under their names across the corpus) that the watch names.
std::vector<MatchedEntity> matched_entities(const Xapian::Document& doc, const searcher::EntityAliases& aliases,
                                            const NamedEntities& named) {
  std::vector<MatchedEntity> out;
  const std::pair<Xapian::valueno, EntityKind> slots[] = {{schema::kPeopleSlot, EntityKind::kPerson},
                                                          {schema::kOrganizationsSlot, EntityKind::kOrganization},
                                                          {schema::kPlacesSlot, EntityKind::kPlace}};
  for (const auto& [slot, stored_kind] : slots) {
    for (const std::string& stored : schema::decode_list(doc.get_value(slot))) {
      EntityKind kind = stored_kind;
      std::string name = stored;
      if (std::string person = aliases.person(kind, name); !person.empty()) {
        kind = EntityKind::kPerson;
        name = person;
      }
      name = aliases.canonical(kind, name);
      if (!named.names(kind, name)) continue;
      bool seen = std::any_of(out.begin(), out.end(), [&](const MatchedEntity& e) {
        return e.kind == kind_name(kind) && fold_case(e.name) == fold_case(name);
      });
      if (!seen) out.push_back({std::string(kind_name(kind)), name});
    }
  }
  return out;
}

// The run that wrote the article, and whether it changed it (rather than added it).
void run_and_change(const Xapian::Document& doc, WatchMatch& m) {
  auto t = doc.termlist_begin();
  t.skip_to(std::string(schema::kChangedRunPrefix));
  m.change = t != doc.termlist_end() && run_of(*t, schema::kChangedRunPrefix) != 0 ? "changed" : "added";
  t.skip_to(std::string(schema::kRunPrefix));
  if (t != doc.termlist_end()) m.run = run_of(*t, schema::kRunPrefix);
}

}  // namespace

std::uint64_t Searcher::last_run() const {
  return impl_->with_handle("last run", [](Handle& h) {
    return schema::parse_last_run(h.db.get_metadata(std::string(schema::kLastRunKey)));
  });
}

std::vector<WatchMatch> Searcher::watch_matches(const Watch& watch, std::uint64_t after_run,
                                                std::uint64_t through_run) const {
  const SearchRequest req = watch_request(watch);
  const searcher::SearchPlan plan = searcher::plan_search(req, impl_->gazetteer());
  return impl_->with_handle("watch", [&](Handle& h) {
    std::vector<WatchMatch> out;
    const std::vector<std::string> runs = run_terms(h.db, after_run, through_run);
    if (runs.empty()) return out;
    Xapian::doccount bound = 0;
    for (const std::string& t : runs) bound += h.db.get_termfreq(t);

    searcher::QueryBuilder builder(h.analyzer, impl_->gazetteer(), &h.db, h.aliases.get());
    searcher::QueryOptions options;
    options.lang = req.lang;
    options.allow_empty = !plan.filters.empty();
    options.max_all_words = searcher::kMaxAllWords;
    searcher::BuiltQuery q = builder.build(req.query, options);
    Xapian::Query query = q.query;
    NamedEntities named;
    for (const searcher::Filter& f : plan.filters) {
      searcher::Filter resolved = searcher::resolve_aliases(f, h.aliases.get());
      query = Xapian::Query(Xapian::Query::OP_FILTER, query, searcher::filter_query(resolved, h.aliases.get()));
      if (std::optional<EntityKind> kind = searcher::entity_kind(f.field)) {
        for (const std::string& v : resolved.values) named.filtered[static_cast<int>(*kind)].insert(fold_case(v));
      }
    }
    for (const std::string& w : folded_words(req.query)) named.query_words.insert(w);
    query =
        Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(Xapian::Query::OP_OR, runs.begin(), runs.end()));

    Xapian::Enquire enquire(h.db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(*searcher::weighting(req.ranking));
    Xapian::MSet mset = enquire.get_mset(0, std::max<Xapian::doccount>(bound, 1));
    std::unordered_map<std::string, std::size_t> by_group;  // near-duplicate group -> match
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      if (watch.min_score > 0 && it.get_weight() < watch.min_score) continue;
      Xapian::Document doc = it.get_document();
      std::string group;
      Article a = deserialize_hit_fields(doc.get_value(schema::kHitSlot), &group);
      if (!group.empty()) {
        auto [at, added] = by_group.emplace(group, out.size());
        if (!added) {
          out[at->second].copies.push_back(a.id);
          continue;
        }
      }
      WatchMatch m;
      m.watch = watch.name;
      m.watch_id = watch.id;
      m.id = a.id;
      m.title = a.title;
      m.url = a.url;
      m.source = a.source;
      if (a.published) m.published = format_iso8601(*a.published);
      m.score = it.get_weight();
      run_and_change(doc, m);
      m.entities = matched_entities(doc, *h.aliases, named);
      out.push_back(std::move(m));
    }
    return out;
  });
}

}  // namespace gazette
