// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-bench-xapian: the plain Xapian baseline of the benchmarks, on the same input.
//   index --db DB PATH...      TermGenerator (English stemmer) + replace_document, Xapian's own
//                              flushing and one final commit; articles read by Gazette's readers.
//   search --db DB --queries FILE [--reps N]
//                              QueryParser (English, STEM_SOME, default AND) + BM25, top 10 with
//                              their data; prints p50/p95/p99 in microseconds.
//   terms --db DB --min-df A --max-df B [--count N]
//                              N plain words (a-z, 4+ letters) whose document frequency lies
//                              in [A, B], spread evenly over the vocabulary, one per line: the
//                              frequent and rare query words of the benchmarks.
//   cooccur --db DB --words K --min-df A --max-df B [--count N]   K words of one article, N lines
//   phrases --db DB [--count N] two adjacent plain words from N articles spread over the
//                              database, as "quoted phrases": phrase queries that match.
// Prints one JSON object.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <xapian.h>

#include "bench_args.h"
#include "corpus_reader.h"

namespace {

using Clock = std::chrono::steady_clock;

using gazette::bench::arg;
using gazette::bench::peak_rss_kb;

std::uintmax_t dir_size(const std::string& dir) {
  std::uintmax_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.is_regular_file() ? e.file_size() : 0;
  return n;
}

int index(int argc, char** argv) {
  std::string db_path = arg(argc, argv, "--db");
  std::vector<std::string> inputs;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--db") {
      ++i;
      continue;
    }
    inputs.push_back(a);
  }
  auto t0 = Clock::now();
  Xapian::WritableDatabase db(db_path, Xapian::DB_CREATE_OR_OVERWRITE);
  Xapian::TermGenerator tg;
  tg.set_stemmer(Xapian::Stem("english"));
  std::size_t articles = 0, bytes = 0;
  for (const auto& file : gazette::indexer::discover_files(inputs)) {
    if (gazette::indexer::format_of(file.path) == gazette::indexer::Format::kUnsupported) continue;
    for (const auto& ra : gazette::indexer::read_file(file, std::uintmax_t{1} << 34).articles) {
      Xapian::Document doc;
      tg.set_document(doc);
      tg.index_text(ra.article.title, 1, "S");
      tg.index_text(ra.article.title);
      tg.increase_termpos();
      tg.index_text(ra.article.body);
      doc.set_data(ra.article.id);
      std::string q = "Q" + ra.article.id.substr(0, 200);
      doc.add_boolean_term(q);
      db.replace_document(q, doc);
      ++articles;
      bytes += ra.article.title.size() + ra.article.body.size();
    }
  }
  db.commit();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf(
      "{\"articles\": %zu, \"bytes\": %zu, \"seconds\": %.3f, \"articles_per_s\": %.0f, \"mb_per_s\": %.3f, "
      "\"peak_rss_mb\": %.1f, \"index_mb\": %.1f}\n",
      articles, bytes, secs, static_cast<double>(articles) / secs, static_cast<double>(bytes) / 1e6 / secs,
      static_cast<double>(peak_rss_kb()) / 1024, static_cast<double>(dir_size(db_path)) / 1e6);
  return 0;
}

int search(int argc, char** argv) {
  Xapian::Database db(arg(argc, argv, "--db"));
  int reps = std::max(1, std::atoi(arg(argc, argv, "--reps", "5").c_str()));
  std::ifstream in(arg(argc, argv, "--queries"));
  std::vector<std::string> queries;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) queries.push_back(line);
  }
  Xapian::QueryParser qp;
  qp.set_database(db);
  qp.set_stemmer(Xapian::Stem("english"));
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  qp.set_default_op(Xapian::Query::OP_AND);
  std::vector<double> us;
  for (int r = 0; r < reps; ++r) {
    for (const std::string& q : queries) {
      auto t0 = Clock::now();
      Xapian::Enquire e(db);
      e.set_query(qp.parse_query(q, Xapian::QueryParser::FLAG_DEFAULT));
      Xapian::MSet m = e.get_mset(0, 10);
      for (auto it = m.begin(); it != m.end(); ++it) (void)it.get_document().get_data();
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
  }
  gazette::bench::print_latencies(std::move(us));
  return 0;
}

// The word choice shared by `terms` and `cooccur`: plain words (a-z, 4+ letters) whose document
// frequency lies in [--min-df, --max-df]; --count lines.
struct WordChoice {
  Xapian::doccount min_df, max_df;
  std::size_t count;
  WordChoice(int argc, char** argv)
      : min_df(static_cast<Xapian::doccount>(std::atol(arg(argc, argv, "--min-df", "1").c_str()))),
        max_df(static_cast<Xapian::doccount>(std::atol(arg(argc, argv, "--max-df", "1000000000").c_str()))),
        count(static_cast<std::size_t>(std::max(1, std::atoi(arg(argc, argv, "--count", "10").c_str())))) {}
  bool takes(const std::string& term, Xapian::doccount df) const {
    return term.size() >= 4 && std::all_of(term.begin(), term.end(), [](char c) { return c >= 'a' && c <= 'z'; }) &&
           df >= min_df && df <= max_df;
  }
};

int terms(int argc, char** argv) {
  Xapian::Database db(arg(argc, argv, "--db"));
  WordChoice choice(argc, argv);
  const std::size_t count = choice.count;
  std::vector<std::string> found;
  for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
    if (choice.takes(*t, t.get_termfreq())) found.push_back(*t);
  }
  std::size_t step = std::max<std::size_t>(1, found.size() / count);
  for (std::size_t i = 0, n = 0; i < found.size() && n < count; i += step, ++n) std::printf("%s\n", found[i].c_str());
  return 0;
}

// K words of one article each, for N articles spread over the database: AND queries that match
// (words drawn independently mostly share no article, which measures the empty result instead).
int cooccur(int argc, char** argv) {
  Xapian::Database db(arg(argc, argv, "--db"));
  WordChoice choice(argc, argv);
  const std::size_t count = choice.count;
  std::size_t words = static_cast<std::size_t>(std::max(1, std::atoi(arg(argc, argv, "--words", "2").c_str())));
  Xapian::docid last = db.get_lastdocid();
  std::size_t printed = 0;
  for (std::size_t i = 0; i < 8 * count && printed < count; ++i) {
    auto did = static_cast<Xapian::docid>(1 + (i * 7919 + 13) % std::max<Xapian::docid>(1, last));
    std::vector<std::string> found;
    try {
      Xapian::Document doc = db.get_document(did);
      for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        if (choice.takes(*t, t.get_termfreq())) found.push_back(*t);
      }
    } catch (const Xapian::DocNotFoundError&) {
      continue;
    }
    if (found.size() < words) continue;
    // Spread over the article's (alphabetical) vocabulary, deterministically.
    std::string line;
    for (std::size_t k = 0; k < words; ++k)
      line += (k ? " " : "") + found[(k * found.size()) / words + (i % (found.size() / words))];
    std::printf("%s\n", line.c_str());
    ++printed;
  }
  return 0;
}

int phrases(int argc, char** argv) {
  Xapian::Database db(arg(argc, argv, "--db"));
  std::size_t count = static_cast<std::size_t>(std::max(1, std::atoi(arg(argc, argv, "--count", "10").c_str())));
  auto plain = [](const std::string& w) {
    return w.size() >= 3 && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  };
  Xapian::docid last = db.get_lastdocid();
  std::size_t printed = 0;
  for (std::size_t i = 0; i < 4 * count && printed < count; ++i) {
    auto did = static_cast<Xapian::docid>(1 + (i * 7919) % std::max<Xapian::docid>(1, last));
    std::map<Xapian::termpos, std::string> words;
    try {
      Xapian::Document doc = db.get_document(did);
      for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        if (!plain(*t)) continue;
        for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) words[*p] = *t;
      }
    } catch (const Xapian::DocNotFoundError&) {
      continue;
    }
    // The first adjacent pair past the middle of the article.
    auto it = words.lower_bound(words.empty() ? 0 : words.rbegin()->first / 2);
    for (; it != words.end(); ++it) {
      auto next = words.find(it->first + 1);
      if (next != words.end() && next->second != it->second) {
        std::printf("\"%s %s\"\n", it->second.c_str(), next->second.c_str());
        ++printed;
        break;
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "index") return index(argc, argv);
    if (cmd == "search") return search(argc, argv);
    if (cmd == "terms") return terms(argc, argv);
    if (cmd == "phrases") return phrases(argc, argv);
    if (cmd == "cooccur") return cooccur(argc, argv);
    std::fprintf(stderr,
                 "usage: gazette-bench-xapian index --db DB PATH... | search --db DB --queries FILE [--reps N] | "
                 "terms --db DB --min-df A --max-df B [--count N]\n");
    return 2;
  } catch (const Xapian::Error& e) {
    std::fprintf(stderr, "gazette-bench-xapian: %s\n", e.get_description().c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gazette-bench-xapian: %s\n", e.what());
    return 1;
  }
}
