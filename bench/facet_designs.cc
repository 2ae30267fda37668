// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-bench-facets: measures two layouts for multi-valued entity facets on a Gazette index.
//  (a) one value slot per entity kind holding a list, counted by Gazette's own collector;
//  (b) one slot per entity position (up to a cap), each counted by Xapian's built-in
//      ValueCountMatchSpy - the only kind of counting a remote (xapian-tcpsrv) shard can run.
// Usage: gazette-bench-facets DB [REPETITIONS] [QUERY...]   (writes DB.positional beside DB)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <xapian.h>

#include "facets.h"
#include "gazette/common/entities.h"
#include "gazette/common/schema.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kCap = 16;  // entity positions per kind in design (b)
constexpr gazette::EntityKind kKinds[] = {gazette::EntityKind::kPerson, gazette::EntityKind::kOrganization,
                                          gazette::EntityKind::kPlace};

Xapian::valueno positional_slot(int kind, int i) { return 100 + static_cast<Xapian::valueno>(kind * 32 + i); }

std::uintmax_t dir_size(const std::string& dir) {
  std::uintmax_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.is_regular_file() ? e.file_size() : 0;
  return n;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

using Counts = std::map<std::string, std::map<std::string, Xapian::doccount>>;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gazette-bench-facets DB [REPETITIONS] [QUERY...]\n");
    return 2;
  }
  std::string db_path = argv[1];
  int reps = argc > 2 ? std::max(1, std::atoi(argv[2])) : 20;
  std::vector<std::string> queries;
  for (int i = 3; i < argc; ++i) queries.emplace_back(argv[i]);
  if (queries.empty()) queries = {"", "said", "government", "market", "film", "game", "people"};

  try {
    Xapian::Database db(db_path);
    std::string copy = db_path + ".positional";
    {
      // Design (b): the same documents plus one slot per entity position.
      Xapian::WritableDatabase out(copy, Xapian::DB_CREATE_OR_OVERWRITE);
      for (Xapian::docid id = 1; id <= db.get_lastdocid(); ++id) {
        Xapian::Document doc;
        try {
          doc = db.get_document(id);
        } catch (const Xapian::DocNotFoundError&) {
          continue;
        }
        for (int k = 0; k < 3; ++k) {
          std::vector<std::string> names =
              gazette::schema::decode_list(doc.get_value(gazette::schema::entity_slot(kKinds[k])));
          for (int i = 0; i < kCap && i < static_cast<int>(names.size()); ++i) {
            doc.add_value(positional_slot(k, i), names[static_cast<std::size_t>(i)]);
          }
        }
        out.replace_document(id, doc);
      }
      out.commit();
    }
    Xapian::Database positional(copy);
    std::size_t over_cap = 0;
    for (Xapian::docid id = 1; id <= db.get_lastdocid(); ++id) {
      try {
        Xapian::Document doc = db.get_document(id);
        for (int k = 0; k < 3; ++k) {
          if (gazette::schema::decode_list(doc.get_value(gazette::schema::entity_slot(kKinds[k]))).size() > kCap) {
            ++over_cap;
            break;
          }
        }
      } catch (const Xapian::DocNotFoundError&) {
      }
    }
    std::printf("articles with more than %d entities of one kind (cut in design b): %zu\n", kCap, over_cap);
    std::printf("index: %s, %u articles; list slots (a) %.1f MB, with positional slots (b) %.1f MB\n", db_path.c_str(),
                db.get_doccount(), static_cast<double>(dir_size(db_path)) / 1e6,
                static_cast<double>(dir_size(copy)) / 1e6);
    std::printf("%-12s %8s %10s %10s %10s %10s %7s\n", "query", "matches", "(a) p50 ms", "(a) p95", "(b) p50 ms",
                "(b) p95", "b / a");
    std::vector<gazette::searcher::FacetSpec> specs = {gazette::searcher::parse_facet("people"),
                                                       gazette::searcher::parse_facet("organizations"),
                                                       gazette::searcher::parse_facet("places")};
    double sum_a = 0, sum_b = 0;
    for (const std::string& q : queries) {
      Xapian::Query query = q.empty() ? Xapian::Query::MatchAll : Xapian::Query(q);
      std::vector<double> ta, tb;
      Counts ca, cb;
      Xapian::doccount matches = 0;
      for (int r = 0; r < reps; ++r) {
        auto t0 = Clock::now();
        Xapian::Enquire e(db);
        e.set_query(query);
        gazette::searcher::FacetCollector collector(specs, {});
        Xapian::MSet m = e.get_mset(0, 10, db.get_doccount(), nullptr, &collector);
        std::vector<gazette::FacetResult> results = collector.results(1000000);
        ta.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        matches = m.get_matches_estimated();
        if (r == 0) {
          for (const auto& f : results) {
            for (const auto& c : f.values) ca[f.name][c.value] = static_cast<Xapian::doccount>(c.count);
          }
        }

        t0 = Clock::now();
        Xapian::Enquire eb(positional);
        eb.set_query(query);
        std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
        for (int k = 0; k < 3; ++k) {
          for (int i = 0; i < kCap; ++i) {
            spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(positional_slot(k, i)));
            eb.add_matchspy(spies.back().get());
          }
        }
        eb.get_mset(0, 10, positional.get_doccount());
        Counts merged;
        for (int k = 0; k < 3; ++k) {
          for (int i = 0; i < kCap; ++i) {
            auto& spy = *spies[static_cast<std::size_t>(k * kCap + i)];
            for (auto v = spy.values_begin(); v != spy.values_end(); ++v)
              merged[specs[static_cast<std::size_t>(k)].name][*v] += v.get_termfreq();
          }
        }
        tb.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (r == 0) cb = std::move(merged);
      }
      double a50 = percentile(ta, 0.5), b50 = percentile(tb, 0.5);
      sum_a += a50;
      sum_b += b50;
      // Design (b) loses the names past the cap; count how many (facet, value) counts differ.
      std::size_t differ = 0;
      for (const auto& [facet, values] : ca) {
        for (const auto& [value, count] : values) differ += cb[facet][value] != count ? 1 : 0;
      }
      std::printf("%-12s %8u %10.3f %10.3f %10.3f %10.3f %7.2f  %zu counts lower in (b)\n",
                  q.empty() ? "(all)" : q.c_str(), matches, a50, percentile(ta, 0.95), b50, percentile(tb, 0.95),
                  b50 / a50, differ);
    }
    std::printf("sum of p50: (a) %.3f ms, (b) %.3f ms, b / a = %.2f\n", sum_a, sum_b, sum_b / sum_a);
    std::filesystem::remove_all(copy);
  } catch (const Xapian::Error& e) {
    std::fprintf(stderr, "gazette-bench-facets: %s\n", e.get_description().c_str());
    return 1;
  }
  return 0;
}
