// SPDX-License-Identifier: GPL-2.0-or-later
// Searcher::Impl: a pool of Xapian handles, query execution, Xapian error translation.
#include "gazette/searcher/searcher.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "gazette/common/analyzer.h"
#include "gazette/common/article.h"
#include "gazette/common/dates.h"
#include "gazette/common/error.h"
#include "gazette/common/schema.h"
#include "facets.h"
#include "gazette/common/entities.h"
#include "gazette/common/ner.h"
#include "query_builder.h"
#include "snippet.h"

namespace gazette {

namespace {

// One thread's view of the database, with the analyser that goes with it.
struct Handle {
  Xapian::Database db;
  Analyzer analyzer;
  std::uint64_t generation = 0;
};

Xapian::Database open_database(const std::string& path) {
  Xapian::Database db;
  try {
    db = Xapian::Database(path);
  } catch (const Xapian::DatabaseNotFoundError&) {
    throw IndexError(path + ": no Gazette database here (build one with gazette-index build)");
  } catch (const Xapian::Error& e) {
    throw IndexError(path + ": cannot open database: " + e.get_description());
  }
  std::string version = db.get_metadata(std::string(schema::kSchemaVersionKey));
  if (version != std::to_string(schema::kSchemaVersion)) {
    throw IndexError(path + ": database schema version " + (version.empty() ? "(none)" : version) +
                     ", this gazette-search reads version " + std::to_string(schema::kSchemaVersion) +
                     "; rebuild it with gazette-index build --rebuild");
  }
  return db;
}

}  // namespace

struct Searcher::Impl {
  std::string path;
  // Entity canonicalisation for filters ("places:U.S."), shared read-only by all threads.
  std::shared_ptr<const EntityExtractor> entities = EntityExtractor::load_default();
  std::mutex mutex;
  std::vector<std::unique_ptr<Handle>> idle;
  std::atomic<std::uint64_t> generation{0};

  std::unique_ptr<Handle> acquire() {
    std::unique_ptr<Handle> h;
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        h = std::move(idle.back());
        idle.pop_back();
      }
    }
    if (!h) {
      h = std::make_unique<Handle>(Handle{open_database(path), Analyzer(), generation.load()});
    } else if (h->generation != generation.load()) {
      try {
        h->db.reopen();
      } catch (const Xapian::Error& e) {
        throw IndexError(path + ": cannot reopen database: " + e.get_description());
      }
      h->generation = generation.load();
    }
    return h;
  }

  void release(std::unique_ptr<Handle> h) {
    std::lock_guard lock(mutex);
    idle.push_back(std::move(h));
  }

  SearchResponse run(Handle& h, const SearchRequest& req, const searcher::BuiltQuery& q,
                     const std::vector<searcher::FacetSpec>& facets, const std::vector<searcher::Filter>& filters) {
    SearchResponse resp;
    resp.query = req.query;
    // Filters go into the query as boolean filters, except those of counted facets: the
    // collector applies them, so that each facet's counts can ignore its own filter.
    Xapian::Query query = q.query;
    std::vector<searcher::Filter> collector_filters;
    for (const Xapian::Query& f : q.filters) query = Xapian::Query(Xapian::Query::OP_FILTER, query, f);
    for (const searcher::Filter& f : filters) {
      bool counted = std::any_of(facets.begin(), facets.end(),
                                 [&f](const searcher::FacetSpec& s) { return s.field == f.field; });
      if (counted) {
        collector_filters.push_back(f);
      } else {
        query = Xapian::Query(Xapian::Query::OP_FILTER, query, searcher::filter_query(f));
      }
    }
    Xapian::Enquire enquire(h.db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    std::unique_ptr<searcher::FacetCollector> collector;
    auto check = static_cast<Xapian::doccount>(std::max(req.offset + req.limit, 1000));
    if (!facets.empty()) {
      collector = std::make_unique<searcher::FacetCollector>(facets, collector_filters);
      check = std::max<Xapian::doccount>(h.db.get_doccount(), 1);  // every match: exact counts
    }
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(req.offset),
                                         static_cast<Xapian::doccount>(req.limit), check, nullptr, collector.get());
    if (collector) resp.facets = collector->results(req.facet_size);
    resp.total.value = mset.get_matches_estimated();
    resp.total.exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    int rank = req.offset;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      Article a = deserialize_article(it.get_document().get_data());
      Hit hit;
      hit.id = a.id;
      hit.rank = ++rank;
      hit.score = it.get_weight();
      hit.title = a.title;
      hit.url = a.url;
      hit.source = a.source;
      if (a.published) hit.published = format_iso8601(*a.published);
      hit.snippet = searcher::make_snippet(h.analyzer, a.body, q.words, q.stems, a.lang,
                                           static_cast<std::size_t>(std::max(req.snippet_chars, 40)));
      resp.hits.push_back(std::move(hit));
    }
    return resp;
  }
};

Searcher::Searcher(const std::string& db_path) : impl_(std::make_unique<Impl>()) {
  impl_->path = db_path;
  impl_->release(impl_->acquire());  // open now, so a bad path fails here
}

Searcher::~Searcher() = default;
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;

void Searcher::reopen() { impl_->generation.fetch_add(1); }

std::uint64_t Searcher::article_count() const {
  std::unique_ptr<Handle> h = impl_->acquire();
  std::uint64_t n = h->db.get_doccount();
  impl_->release(std::move(h));
  return n;
}

SearchResponse Searcher::search(const SearchRequest& req) const {
  const auto t0 = std::chrono::steady_clock::now();
  if (req.limit < 0 || req.limit > kMaxLimit) {
    throw InvalidRequest("limit must be between 0 and " + std::to_string(kMaxLimit));
  }
  if (req.offset < 0) throw InvalidRequest("offset must not be negative");
  if (req.offset + req.limit > kMaxResultWindow) {
    throw InvalidRequest("offset + limit must not exceed " + std::to_string(kMaxResultWindow) +
                         " (deep paging is bounded; narrow the query instead)");
  }
  if (req.facet_size < 1 || req.facet_size > kMaxLimit) {
    throw InvalidRequest("facet_size must be between 1 and " + std::to_string(kMaxLimit));
  }
  const Gazetteer* gazetteer = &impl_->entities->gazetteer();
  std::vector<searcher::FacetSpec> facets;
  for (const std::string& name : req.facets) facets.push_back(searcher::parse_facet(name));
  std::vector<searcher::Filter> filters = searcher::parse_filters(req.filters, gazetteer);
  std::unique_ptr<Handle> h = impl_->acquire();
  SearchResponse resp;
  try {
    searcher::QueryBuilder builder(h->analyzer, gazetteer);
    searcher::BuiltQuery q = builder.build(req.query, req.lang, "en", !facets.empty() || !filters.empty());
    try {
      resp = impl_->run(*h, req, q, facets, filters);
    } catch (const Xapian::DatabaseModifiedError&) {
      h->db.reopen();  // a writer committed under us: retry once on the new revision
      resp = impl_->run(*h, req, q, facets, filters);
    }
  } catch (const Xapian::Error& e) {
    // The handle may be broken: drop it rather than return it to the pool.
    throw IndexError(impl_->path + ": search failed: " + e.get_description());
  } catch (...) {
    impl_->release(std::move(h));
    throw;
  }
  impl_->release(std::move(h));
  resp.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return resp;
}

namespace {

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

constexpr EntityKind kAllKinds[] = {EntityKind::kPerson, EntityKind::kOrganization, EntityKind::kPlace};

}  // namespace

std::vector<EntityCount> Searcher::entities(const EntityListRequest& req) const {
  if (req.limit < 1 || req.limit > kMaxLimit) throw InvalidRequest("limit must be between 1 and " + std::to_string(kMaxLimit));
  std::vector<EntityKind> kinds(std::begin(kAllKinds), std::end(kAllKinds));
  if (!req.kind.empty()) {
    EntityKind k;
    if (!parse_kind(req.kind, k)) throw InvalidRequest("unknown kind \"" + req.kind + "\" (person, organization, place)");
    kinds = {k};
  }
  std::unique_ptr<Handle> h = impl_->acquire();
  std::vector<EntityCount> out;
  try {
    std::vector<std::tuple<std::uint64_t, std::string, EntityKind>> found;
    std::string folded_prefix = fold_case(req.prefix);
    for (EntityKind kind : kinds) {
      std::string start = std::string(schema::entity_prefix(kind)) + folded_prefix;
      for (auto t = h->db.allterms_begin(start); t != h->db.allterms_end(start); ++t) {
        found.emplace_back(t.get_termfreq(), *t, kind);
      }
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return std::get<0>(a) != std::get<0>(b) ? std::get<0>(a) > std::get<0>(b) : std::get<1>(a) < std::get<1>(b);
    });
    if (found.size() > static_cast<std::size_t>(req.limit)) found.resize(static_cast<std::size_t>(req.limit));
    for (const auto& [count, term, kind] : found) {
      out.push_back({std::string(kind_name(kind)), display_name(h->db, term, kind), count});
    }
  } catch (const Xapian::Error& e) {
    throw IndexError(impl_->path + ": entity listing failed: " + e.get_description());
  }
  impl_->release(std::move(h));
  return out;
}

RelatedResponse Searcher::related(const std::string& entity, int limit) const {
  if (limit < 1 || limit > kMaxLimit) throw InvalidRequest("limit must be between 1 and " + std::to_string(kMaxLimit));
  std::vector<searcher::Filter> filters = searcher::parse_filters({entity}, &impl_->entities->gazetteer());
  if (filters.size() != 1 || filters[0].values.size() != 1 ||
      (filters[0].field != searcher::FacetField::kPeople && filters[0].field != searcher::FacetField::kOrganizations &&
       filters[0].field != searcher::FacetField::kPlaces)) {
    throw InvalidRequest("related takes one entity: people:NAME, organizations:NAME or places:NAME");
  }
  EntityKind kind = filters[0].field == searcher::FacetField::kPeople ? EntityKind::kPerson
                    : filters[0].field == searcher::FacetField::kOrganizations ? EntityKind::kOrganization
                                                                                 : EntityKind::kPlace;
  std::string target = schema::entity_term(kind, filters[0].values[0]);
  RelatedResponse resp;
  resp.entity = entity;
  std::unique_ptr<Handle> h = impl_->acquire();
  try {
    Xapian::Database& db = h->db;
    double n_all = std::max<double>(1, db.get_doccount());
    // Foreground counts: entity terms of the articles naming the target (up to a sample cap).
    constexpr std::size_t kMaxForeground = 20000;
    std::unordered_map<std::string, std::uint64_t> together;
    std::size_t fg = 0;
    for (auto p = db.postlist_begin(target); p != db.postlist_end(target) && fg < kMaxForeground; ++p, ++fg) {
      for (EntityKind k : kAllKinds) {
        std::string prefix(schema::entity_prefix(k));
        auto t = db.termlist_begin(*p);
        for (t.skip_to(prefix); t != db.termlist_end(*p) && (*t).compare(0, prefix.size(), prefix) == 0; ++t) {
          if (*t != target) ++together[*t];
        }
      }
    }
    resp.articles = db.get_termfreq(target);
    std::vector<std::tuple<double, std::string, std::uint64_t, std::uint64_t>> scored;
    double n_fg = std::max<double>(1, static_cast<double>(fg));
    for (const auto& [term, count] : together) {
      if (fg >= 10 && count < 2) continue;  // one co-mention in a large set is noise
      std::uint64_t total = db.get_termfreq(term);
      double fg_p = static_cast<double>(count) / n_fg, bg_p = static_cast<double>(total) / n_all;
      if (fg_p <= bg_p) continue;
      scored.emplace_back((fg_p - bg_p) * (fg_p / bg_p), term, count, total);
    }
    std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
      return std::get<0>(a) != std::get<0>(b) ? std::get<0>(a) > std::get<0>(b) : std::get<1>(a) < std::get<1>(b);
    });
    if (scored.size() > static_cast<std::size_t>(limit)) scored.resize(static_cast<std::size_t>(limit));
    for (const auto& [score, term, count, total] : scored) {
      EntityKind k = EntityKind::kPerson;
      for (EntityKind c : kAllKinds) {
        if (term.compare(0, schema::entity_prefix(c).size(), schema::entity_prefix(c)) == 0) k = c;
      }
      resp.related.push_back({std::string(kind_name(k)), display_name(db, term, k), count, total, score});
    }
  } catch (const Xapian::Error& e) {
    throw IndexError(impl_->path + ": related failed: " + e.get_description());
  }
  impl_->release(std::move(h));
  return resp;
}

}  // namespace gazette
