// SPDX-License-Identifier: GPL-2.0-or-later
// The pipeline: discover -> read + analyse (N threads) -> bounded queue -> one writer, or N
// shard writers merged at the end when the database starts empty.
#include "indexer.h"

#include <algorithm>
#include <atomic>
#include <charconv>
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
#include "gazette/common/term_counts.h"
#include "index_writer.h"
#include "kept_shards.h"
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

  static Item document_of(std::size_t file, BuiltDocument built) {
    return {Kind::kDocument, file, std::move(built.id_term), std::move(built.document), built.text_bytes, {}, true,
            built.signature};
  }
  static Item unchanged(std::size_t file, std::string id_term) {
    return {Kind::kUnchanged, file, std::move(id_term), {}, 0, {}, true};
  }
  static Item problem_of(std::size_t file, Problem problem) {
    return {Kind::kProblem, file, {}, {}, 0, std::move(problem), true};
  }
  // A unit of the file is done; `ok`: read without an error.
  static Item file_done(std::size_t file, bool ok) { return {Kind::kFileDone, file, {}, {}, 0, {}, ok}; }
  static Item skipped_file(std::size_t file) { return {Kind::kSkippedFile, file, {}, {}, 0, {}, true}; }
};

std::string location(const SourceFile& f, int line) {
  std::string path = printable_path(f.path);
  return line > 0 ? path + ":" + std::to_string(line) : path;
}

using Log = std::function<void(std::string_view)>;

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
  std::unique_ptr<ShardWriters> shards;  // a build into an empty database, a rebuild, or kept shards
  bool keep = false;                     // the shards become the database (kept_shards.h), unmerged

  // The writer of what the whole database holds once (synonyms, recurring lines).
  IndexWriter& meta() { return shards ? shards->first() : *writer; }
};

// Opens the database (unless rebuilding), decides between one writer and shards, and deals with
// what killed runs left: the shards of an interrupted build of the same kind are resumed, other
// leftovers deleted. Updates to a non-empty database go through the one writer, which finds the
// articles they replace; a build into an empty one writes shards in parallel (merged at the end);
// a rebuild always builds beside the database and swaps the result in when it is complete.
WriteTarget open_write_target(const IndexerConfig& config, const Log& log) {
  WriteTarget t;
  remove_trash(config.db_path);
  bool empty = true;
  // A rebuild keeps the layout of what it replaces.
  std::error_code ec;
  t.keep = config.keep_shards || (config.rebuild && fs::exists(fs::path(config.db_path) / kStubFile, ec));
  if (!config.rebuild) {
    // A kept-shards database is updated in its shards, each article in the shard it hashes to.
    if (std::optional<std::vector<std::string>> kept = kept_shard_paths(config.db_path)) {
      if (config.shards != 0 && config.shards != kept->size()) {
        log(config.db_path + ": warning: --shards " + std::to_string(config.shards) + " ignored: the database keeps " +
            std::to_string(kept->size()) + " shards (--rebuild changes that)");
      }
      t.shards = std::make_unique<ShardWriters>(ShardWriters::InPlace{}, config.db_path, std::move(*kept),
                                                config.batch_articles, config.batch_bytes);
      t.keep = true;
      return t;
    }
    t.writer = std::make_unique<IndexWriter>(config.db_path, false);
    empty = t.writer->doc_count() == 0 && !t.writer->has_synonyms();
    if (!empty && config.keep_shards) {
      throw IndexError(config.db_path +
                       ": --keep-shards: this database is one database, not shards; rebuild it "
                       "with --rebuild --keep-shards");
    }
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
  if (config.rebuild || (empty && (shard_count > 1 || t.keep))) {
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

// What a run reads: every unit of work, and how many units each file has (a file read in runs
// of lines is done with its last run).
struct WorkPlan {
  std::vector<Unit> units;
  std::vector<std::size_t> units_of;  // by file
};

// The runs of lines a JSON Lines file is read in (one for a small file); none for any other
// file, which is read whole.
std::vector<LineChunk> line_chunks(const SourceFile& file, const IndexerConfig& config) {
  if (format_of(file.path) != Format::kJsonLines || !file.problem.empty()) return {};
  std::error_code ec;
  std::uintmax_t size = fs::file_size(file.path, ec);
  if (ec || size == 0) return {};
  try {
    return plan_line_chunks(file.path, config.jsonl_chunk_bytes);
  } catch (const DataError&) {
    // The file did not open, or a read failed: it is left to be read whole, and read_file
    // reports why it cannot be (the same failure), as the file's error. Nothing is lost.
    return {};
  }
}

WorkPlan plan_work(const std::vector<SourceFile>& files, const IndexerConfig& config) {
  WorkPlan plan;
  plan.units_of.assign(files.size(), 0);
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::vector<LineChunk> chunks = line_chunks(files[i], config);
    for (const LineChunk& c : chunks) plan.units.push_back({i, c});
    plan.units_of[i] = chunks.size();
    if (chunks.empty()) {
      plan.units.push_back({i, std::nullopt});
      plan.units_of[i] = 1;
    }
  }
  return plan;
}

// What the database (or the shards of the interrupted build being resumed) already holds.
std::unordered_map<std::string, IndexedArticle> load_existing(const WriteTarget& target, const IndexerConfig& config,
                                                              const Log& log) {
  std::unordered_map<std::string, IndexedArticle> existing =
      target.shards ? target.shards->load_existing() : target.writer->load_existing();
  if (target.shards && !target.shards->in_place() && !existing.empty()) {
    log(config.db_path + ": resuming an interrupted build: " + std::to_string(existing.size()) +
        " articles were already written");
  }
  return existing;
}

// Stores the synonyms file given; a new database (one without synonyms) gets the shipped news
// aliases.
void load_synonyms(const IndexerConfig& config, IndexWriter& meta) {
  if (!config.synonyms_path.empty()) {
    meta.load_synonyms(config.synonyms_path);
    return;
  }
  if (meta.has_synonyms()) return;
  std::string dir = default_data_dir();
  std::error_code ec;
  if (!dir.empty() && fs::exists(fs::path(dir) / "synonyms.txt", ec))
    meta.load_synonyms((fs::path(dir) / "synonyms.txt").string());
}

// Boilerplate that recurs across a source's articles: what earlier runs counted, plus the
// articles of this run they did not see, counted in a first pass so that every article of this
// run is cleaned with the same lines (those indexed before a line became known are cleaned again
// now: their content hash changes with their body). Empty when boilerplate is kept.
RecurringLines recurring_lines(IndexWriter& meta, const std::vector<SourceFile>& files, const std::vector<Unit>& units,
                               const IndexerConfig& config,
                               const std::unordered_map<std::string, IndexedArticle>& existing, unsigned threads) {
  RecurringLines recurring;
  if (!config.remove_boilerplate) return recurring;
  bool stored = false;
  recurring = meta.load_recurring_lines(stored);
  count_recurring_lines(files, units, config, existing, !stored, threads, recurring);
  return recurring;
}

// What marks the articles a run adds or changes with its number (schema::kRunPrefix), for the
// watches evaluated after it. A rebuild writes every article anew: only those the database it
// replaces did not hold, or held with other content, are marked.
class RunMarks {
 public:
  RunMarks(std::uint64_t run, std::optional<std::unordered_map<std::string, IndexedArticle>> replaced)
      : run_term_(schema::run_term(run)),
        changed_term_(schema::changed_run_term(run)),
        replaced_(std::move(replaced)) {}

  // Marks `doc` (article `id_term`); `indexed_before`: the database being updated holds it.
  void mark(const std::string& id_term, Xapian::Document& doc, bool indexed_before) const {
    if (replaced_ && !indexed_before) {
      auto old = replaced_->find(id_term);
      if (old != replaced_->end()) {
        if (old->second.content_hash == doc.get_value(schema::kContentHashSlot)) return;  // the same article
        indexed_before = true;
      }
    }
    doc.add_boolean_term(run_term_);
    if (indexed_before) doc.add_boolean_term(changed_term_);
  }

 private:
  std::string run_term_, changed_term_;
  std::optional<std::unordered_map<std::string, IndexedArticle>> replaced_;  // a rebuild's: what it replaces
};

// This run's number: one past the database's last (for a rebuild, the last of the database it
// replaces), stored with the run's first commit. Returns the articles a rebuild replaces.
std::uint64_t take_run_number(WriteTarget& target, const IndexerConfig& config,
                              std::optional<std::unordered_map<std::string, IndexedArticle>>& replaced) {
  std::uint64_t last = target.meta().last_run();
  std::error_code ec;
  if (config.rebuild && fs::exists(config.db_path, ec)) {
    try {
      Xapian::Database old(config.db_path);
      last = std::max(last, schema::parse_last_run(old.get_metadata(std::string(schema::kLastRunKey))));
      replaced.emplace();
      replaced->reserve(old.get_doccount());
      const std::string prefix(schema::kIdPrefix);
      for (auto t = old.allterms_begin(prefix); t != old.allterms_end(prefix); ++t) {
        auto p = old.postlist_begin(*t);
        if (p == old.postlist_end(*t)) continue;
        replaced->emplace(
            *t, IndexedArticle{old.get_document(*p, Xapian::DOC_ASSUME_VALID).get_value(schema::kContentHashSlot), {}});
      }
    } catch (const Xapian::Error&) {
      // Not a database Gazette can read (a rebuild replaces it whatever it holds): every
      // article counts as new.
      replaced.reset();
    }
  }
  target.meta().set_last_run(last + 1);
  return last + 1;
}

// The readers of a run: threads that take the next unit, read and analyse it, and hand the
// writer an item per article (its document, or that it is unchanged: not analysed again), per
// problem, and one at the end of the unit. The queue closes when the last reader is done.
class Readers {
 public:
  Readers(const IndexerConfig& config, const std::vector<SourceFile>& files, const std::vector<Unit>& units,
          const std::unordered_map<std::string, IndexedArticle>& existing, const RecurringLines& recurring,
          BoundedQueue<Item>& queue, std::atomic<bool>& abort)
      : config_(config),
        files_(files),
        units_(units),
        existing_(existing),
        recurring_(recurring),
        queue_(queue),
        abort_(abort),
        entities_(config.extract_entities ? EntityExtractor::load_default() : nullptr) {}
  ~Readers() { join(); }
  Readers(const Readers&) = delete;
  Readers& operator=(const Readers&) = delete;

  void start(unsigned threads) {
    running_ = threads;
    pool_.reserve(threads);
    for (unsigned t = 0; t < threads; ++t) pool_.emplace_back([this] { run(); });
  }
  void join() {
    for (std::thread& t : pool_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void run() {
    DocumentBuilder builder(config_.default_language, entities_, config_.min_entity_confidence);
    while (!abort_.load()) {
      std::size_t u = next_.fetch_add(1);
      if (u >= units_.size()) break;
      read(u, builder);
    }
    if (running_.fetch_sub(1) == 1) queue_.close();
  }

  void read(std::size_t u, DocumentBuilder& builder) {
    const std::size_t i = units_[u].file;
    const SourceFile& file = files_[i];
    if (!file.problem.empty()) {  // a FIFO, a device, a broken link, an unreadable folder
      queue_.push(Item::problem_of(i, Problem{0, file.problem, true}));
      queue_.push(Item::file_done(i, false));
      return;
    }
    if (format_of(file.path) == Format::kUnsupported) {
      queue_.push(Item::skipped_file(i));
      return;
    }
    bool ok = true;
    const auto started = Clock::now();
    try {
      FileContents contents = read_unit(files_, units_[u], config_);
      for (Problem& p : contents.problems) {
        ok = ok && !p.error;
        queue_.push(Item::problem_of(i, std::move(p)));
      }
      for (std::size_t n = 0; n < contents.articles.size() && !abort_.load(); ++n) {
        if (config_.max_file_seconds > 0 && seconds_since(started) > config_.max_file_seconds) {
          // One file must not hold a thread for ever: the rest of it is reported, not read.
          queue_.push(
              Item::problem_of(i, over_time_budget(contents.articles[n].line, contents.articles.size() - n - 1)));
          ok = false;
          break;
        }
        ok = analyse(i, contents.articles[n], builder) && ok;
      }
    } catch (const std::exception& e) {
      ok = false;
      queue_.push(Item::problem_of(i, Problem{0, e.what(), true}));
    }
    queue_.push(Item::file_done(i, ok));
  }

  Problem over_time_budget(int line, std::size_t after) const {
    return {line,
            "over its time budget of " + std::to_string(config_.max_file_seconds) + " s: this article and the " +
                std::to_string(after) + " after it are skipped (--max-file-seconds)",
            true};
  }

  // Cuts, cleans and analyses one article of file `i`, unless it is unchanged. Returns false
  // when it could not be analysed (an error).
  bool analyse(std::size_t i, ReadArticle& r, DocumentBuilder& builder) {
    if (std::size_t full = r.article.body.size(); cut_body(r.article.body, config_.max_article_bytes)) {
      queue_.push(Item::problem_of(
          i, Problem{r.line,
                     "article " + r.article.id + " has " + std::to_string(full) + " bytes of text: only the first " +
                         std::to_string(r.article.body.size()) + " are indexed (--max-article-size)",
                     false}));
    }
    if (config_.remove_boilerplate) clean_article(r.article, &recurring_, r.link_lists);
    std::string hash = content_hash(r.article);
    std::string id_term = schema::id_term(r.article.id);
    auto it = existing_.find(id_term);
    if (it != existing_.end() && it->second.content_hash == hash) {
      queue_.push(Item::unchanged(i, std::move(id_term)));
      return true;
    }
    try {
      queue_.push(Item::document_of(i, builder.build(r.article, hash)));
    } catch (const std::exception& e) {
      queue_.push(Item::problem_of(
          i, Problem{r.line, std::string("cannot analyse article ") + r.article.id + ": " + e.what(), true}));
      return false;
    }
    return true;
  }

  const IndexerConfig& config_;
  const std::vector<SourceFile>& files_;
  const std::vector<Unit>& units_;
  const std::unordered_map<std::string, IndexedArticle>& existing_;
  const RecurringLines& recurring_;
  BoundedQueue<Item>& queue_;
  std::atomic<bool>& abort_;
  std::shared_ptr<const EntityExtractor> entities_;
  std::atomic<std::size_t> next_{0};
  std::atomic<unsigned> running_{0};
  std::vector<std::thread> pool_;
};

// The writer's side of a run, on the calling thread: takes the readers' items in order, logs
// and counts problems (and stops the run past --max-errors), writes the documents (through the
// one writer, committed in batches, or to the shards), and notes the files read without error.
class Collector {
 public:
  Collector(const IndexerConfig& config, const std::vector<SourceFile>& files, std::vector<std::size_t> units_of,
            WriteTarget& target, const std::unordered_map<std::string, IndexedArticle>& existing, const RunMarks& marks,
            const Log& log, std::atomic<bool>& abort, Clock::time_point t0)
      : config_(config),
        files_(files),
        target_(target),
        existing_(existing),
        marks_(marks),
        log_(log),
        abort_(abort),
        t0_(t0),
        units_left_(std::move(units_of)),
        file_ok_(files.size(), true),
        file_articles_(files.size(), 0),
        last_progress_(Clock::now()) {}

  // Takes every item until the queue closes; after a stop (a signal, --max-errors) or a failure
  // of the writer, only drains it, so that readers blocked on it can finish. Returns the failure.
  std::exception_ptr drain(BoundedQueue<Item>& queue) {
    std::exception_ptr failure;
    while (std::optional<Item> item = queue.pop()) {
      if (abort_.load()) continue;
      if (config_.stop != nullptr && config_.stop->load()) {
        stats.interrupted = true;
        abort_ = true;
        continue;
      }
      try {
        take(*item);
      } catch (...) {
        failure = std::current_exception();
        abort_ = true;
      }
    }
    return failure;
  }

  // The live progress line (--progress) and IndexerConfig::on_progress, at most every 250 ms
  // unless `final`.
  void progress(bool final) {
    if (!config_.progress && !config_.on_progress) return;
    auto now = Clock::now();
    if (!final && now - last_progress_ < std::chrono::milliseconds(250)) return;
    last_progress_ = now;
    IndexProgress p{files_done_, files_.size(), stats.indexed + stats.updated + stats.unchanged,
                    std::max(1e-3, seconds_since(t0_)), final};
    if (config_.on_progress) config_.on_progress(p);
    if (!config_.progress) return;
    std::fprintf(stderr, "\r%zu/%zu files, %zu articles, %.0f articles/s   %s", p.files_done, p.files_total, p.articles,
                 static_cast<double>(p.articles) / p.seconds, final ? "\n" : "");
    std::fflush(stderr);
  }

  IndexStats stats;
  std::unordered_set<std::string> seen;           // id terms met in this run
  std::unordered_set<std::string> files_read_ok;  // stored (absolute) paths of files read without error

 private:
  void take(Item& item) {
    switch (item.kind) {
      case Item::Kind::kSkippedFile:
        ++stats.skipped;
        ++files_done_;
        break;
      case Item::Kind::kProblem:
        problem(files_[item.file], item.problem);
        break;
      case Item::Kind::kUnchanged:
        ++file_articles_[item.file];
        seen.insert(item.id_term);
        ++stats.unchanged;
        break;
      case Item::Kind::kDocument:
        document(item);
        break;
      case Item::Kind::kFileDone:
        file_done(item);
        break;
    }
  }

  void problem(const SourceFile& file, const Problem& p) {
    log_(location(file, p.line) + (p.error ? ": error: " : ": warning: ") + p.message);
    if (!p.error) {
      ++stats.warnings;
      return;
    }
    ++stats.errors;
    if (config_.max_errors >= 0 && stats.errors > static_cast<std::size_t>(config_.max_errors)) {
      log_("gazette-index: stopping: more than " + std::to_string(config_.max_errors) + " errors (--max-errors)");
      stats.interrupted = true;
      abort_ = true;
    }
  }

  void document(Item& item) {
    ++file_articles_[item.file];
    if (!seen.insert(item.id_term).second) {
      log_(location(files_[item.file], 0) + ": warning: article id " + item.id_term.substr(schema::kIdPrefix.size()) +
           " appears more than once; the last one read wins");
      ++stats.warnings;
    } else if (existing_.count(item.id_term) != 0) {
      ++stats.updated;
    } else {
      ++stats.indexed;
    }
    marks_.mark(item.id_term, item.document, existing_.count(item.id_term) != 0);
    if (target_.shards) {
      target_.shards->add(item.id_term, std::move(item.document), item.text_bytes);
      return;
    }
    target_.writer->assign_duplicate_group(item.document, item.id_term, item.signature);
    target_.writer->put(item.id_term, item.document);
    ++pending_;
    pending_bytes_ += item.text_bytes;
    if (pending_ >= config_.batch_articles || pending_bytes_ >= config_.batch_bytes) {
      target_.writer->commit();
      pending_ = pending_bytes_ = 0;
    }
  }

  void file_done(const Item& item) {
    const std::size_t i = item.file;
    file_ok_[i] = file_ok_[i] && item.file_ok;
    if (--units_left_[i] > 0) return;  // a file read in runs of lines is done with its last run
    ++files_done_;
    ++stats.files;
    if (file_ok_[i] && file_articles_[i] == 0 && !stats.interrupted) {
      // Read without an error, yet nothing in it (a JSON Lines file of blank lines).
      log_(location(files_[i], 0) + ": error: no articles in this file");
      ++stats.errors;
      file_ok_[i] = false;
    }
    if (file_ok_[i]) files_read_ok.insert(stored_path(files_[i].path));
    progress(false);
  }

  const IndexerConfig& config_;
  const std::vector<SourceFile>& files_;
  WriteTarget& target_;
  const std::unordered_map<std::string, IndexedArticle>& existing_;
  const RunMarks& marks_;
  const Log& log_;
  std::atomic<bool>& abort_;
  const Clock::time_point t0_;
  std::vector<std::size_t> units_left_;
  std::vector<bool> file_ok_;
  std::vector<std::size_t> file_articles_;  // articles read, to report files with none
  std::size_t pending_ = 0, pending_bytes_ = 0, files_done_ = 0;
  Clock::time_point last_progress_;
};

// --prune: deletes the articles the run did not meet whose file is gone, or was read without
// error and no longer holds them. Returns how many.
std::size_t prune_unmet(const std::unordered_map<std::string, IndexedArticle>& existing, const Collector& collector,
                        WriteTarget& target) {
  std::size_t deleted = 0;
  for (const auto& [id_term, info] : existing) {
    if (collector.seen.count(id_term) != 0) continue;
    std::error_code ec;
    bool gone = !info.source_file.empty() && !fs::exists(info.source_file, ec) && !ec;
    if (gone || collector.files_read_ok.count(info.source_file) != 0) {
      if (target.shards) {
        target.shards->remove(id_term);
      } else {
        target.writer->remove(id_term);
      }
      ++deleted;
    }
  }
  return deleted;
}

// The run's last writes. The recurring-line counts go with its last commit; an interrupted run
// stores none (the next run counts again what this one did not finish).
void finish_writes(WriteTarget& target, const IndexerConfig& config, const RecurringLines& recurring,
                   bool interrupted) {
  const bool store_lines = config.remove_boilerplate && !interrupted;
  if (!target.shards) {
    if (store_lines) target.writer->store_recurring_lines(recurring);
    target.writer->commit();
    return;
  }
  // Everything read so far (also after an interruption) is merged into the database.
  target.shards->finish();
  if (store_lines) {
    target.shards->first().store_recurring_lines(recurring);
    target.shards->first().commit();
  }
  if (target.writer) target.writer->close();
  if (target.keep) {
    target.shards->keep_as(config.db_path);
  } else {
    target.shards->merge_into(config.db_path);
  }
}

// The schema version the database states: 0 when it states none. Throws IndexError naming the
// key when what it states is not a number.
int stored_schema_version(const Xapian::Database& db, const std::string& db_path) {
  const std::string key(schema::kSchemaVersionKey);
  const std::string v = db.get_metadata(key);
  if (v.empty()) return 0;
  int version = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
  if (ec != std::errc() || end != v.data() + v.size()) {
    throw IndexError(db_path + ": not a Gazette database: its schema version (" + key + ") is not a number");
  }
  return version;
}

// Articles per value of a boolean prefix (sources, languages), most first.
std::vector<std::pair<std::string, std::uint64_t>> listing(const Xapian::Database& db, std::string_view prefix) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (TermCount& c : count_terms(db, prefix)) out.emplace_back(std::move(c.value), c.articles);
  return out;
}

// The bytes of the files under a database folder (its shards too; 0 for one that is not a
// folder); a file that cannot be measured (it vanished meanwhile) counts for nothing.
std::uint64_t folder_bytes(const std::string& path) {
  std::uint64_t bytes = 0;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return 0;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    if (!it->is_regular_file(size_ec)) continue;
    std::uintmax_t size = it->file_size(size_ec);
    if (!size_ec) bytes += size;
  }
  return bytes;
}

}  // namespace

IndexStats run_indexer(const IndexerConfig& config) {
  const auto t0 = Clock::now();
  const Log log = config.log ? config.log : Log(default_log);
  RunLock run_lock(config.db_path);  // one run at a time: every leftover below is a dead run's
  std::vector<SourceFile> files = discover_files(config.inputs);
  WriteTarget target = open_write_target(config, log);
  const std::unordered_map<std::string, IndexedArticle> existing = load_existing(target, config, log);
  load_synonyms(config, target.meta());
  const unsigned threads = config.threads != 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  WorkPlan plan = plan_work(files, config);
  const RecurringLines recurring = recurring_lines(target.meta(), files, plan.units, config, existing, threads);
  std::optional<std::unordered_map<std::string, IndexedArticle>> replaced;
  const std::uint64_t run = take_run_number(target, config, replaced);
  const RunMarks marks(run, std::move(replaced));

  BoundedQueue<Item> queue(config.queue_capacity);
  std::atomic<bool> abort{false};
  Readers readers(config, files, plan.units, existing, recurring, queue, abort);
  Collector collector(config, files, std::move(plan.units_of), target, existing, marks, log, abort, t0);
  readers.start(threads);
  std::exception_ptr failure = collector.drain(queue);
  readers.join();
  collector.progress(true);
  if (failure) std::rethrow_exception(failure);

  IndexStats stats = collector.stats;
  if (config.prune && !stats.interrupted) stats.deleted += prune_unmet(existing, collector, target);
  finish_writes(target, config, recurring, stats.interrupted);
  stats.run = run;
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
        if (!term.empty() && !schema::is_prefixed(term)) ia.words += t.get_wdf();
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
    s.schema_version = stored_schema_version(db, db_path);
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) ++s.terms;
    if (s.articles > 0) {
      s.first_published = schema::decode_published(db.get_value_lower_bound(schema::kPublishedSlot));
      s.last_published = schema::decode_published(db.get_value_upper_bound(schema::kPublishedSlot));
    }
    s.sources = listing(db, schema::kSourcePrefix);
    s.languages = listing(db, schema::kLanguagePrefix);
  } catch (const Xapian::DatabaseOpeningError& e) {
    throw IndexError(db_path + ": cannot open database: " + e.get_msg());
  } catch (const Xapian::Error& e) {
    throw IndexError(db_path + ": " + e.get_description());
  }
  s.size_bytes = folder_bytes(db_path);
  return s;
}

}  // namespace gazette::indexer
