// SPDX-License-Identifier: GPL-2.0-or-later
// The pipeline: discover -> read + analyse (N threads) -> bounded queue -> one writer, or N
// shard writers merged at the end when the database starts empty.
#include "indexer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>
#include <unordered_set>

#include <xapian.h>

#include "bounded_queue.h"
#include "build_state.h"
#include "document_builder.h"
#include "gazette/common/entities.h"
#include "gazette/common/error.h"
#include "gazette/common/schema.h"
#include "index_writer.h"
#include "shard_writers.h"

namespace gazette::indexer {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

// What a worker hands the writer.
struct Item {
  enum class Kind { kDocument, kUnchanged, kProblem, kFileDone, kSkippedFile } kind;
  std::size_t file = 0;
  std::string id_term;
  Xapian::Document document;
  std::size_t text_bytes = 0;
  Problem problem;
  bool file_ok = true;
  std::optional<MinHash> signature = std::nullopt;
};

std::string location(const SourceFile& f, int line) {
  std::string path = printable_path(f.path);
  return line > 0 ? path + ":" + std::to_string(line) : path;
}

void default_log(std::string_view line) { std::cerr << line << '\n'; }

// Cuts `body` to at most `limit` bytes, at a space within the last 4 KB when there is one, else
// at a character boundary. Returns whether it cut.
bool cut_body(std::string& body, std::size_t limit) {
  if (body.size() <= limit) return false;
  std::size_t at = limit;
  while (at > 0 && (static_cast<unsigned char>(body[at]) & 0xC0) == 0x80) --at;  // not inside a character
  std::size_t space = body.find_last_of(" \n", at);
  if (space != std::string::npos && at - space < 4096) at = space;
  body.resize(at);
  return true;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Where a run writes: the database itself through one writer, or shard databases beside it.
struct WriteTarget {
  std::unique_ptr<IndexWriter> writer;   // the database; none for --rebuild, which never touches it
  std::unique_ptr<ShardWriters> shards;  // a build into an empty database, or a rebuild
};

// Opens the database (unless rebuilding), decides between one writer and shards, and deals with
// what killed runs left: the shards of an interrupted build of the same kind are resumed, other
// leftovers deleted. Updates to a non-empty database go through the one writer, which finds the
// articles they replace; a build into an empty one writes shards in parallel (merged at the end);
// a rebuild always builds beside the database and swaps the result in when it is complete.
WriteTarget open_write_target(const IndexerConfig& config, const std::function<void(std::string_view)>& log) {
  WriteTarget t;
  remove_trash(config.db_path);
  bool empty = true;
  if (!config.rebuild) {
    t.writer = std::make_unique<IndexWriter>(config.db_path, false);
    empty = t.writer->doc_count() == 0 && !t.writer->has_synonyms();
    // A new database opens (empty, with its schema version) from the start of the run.
    if (empty) t.writer->commit();
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned shard_count = config.shards != 0 ? config.shards : std::min(cores, kMaxAutoShards);
  std::string resume;
  unsigned resume_shards = 0;
  for (const LeftoverBuild& b : leftover_builds(config.db_path)) {
    // A rebuild resumes a rebuild; a build into an empty database resumes either kind.
    bool usable = b.shards > 0 && empty && (b.rebuild || !config.rebuild);
    if (usable && resume.empty()) {
      resume = b.folder;
      resume_shards = b.shards;
      continue;
    }
    log(b.folder + ": warning: removing what an interrupted build left");
    discard_folder(config.db_path, b.folder);
  }
  if (!resume.empty()) {
    try {
      t.shards = std::make_unique<ShardWriters>(config.db_path, resume_shards, config.batch_articles,
                                                config.batch_bytes, config.rebuild, resume);
      return t;
    } catch (const IndexError& e) {
      // Shards that do not open (the kill hit Xapian mid-write): start over rather than fail.
      log(resume + ": warning: cannot resume the interrupted build (" + e.what() + "); starting over");
      discard_folder(config.db_path, shard_folder(config.db_path));
      discard_folder(config.db_path, resume);
    }
  }
  if (config.rebuild || (empty && shard_count > 1)) {
    t.shards = std::make_unique<ShardWriters>(config.db_path, shard_count, config.batch_articles, config.batch_bytes,
                                              config.rebuild);
  }
  return t;
}

// A work unit: a whole file, or a run of lines of a big JSON Lines file, so that one big file
// is read in pieces (bounded memory) and analysed on every thread.
struct Unit {
  std::size_t file;
  std::optional<LineChunk> chunk;
};

FileContents read_unit(const std::vector<SourceFile>& files, const Unit& unit, const IndexerConfig& config) {
  return unit.chunk ? read_json_lines_chunk(files[unit.file], *unit.chunk, config.max_file_bytes)
                    : read_file(files[unit.file], config.max_file_bytes);
}

// The first pass of a run that removes boilerplate: reads every unit (on `threads` threads) and
// counts the lines of its articles per source into `lines`: every article when `count_all` (the
// database has no counts stored), else only those the database does not hold yet (the run that
// indexed the others counted them). Problems are left to the second pass, which reports them.
void count_recurring_lines(const std::vector<SourceFile>& files, const std::vector<Unit>& units,
                           const IndexerConfig& config, const std::unordered_map<std::string, IndexedArticle>& existing,
                           bool count_all, unsigned threads, RecurringLines& lines) {
  std::atomic<std::size_t> next{0};
  std::vector<RecurringLines> counted(threads);
  auto worker = [&](unsigned t) {
    for (std::size_t u = next.fetch_add(1); u < units.size(); u = next.fetch_add(1)) {
      if (config.stop != nullptr && config.stop->load()) return;
      if (!files[units[u].file].problem.empty() || format_of(files[units[u].file].path) == Format::kUnsupported)
        continue;
      try {
        FileContents contents = read_unit(files, units[u], config);
        for (ReadArticle& r : contents.articles) {
          if (!count_all && existing.count(schema::id_term(r.article.id)) != 0) continue;
          cut_body(r.article.body, config.max_article_bytes);
          counted[t].add(source_key(r.article), RecurringLines::signatures(r.article.body));
        }
      } catch (const std::exception&) {
        // the second pass reports it
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  for (std::thread& t : pool) t.join();
  for (const RecurringLines& c : counted) lines.merge(c);
}

}  // namespace

IndexStats run_indexer(const IndexerConfig& config) {
  const auto t0 = Clock::now();
  auto log = config.log ? config.log : std::function<void(std::string_view)>(default_log);
  RunLock run_lock(config.db_path);  // one run at a time: every leftover below is a dead run's
  std::vector<SourceFile> files = discover_files(config.inputs);
  WriteTarget target = open_write_target(config, log);
  std::unique_ptr<IndexWriter>& writer = target.writer;
  std::unique_ptr<ShardWriters>& shards = target.shards;
  const std::unordered_map<std::string, IndexedArticle> existing =
      shards ? shards->load_existing() : writer->load_existing();
  if (shards && !existing.empty()) {
    log(config.db_path + ": resuming an interrupted build: " + std::to_string(existing.size()) +
        " articles were already written");
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  IndexWriter& meta = shards ? shards->first() : *writer;
  if (!config.synonyms_path.empty()) {
    meta.load_synonyms(config.synonyms_path);
  } else if (!meta.has_synonyms()) {
    // A new database gets the shipped news aliases.
    std::string dir = default_data_dir();
    std::error_code ec;
    if (!dir.empty() && fs::exists(fs::path(dir) / "synonyms.txt", ec))
      meta.load_synonyms((fs::path(dir) / "synonyms.txt").string());
  }

  unsigned threads = config.threads != 0 ? config.threads : cores;
  std::vector<Unit> units;
  std::vector<std::size_t> units_left(files.size(), 0);
  std::vector<bool> file_ok(files.size(), true);
  std::vector<std::size_t> file_articles(files.size(), 0);  // articles read, to report files with none
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::error_code ec;
    std::uintmax_t size = format_of(files[i].path) == Format::kJsonLines && files[i].problem.empty()
                              ? fs::file_size(files[i].path, ec)
                              : 0;
    if (!ec && size > 0) {  // JSON Lines, read in runs (one for a small file); others whole
      std::vector<LineChunk> chunks;
      try {
        chunks = plan_line_chunks(files[i].path, config.jsonl_chunk_bytes);
      } catch (const DataError&) {
        // read_file reports it
      }
      for (const LineChunk& c : chunks) units.push_back({i, c});
      units_left[i] = chunks.size();
      if (!chunks.empty()) continue;
    }
    units.push_back({i, std::nullopt});
    units_left[i] = 1;
  }
  // Boilerplate that recurs across a source's articles: what earlier runs counted, plus the
  // articles of this run they did not see, counted in a first pass so that every article of
  // this run is cleaned with the same lines (those indexed before a line became known are
  // cleaned again now: their content hash changes with their body).
  RecurringLines recurring;
  if (config.remove_boilerplate) {
    bool stored = false;
    recurring = meta.load_recurring_lines(stored);
    count_recurring_lines(files, units, config, existing, !stored, threads, recurring);
  }
  BoundedQueue<Item> queue(config.queue_capacity);
  std::atomic<std::size_t> next_file{0};
  std::atomic<bool> abort{false};
  std::atomic<unsigned> running{threads};

  std::shared_ptr<const EntityExtractor> entities = config.extract_entities ? EntityExtractor::load_default() : nullptr;
  auto worker = [&] {
    DocumentBuilder builder(config.default_language, entities, config.min_entity_confidence);
    while (!abort.load()) {
      std::size_t u = next_file.fetch_add(1);
      if (u >= units.size()) break;
      const std::size_t i = units[u].file;
      const SourceFile& file = files[i];
      if (!file.problem.empty()) {  // a FIFO, a device, a broken link, an unreadable folder
        queue.push(Item{Item::Kind::kProblem, i, {}, {}, 0, Problem{0, file.problem, true}, true});
        queue.push(Item{Item::Kind::kFileDone, i, {}, {}, 0, {}, false});
        continue;
      }
      if (format_of(file.path) == Format::kUnsupported) {
        queue.push(Item{Item::Kind::kSkippedFile, i, {}, {}, 0, {}, true});
        continue;
      }
      bool ok = true;
      const auto file_started = Clock::now();
      try {
        FileContents contents = read_unit(files, units[u], config);
        for (Problem& p : contents.problems) {
          ok = ok && !p.error;
          queue.push(Item{Item::Kind::kProblem, i, {}, {}, 0, std::move(p), true});
        }
        for (std::size_t n = 0; n < contents.articles.size(); ++n) {
          ReadArticle& r = contents.articles[n];
          if (abort.load()) break;
          if (config.max_file_seconds > 0 && seconds_since(file_started) > config.max_file_seconds) {
            // One file must not hold a thread for ever: the rest of it is reported, not read.
            ok = false;
            queue.push(Item{Item::Kind::kProblem,
                            i,
                            {},
                            {},
                            0,
                            Problem{r.line,
                                    "over its time budget of " + std::to_string(config.max_file_seconds) +
                                        " s: this article and the " + std::to_string(contents.articles.size() - n - 1) +
                                        " after it are skipped (--max-file-seconds)",
                                    true},
                            true});
            break;
          }
          if (std::size_t full = r.article.body.size(); cut_body(r.article.body, config.max_article_bytes)) {
            queue.push(Item{
                Item::Kind::kProblem,
                i,
                {},
                {},
                0,
                Problem{r.line,
                        "article " + r.article.id + " has " + std::to_string(full) + " bytes of text: only the first " +
                            std::to_string(r.article.body.size()) + " are indexed (--max-article-size)",
                        false},
                true});
          }
          if (config.remove_boilerplate) clean_article(r.article, &recurring, r.link_lists);
          std::string hash = content_hash(r.article);
          std::string id_term = schema::id_term(r.article.id);
          auto it = existing.find(id_term);
          if (it != existing.end() && it->second.content_hash == hash) {
            queue.push(Item{Item::Kind::kUnchanged, i, std::move(id_term), {}, 0, {}, true});
            continue;
          }
          try {
            BuiltDocument built = builder.build(r.article, hash);
            queue.push(Item{Item::Kind::kDocument,
                            i,
                            std::move(built.id_term),
                            std::move(built.document),
                            built.text_bytes,
                            {},
                            true,
                            built.signature});
          } catch (const std::exception& e) {
            ok = false;
            queue.push(
                Item{Item::Kind::kProblem,
                     i,
                     {},
                     {},
                     0,
                     Problem{r.line, std::string("cannot analyse article ") + r.article.id + ": " + e.what(), true},
                     true});
          }
        }
      } catch (const std::exception& e) {
        ok = false;
        queue.push(Item{Item::Kind::kProblem, i, {}, {}, 0, Problem{0, e.what(), true}, true});
      }
      queue.push(Item{Item::Kind::kFileDone, i, {}, {}, 0, {}, ok});
    }
    if (running.fetch_sub(1) == 1) queue.close();
  };
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);

  IndexStats stats;
  std::unordered_set<std::string> seen;           // id terms met in this run
  std::unordered_set<std::string> files_read_ok;  // stored (absolute) paths of files read without error
  std::size_t pending = 0, pending_bytes = 0, files_done = 0;
  auto last_progress = Clock::now();
  std::exception_ptr failure;

  auto progress = [&](bool final) {
    if (!config.progress) return;
    auto now = Clock::now();
    if (!final && now - last_progress < std::chrono::milliseconds(250)) return;
    last_progress = now;
    double secs = std::max(1e-3, seconds_since(t0));
    std::size_t articles = stats.indexed + stats.updated + stats.unchanged;
    std::fprintf(stderr, "\r%zu/%zu files, %zu articles, %.0f articles/s   %s", files_done, files.size(), articles,
                 static_cast<double>(articles) / secs, final ? "\n" : "");
    std::fflush(stderr);
  };

  while (std::optional<Item> item = queue.pop()) {
    if (abort.load()) continue;  // drain so that workers blocked on push can finish
    if (config.stop != nullptr && config.stop->load()) {
      stats.interrupted = true;
      abort = true;
      continue;
    }
    const SourceFile& file = files[item->file];
    try {
      switch (item->kind) {
        case Item::Kind::kSkippedFile:
          ++stats.skipped;
          ++files_done;
          break;
        case Item::Kind::kProblem:
          log(location(file, item->problem.line) + (item->problem.error ? ": error: " : ": warning: ") +
              item->problem.message);
          if (item->problem.error) {
            ++stats.errors;
            if (config.max_errors >= 0 && stats.errors > static_cast<std::size_t>(config.max_errors)) {
              log("gazette-index: stopping: more than " + std::to_string(config.max_errors) + " errors (--max-errors)");
              stats.interrupted = true;
              abort = true;
            }
          } else {
            ++stats.warnings;
          }
          break;
        case Item::Kind::kUnchanged:
          ++file_articles[item->file];
          seen.insert(item->id_term);
          ++stats.unchanged;
          break;
        case Item::Kind::kDocument: {
          ++file_articles[item->file];
          if (!seen.insert(item->id_term).second) {
            log(location(file, 0) + ": warning: article id " + item->id_term.substr(schema::kIdPrefix.size()) +
                " appears more than once; the last one read wins");
            ++stats.warnings;
          } else if (existing.count(item->id_term) != 0) {
            ++stats.updated;
          } else {
            ++stats.indexed;
          }
          if (shards) {
            shards->add(item->id_term, std::move(item->document), item->text_bytes);
            break;
          }
          writer->assign_duplicate_group(item->document, item->id_term, item->signature);
          writer->put(item->id_term, item->document);
          ++pending;
          pending_bytes += item->text_bytes;
          if (pending >= config.batch_articles || pending_bytes >= config.batch_bytes) {
            writer->commit();
            pending = pending_bytes = 0;
          }
          break;
        }
        case Item::Kind::kFileDone: {
          // A file read in runs of lines is done with its last run.
          file_ok[item->file] = file_ok[item->file] && item->file_ok;
          if (--units_left[item->file] > 0) break;
          ++files_done;
          ++stats.files;
          if (file_ok[item->file] && file_articles[item->file] == 0 && !stats.interrupted) {
            // Read without an error, yet nothing in it (a JSON Lines file of blank lines).
            log(location(file, 0) + ": error: no articles in this file");
            ++stats.errors;
            file_ok[item->file] = false;
          }
          if (file_ok[item->file]) {
            std::error_code ec;
            fs::path abs = fs::absolute(fs::path(file.path), ec).lexically_normal();
            files_read_ok.insert(ec ? file.path : abs.string());
          }
          progress(false);
          break;
        }
      }
    } catch (...) {
      failure = std::current_exception();
      abort = true;
    }
  }
  for (std::thread& t : pool) t.join();
  progress(true);
  if (failure) std::rethrow_exception(failure);

  if (config.prune && !stats.interrupted) {
    for (const auto& [id_term, info] : existing) {
      if (seen.count(id_term) != 0) continue;
      std::error_code ec;
      bool gone = !info.source_file.empty() && !fs::exists(info.source_file, ec) && !ec;
      if (gone || files_read_ok.count(info.source_file) != 0) {
        if (shards) {
          shards->remove(id_term);
        } else {
          writer->remove(id_term);
        }
        ++stats.deleted;
      }
    }
  }
  // The counts go with the run's last commit; an interrupted run stores none (the next run counts
  // again what this one did not finish).
  const bool store_lines = config.remove_boilerplate && !stats.interrupted;
  if (shards) {
    // Everything read so far (also after an interruption) is merged into the database.
    shards->finish();
    if (store_lines) {
      shards->first().store_recurring_lines(recurring);
      shards->first().commit();
    }
    if (writer) writer->close();
    shards->merge_into(config.db_path);
  } else {
    if (store_lines) writer->store_recurring_lines(recurring);
    writer->commit();
  }
  stats.seconds = seconds_since(t0);
  return stats;
}

InspectedFile inspect_file(const std::string& path, const IndexerConfig& config) {
  InspectedFile out;
  out.path = path;
  std::vector<SourceFile> files = discover_files({path});
  DocumentBuilder builder(config.default_language, config.extract_entities ? EntityExtractor::load_default() : nullptr,
                          config.min_entity_confidence);
  // Read everything first: the lines that recur across the files' articles are boilerplate, as
  // in a build of the same files into a new database.
  std::vector<std::pair<const SourceFile*, FileContents>> read;
  RecurringLines recurring;
  for (const SourceFile& f : files) {
    if (format_of(f.path) == Format::kUnsupported) {
      out.problems.push_back({0, f.path + ": unsupported format (not .txt, .json, .jsonl or .html)", true});
      continue;
    }
    read.emplace_back(&f, read_file(f, config.max_file_bytes));
    if (!config.remove_boilerplate) continue;
    for (const ReadArticle& r : read.back().second.articles) {
      std::string body = r.article.body;
      cut_body(body, config.max_article_bytes);
      recurring.add(source_key(r.article), RecurringLines::signatures(body));
    }
  }
  for (auto& [file, contents] : read) {
    const SourceFile& f = *file;
    for (Problem& p : contents.problems) {
      if (files.size() > 1) p.message = f.path + ": " + p.message;
      out.problems.push_back(std::move(p));
    }
    for (ReadArticle& r : contents.articles) {
      if (cut_body(r.article.body, config.max_article_bytes)) {
        out.problems.push_back({r.line,
                                "article " + r.article.id + ": only the first " +
                                    std::to_string(r.article.body.size()) + " bytes of text are inspected",
                                false});
      }
      InspectedArticle ia;
      if (config.remove_boilerplate) ia.removed = clean_article(r.article, &recurring, r.link_lists);
      std::string hash = content_hash(r.article);
      BuiltDocument built = builder.build(r.article, hash);
      ia.terms = built.document.termlist_count();
      for (auto t = built.document.termlist_begin(); t != built.document.termlist_end(); ++t) {
        const std::string& term = *t;
        if (!term.empty() && !(term[0] >= 'A' && term[0] <= 'Z')) ia.words += t.get_wdf();
      }
      ia.term_list = describe_terms(built.document);
      ia.article = std::move(r.article);
      ia.line = r.line;
      out.articles.push_back(std::move(ia));
    }
  }
  return out;
}

DatabaseStats database_stats(const std::string& db_path) {
  DatabaseStats s;
  s.path = db_path;
  try {
    Xapian::Database db(db_path);
    s.articles = db.get_doccount();
    std::string v = db.get_metadata(std::string(schema::kSchemaVersionKey));
    s.schema_version = v.empty() ? 0 : std::atoi(v.c_str());
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) ++s.terms;
    if (s.articles > 0) {
      s.first_published = schema::decode_published(db.get_value_lower_bound(schema::kPublishedSlot));
      s.last_published = schema::decode_published(db.get_value_upper_bound(schema::kPublishedSlot));
    }
    auto counts = [&db](std::string_view prefix) {
      std::vector<std::pair<std::string, std::uint64_t>> out;
      std::string p(prefix);
      for (auto t = db.allterms_begin(p); t != db.allterms_end(p); ++t) {
        out.emplace_back((*t).substr(p.size()), t.get_termfreq());
      }
      std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      });
      return out;
    };
    s.sources = counts(schema::kSourcePrefix);
    s.languages = counts(schema::kLanguagePrefix);
  } catch (const Xapian::DatabaseOpeningError& e) {
    throw IndexError(db_path + ": cannot open database: " + e.get_msg());
  } catch (const Xapian::Error& e) {
    throw IndexError(db_path + ": " + e.get_description());
  }
  std::error_code ec;
  if (fs::is_directory(db_path, ec)) {
    for (const auto& entry : fs::directory_iterator(db_path, ec)) {
      if (entry.is_regular_file(ec)) s.size_bytes += entry.file_size(ec);
    }
  }
  return s;
}

}  // namespace gazette::indexer
