// SPDX-License-Identifier: GPL-2.0-or-later
// Searcher::Impl: a pool of Xapian handles, query execution, Xapian error translation.
#include "gazette/searcher/searcher.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <sys/stat.h>
#include <xapian.h>

#include "aliases.h"
#include "facets.h"
#include "gazette/common/analyzer.h"
#include "gazette/common/article.h"
#include "gazette/common/dates.h"
#include "gazette/common/encoding.h"
#include "gazette/common/entities.h"
#include "gazette/common/error.h"
#include "gazette/common/ner.h"
#include "gazette/common/schema.h"
#include "query_builder.h"
#include "recency.h"
#include "snippet.h"

namespace gazette {

namespace {

// One thread's view of the database, with the analyser that goes with it.
struct Handle {
  Xapian::Database db;
  Analyzer analyzer;
  std::uint64_t generation = 0;
  std::uint64_t identity = 0;  // which database folder (or stub file) the handle opened
  // The corpus's entity aliases as of the revision the handle reads (reloaded when it moves).
  std::shared_ptr<const searcher::EntityAliases> aliases;
};

std::shared_ptr<const searcher::EntityAliases> load_aliases(const Xapian::Database& db,
                                                            const std::shared_ptr<const Gazetteer>& gazetteer) {
  return std::make_shared<const searcher::EntityAliases>(searcher::EntityAliases::load(db, gazetteer));
}

// The folder's device and inode: a rebuild swaps a new database in under the same path, and a
// handle of the old one must then be opened anew (Xapian's reopen() would read the new
// revision's blocks from the old files: "EOF reading block").
std::uint64_t path_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return (static_cast<std::uint64_t>(st.st_dev) << 40) ^ static_cast<std::uint64_t>(st.st_ino);
}

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

// The weighting scheme of a request (validated by Searcher::search).
std::unique_ptr<Xapian::Weight> weighting(const RankingOptions& r) {
  if (r.weighting == "dlh") return std::make_unique<Xapian::DLHWeight>();
  if (r.weighting == "pl2") return std::make_unique<Xapian::PL2Weight>();
  // Dirichlet smoothing, mu 2000 (Zhai & Lafferty 2004); Xapian's default two-stage smoothing
  // measured lower still.
  if (r.weighting == "lm") return std::make_unique<Xapian::LMWeight>(0.0, Xapian::Weight::DIRICHLET_SMOOTHING, 2000, 0);
  return std::make_unique<Xapian::BM25Weight>(r.bm25_k1, schema::kBm25K2, schema::kBm25K3, r.bm25_b,
                                              schema::kBm25MinNormLen);
}

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

constexpr int kMaxSpellingLookups = 8;
// Queries of up to this many bare words need them all (relaxed to any when none has them all);
// longer ones make each optional (README "What a query means").
constexpr int kMaxAllWords = 3;
// A query finding more articles than this gets no did-you-mean.
constexpr std::uint64_t kFewForSuggestion = 5;

void require_utf8(const std::string& text, const char* what) {
  if (!is_valid_utf8(text)) throw InvalidRequest(std::string(what) + " is not valid UTF-8");
}

// The query folded as the words were (NFKC + case folding), with the byte of the text as typed
// where each folded character starts: NFKC changes lengths ("\u3348" is four characters folded,
// "\uFB01" two), so offsets found in the folded text must be mapped back before they are used
// on the typed one.
struct FoldedQuery {
  std::string folded;
  std::map<std::size_t, std::size_t> typed_at;  // folded offset -> typed offset, at character starts
};
FoldedQuery fold_with_offsets(const std::string& typed) {
  FoldedQuery out;
  auto cp_end = [&typed](std::size_t i) {
    auto c = static_cast<unsigned char>(typed[i]);
    std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    return std::min(typed.size(), i + n);
  };
  for (std::size_t i = 0; i < typed.size();) {
    // A character with the combining marks after it (they fold together).
    std::size_t j = cp_end(i);
    while (j < typed.size()) {
      std::size_t k = cp_end(j);
      std::string next = typed.substr(j, k - j);
      auto c0 = static_cast<unsigned char>(next[0]);
      bool combining = (c0 == 0xCC || (c0 == 0xCD && static_cast<unsigned char>(next.size() > 1 ? next[1] : 0) < 0xB0));
      if (!combining) break;
      j = k;
    }
    std::string piece = typed.substr(i, j - i);
    bool space = piece == " " || piece == "\t" || piece == "\n" || piece == "\r";
    out.typed_at[out.folded.size()] = i;
    out.folded += space ? piece : fold_case(piece);
    i = j;
  }
  out.typed_at[out.folded.size()] = typed.size();
  return out;
}

// Scripts whose words have no spelling variation of the kind edit distance fixes (written
// without spaces between words, or in syllable blocks): Han, Hiragana, Katakana, Hangul, Thai,
// Lao, Khmer, Myanmar. "東京 地震" must not become "東京湾 地元".
bool unspellable_script(const std::string& w) {
  for (std::size_t i = 0; i < w.size();) {
    auto c = static_cast<unsigned char>(w[i]);
    std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (i + n > w.size()) break;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(w[i + k]) & 0x3Fu);
    i += n;
    if ((cp >= 0x0E00 && cp <= 0x0EFF) || (cp >= 0x1000 && cp <= 0x109F) || (cp >= 0x1100 && cp <= 0x11FF) ||
        (cp >= 0x1780 && cp <= 0x17FF) || (cp >= 0x3040 && cp <= 0x31FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xAC00 && cp <= 0xD7FF) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF66 && cp <= 0xFFDC) || (cp >= 0x20000 && cp <= 0x3FFFF)) {
      return true;
    }
  }
  return false;
}

// A word that matches articles on its own is replaced only by a word this many times more
// frequent. Measured on ../shared/data/bbc: of 1,500 words found in 1-5 articles, Xapian's
// suggestion (one edit) was 300 times more frequent for 8 (3 typos: "wtih", "thats", "madea";
// 5 real words: "luring" -> "during", "sears" -> "years", "hiss", "tinto", "tout"), 1,000 times
// for 2 ("wtih" -> "with", "thats" -> "that"), both typos; at 30 times, 123 words, mostly real
// ("lunch" -> "launch", "pope" -> "hope").
constexpr double kKnownWordRatio = 1000;

// Rebuilds the query text with the spelling fixes, or "" when nothing was fixed. Each fix
// replaces the word where it was typed (mapped through the folding), never elsewhere. Unknown
// words are fixed; words that match articles only by a far more frequent word
// (kKnownWordRatio); words of unspellable scripts never.
std::string spelling_suggestion(Xapian::Database& db, const std::string& query, const std::vector<std::string>& words) {
  FoldedQuery fq = fold_with_offsets(query);
  std::vector<std::tuple<std::size_t, std::size_t, std::string>> fixes;  // typed [begin, end) -> fix
  std::size_t search_from = 0;
  int looked_up = 0;
  for (const std::string& w : words) {
    if (w.size() < 3 || std::isdigit(static_cast<unsigned char>(w[0]))) continue;
    // Each lookup walks the spelling table's n-grams: a few per query (a pasted paragraph of
    // unknown words would otherwise cost seconds).
    if (++looked_up > kMaxSpellingLookups) break;
    if (unspellable_script(w) || db.synonyms_begin(w) != db.synonyms_end(w)) continue;
    Xapian::doccount known = db.get_termfreq(w);
    // Short words tolerate one edit, longer ones two ("dprk" must not become "park"); a word
    // that matches articles, one.
    std::string fix = db.get_spelling_suggestion(w, known > 0 || w.size() <= 5 ? 1 : 2);
    if (fix.empty() || fix == w) continue;
    if (known > 0 && static_cast<double>(db.get_termfreq(fix)) < kKnownWordRatio * known) continue;
    // The word where it stands in the folded query, on character boundaries both sides.
    std::size_t at = fq.folded.find(w, search_from);
    while (at != std::string::npos && (fq.typed_at.count(at) == 0 || fq.typed_at.count(at + w.size()) == 0)) {
      at = fq.folded.find(w, at + 1);
    }
    if (at == std::string::npos) continue;
    search_from = at + w.size();
    fixes.emplace_back(fq.typed_at[at], fq.typed_at[at + w.size()], fix);
  }
  if (fixes.empty()) return {};
  std::string suggestion = query;
  std::sort(fixes.begin(), fixes.end());
  for (auto f = fixes.rbegin(); f != fixes.rend(); ++f) {
    suggestion.replace(std::get<0>(*f), std::get<1>(*f) - std::get<0>(*f), std::get<2>(*f));
  }
  return suggestion;
}

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
// Below this many postings (leaf lists times articles, at most) every match is counted: the
// total is then exact at no cost that matters ("about 19 results" over 50 articles is wrong).
constexpr double kFreeCountPostings = 50'000;

// Hits ranked past the page when a page is collapsed after ranking: room for that many
// near-duplicates before Xapian has to collapse instead.
constexpr Xapian::doccount kCollapseSlack = 10;

}  // namespace

double parse_half_life(const std::string& text) {
  char* end = nullptr;
  double n = std::strtod(text.c_str(), &end);
  std::string unit(end);
  double days = unit.empty() || unit == "d" ? n
                : unit == "h"               ? n / 24
                : unit == "w"               ? n * 7
                : unit == "y"               ? n * 365
                                            : -1;
  if (end == text.c_str() || !(days > 0) || days > 365000) {
    throw InvalidRequest("recency \"" + text + "\" is not a half-life such as 30d, 12h or 2w");
  }
  return days;
}

struct Searcher::Impl {
  std::string path;
  // Entity canonicalisation for filters ("places:U.S."), shared read-only by all threads.
  std::shared_ptr<const Gazetteer> gazetteer = load_default_gazetteer();
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
      std::uint64_t id = path_identity(path);
      h = std::make_unique<Handle>(Handle{open_database(path), Analyzer(), generation.load(), id, nullptr});
      h->aliases = load_aliases(h->db, gazetteer);
    } else if (h->generation != generation.load()) {
      refresh(*h);
      h->generation = generation.load();
    }
    return h;
  }

  // Moves a handle to the latest commit: reopen() in place, or a fresh open when the path now
  // names another database (a finished --rebuild).
  void refresh(Handle& h) {
    std::uint64_t id = path_identity(path);
    if (id != h.identity) {
      h.db = open_database(path);
      h.identity = id;
      h.aliases = load_aliases(h.db, gazetteer);
      return;
    }
    try {
      if (h.db.reopen()) h.aliases = load_aliases(h.db, gazetteer);
    } catch (const Xapian::Error& e) {
      throw IndexError(path + ": cannot reopen database: " + e.get_description());
    }
  }

  void release(std::unique_ptr<Handle> h) {
    std::lock_guard lock(mutex);
    idle.push_back(std::move(h));
  }

  // Runs `fn(handle)` with a pooled handle; retries once on a concurrent commit; translates
  // Xapian errors. A handle that failed is dropped rather than pooled.
  template <typename Fn>
  auto with_handle(const char* what, Fn&& fn) -> decltype(fn(std::declval<Handle&>())) {
    std::unique_ptr<Handle> h = acquire();
    try {
      try {
        auto result = fn(*h);
        release(std::move(h));
        return result;
      } catch (const Xapian::DatabaseModifiedError&) {
        refresh(*h);  // a writer committed under us: retry once on the new revision
        auto result = fn(*h);
        release(std::move(h));
        return result;
      } catch (const Xapian::DatabaseError&) {
        // Read errors on a database that a rebuild has just replaced: retry once on the new one.
        if (path_identity(path) == h->identity) throw;
        refresh(*h);
        auto result = fn(*h);
        release(std::move(h));
        return result;
      }
    } catch (const Xapian::Error& e) {
      throw IndexError(path + ": " + what + " failed: " + e.get_description());
    } catch (...) {
      if (h) release(std::move(h));
      throw;
    }
  }

  // One hit of a result page: its small hit record, decoded, and its near-duplicate group.
  struct PageEntry {
    Xapian::MSetIterator it;
    Article fields;
    std::string group;
  };

  static PageEntry page_entry(const Xapian::MSetIterator& it) {
    PageEntry e{it, {}, {}};
    e.fields = deserialize_hit_fields(it.get_document().get_value(schema::kHitSlot), &e.group);
    return e;
  }

  Hit make_hit(Handle& h, const PageEntry& entry, int rank, const searcher::BuiltQuery& q, const SearchRequest& req) {
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
      hit.snippet = searcher::make_snippet(h.analyzer, a.body, q.words, q.stems, a.lang, chars);
      hit.title_html = searcher::highlight(h.analyzer, a.title, q.words, q.stems, a.lang);
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

  // Score parts of one hit: each top-level clause alone on this document, plus recency.
  std::vector<ScorePart> explain(Handle& h, Xapian::docid did, const searcher::BuiltQuery& q,
                                 const searcher::RecencySource* recency, const RankingOptions& ranking) {
    std::vector<ScorePart> parts;
    Xapian::Document doc = h.db.get_document(did);
    Xapian::Query self(schema::id_term(deserialize_article(doc.get_data()).id));
    for (std::size_t i = 0; i < q.clauses.size(); ++i) {
      Xapian::Enquire e(h.db);
      e.set_weighting_scheme(*weighting(ranking));
      e.set_query(Xapian::Query(Xapian::Query::OP_FILTER, q.clauses[i], self));
      Xapian::MSet m = e.get_mset(0, 1);
      parts.push_back({q.clause_labels[i], m.empty() ? 0.0 : m.begin().get_weight()});
    }
    if (recency != nullptr) {
      std::optional<std::int64_t> t = schema::decode_published(doc.get_value(schema::kPublishedSlot));
      parts.push_back({"recency", t ? recency->weight_at(*t) : 0.0});
    }
    return parts;
  }

  // Pseudo-relevance feedback for a long question: the words that best tell the first
  // kFeedbackDocs articles from the rest (Xapian's expansion set) rerank what the question
  // matches. They only rank (OP_AND_MAYBE): the matches, and so the total, stay the question's.
  // Measured with scripts/eval-ranking (README): 15 articles, 20 words at a quarter of the
  // question's weight; more weight helps CISI, CRAN and MED and takes CACM (short documents)
  // below plain BM25.
  static Xapian::Query expanded(Handle& h, const Xapian::Query& query, const searcher::BuiltQuery& q,
                                const RankingOptions& r) {
    const auto docs = static_cast<Xapian::doccount>(r.feedback_docs);
    const auto terms = static_cast<Xapian::termcount>(r.feedback_terms);
    const double weight = r.feedback_weight;
    Xapian::Enquire first(h.db);
    first.set_query(query);
    first.set_weighting_scheme(*weighting(r));
    Xapian::MSet top = first.get_mset(0, docs);
    if (top.size() < 2) return query;
    Xapian::RSet rset;
    for (auto it = top.begin(); it != top.end(); ++it) rset.add_document(*it);
    // Plain words only (no field, stem or facet terms), not the question's own.
    struct Words : Xapian::ExpandDecider {
      const searcher::BuiltQuery* q;
      bool operator()(const std::string& t) const override {
        if (t.size() < 3 || !(static_cast<unsigned char>(t[0]) >= 0x80 || (t[0] >= 'a' && t[0] <= 'z'))) return false;
        return q->words.count(t) == 0;
      }
    } decider;
    decider.q = &q;
    Xapian::ESet eset = first.get_eset(terms, rset, &decider);
    if (eset.empty()) return query;
    std::vector<Xapian::Query> more;
    double top_weight = eset.begin().get_weight();
    for (auto it = eset.begin(); it != eset.end(); ++it) {
      more.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(*it), weight * it.get_weight() / top_weight);
    }
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE, query,
                         Xapian::Query(Xapian::Query::OP_OR, more.begin(), more.end()));
  }

  // Proximity for a long question: each pair of successive words (words in more than a fifth of
  // the articles skipped, as the question's own common terms) within a window of 8 words.
  static Xapian::Query near_pairs(Handle& h, const Xapian::Query& query, const searcher::BuiltQuery& q, double weight) {
    std::vector<std::string> words;
    const double common = 0.2 * h.db.get_doccount();
    for (const std::string& w : q.plain_words) {
      Xapian::doccount tf = h.db.get_termfreq(w);
      if (tf > 0 && tf <= common && (words.empty() || words.back() != w)) words.push_back(w);
    }
    std::vector<Xapian::Query> pairs;
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
      Xapian::Query pair[] = {Xapian::Query(words[i]), Xapian::Query(words[i + 1])};
      pairs.emplace_back(Xapian::Query::OP_NEAR, std::begin(pair), std::end(pair), 8);
    }
    if (pairs.empty()) return query;
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE, query,
                         Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                       Xapian::Query(Xapian::Query::OP_OR, pairs.begin(), pairs.end()), weight));
  }

  SearchResponse run(Handle& h, const SearchRequest& req, const searcher::BuiltQuery& q,
                     const std::vector<searcher::FacetSpec>& facets, const std::vector<searcher::Filter>& filters) {
    SearchResponse resp;
    resp.query = req.query;
    // Filters go into the query as boolean filters, except those of counted facets: the
    // collector applies them, so that each facet's counts can ignore its own filter.
    Xapian::Query query = q.query;
    std::vector<searcher::Filter> collector_filters;
    for (const searcher::Filter& f : filters) {
      bool counted =
          std::any_of(facets.begin(), facets.end(), [&f](const searcher::FacetSpec& s) { return s.field == f.field; });
      if (counted) {
        collector_filters.push_back(f);
      } else {
        query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                              searcher::filter_query(searcher::resolve_aliases(f, h.aliases.get()), h.aliases.get()));
      }
    }
    std::unique_ptr<searcher::RecencySource> recency;
    if (req.recency_half_life_days > 0) {
      // Fresh relative to the newest article in the index, so an archive still ranks by age.
      std::optional<std::int64_t> newest = schema::decode_published(h.db.get_value_upper_bound(schema::kPublishedSlot));
      recency = std::make_unique<searcher::RecencySource>(
          schema::kPublishedSlot, newest.value_or(0), req.recency_half_life_days * 86400.0, schema::kRecencyMaxWeight);
      query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, query, Xapian::Query(recency.get()));
    }
    const std::string& feedback = req.ranking.feedback;
    if (req.sort == "relevance" && (feedback == "on" || (feedback == "auto" && !q.optional_words.empty()))) {
      query = expanded(h, query, q, req.ranking);
    }
    if (req.sort == "relevance" && req.ranking.proximity > 0 && !q.optional_words.empty()) {
      query = near_pairs(h, query, q, req.ranking.proximity);
    }
    Xapian::Enquire enquire(h.db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(*weighting(req.ranking));
    if (req.sort == "newest" || req.sort == "oldest") {
      enquire.set_sort_by_value_then_relevance(schema::kPublishedSlot, req.sort == "newest");
    }
    bool timed = false;
    if (req.time_limit_ms > 0) {
      long lists = leaf_lists(query);
      if (lists < 0 || static_cast<double>(lists) * h.db.get_doccount() > kPostingsPerMs * req.time_limit_ms) {
        enquire.set_time_limit(req.time_limit_ms / 1000.0);
        timed = true;
      }
    }
    std::unique_ptr<searcher::FacetCollector> collector;
    // Counting every match costs as much as ranking: exact totals only on request (or with
    // facets, which visit every match anyway). total.exact says which the caller got.
    const auto need = static_cast<Xapian::doccount>(req.offset + req.limit);
    auto check = need;
    if (req.exact_total) check = std::max<Xapian::doccount>(h.db.get_doccount(), 1);
    if (long lists = leaf_lists(query);
        lists >= 0 && static_cast<double>(lists) * h.db.get_doccount() <= kFreeCountPostings) {
      check = std::max(check, std::max<Xapian::doccount>(h.db.get_doccount(), 1));
    }
    if (!facets.empty()) {
      collector = std::make_unique<searcher::FacetCollector>(facets, collector_filters, h.aliases.get());
      check = std::max<Xapian::doccount>(h.db.get_doccount(), 1);  // every match: exact counts
    }
    double elapsed = 0;
    auto timed_mset = [&](Xapian::doccount first, Xapian::doccount count, Xapian::doccount at_least) {
      const auto t0 = std::chrono::steady_clock::now();
      Xapian::MSet m = enquire.get_mset(first, count, at_least, nullptr, collector.get());
      elapsed += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      return m;
    };
    // The page: each hit with its near-duplicate group ("" for none).
    std::vector<PageEntry> page;
    bool done = false;
    if (req.collapse && check == need) {
      // Xapian's collapse reads the group of every candidate it ranks (a quarter of a frequent
      // word's query). Without exact counts to keep, the page is collapsed after ranking: a
      // window a little past the page, one hit per group. Only when duplicates leave the page
      // short does Xapian collapse (below).
      const Xapian::doccount window = need + kCollapseSlack;
      Xapian::MSet mset = timed_mset(0, window, window);
      std::unordered_set<std::string> groups;
      Xapian::doccount distinct = 0;
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        PageEntry e = page_entry(it);
        if (!e.group.empty() && !groups.insert(e.group).second) continue;
        if (++distinct > static_cast<Xapian::doccount>(req.offset) && distinct <= need) page.push_back(std::move(e));
      }
      // Xapian returns every match when fewer than asked (unless the time limit cut it short).
      bool all_seen = mset.size() < window && !(req.time_limit_ms > 0 && elapsed >= req.time_limit_ms);
      if (distinct >= need || all_seen) {
        done = true;
        resp.total.exact = all_seen;
        resp.total.value = all_seen
                               ? distinct
                               : static_cast<std::uint64_t>(static_cast<double>(mset.get_matches_estimated()) *
                                                                distinct / std::max<Xapian::doccount>(mset.size(), 1) +
                                                            0.5);
      } else {
        page.clear();
      }
    }
    if (!done) {
      if (req.collapse) enquire.set_collapse_key(schema::kDupGroupSlot);
      // The second pass gets what the first left of the limit.
      if (timed && elapsed > 0) enquire.set_time_limit(std::max(1.0, req.time_limit_ms - elapsed) / 1000.0);
      Xapian::MSet mset =
          timed_mset(static_cast<Xapian::doccount>(req.offset), static_cast<Xapian::doccount>(req.limit), check);
      // With collapsing, Xapian reports estimates even when it examined every match. It did when
      // no more documents could match than it was asked to check, and then the collapsed lower
      // bound (distinct groups seen) is the exact count.
      bool all_seen = mset.get_uncollapsed_matches_upper_bound() <= check;
      resp.total.exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound() || (req.collapse && all_seen);
      resp.total.value = resp.total.exact ? mset.get_matches_lower_bound() : mset.get_matches_estimated();
      for (auto it = mset.begin(); it != mset.end(); ++it) page.push_back(page_entry(it));
    }
    if (req.time_limit_ms > 0 && elapsed >= req.time_limit_ms) {
      resp.warnings.push_back("the query hit its time limit of " + std::to_string(req.time_limit_ms) +
                              " ms: results and counts are partial");
    }
    if (collector) resp.facets = collector->results(req.facet_size);
    int rank = req.offset;
    for (const PageEntry& e : page) {
      Hit hit = make_hit(h, e, ++rank, q, req);
      if (req.explain) hit.explanation = explain(h, *e.it, q, recency.get(), req.ranking);
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
  return impl_->with_handle("count", [](Handle& h) { return static_cast<std::uint64_t>(h.db.get_doccount()); });
}

SearchResponse Searcher::search(const SearchRequest& req) const {
  const auto t0 = std::chrono::steady_clock::now();
  if (req.limit < 0 || req.limit > kMaxLimit) {
    throw InvalidRequest("limit must be between 0 and " + std::to_string(kMaxLimit));
  }
  if (req.offset < 0) throw InvalidRequest("offset must not be negative");
  if (req.offset > kMaxResultWindow - req.limit) {  // (offset + limit would overflow near INT_MAX)
    throw InvalidRequest("offset + limit must not exceed " + std::to_string(kMaxResultWindow) +
                         " (deep paging is bounded; narrow the query instead)");
  }
  if (req.facet_size < 1 || req.facet_size > kMaxLimit) {
    throw InvalidRequest("facet_size must be between 1 and " + std::to_string(kMaxLimit));
  }
  if (req.sort != "relevance" && req.sort != "newest" && req.sort != "oldest") {
    throw InvalidRequest("sort must be relevance, newest or oldest, not \"" + req.sort + "\"");
  }
  if (req.recency_half_life_days < 0) throw InvalidRequest("recency half-life must be positive");
  const RankingOptions& rk = req.ranking;
  if (rk.weighting != "bm25" && rk.weighting != "dlh" && rk.weighting != "pl2" && rk.weighting != "lm") {
    throw InvalidRequest("weighting must be bm25, dlh, pl2 or lm, not \"" + rk.weighting + "\"");
  }
  if (!(rk.bm25_k1 >= 0 && rk.bm25_k1 <= 100)) throw InvalidRequest("bm25 k1 must be between 0 and 100");
  if (!(rk.bm25_b >= 0 && rk.bm25_b <= 1)) throw InvalidRequest("bm25 b must be between 0 and 1");
  if (rk.feedback != "auto" && rk.feedback != "on" && rk.feedback != "off") {
    throw InvalidRequest("feedback must be auto, on or off, not \"" + rk.feedback + "\"");
  }
  if (rk.feedback_docs < 2 || rk.feedback_docs > 100) throw InvalidRequest("feedback docs must be between 2 and 100");
  if (rk.feedback_terms < 1 || rk.feedback_terms > 100)
    throw InvalidRequest("feedback terms must be between 1 and 100");
  if (!(rk.feedback_weight >= 0 && rk.feedback_weight <= 1))
    throw InvalidRequest("feedback weight must be between 0 and 1");
  if (!(rk.proximity >= 0 && rk.proximity <= 1)) throw InvalidRequest("proximity must be between 0 and 1");
  if (req.time_limit_ms < 0) throw InvalidRequest("time limit must not be negative");
  if (req.query.size() > kMaxQueryBytes) {
    throw InvalidRequest("query is longer than " + std::to_string(kMaxQueryBytes) + " bytes");
  }
  require_utf8(req.query, "query");
  for (const std::string& f : req.filters) require_utf8(f, "filter");
  for (const std::string& f : req.facets) require_utf8(f, "facet");
  require_utf8(req.lang, "lang");
  const Gazetteer* gazetteer = impl_->gazetteer.get();
  std::vector<searcher::FacetSpec> facets;
  for (const std::string& name : req.facets) facets.push_back(searcher::parse_facet(name));
  std::vector<searcher::Filter> filters = searcher::parse_filters(req.filters, gazetteer);

  SearchResponse resp = impl_->with_handle("search", [&](Handle& h) {
    searcher::QueryBuilder builder(h.analyzer, gazetteer, &h.db, h.aliases.get());
    searcher::QueryOptions options;
    options.lang = req.lang;
    options.allow_empty = !facets.empty() || !filters.empty();
    options.max_all_words = kMaxAllWords;
    // The time limit bounds the whole search: query building, both match passes and spelling.
    auto left_ms = [&]() -> int {
      if (req.time_limit_ms <= 0) return 0;  // no limit
      double spent = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      return std::max(1, req.time_limit_ms - static_cast<int>(spent));
    };
    auto out_of_time = [&] {
      return req.time_limit_ms > 0 &&
             std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(req.time_limit_ms);
    };
    searcher::BuiltQuery q = builder.build(req.query, options);
    SearchRequest timed = req;
    timed.time_limit_ms = left_ms();
    SearchResponse r = impl_->run(h, timed, q, facets, filters);
    if (r.total.value == 0 && q.relaxable) {
      if (out_of_time()) {
        r.warnings.push_back("no article has every word, and the time limit left no time to search for any of them");
      } else {
        // No article has every word: fall back to any word, ranked, and say so.
        options.default_or = true;
        searcher::BuiltQuery relaxed = builder.build(req.query, options);
        timed.time_limit_ms = left_ms();
        r = impl_->run(h, timed, relaxed, facets, filters);
        r.relaxed = true;
      }
    }
    for (const std::string& w : q.warnings) r.warnings.push_back(w);
    r.optional_words = q.optional_words;
    // Did you mean: only when the query finds few articles, and only a query that finds
    // clearly more (run here, with the same filters).
    // (A relaxed query found nothing with all its words: the suggestion must, with all of its.)
    std::uint64_t found_by_all = r.relaxed ? 0 : r.total.value;
    if (q.has_text && found_by_all <= kFewForSuggestion && !out_of_time()) {
      std::string suggestion = spelling_suggestion(h.db, req.query, q.plain_words);
      if (!suggestion.empty() && !out_of_time()) {
        searcher::QueryOptions plain = options;
        plain.default_or = false;
        searcher::BuiltQuery sq = builder.build(suggestion, plain);
        SearchRequest count = timed;
        count.offset = 0;
        count.limit = 1;
        count.time_limit_ms = left_ms();
        count.ranking.feedback = "off";  // it only reranks: the count is the same without it
        count.explain = false;
        count.snippet_chars = 0;
        SearchResponse found = impl_->run(h, count, sq, {}, filters);
        if (found.total.value > 0 && found.total.value >= 2 * found_by_all + 1) r.suggestion = suggestion;
      }
    }
    return r;
  });
  resp.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return resp;
}

std::vector<EntityCount> Searcher::entities(const EntityListRequest& req) const {
  if (req.limit < 1 || req.limit > kMaxLimit)
    throw InvalidRequest("limit must be between 1 and " + std::to_string(kMaxLimit));
  require_utf8(req.prefix, "prefix");
  std::vector<EntityKind> kinds(std::begin(kAllKinds), std::end(kAllKinds));
  if (!req.kind.empty()) {
    EntityKind k;
    if (!parse_kind(req.kind, k))
      throw InvalidRequest("unknown kind \"" + req.kind + "\" (person, organization, place)");
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
      std::string start = prefix + folded_prefix;
      for (auto t = h.db.allterms_begin(start); t != h.db.allterms_end(start); ++t) {
        std::string folded = (*t).substr(prefix.size());
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
        r.count += t.get_termfreq();
        r.kind = as;
        if (aliased) r.name = canonical;
        r.terms.push_back(*t);
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
  if (limit < 1 || limit > kMaxLimit) throw InvalidRequest("limit must be between 1 and " + std::to_string(kMaxLimit));
  require_utf8(entity, "entity");
  std::vector<searcher::Filter> filters = searcher::parse_filters({entity}, impl_->gazetteer.get());
  if (filters.size() != 1 || filters[0].values.size() != 1 ||
      (filters[0].field != searcher::FacetField::kPeople && filters[0].field != searcher::FacetField::kOrganizations &&
       filters[0].field != searcher::FacetField::kPlaces)) {
    throw InvalidRequest("related takes one entity: people:NAME, organizations:NAME or places:NAME");
  }
  EntityKind kind = filters[0].field == searcher::FacetField::kPeople          ? EntityKind::kPerson
                    : filters[0].field == searcher::FacetField::kOrganizations ? EntityKind::kOrganization
                                                                               : EntityKind::kPlace;
  return impl_->with_handle("related", [&](Handle& h) {
    RelatedResponse resp;
    resp.entity = entity;
    Xapian::Database& db = h.db;
    const searcher::EntityAliases& aliases = *h.aliases;
    // An entity term's key: kind letter + folded name across the corpus; and all its terms.
    auto key_of = [&aliases](EntityKind k, const std::string& term) {
      std::string folded = term.substr(schema::entity_prefix(k).size());
      std::string person = aliases.person(k, folded);
      if (!person.empty()) return std::string(1, schema::kind_letter(EntityKind::kPerson)) + fold_case(person);
      return std::string(1, schema::kind_letter(k)) + fold_case(aliases.canonical(k, folded));
    };
    auto terms_of = [&aliases](EntityKind k, const std::string& name) {
      std::vector<std::string> terms;
      for (const std::string& n : aliases.names_of(k, aliases.canonical(k, name))) {
        std::string t = schema::entity_term(k, n);
        if (std::find(terms.begin(), terms.end(), t) == terms.end()) terms.push_back(t);
      }
      return terms;
    };
    std::vector<std::string> targets = terms_of(kind, filters[0].values[0]);
    std::string target_key = key_of(kind, targets.front());
    double n_all = std::max<double>(1, db.get_doccount());
    // Foreground: the articles naming the target by any of its names (up to a sample cap), and
    // the entities named with it, each once per article.
    constexpr std::size_t kMaxForeground = 20000;
    std::set<Xapian::docid> docs;
    for (const std::string& t : targets) {
      for (auto p = db.postlist_begin(t); p != db.postlist_end(t) && docs.size() < kMaxForeground; ++p) docs.insert(*p);
    }
    struct Seen {
      std::uint64_t count = 0;
      EntityKind kind = EntityKind::kPerson;
      std::string term;  // one of its terms, for the display name
    };
    std::unordered_map<std::string, Seen> together;
    for (Xapian::docid d : docs) {
      std::set<std::string> keys;
      for (EntityKind k : kAllKinds) {
        std::string prefix(schema::entity_prefix(k));
        auto t = db.termlist_begin(d);
        for (t.skip_to(prefix); t != db.termlist_end(d) && (*t).compare(0, prefix.size(), prefix) == 0; ++t) {
          std::string key = key_of(k, *t);
          if (key == target_key || !keys.insert(key).second) continue;
          Seen& seen = together[key];
          ++seen.count;
          seen.kind = k;
          if (seen.term.empty()) seen.term = *t;
        }
      }
    }
    std::uint64_t articles = 0;
    for (const std::string& t : targets) articles += db.get_termfreq(t);
    resp.articles = std::min<std::uint64_t>(articles, docs.size() < kMaxForeground ? docs.size() : articles);
    const std::size_t fg = docs.size();
    std::vector<std::tuple<double, std::string, std::uint64_t, std::uint64_t, EntityKind, std::string>> scored;
    double n_fg = std::max<double>(1, static_cast<double>(fg));
    for (const auto& [key, seen] : together) {
      if (fg >= 10 && seen.count < 2) continue;  // one co-mention in a large set is noise
      std::uint64_t total = 0;
      std::string folded = seen.term.substr(schema::entity_prefix(seen.kind).size());
      for (const std::string& t : terms_of(seen.kind, folded)) total += db.get_termfreq(t);
      double fg_p = static_cast<double>(seen.count) / n_fg, bg_p = static_cast<double>(total) / n_all;
      if (fg_p <= bg_p) continue;
      scored.emplace_back((fg_p - bg_p) * (fg_p / bg_p), key, seen.count, total, seen.kind, seen.term);
    }
    std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
      return std::get<0>(a) != std::get<0>(b) ? std::get<0>(a) > std::get<0>(b) : std::get<1>(a) < std::get<1>(b);
    });
    if (scored.size() > static_cast<std::size_t>(limit)) scored.resize(static_cast<std::size_t>(limit));
    for (const auto& [score, key, count, total, k, term] : scored) {
      std::string folded = term.substr(schema::entity_prefix(k).size());
      std::string person = aliases.person(k, folded);
      std::string canonical = person.empty() ? aliases.canonical(k, folded) : person;
      std::string name = canonical != folded ? canonical : display_name(db, term, k);
      resp.related.push_back(
          {std::string(kind_name(person.empty() ? k : EntityKind::kPerson)), name, count, total, score});
    }
    return resp;
  });
}

std::vector<Suggestion> Searcher::suggest(const std::string& text, int limit) const {
  if (limit < 1 || limit > 50) throw InvalidRequest("limit must be between 1 and 50");
  require_utf8(text, "text");
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
    std::vector<std::pair<std::uint64_t, std::string>> words;
    std::string prefix = std::string(schema::kTitlePrefix) + last;
    for (auto t = h.db.allterms_begin(prefix); t != h.db.allterms_end(prefix); ++t) {
      words.emplace_back(t.get_termfreq(), (*t).substr(schema::kTitlePrefix.size()));
    }
    std::sort(words.begin(), words.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (const auto& [count, word] : words) {
      if (static_cast<int>(out.size()) >= limit) break;
      out.push_back({head + word, "word", count});
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
      std::string p(prefix);
      for (auto t = h.db.allterms_begin(p); t != h.db.allterms_end(p); ++t) {
        std::string name = (*t).substr(p.size());
        auto post = h.db.postlist_begin(*t);
        if (slot != Xapian::BAD_VALUENO && post != h.db.postlist_end(*t)) {
          std::string display = h.db.get_document(*post).get_value(slot);
          if (!display.empty()) name = display;
        }
        out.push_back({name, t.get_termfreq()});
      }
      std::sort(out.begin(), out.end(), [](const FacetCount& a, const FacetCount& b) {
        return a.count != b.count ? a.count > b.count : a.value < b.value;
      });
      if (out.size() > cap) out.resize(cap);
      return out;
    };
    s.languages = counts(schema::kLanguagePrefix, Xapian::BAD_VALUENO, 100);
    s.sources = counts(schema::kSourcePrefix, schema::kSourceSlot, 50);
    return s;
  });
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

SearchResponse Searcher::similar(const std::string& id, int limit) const {
  const auto t0 = std::chrono::steady_clock::now();
  if (limit < 1 || limit > kMaxLimit) throw InvalidRequest("limit must be between 1 and " + std::to_string(kMaxLimit));
  SearchResponse resp = impl_->with_handle("similar", [&](Handle& h) {
    std::string term = schema::id_term(id);
    auto p = h.db.postlist_begin(term);
    if (p == h.db.postlist_end(term)) throw InvalidRequest("no article with id \"" + id + "\"");
    Xapian::docid did = *p;
    Xapian::Document doc = h.db.get_document(did);
    // Relevance feedback: the article's most telling words and entities become the query.
    Xapian::RSet rset;
    rset.add_document(did);
    struct Useful : Xapian::ExpandDecider {
      bool operator()(const std::string& t) const override {
        if (t.empty()) return false;
        if (t[0] >= 'a' || static_cast<unsigned char>(t[0]) >= 0x80)
          return !std::isdigit(static_cast<unsigned char>(t[0]));
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
      if ((*e)[0] >= 'a' || static_cast<unsigned char>((*e)[0]) >= 0x80) q.words.insert(*e);
    }
    if (terms.empty()) return SearchResponse{};
    // Not the article itself, nor its near-duplicates.
    std::vector<Xapian::Query> exclude{Xapian::Query(term)};
    std::string group = doc.get_value(schema::kDupGroupSlot);
    if (!group.empty()) exclude.emplace_back(schema::make_term(schema::kDupGroupPrefix, group));
    q.query = Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                            Xapian::Query(Xapian::Query::OP_OR, exclude.begin(), exclude.end()));
    SearchRequest req;
    req.query = id;
    req.limit = limit;
    return impl_->run(h, req, q, {}, {});
  });
  resp.query = id;
  resp.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return resp;
}

}  // namespace gazette
