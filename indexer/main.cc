// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-index: command line -> IndexerConfig -> run_indexer() / inspect / stats -> exit code.
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>

#include <xapian.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "gazette/common/dates.h"
#include "gazette/common/error.h"
#include "gazette/searcher/watches.h"
#include "src/indexer.h"
#include "src/indexer_json.h"
#include "src/ner_tools.h"
#include "watch_hook.h"

namespace {

std::atomic<bool> g_stop{false};
std::string g_db_path;  // the database being built, for on_terminate
extern "C" void on_signal(int) { g_stop.store(true); }

void print_text_stats(const gazette::indexer::IndexStats& s) {
  std::printf(
      "indexed %zu, updated %zu, unchanged %zu, deleted %zu, skipped %zu, errors %zu, warnings %zu "
      "(%zu files in %.2f s)%s\n",
      s.indexed, s.updated, s.unchanged, s.deleted, s.skipped, s.errors, s.warnings, s.files, s.seconds,
      s.interrupted ? " - interrupted" : "");
}

void print_text_inspect(const gazette::indexer::InspectedFile& f, bool terms) {
  for (const auto& p : f.problems) {
    std::printf("%s%s: %s: %s\n", f.path.c_str(), p.line > 0 ? (":" + std::to_string(p.line)).c_str() : "",
                p.error ? "error" : "warning", p.message.c_str());
  }
  for (const auto& ia : f.articles) {
    const auto& a = ia.article;
    std::printf(
        "%s (line %d)\n  id:        %s\n  title:     %s\n  published: %s\n  source:    %s\n"
        "  authors:   ",
        f.path.c_str(), ia.line, a.id.c_str(), a.title.c_str(),
        a.published ? gazette::format_iso8601(*a.published).c_str() : "-", a.source.c_str());
    for (std::size_t i = 0; i < a.authors.size(); ++i) std::printf("%s%s", i ? ", " : "", a.authors[i].c_str());
    std::printf("\n  section:   %s\n  language:  %s\n  url:       %s\n  body:      %zu bytes, %zu words, %zu terms\n",
                a.section.c_str(), a.lang.c_str(), a.url.c_str(), a.body.size(), ia.words, ia.terms);
    for (const auto& e : a.entities) {
      std::printf("  %-12s %s (%zu)\n", std::string(gazette::kind_name(e.kind)).c_str(), e.canonical.c_str(),
                  e.mentions.size());
    }
    for (const auto& r : ia.removed) {
      std::printf("  removed:   bytes %zu-%zu (%s): %s\n", r.start, r.end, r.rule.c_str(), r.text.c_str());
    }
    if (terms) std::printf("  terms:     %s\n", ia.term_list.c_str());
  }
}

void print_text_database_stats(const gazette::indexer::DatabaseStats& s) {
  std::printf("database:   %s (schema %d)\narticles:   %llu\nterms:      %llu\nsize:       %.1f MB\n", s.path.c_str(),
              s.schema_version, static_cast<unsigned long long>(s.articles), static_cast<unsigned long long>(s.terms),
              static_cast<double>(s.size_bytes) / 1e6);
  std::printf("published:  %s .. %s\n", s.first_published ? gazette::format_iso8601(*s.first_published).c_str() : "-",
              s.last_published ? gazette::format_iso8601(*s.last_published).c_str() : "-");
  std::printf("sources:   ");
  for (const auto& [v, n] : s.sources) std::printf(" %s (%llu)", v.c_str(), static_cast<unsigned long long>(n));
  std::printf("\nlanguages: ");
  for (const auto& [v, n] : s.languages) std::printf(" %s (%llu)", v.c_str(), static_cast<unsigned long long>(n));
  std::printf("\n");
}

void print_scores(const std::vector<gazette::ChunkScore>& scores) {
  std::printf("%-8s %9s %9s %9s %7s %7s\n", "type", "precision", "recall", "F1", "gold", "found");
  for (const auto& s : scores) {
    std::printf("%-8s %9.2f %9.2f %9.2f %7zu %7zu\n", s.type.c_str(), s.precision, s.recall, s.f1, s.gold, s.predicted);
  }
}

void print_pipeline_scores(const gazette::indexer::PipelineScores& r) {
  std::printf("%zu documents rebuilt as raw text (%zu not read back as written); people, organisations, places\n",
              r.documents, r.misread);
  std::printf("%-8s | %-27s | %-27s | %6s\n", "", "pipeline (raw text)", "tagger alone (gold tokens)", "");
  std::printf("%-8s | %8s %8s %8s | %8s %8s %8s | %6s\n", "type", "P", "R", "F1", "P", "R", "F1", "gold");
  for (std::size_t i = 0; i < r.pipeline.size(); ++i) {
    const gazette::ChunkScore &p = r.pipeline[i], &t = r.tagger[i];
    std::printf("%-8s | %8.2f %8.2f %8.2f | %8.2f %8.2f %8.2f | %6zu\n", p.type.c_str(), p.precision, p.recall, p.f1,
                t.precision, t.recall, t.f1, p.gold);
  }
}

void log_to_stderr(std::string_view line) { std::cerr << line << '\n'; }

// Each subcommand: its options (CLI11 fills its config), and run(), which makes the one library
// call and prints what it returns. run() returns the exit status.

// After a build: the watches evaluated against what it wrote (gazette/searcher/watches.h), their
// matches appended to --watch-output and posted to --watch-hook. The index is committed by then:
// nothing here can undo or delay it. Returns false when the evaluation or a delivery failed.
struct WatchDelivery {
  std::string output_path, hook_url;
  gazette::WatchRun run;
  std::string error;               // the evaluation's failure
  gazette::http::HookReport hook;  // what reached the hook

  bool deliver(const std::string& db_path, unsigned threads) {
    try {
      run = gazette::run_watches(db_path, threads);
    } catch (const gazette::Error& e) {
      error = e.what();
      std::fprintf(stderr,
                   "gazette-index: watches: error: %s (the index is committed; the next build evaluates them)\n",
                   e.what());
      return false;
    }
    std::vector<std::string> lines;
    for (const gazette::WatchMatch& m : run.matches) lines.push_back(gazette::match_to_json(m));
    bool ok = true;
    if (!output_path.empty() && !lines.empty()) {
      std::ofstream out(output_path, std::ios::app | std::ios::binary);
      for (const std::string& l : lines) out << l << '\n';
      out.flush();
      if (!out) {
        std::fprintf(stderr, "gazette-index: %s: error: cannot append the watch matches (--watch-output)\n",
                     output_path.c_str());
        ok = false;
      }
    }
    if (!hook_url.empty() && !lines.empty()) {
      hook = gazette::http::post_to_hook(hook_url, lines);
      if (hook.failed > 0) {
        std::fprintf(stderr,
                     "gazette-index: %s: warning: %zu of %zu watch matches not delivered (%s); they are recorded "
                     "(gazette-search watch matches)\n",
                     hook_url.c_str(), hook.failed, lines.size(), hook.last_error.c_str());
      }
    }
    return ok;
  }

  nlohmann::json to_json() const {
    nlohmann::json j = nlohmann::json::parse(gazette::watch_run_to_json(run));
    if (!error.empty()) j["error"] = error;
    if (!hook_url.empty()) j["hook"] = {{"delivered", hook.delivered}, {"failed", hook.failed}};
    return j;
  }

  void print() const {
    if (run.counts.empty()) return;
    std::printf("watches:    %zu evaluated, %zu new matches (%.2f s)\n", run.counts.size(), run.matches.size(),
                run.seconds);
    // The watches with the most new matches first; a long list is cut (watch list has them all).
    std::vector<std::pair<std::string, std::size_t>> hit;
    for (const auto& c : run.counts) {
      if (c.second > 0) hit.push_back(c);
    }
    std::stable_sort(hit.begin(), hit.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    constexpr std::size_t kShown = 20;
    for (std::size_t i = 0; i < hit.size() && i < kShown; ++i) {
      std::printf("  %-24s %zu new match%s\n", hit[i].first.c_str(), hit[i].second, hit[i].second == 1 ? "" : "es");
    }
    if (hit.size() > kShown) {
      std::printf("  ... and %zu more watches with new matches (gazette-search watch list)\n", hit.size() - kShown);
    }
  }
};

struct BuildCommand {
  gazette::indexer::IndexerConfig config;
  bool json = false, no_entities = false, keep_boilerplate = false;
  int changesets = 0;
  WatchDelivery watches;
  CLI::App* app;

  explicit BuildCommand(CLI::App& parent)
      : app(parent.add_subcommand("build", "Index files and folders of articles into a database")) {
    app->add_option("--db", config.db_path, "Database folder (created if missing)")->required();
    app->add_option("paths", config.inputs, "Files and folders to index (recursive)")->required();
    app->add_option("--threads", config.threads, "Reading and analysis threads (default: all cores)");
    app->add_option("--shards", config.shards,
                    "Parallel writers for a build into an empty database (0: one per core, at most 8)")
        ->capture_default_str();
    app->add_flag("--keep-shards", config.keep_shards,
                  "Keep the shards as the database (a folder of shard databases and a Xapian stub file, "
                  "XAPIANDB), unmerged, e.g. to serve each with xapian-tcpsrv; later runs update them in place");
    app->add_flag("--prune", config.prune, "Delete articles whose files are gone or no longer hold them");
    app->add_flag("--rebuild", config.rebuild, "Start from an empty database");
    app->add_option("--max-article-size", config.max_article_bytes,
                    "Index at most this many bytes of an article's body (the rest is cut, with a warning)")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30));
    app->add_option("--max-file-seconds", config.max_file_seconds,
                    "Skip the rest of a file once analysing it took this long (0: no limit)")
        ->check(CLI::Range(0.0, 86400.0));
    app->add_option("--max-file-size", config.max_file_bytes, "Skip files larger than this many bytes")
        ->capture_default_str();
    app->add_option("--max-errors", config.max_errors, "Stop after more than this many errors (-1: never)")
        ->capture_default_str();
    app->add_option("--batch-size", config.batch_articles, "Commit after this many changed articles")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app->add_option("--default-language", config.default_language,
                    "Language of articles that state none when detection is unsure")
        ->capture_default_str();
    app->add_flag("--json", json, "Print the final summary as one JSON object on stdout");
    app->add_option("--changesets", changesets,
                    "Keep the last N commits' changesets, for xapian-replicate to bring replicas up to date "
                    "(Xapian's XAPIAN_MAX_CHANGESETS; default: none, or that variable's value)")
        ->check(CLI::Range(1, 1000000));
    app->add_option("--synonyms", config.synonyms_path,
                    "Synonym groups, one per line, comma-separated (default: the shipped news aliases)");
    app->add_flag("--no-entities", no_entities, "Skip entity extraction (no people/organisation/place facets)");
    app->add_flag("--keep-boilerplate", keep_boilerplate,
                  "Index bodies as read: keep comment forms, share and related links, cookie notices at their ends");
    app->add_option("--min-entity-confidence", config.min_entity_confidence,
                    "Leave out entities whose calibrated confidence is below this (0-1)")
        ->check(CLI::Range(0.0f, 1.0f))
        ->capture_default_str();
    app->add_option("--watch-output", watches.output_path,
                    "Append each new watch match to this file, one JSON object per line");
    app->add_option("--watch-hook", watches.hook_url,
                    "POST each new watch match (JSON) to this http:// URL, after the commit (5 s timeout, 3 tries)");
  }

  int run() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    config.stop = &g_stop;
    g_db_path = config.db_path;
    config.extract_entities = !no_entities;
    config.remove_boilerplate = !keep_boilerplate;
    config.progress = isatty(STDERR_FILENO) != 0;
    if (changesets > 0) ::setenv("XAPIAN_MAX_CHANGESETS", std::to_string(changesets).c_str(), 1);
    if (!watches.hook_url.empty()) gazette::http::check_hook_url(watches.hook_url);
    gazette::indexer::IndexStats s = gazette::indexer::run_indexer(config);
    // An interrupted run's watches wait for the next build (what it committed carries its run).
    const bool watched = g_stop.load() || watches.deliver(config.db_path, config.threads);
    if (json) {
      nlohmann::json j = nlohmann::json::parse(gazette::indexer::stats_to_json(s));
      if (!watches.run.counts.empty() || !watches.error.empty()) j["watches"] = watches.to_json();
      std::cout << j.dump() << '\n';
    } else {
      print_text_stats(s);
      watches.print();
    }
    if (g_stop.load()) return 130;
    return s.errors > 0 || s.interrupted || !watched ? 1 : 0;
  }
};

struct InspectCommand {
  gazette::indexer::IndexerConfig config;
  std::vector<std::string> paths;
  bool json = false, terms = false, keep_boilerplate = false;
  CLI::App* app;

  explicit InspectCommand(CLI::App& parent)
      : app(parent.add_subcommand("inspect", "Show what the readers and analysis make of files")) {
    app->add_option("files", paths, "Files or folders to inspect")->required();
    app->add_flag("--json", json, "JSON output");
    app->add_flag("--terms", terms, "List every term of each article's document");
    app->add_option("--default-language", config.default_language, "Fallback language")->capture_default_str();
    app->add_flag("--keep-boilerplate", keep_boilerplate, "Show bodies as read, page tails included");
  }

  int run() {
    config.remove_boilerplate = !keep_boilerplate;
    std::vector<gazette::indexer::InspectedFile> files;
    for (const std::string& p : paths) files.push_back(gazette::indexer::inspect_file(p, config));
    if (json) {
      std::cout << gazette::indexer::inspected_to_json(files, terms) << '\n';
    } else {
      for (const auto& f : files) print_text_inspect(f, terms);
    }
    for (const auto& f : files) {
      for (const auto& p : f.problems) {
        if (p.error) return 1;
      }
    }
    return 0;
  }
};

struct StatsCommand {
  std::string db;
  bool json = false;
  CLI::App* app;

  explicit StatsCommand(CLI::App& parent) : app(parent.add_subcommand("stats", "Summarise a database")) {
    app->add_option("--db", db, "Database folder")->required();
    app->add_flag("--json", json, "JSON output");
  }

  int run() {
    gazette::indexer::DatabaseStats s = gazette::indexer::database_stats(db);
    if (json) {
      std::cout << gazette::indexer::database_stats_to_json(s) << '\n';
    } else {
      print_text_database_stats(s);
    }
    return 0;
  }
};

struct TrainNerCommand {
  gazette::indexer::TrainNerConfig config;
  CLI::App* app;

  explicit TrainNerCommand(CLI::App& parent)
      : app(parent.add_subcommand("train-ner", "Train the entity tagger from CoNLL-2003 files")) {
    app->add_option("--train", config.train_path, "Training file (CoNLL-2003 format)")->required();
    app->add_option("--dev", config.dev_path, "Development file, scored after training");
    app->add_option("--out", config.out_path, "Model file to write")->required();
    app->add_option("--epochs", config.epochs, "Passes over the training data")->capture_default_str();
    app->add_option("--prune", config.prune_below, "Drop weights smaller than this (model size)")
        ->capture_default_str();
    app->add_option("--clusters", config.clusters_path, "Word clusters (from word-clusters) for the cluster features");
  }

  int run() {
    config.log = log_to_stderr;
    gazette::indexer::TrainNerResult r = gazette::indexer::train_ner(config);
    std::printf("model: %s (%zu features, %.2f MB)\n", config.out_path.c_str(), r.features,
                static_cast<double>(r.model_bytes) / 1e6);
    if (!r.dev_scores.empty()) {
      print_scores(r.dev_scores);
      std::printf(
          "confidence: temperature %.2f, a %.3f, b %.3f; expected calibration error on %zu held-out "
          "mentions %.2f -> %.2f points\n",
          r.calibration.temperature, r.calibration.a, r.calibration.b, r.calibration_mentions, r.ece_before,
          r.ece_after);
    }
    return 0;
  }
};

struct WordClustersCommand {
  gazette::indexer::WordClustersConfig config;
  CLI::App* app;

  explicit WordClustersCommand(CLI::App& parent)
      : app(parent.add_subcommand("word-clusters", "Learn word clusters from unlabeled text (for train-ner)")) {
    app->add_option("inputs", config.inputs, ".jsonl files, folders of .txt files, CoNLL files")->required();
    app->add_option("--out", config.out_path, "Clusters file to write (word<TAB>classes)")->required();
    app->add_option("--min-count", config.options.min_count, "Cluster words seen at least this often")
        ->capture_default_str();
    app->add_option("--max-words", config.options.max_words, "Cluster at most this many words")->capture_default_str();
    app->add_option("--classes", config.options.classes, "Number of classes, one clustering each")
        ->capture_default_str();
  }

  int run() {
    config.log = log_to_stderr;
    config.options.log = config.log;
    gazette::indexer::WordClustersResult r = gazette::indexer::learn_word_clusters(config);
    std::printf("clusters: %s (%zu words clustered from %zu sentences, %zu tokens, %.1f s)\n", config.out_path.c_str(),
                r.words, r.sentences, r.tokens, r.seconds);
    return 0;
  }
};

struct EvalNerCommand {
  gazette::indexer::EvalNerConfig config;
  bool pipeline = false;
  CLI::App* app;

  explicit EvalNerCommand(CLI::App& parent)
      : app(parent.add_subcommand("eval-ner", "Score an entity tagger on a CoNLL-2003 file")) {
    app->add_option("file", config.data_path, "CoNLL-2003 file with gold tags")->required();
    app->add_option("--model", config.model_path, "Model file (default: the installed model)");
    app->add_flag("--rules", config.rules, "Score the rules + gazetteer tagger instead of a model");
    app->add_option("--predictions", config.predictions_path, "Write \"word gold predicted\" lines here");
    app->add_option("--min-confidence", config.min_confidence,
                    "With --pipeline: leave out entities less sure than this, as build --min-entity-confidence");
    app->add_flag("--pipeline", pipeline,
                  "Score the whole indexing pipeline on the documents rebuilt as raw text, beside the tagger alone");
  }

  int run() {
    if (pipeline) {
      print_pipeline_scores(gazette::indexer::eval_ner_pipeline(config));
      return 0;
    }
    gazette::indexer::EvalNerResult r = gazette::indexer::eval_ner(config);
    std::printf("tagger: %s\n", r.tagger.c_str());
    print_scores(r.scores);
    return 0;
  }
};

// Xapian 1.4 can end the process from inside a failing commit (an error thrown again while it
// cleans up, e.g. when the disk fills): say what it was, and that the last commit stands.
[[noreturn]] void on_terminate() noexcept {
  std::string what = "an unexpected error";
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const Xapian::Error& x) {
      what = x.get_description();
    } catch (const std::exception& x) {
      what = x.what();
    } catch (...) {
    }
  }
  // Xapian may end the process while an exception unwinds, with none to tell: a full disk is
  // the usual cause, and one that can be seen.
  struct statvfs fs {};
  if (!g_db_path.empty() && ::statvfs(g_db_path.c_str(), &fs) == 0 && fs.f_bavail == 0) {
    what += " (the file system holding " + g_db_path + " is full: " + std::strerror(ENOSPC) + ")";
  }
  std::fprintf(stderr,
               "gazette-index: stopped by the database library: %s (the database keeps its last commit; "
               "the next build resumes)\n",
               what.c_str());
  std::_Exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::set_terminate(on_terminate);
  CLI::App app{"gazette-index: build and inspect Gazette news search databases"};
  app.require_subcommand(1);
  BuildCommand build(app);
  InspectCommand inspect(app);
  StatsCommand stats(app);
  TrainNerCommand train(app);
  WordClustersCommand clusters(app);
  EvalNerCommand eval(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (*build.app) return build.run();
    if (*inspect.app) return inspect.run();
    if (*train.app) return train.run();
    if (*clusters.app) return clusters.run();
    if (*eval.app) return eval.run();
    if (*stats.app) return stats.run();
  } catch (...) {
    return gazette::report_failure("gazette-index");
  }
  return 0;
}
