// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-bench-fts5: the SQLite FTS5 baseline of the benchmarks, on the same input.
//   index --db FILE PATH...    one FTS5 table (title, body; porter + unicode61 tokeniser), every
//                              article in one transaction; articles read by Gazette's readers.
//   search --db FILE --queries FILE [--reps N]
//                              MATCH with bm25() ordering, top 10 with their title; query words
//                              are quoted (FTS5 syntax treats some characters as operators),
//                              OR and "phrases" kept; prints p50/p95/p99 in microseconds.
// Prints one JSON object.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_args.h"
#include "corpus_reader.h"

namespace {

using Clock = std::chrono::steady_clock;

using gazette::bench::arg;
using gazette::bench::peak_rss_kb;

class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) fail("open");
  }
  ~Db() { sqlite3_close(db_); }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(sql + ": " + m);
    }
  }
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) fail(sql);
    return s;
  }
  [[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what + ": " + sqlite3_errmsg(db_)); }

 private:
  sqlite3* db_ = nullptr;
};

int index(int argc, char** argv) {
  std::string db_path = arg(argc, argv, "--db");
  std::vector<std::string> inputs;
  for (int i = 2; i < argc; ++i) {
    if (std::string(argv[i]) == "--db") {
      ++i;
      continue;
    }
    inputs.emplace_back(argv[i]);
  }
  std::filesystem::remove(db_path);
  auto t0 = Clock::now();
  std::size_t articles = 0, bytes = 0;
  {
    Db db(db_path);
    db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    db.exec("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61')");
    db.exec("BEGIN");
    sqlite3_stmt* ins = db.prepare("INSERT INTO docs(title, body) VALUES (?, ?)");
    for (const auto& file : gazette::indexer::discover_files(inputs)) {
      if (gazette::indexer::format_of(file.path) == gazette::indexer::Format::kUnsupported) continue;
      for (const auto& ra : gazette::indexer::read_file(file, std::uintmax_t{1} << 34).articles) {
        sqlite3_bind_text(ins, 1, ra.article.title.data(), static_cast<int>(ra.article.title.size()), SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, ra.article.body.data(), static_cast<int>(ra.article.body.size()), SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) db.fail("insert");
        sqlite3_reset(ins);
        ++articles;
        bytes += ra.article.title.size() + ra.article.body.size();
      }
    }
    sqlite3_finalize(ins);
    db.exec("COMMIT");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf(
      "{\"articles\": %zu, \"bytes\": %zu, \"seconds\": %.3f, \"articles_per_s\": %.0f, \"mb_per_s\": %.3f, "
      "\"peak_rss_mb\": %.1f, \"index_mb\": %.1f}\n",
      articles, bytes, secs, static_cast<double>(articles) / secs, static_cast<double>(bytes) / 1e6 / secs,
      static_cast<double>(peak_rss_kb()) / 1024, static_cast<double>(std::filesystem::file_size(db_path)) / 1e6);
  return 0;
}

// Plain query text ("a b", "a OR b", "\"a b\"") in FTS5 syntax: every bare word quoted.
std::string fts5_query(const std::string& q) {
  std::string out, word;
  bool in_phrase = false;
  auto flush = [&] {
    if (word.empty()) return;
    if (!out.empty()) out += ' ';
    out += (word == "OR" || word == "AND" || word == "NOT") ? word : "\"" + word + "\"";
    word.clear();
  };
  for (char c : q) {
    if (c == '"') {
      if (in_phrase) {
        out += "\"";
      } else {
        flush();
        if (!out.empty()) out += ' ';
        out += "\"";
      }
      in_phrase = !in_phrase;
    } else if (in_phrase) {
      out += c;
    } else if (c == ' ') {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  if (in_phrase) out += "\"";
  return out;
}

int search(int argc, char** argv) {
  Db db(arg(argc, argv, "--db"));
  int reps = std::max(1, std::atoi(arg(argc, argv, "--reps", "5").c_str()));
  std::ifstream in(arg(argc, argv, "--queries"));
  std::vector<std::string> queries;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) queries.push_back(fts5_query(line));
  }
  sqlite3_stmt* s = db.prepare("SELECT rowid, title FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10");
  std::vector<double> us;
  for (int r = 0; r < reps; ++r) {
    for (const std::string& q : queries) {
      auto t0 = Clock::now();
      sqlite3_bind_text(s, 1, q.data(), static_cast<int>(q.size()), SQLITE_STATIC);
      int rc;
      while ((rc = sqlite3_step(s)) == SQLITE_ROW) (void)sqlite3_column_text(s, 1);
      if (rc != SQLITE_DONE) db.fail("query " + q);
      sqlite3_reset(s);
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
  }
  sqlite3_finalize(s);
  gazette::bench::print_latencies(std::move(us));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "index") return index(argc, argv);
    if (cmd == "search") return search(argc, argv);
    std::fprintf(stderr,
                 "usage: gazette-bench-fts5 index --db FILE PATH... | search --db FILE --queries FILE [--reps N]\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gazette-bench-fts5: %s\n", e.what());
    return 1;
  }
}
