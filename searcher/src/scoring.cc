// SPDX-License-Identifier: GPL-2.0-or-later
// How a match is scored: the weighting scheme, pseudo-relevance feedback, proximity of a long
// question's words, and the parts of one hit's score.
#include "scoring.h"

#include "gazette/common/article.h"
#include "gazette/common/schema.h"

namespace gazette::searcher {

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

// Score parts of one hit: each top-level clause alone on this document, plus recency.
std::vector<ScorePart> explain(Handle& h, Xapian::docid did, const BuiltQuery& q, const Recency* recency,
                               const RankingOptions& ranking) {
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
    parts.push_back({"recency", recency->weight_of(doc.get_value(schema::kDaySlot))});
  }
  return parts;
}

// Pseudo-relevance feedback for a long question: the words that best tell the first
// kFeedbackDocs articles from the rest (Xapian's expansion set) rerank what the question
// matches. They only rank (OP_AND_MAYBE): the matches, and so the total, stay the question's.
// Measured with scripts/eval-ranking (README): 15 articles, 20 words at a quarter of the
// question's weight; more weight helps CISI, CRAN and MED and takes CACM (short documents)
// below plain BM25.
Xapian::Query with_feedback(Handle& h, const Xapian::Query& query, const BuiltQuery& q, const RankingOptions& r) {
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
    const BuiltQuery* q;
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
// the articles skipped, as the question's own common terms:
// kCommonWordShare) within a window of 8 words.
Xapian::Query with_proximity(Handle& h, const Xapian::Query& query, const BuiltQuery& q, double weight) {
  std::vector<std::string> words;
  const double common = kCommonWordShare * h.db.get_doccount();
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

}  // namespace gazette::searcher
