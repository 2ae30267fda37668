// SPDX-License-Identifier: GPL-2.0-or-later
// Searcher::Impl: a pool of Xapian handles, query execution, Xapian error translation.
#include "gazette/searcher/searcher.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

#include <xapian.h>

#include "gazette/common/analyzer.h"
#include "gazette/common/article.h"
#include "gazette/common/dates.h"
#include "gazette/common/error.h"
#include "gazette/common/schema.h"
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

  SearchResponse run(Handle& h, const SearchRequest& req, const searcher::BuiltQuery& q) {
    SearchResponse resp;
    resp.query = req.query;
    Xapian::Enquire enquire(h.db);
    enquire.set_query(q.query);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    auto check = static_cast<Xapian::doccount>(std::max(req.offset + req.limit, 1000));
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(req.offset),
                                         static_cast<Xapian::doccount>(req.limit), check);
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
  std::unique_ptr<Handle> h = impl_->acquire();
  SearchResponse resp;
  try {
    searcher::QueryBuilder builder(h->analyzer);
    searcher::BuiltQuery q = builder.build(req.query, req.lang, "en");
    try {
      resp = impl_->run(*h, req, q);
    } catch (const Xapian::DatabaseModifiedError&) {
      h->db.reopen();  // a writer committed under us: retry once on the new revision
      resp = impl_->run(*h, req, q);
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

}  // namespace gazette
