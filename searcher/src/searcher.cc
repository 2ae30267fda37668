// SPDX-License-Identifier: GPL-2.0-or-later
// The Searcher: a search (plan, query, match, relaxation, did-you-mean), one article, similar
// articles. The handles are handle_pool.h's; the listings are listings.cc's.
#include "gazette/searcher/searcher.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

#include <xapian.h>

#include "gazette/common/article.h"
#include "gazette/common/entities.h"
#include "gazette/common/error.h"
#include "gazette/common/schema.h"
#include "gazette/searcher/request_params.h"
#include "query_builder.h"
#include "request_plan.h"
#include "run_search.h"
#include "searcher_impl.h"
#include "spelling.h"

namespace gazette {

using searcher::Handle;

namespace {

// An article's entities under their names across the corpus; two names of one entity become
// one entity with the mentions of both.
void resolve_entities(Article& a, const searcher::EntityAliases& aliases) {
  if (aliases.size() == 0) return;
  std::vector<Entity> out;
  for (Entity& e : a.entities) {
    std::string person = aliases.person(e.kind, e.canonical);
    if (!person.empty()) {
      e.kind = EntityKind::kPerson;
      e.canonical = person;
    }
    e.canonical = aliases.canonical(e.kind, e.canonical);
    auto same = std::find_if(out.begin(), out.end(), [&e](const Entity& o) {
      return o.kind == e.kind && fold_case(o.canonical) == fold_case(e.canonical);
    });
    if (same == out.end()) {
      out.push_back(std::move(e));
    } else {
      for (Mention& m : e.mentions) same->mentions.push_back(std::move(m));
    }
  }
  a.entities = std::move(out);
}

// A query finding more articles than this gets no did-you-mean.
constexpr std::uint64_t kFewForSuggestion = 5;

// The time limit bounds the whole search: query building, both match passes and spelling.
class Deadline {
 public:
  explicit Deadline(int limit_ms) : limit_ms_(limit_ms) {}
  double elapsed_ms() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0_).count();
  }
  // What is left of the limit, at least 1 ms; 0 when there is no limit.
  int left_ms() const { return limit_ms_ <= 0 ? 0 : std::max(1, limit_ms_ - static_cast<int>(elapsed_ms())); }
  bool passed() const {
    return limit_ms_ > 0 && std::chrono::steady_clock::now() - t0_ >= std::chrono::milliseconds(limit_ms_);
  }

 private:
  int limit_ms_;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
};

// One search on one handle: the plan, its query builder and the deadline.
struct SearchRun {
  Handle& h;
  const searcher::SearchPlan& plan;
  const Deadline& deadline;
  searcher::QueryBuilder builder;
  searcher::QueryOptions options;
  std::shared_ptr<const searcher::FacetTable> facet_table;  // of h's revision, when one is built

  SearchRun(Handle& handle, const searcher::SearchPlan& p, const Deadline& d, const Gazetteer* gazetteer)
      : h(handle), plan(p), deadline(d), builder(h.analyzer, gazetteer, &h.db, h.aliases.get()) {
    options.lang = p.request.lang;
    options.allow_empty = !p.facets.empty() || !p.filters.empty();
    options.max_all_words = searcher::kMaxAllWords;
  }

  // `query` run under the plan (or `changed`, a variant of it) with the time that is left.
  SearchResponse run(const searcher::BuiltQuery& query, searcher::SearchPlan changed) {
    changed.request.time_limit_ms = deadline.left_ms();
    return searcher::run_search(h, changed, query, facet_table.get());
  }

  // No article has every word: fall back to any word, ranked, and say so.
  void relax(SearchResponse& r) {
    if (deadline.passed()) {
      r.warnings.push_back("no article has every word, and the time limit left no time to search for any of them");
      return;
    }
    searcher::QueryOptions any = options;
    any.default_or = true;
    r = run(builder.build(plan.request.query, any), plan);
    r.relaxed = true;
  }

  // Did you mean: only when the query finds few articles, and only a query that finds clearly
  // more (run here, with the same filters). (A relaxed query found nothing with all its words:
  // the suggestion must, with all of its.)
  void suggest_spelling(const searcher::BuiltQuery& q, SearchResponse& r) {
    std::uint64_t found_by_all = r.relaxed ? 0 : r.total.value;
    if (!q.has_text || found_by_all > kFewForSuggestion || deadline.passed()) return;
    std::string suggestion = searcher::spelling_suggestion(h.db, plan.request.query, q.plain_words);
    if (suggestion.empty() || deadline.passed()) return;
    searcher::SearchPlan count = plan;
    count.facets.clear();
    count.request.offset = 0;
    count.request.limit = 1;
    count.request.ranking.feedback = "off";  // it only reranks: the count is the same without it
    count.request.explain = false;
    count.request.snippet_chars = 0;
    SearchResponse found = run(builder.build(suggestion, options), count);
    if (found.total.value > 0 && found.total.value >= 2 * found_by_all + 1) r.suggestion = suggestion;
  }
};

}  // namespace

Searcher::Searcher(const std::string& db_path) : impl_(std::make_unique<Impl>(db_path)) {}

Searcher::~Searcher() = default;
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;

void Searcher::reopen() { impl_->reopen(); }

std::uint64_t Searcher::article_count() const {
  return impl_->with_handle("count", [](Handle& h) { return static_cast<std::uint64_t>(h.db.get_doccount()); });
}

SearchResponse Searcher::search(const SearchRequest& req) const {
  const Deadline deadline(req.time_limit_ms);
  const searcher::SearchPlan plan = searcher::plan_search(req, impl_->gazetteer());
  SearchResponse resp = impl_->with_handle("search", [&](Handle& h) {
    SearchRun search(h, plan, deadline, impl_->gazetteer());
    if (!plan.facets.empty()) search.facet_table = impl_->facet_table(h);
    searcher::BuiltQuery q = search.builder.build(req.query, search.options);
    SearchResponse r = search.run(q, plan);
    if (r.total.value == 0 && q.relaxable) search.relax(r);
    for (const std::string& w : q.warnings) r.warnings.push_back(w);
    r.optional_words = q.optional_words;
    search.suggest_spelling(q, r);
    r.missing_shards = h.missing_shards();
    if (!r.missing_shards.empty()) {
      r.total.exact = false;
      std::string names;
      for (const std::string& m : r.missing_shards) names += (names.empty() ? "" : ", ") + m;
      r.warnings.push_back("shards not answering: " + names + "; results and counts leave out their articles");
    }
    return r;
  });
  resp.took_ms = deadline.elapsed_ms();
  return resp;
}

std::optional<Article> Searcher::document(const std::string& id) const {
  return impl_->with_handle("document", [&](Handle& h) -> std::optional<Article> {
    std::string term = schema::id_term(id);
    auto p = h.db.postlist_begin(term);
    if (p == h.db.postlist_end(term)) return std::nullopt;
    Article a = deserialize_article(h.db.get_document(*p).get_data());
    resolve_entities(a, *h.aliases);
    return a;
  });
}

namespace {

// The query for articles like `did`: its most telling words and entities (relevance feedback),
// without itself or its near-duplicates; nullopt when the article has no telling term.
std::optional<searcher::BuiltQuery> similar_query(Handle& h, Xapian::docid did, const std::string& id_term) {
  Xapian::RSet rset;
  rset.add_document(did);
  struct Useful : Xapian::ExpandDecider {
    bool operator()(const std::string& t) const override {
      if (t.empty()) return false;
      if (!schema::is_prefixed(t)) return !std::isdigit(static_cast<unsigned char>(t[0]));
      for (std::string_view prefix : {schema::kPersonPrefix, schema::kOrganizationPrefix, schema::kPlacePrefix}) {
        if (t.compare(0, prefix.size(), prefix) == 0) return true;
      }
      return false;
    }
  } useful;
  Xapian::Enquire feedback(h.db);
  Xapian::ESet eset = feedback.get_eset(40, rset, &useful);
  std::vector<Xapian::Query> terms;
  searcher::BuiltQuery q;
  for (auto e = eset.begin(); e != eset.end(); ++e) {
    terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(*e), e.get_weight());
    if (!schema::is_prefixed(*e)) q.words.insert(*e);
  }
  if (terms.empty()) return std::nullopt;
  std::vector<Xapian::Query> exclude{Xapian::Query(id_term)};
  std::string group = h.db.get_document(did).get_value(schema::kDupGroupSlot);
  if (!group.empty()) exclude.emplace_back(schema::make_term(schema::kDupGroupPrefix, group));
  q.query = Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                          Xapian::Query(Xapian::Query::OP_OR, exclude.begin(), exclude.end()));
  return q;
}

}  // namespace

SearchResponse Searcher::similar(const std::string& id, int limit) const {
  const Deadline clock(0);
  check_limit(limit, 1, kMaxLimit);
  // A plain relevance-ranked page of `limit`, whatever the id holds (it is not query text).
  searcher::SearchPlan plan;
  plan.request.query = id;
  plan.request.limit = limit;
  SearchResponse resp = impl_->with_handle("similar", [&](Handle& h) {
    std::string term = schema::id_term(id);
    auto p = h.db.postlist_begin(term);
    if (p == h.db.postlist_end(term)) throw InvalidRequest("no article with id \"" + id + "\"");
    std::optional<searcher::BuiltQuery> q = similar_query(h, *p, term);
    return q ? searcher::run_search(h, plan, *q) : SearchResponse{};
  });
  resp.query = id;
  resp.took_ms = clock.elapsed_ms();
  return resp;
}

}  // namespace gazette
