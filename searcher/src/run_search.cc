// SPDX-License-Identifier: GPL-2.0-or-later
// Running one built query under a plan: the match (filters, recency, feedback, proximity, time
// limit, facet counting), one page ranked with near-duplicates collapsed, and its hits.
#include "run_search.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <unordered_set>

#include "facet_spies.h"
#include "gazette/common/article.h"
#include "gazette/common/dates.h"
#include "gazette/common/schema.h"
#include "scoring.h"
#include "snippet.h"

namespace gazette::searcher {

namespace {

// Number of posting lists a query reads, or -1 when that does not bound its cost (wildcards
// expand, value ranges and match-all scan every document, posting sources are opaque).
long leaf_lists(const Xapian::Query& q) {
  switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM:
    case Xapian::Query::LEAF_MATCH_NOTHING:
      return 1;
    case Xapian::Query::LEAF_MATCH_ALL:
    case Xapian::Query::LEAF_POSTING_SOURCE:
    case Xapian::Query::OP_WILDCARD:
    case Xapian::Query::OP_VALUE_RANGE:
    case Xapian::Query::OP_VALUE_GE:
    case Xapian::Query::OP_VALUE_LE:
      return -1;
    default:
      break;
  }
  long n = 0;
  for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
    long sub = leaf_lists(q.get_subquery(i));
    if (sub < 0) return -1;
    n += sub;
  }
  return n;
}

// A conservative matching rate (Xapian visits ~100 postings per microsecond, fewer with
// positions): a query whose lists, each at most the database's length, hold fewer postings than
// this rate allows in its time limit cannot reach the limit. Xapian's limit arms a POSIX timer
// per query, a fixed cost worth skipping then (~7 us, ~10% of a rare-word query on bbc).
constexpr double kPostingsPerMs = 1000;
// Up to this many postings in a query's term lists (their term frequencies summed) every match
// is counted, so that the total is exact where an estimate would look wrong ("about 19 results"
// over 50 articles). Not free: ranking every match costs ~0.3 us a match, and collapsing
// near-duplicates reads the group of each, ~2 us (bbc, one frequent word of ~400 articles:
// 275 us estimated, 411 counted, 1,286 counted and collapsed); 500 postings bound it near 1 ms.
constexpr double kFreeCountPostings = 500;

// The postings a query's term lists hold (an upper bound of what matching it visits), or -1
// when leaf_lists() says nothing bounds its cost.
double leaf_postings(const Xapian::Database& db, const Xapian::Query& q) {
  if (leaf_lists(q) < 0) return -1;
  double n = 0;
  for (auto t = q.get_unique_terms_begin(); t != q.get_unique_terms_end(); ++t) n += db.get_termfreq(*t);
  return n;
}

// Hits ranked past the page when a page is collapsed after ranking: room for that many
// near-duplicates before Xapian has to collapse instead.
constexpr Xapian::doccount kCollapseSlack = 10;

// One hit of a result page: its small hit record, decoded, and its near-duplicate group.
struct PageEntry {
  Xapian::MSetIterator it;
  Article fields;
  std::string group;
};

PageEntry page_entry(const Xapian::MSetIterator& it) {
  PageEntry e{it, {}, {}};
  e.fields = deserialize_hit_fields(it.get_document().get_value(schema::kHitSlot), &e.group);
  return e;
}

Hit make_hit(Handle& h, const PageEntry& entry, int rank, const BuiltQuery& q, const SearchRequest& req) {
  const Xapian::MSetIterator& it = entry.it;
  const std::string& group = entry.group;
  // Snippets need the body; a plain result list needs only the small hit record.
  Article a = req.snippet_chars > 0 ? deserialize_article(it.get_document().get_data()) : entry.fields;
  Hit hit;
  hit.id = a.id;
  hit.rank = rank;
  hit.score = it.get_weight();
  hit.title = a.title;
  hit.url = a.url;
  hit.source = a.source;
  if (a.published) hit.published = format_iso8601(*a.published);
  if (req.snippet_chars > 0) {  // 0: no snippets (batch jobs, evaluation)
    std::size_t chars = static_cast<std::size_t>(std::max(req.snippet_chars, 40));
    hit.snippet = make_snippet(h.analyzer, a.body, q.words, q.stems, a.lang, chars);
    hit.title_html = highlight(h.analyzer, a.title, q.words, q.stems, a.lang);
  }
  // The other members of its group, whether or not the query matched them (most articles are
  // alone in theirs: the term frequency says so without opening the postings).
  std::string term = schema::make_term(schema::kDupGroupPrefix, group);
  if (!group.empty() && h.db.get_termfreq(term) > 1) {
    for (auto p = h.db.postlist_begin(term); p != h.db.postlist_end(term); ++p) {
      if (*p == *it) continue;
      ++hit.duplicates;
      if (hit.duplicate_ids.size() < 20) {
        // The id from the member's small hit record: its termlist or stored article would be
        // decompressed whole for one field.
        Xapian::Document member = h.db.get_document(*p, Xapian::DOC_ASSUME_VALID);
        hit.duplicate_ids.push_back(deserialize_hit_fields(member.get_value(schema::kHitSlot)).id);
      }
    }
  }
  return hit;
}

// What a page is ranked from: the enquire with everything the request adds to the query, and
// the match time spent so far.
struct Match {
  explicit Match(Xapian::Database& db) : enquire(db) {}
  Xapian::Enquire enquire;
  std::shared_ptr<const Recency> recency;
  std::unique_ptr<FacetCollector> collector;
  // Or, where shards are remote, facets counted by built-in spies (spy_on_facets).
  std::unique_ptr<FacetSpies> spies;
  std::vector<std::size_t> main_spied;  // the plan's facets the main match's spies count
  struct OwnMatch {
    FacetField field;
    Xapian::Query query;              // without the field's own filters
    std::vector<std::size_t> facets;  // the plan's facets of that field
    std::unique_ptr<FacetSpies> spies;
  };
  std::vector<OwnMatch> own_spied;
  Xapian::doccount need = 0;   // offset + limit
  Xapian::doccount check = 0;  // matches to examine: need, or every one for exact counts
  bool timed = false;          // the enquire has a time limit
  double elapsed_ms = 0;

  Xapian::MSet mset(Xapian::doccount first, Xapian::doccount count, Xapian::doccount at_least) {
    const auto t0 = std::chrono::steady_clock::now();
    Xapian::MSet m = enquire.get_mset(first, count, at_least, nullptr, collector.get());
    elapsed_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return m;
  }
};

// Filters go into the query as boolean filters, except those of counted facets: the collector
// applies them, so that each facet's counts can ignore its own filter.
bool is_faceted(const SearchPlan& plan, FacetField field) {
  return std::any_of(plan.facets.begin(), plan.facets.end(), [field](const FacetSpec& s) { return s.field == field; });
}

// `query` filtered by the plan's filters, except those of a faceted field, which go to
// `collector_filters` (the collector applies them, so that their facet counts stay disjunctive);
// with `collector_filters` null, every filter but those of `except` goes in the query.
Xapian::Query filtered(Handle& h, const SearchPlan& plan, Xapian::Query query, std::vector<Filter>* collector_filters,
                       std::optional<FacetField> except = std::nullopt) {
  for (const Filter& f : plan.filters) {
    if (except == f.field) continue;
    if (collector_filters != nullptr && is_faceted(plan, f.field)) {
      collector_filters->push_back(f);
    } else {
      query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                            filter_query(resolve_aliases(f, h.aliases.get()), h.aliases.get()));
    }
  }
  return query;
}

// The query with what ranking adds: recency, then (relevance order only) feedback and proximity.
Xapian::Query ranked(Handle& h, const SearchPlan& plan, const BuiltQuery& q, Xapian::Query query, Match& m) {
  const SearchRequest& req = plan.request;
  if (req.recency_half_life_days > 0) {
    // Fresh relative to the newest article in the index, so an archive still ranks by age.
    if (!h.recency_days) h.recency_days = std::make_shared<const RecencyDays>(read_recency_days(h.db));
    // Kept for the next search of the same half-life (building the map is most of its cost).
    if (!h.recency || h.recency->half_life_days() != req.recency_half_life_days) {
      h.recency =
          std::make_shared<const Recency>(*h.recency_days, req.recency_half_life_days, schema::kRecencyMaxWeight);
    }
    m.recency = h.recency;
    query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, query, m.recency->query());
  }
  const std::string& feedback = req.ranking.feedback;
  if (plan.relevance() && (feedback == "on" || (feedback == "auto" && !q.optional_words.empty()))) {
    query = with_feedback(h, query, q, req.ranking);
  }
  if (plan.relevance() && req.ranking.proximity > 0 && !q.optional_words.empty()) {
    query = with_proximity(h, query, q, req.ranking.proximity);
  }
  return query;
}

// How many matches to examine, and whether to arm Xapian's time limit.
void bound_the_match(Handle& h, const SearchPlan& plan, const Xapian::Query& query, Match& m) {
  const SearchRequest& req = plan.request;
  const Xapian::doccount all = std::max<Xapian::doccount>(h.db.get_doccount(), 1);
  const long lists = leaf_lists(query);
  if (req.time_limit_ms > 0 &&
      (lists < 0 || static_cast<double>(lists) * h.db.get_doccount() > kPostingsPerMs * req.time_limit_ms)) {
    m.enquire.set_time_limit(req.time_limit_ms / 1000.0);
    m.timed = true;
  }
  // Counting every match costs as much as ranking: exact totals only on request (or with
  // facets, which visit every match anyway). total.exact says which the caller got.
  m.need = static_cast<Xapian::doccount>(req.offset + req.limit);
  m.check = m.need;
  if (req.exact_total) m.check = all;
  if (lists >= 0 && static_cast<double>(lists) * h.db.get_doccount() > kFreeCountPostings) {
    // lists x articles bounds the postings without a lookup; only when it does not, ask.
    if (double postings = leaf_postings(h.db, query); postings >= 0 && postings <= kFreeCountPostings) m.check = all;
  } else if (lists >= 0) {
    m.check = all;
  }
  if (!plan.facets.empty()) m.check = all;  // every match: exact counts
}

// Facets counted by built-in spies (a search over remote shards): the spies of the main match
// count the facets without a filter of their own; each faceted field with filters is counted by
// a match of its own, without that field's filters (disjunctive counts).
void spy_on_facets(Handle& h, const SearchPlan& plan, const BuiltQuery& q, Match& m) {
  std::vector<FacetSpec> main;
  for (const FacetSpec& f : plan.facets) {
    const bool own_filter =
        std::any_of(plan.filters.begin(), plan.filters.end(), [&f](const Filter& x) { return x.field == f.field; });
    if (!own_filter) {
      main.push_back(f);
      m.main_spied.push_back(&f - plan.facets.data());
      continue;
    }
    auto own = std::find_if(m.own_spied.begin(), m.own_spied.end(),
                            [&f](const Match::OwnMatch& o) { return o.field == f.field; });
    if (own == m.own_spied.end()) {
      m.own_spied.push_back({f.field, filtered(h, plan, q.query, nullptr, f.field), {}, nullptr});
      own = m.own_spied.end() - 1;
    }
    own->facets.push_back(&f - plan.facets.data());
  }
  m.spies = std::make_unique<FacetSpies>(main, h.aliases.get());
  m.spies->attach(m.enquire);
  for (Match::OwnMatch& o : m.own_spied) {
    std::vector<FacetSpec> specs;
    for (std::size_t k : o.facets) specs.push_back(plan.facets[k]);
    o.spies = std::make_unique<FacetSpies>(std::move(specs), h.aliases.get());
  }
}

// The counts of spied facets: the main match's, then one match per own-filtered field.
std::vector<FacetResult> spied_results(Handle& h, const SearchPlan& plan, Match& m) {
  std::vector<StringMap<std::uint64_t>> counts(plan.facets.size());
  std::vector<StringMap<std::uint64_t>> main = m.spies->counts();
  for (std::size_t i = 0; i < main.size(); ++i) counts[m.main_spied[i]] = std::move(main[i]);
  for (Match::OwnMatch& o : m.own_spied) {
    Xapian::Enquire e(h.db);
    e.set_query(o.query);
    e.set_weighting_scheme(Xapian::BoolWeight());
    o.spies->attach(e);
    e.get_mset(0, 0, std::max<Xapian::doccount>(h.db.get_doccount(), 1));
    std::vector<StringMap<std::uint64_t>> own = o.spies->counts();
    for (std::size_t i = 0; i < own.size(); ++i) counts[o.facets[i]] = std::move(own[i]);
  }
  return top_facet_values(plan.facets, counts, plan.request.facet_size);
}

void build_match(Handle& h, const SearchPlan& plan, const BuiltQuery& q, const FacetTable* facet_table, Match& m) {
  std::vector<Filter> collector_filters;
  // GAZETTE_FACET_SPIES=1 counts with spies on every database: for measuring the two ways.
  static const bool force_spies = std::getenv("GAZETTE_FACET_SPIES") != nullptr;
  if (!plan.facets.empty() && !h.deciders) h.deciders = !force_spies && runs_match_deciders(h.db);
  const bool spied = !plan.facets.empty() && !*h.deciders;
  Xapian::Query query = ranked(h, plan, q, filtered(h, plan, q.query, spied ? nullptr : &collector_filters), m);
  m.enquire.set_query(query);
  m.enquire.set_weighting_scheme(*weighting(plan.request.ranking));
  if (plan.sort != SortOrder::kRelevance) {
    m.enquire.set_sort_by_value_then_relevance(schema::kPublishedSlot, plan.sort == SortOrder::kNewest);
  }
  bound_the_match(h, plan, query, m);
  if (spied) {
    spy_on_facets(h, plan, q, m);
  } else if (!plan.facets.empty()) {
    m.collector = std::make_unique<FacetCollector>(plan.facets, collector_filters, h.aliases.get(), facet_table);
  }
}

// One ranked page and its total.
struct RankedPage {
  std::vector<PageEntry> entries;
  SearchResponse::Total total;
  bool complete = false;  // false: collapsing after ranking left the page short
};

// Xapian's collapse reads the group of every candidate it ranks (a quarter of a frequent word's
// query). Without exact counts to keep, the page is collapsed after ranking: a window a little
// past the page, one hit per group. Incomplete when duplicates leave the page short.
RankedPage collapse_after_ranking(Match& m, const SearchRequest& req) {
  RankedPage page;
  const Xapian::doccount window = m.need + kCollapseSlack;
  Xapian::MSet mset = m.mset(0, window, window);
  std::unordered_set<std::string> groups;
  Xapian::doccount distinct = 0;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    PageEntry e = page_entry(it);
    if (!e.group.empty() && !groups.insert(e.group).second) continue;
    if (++distinct > static_cast<Xapian::doccount>(req.offset) && distinct <= m.need)
      page.entries.push_back(std::move(e));
  }
  // Xapian returns every match when fewer than asked (unless the time limit cut it short).
  bool all_seen = mset.size() < window && !(req.time_limit_ms > 0 && m.elapsed_ms >= req.time_limit_ms);
  page.complete = distinct >= m.need || all_seen;
  if (!page.complete) return RankedPage{};
  page.total.exact = all_seen;
  page.total.value = all_seen ? distinct
                              : static_cast<std::uint64_t>(static_cast<double>(mset.get_matches_estimated()) *
                                                               distinct / std::max<Xapian::doccount>(mset.size(), 1) +
                                                           0.5);
  return page;
}

// The page as Xapian ranks (and, with collapse, collapses) it.
RankedPage rank_in_xapian(Match& m, const SearchRequest& req) {
  RankedPage page;
  if (req.collapse) m.enquire.set_collapse_key(schema::kDupGroupSlot);
  // A second pass gets what the first left of the limit.
  if (m.timed && m.elapsed_ms > 0) m.enquire.set_time_limit(std::max(1.0, req.time_limit_ms - m.elapsed_ms) / 1000.0);
  Xapian::MSet mset =
      m.mset(static_cast<Xapian::doccount>(req.offset), static_cast<Xapian::doccount>(req.limit), m.check);
  // With collapsing, Xapian reports estimates even when it examined every match. It did when
  // no more documents could match than it was asked to check, and then the collapsed lower
  // bound (distinct groups seen) is the exact count.
  bool all_seen = mset.get_uncollapsed_matches_upper_bound() <= m.check;
  page.total.exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound() || (req.collapse && all_seen);
  page.total.value = page.total.exact ? mset.get_matches_lower_bound() : mset.get_matches_estimated();
  for (auto it = mset.begin(); it != mset.end(); ++it) page.entries.push_back(page_entry(it));
  page.complete = true;
  return page;
}

}  // namespace

SearchResponse run_search(Handle& h, const SearchPlan& plan, const BuiltQuery& q, const FacetTable* facet_table) {
  const SearchRequest& req = plan.request;
  SearchResponse resp;
  resp.query = req.query;
  Match m(h.db);
  build_match(h, plan, q, facet_table, m);
  RankedPage page;
  if (req.collapse && m.check == m.need) page = collapse_after_ranking(m, req);
  if (!page.complete) page = rank_in_xapian(m, req);
  resp.total = page.total;
  if (req.time_limit_ms > 0 && m.elapsed_ms >= req.time_limit_ms) {
    resp.warnings.push_back("the query hit its time limit of " + std::to_string(req.time_limit_ms) +
                            " ms: results and counts are partial");
  }
  if (m.collector) resp.facets = m.collector->results(req.facet_size);
  if (m.spies) resp.facets = spied_results(h, plan, m);
  int rank = req.offset;
  for (const PageEntry& e : page.entries) {
    Hit hit = make_hit(h, e, ++rank, q, req);
    if (req.explain) hit.explanation = explain(h, *e.it, q, m.recency.get(), req.ranking);
    resp.hits.push_back(std::move(hit));
  }
  return resp;
}

}  // namespace gazette::searcher
