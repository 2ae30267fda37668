// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-search: command line -> SearchRequest -> Searcher -> text or JSON on stdout.
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "gazette/common/dates.h"
#include "gazette/common/entities.h"
#include "gazette/common/error.h"
#include "gazette/searcher/request_json.h"
#include "gazette/searcher/request_params.h"
#include "gazette/searcher/searcher.h"
#include "gazette/searcher/watches.h"
#include "server.h"

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }

// Snippet HTML -> terminal text: <mark> as bold (or [..] when not a terminal), entities decoded.
std::string terminal_text(const std::string& html, bool tty) {
  std::string out;
  for (std::size_t i = 0; i < html.size();) {
    auto starts = [&](const char* s) { return html.compare(i, std::strlen(s), s) == 0; };
    if (starts("<mark>")) {
      out += tty ? "\033[1m" : "[";
      i += 6;
    } else if (starts("</mark>")) {
      out += tty ? "\033[0m" : "]";
      i += 7;
    } else if (starts("&amp;")) {
      out += '&';
      i += 5;
    } else if (starts("&lt;")) {
      out += '<';
      i += 4;
    } else if (starts("&gt;")) {
      out += '>';
      i += 4;
    } else if (starts("&quot;")) {
      out += '"';
      i += 6;
    } else if (starts("&#39;")) {
      out += '\'';
      i += 5;
    } else {
      out += html[i++];
    }
  }
  return out;
}

void print_article(const gazette::Article& a) {
  std::printf(
      "id:        %s\ntitle:     %s\npublished: %s\nsource:    %s\nsection:   %s\nlanguage:  %s\nurl:       %s\n",
      a.id.c_str(), a.title.c_str(), a.published ? gazette::format_iso8601(*a.published).c_str() : "-",
      a.source.c_str(), a.section.c_str(), a.lang.c_str(), a.url.c_str());
  std::printf("authors:  ");
  for (const std::string& au : a.authors) std::printf(" %s;", au.c_str());
  std::printf("\nentities: ");
  for (const gazette::Entity& e : a.entities) {
    std::printf(" %s (%s);", e.canonical.c_str(), std::string(gazette::kind_name(e.kind)).c_str());
  }
  std::printf("\n\n%s\n", a.body.c_str());
}

void print_text(const gazette::SearchResponse& r) {
  bool tty = isatty(STDOUT_FILENO) != 0;
  for (const std::string& w : r.warnings) std::printf("warning: %s\n", w.c_str());
  if (!r.suggestion.empty()) std::printf("did you mean: %s\n", r.suggestion.c_str());
  if (r.relaxed) std::printf("no article has every word; showing articles with any of them\n");
  std::printf("%s%llu result%s for \"%s\" (%.1f ms)\n\n", r.total.exact ? "" : "about ",
              static_cast<unsigned long long>(r.total.value), r.total.value == 1 ? "" : "s", r.query.c_str(),
              r.took_ms);
  for (const gazette::Hit& h : r.hits) {
    std::printf("%d. %s  [%.2f]\n", h.rank, h.title.c_str(), h.score);
    std::printf("   %s%s%s  %s\n", h.source.c_str(), h.source.empty() ? "" : " · ",
                h.published ? h.published->substr(0, 10).c_str() : "undated", h.id.c_str());
    if (!h.snippet.empty()) std::printf("   %s\n", terminal_text(h.snippet, tty).c_str());
    if (h.duplicates > 0) {
      std::printf("   + %llu near-duplicate%s:", static_cast<unsigned long long>(h.duplicates),
                  h.duplicates == 1 ? "" : "s");
      for (const std::string& id : h.duplicate_ids) std::printf(" %s", id.c_str());
      std::printf("\n");
    }
    for (const gazette::ScorePart& p : h.explanation) std::printf("   %8.3f  %s\n", p.weight, p.label.c_str());
    std::printf("\n");
  }
  for (const gazette::FacetResult& f : r.facets) {
    std::printf("%s:", f.name.c_str());
    for (const gazette::FacetCount& c : f.values) {
      std::printf("  %s (%llu)", c.value.c_str(), static_cast<unsigned long long>(c.count));
    }
    std::printf("\n");
  }
}

// One flag of `query` from the table of search parameters, and what the command line gave it.
struct ParamFlag {
  const gazette::SearchParam* param = nullptr;
  CLI::Option* option = nullptr;
  std::string text;
  std::vector<std::string> values;  // repeated flags
  bool set = false;                 // flags
};

struct QueryCommand {
  CLI::App* app = nullptr;
  std::string db;
  bool json = false;
  std::vector<std::string> words;
  std::vector<ParamFlag> flags;

  explicit QueryCommand(CLI::App& parent) : app(parent.add_subcommand("query", "Ranked search")) {
    app->add_option("--db", db, "Database folder or Xapian stub file")->required();
    app->add_flag("--json", json, "Print the response as JSON");
    flags.reserve(gazette::search_params().size());
    for (const gazette::SearchParam& p : gazette::search_params()) {
      if (p.cli.empty()) continue;
      ParamFlag& f = flags.emplace_back();
      f.param = &p;
      const std::string name = "--" + std::string(p.cli);
      const std::string help(p.help);
      if (p.type == gazette::ParamType::kFlag) {
        f.option = app->add_flag(name, f.set, help);
      } else if (p.type == gazette::ParamType::kRepeated) {
        f.option = app->add_option(name, f.values, help)->allow_extra_args(false);
      } else {
        f.option = app->add_option(name, f.text, help);
        if (std::string d = gazette::default_text(p); !d.empty()) f.option->default_str(d);
      }
    }
    app->add_option("query", words, std::string(gazette::search_params().front().help));
  }

  gazette::SearchRequest request() const {
    gazette::SearchRequest r;
    for (const std::string& w : words) {
      if (!r.query.empty()) r.query.push_back(' ');
      r.query += w;
    }
    for (const ParamFlag& f : flags) {
      if (f.option->count() == 0) continue;
      const std::string shown = "--" + std::string(f.param->cli);
      if (f.param->type == gazette::ParamType::kFlag) {
        gazette::set_param(r, *f.param, f.param->cli_negates ? "false" : "true", shown);
      } else if (f.param->type == gazette::ParamType::kRepeated) {
        for (const std::string& v : f.values) gazette::set_param(r, *f.param, v, shown);
      } else {
        gazette::set_param(r, *f.param, f.text, shown);
      }
    }
    return r;
  }

  int run() const {
    gazette::Searcher searcher(db);
    gazette::SearchResponse response = searcher.search(request());
    if (json) {
      std::cout << gazette::to_json(response) << '\n';
    } else {
      print_text(response);
    }
    return 0;
  }
};

struct ServeCommand {
  CLI::App* app = nullptr;
  gazette::http::ServerConfig config;

  explicit ServeCommand(CLI::App& parent) : app(parent.add_subcommand("serve", "HTTP/JSON API and search page")) {
    app->add_option("--db", config.db_path, "Database folder or Xapian stub file")->required();
    app->add_option("--host", config.host, "Address to listen on")->capture_default_str();
    app->add_option("--port", config.port, "Port (0: any free port)")->capture_default_str();
    app->add_option("--threads", config.threads,
                    "Connection threads, one per open connection (default 256; past them new connections get 503); "
                    "at most 4 searches per core run at once, the rest queue in order");
    app->add_option("--cors-origin", config.cors_origins, "Allow browser calls from this origin (repeatable)")
        ->allow_extra_args(false);
    app->add_option("--www", config.www_dir, "Folder of the search page (default: the installed one)");
    app->add_flag("!--no-access-log", config.access_log, "No access log on stderr");
    app->add_option("--watches", config.watches,
                    "The watch API: on (list, add, remove, mark seen), read (list only) or off")
        ->check(CLI::IsMember({"on", "read", "off"}))
        ->capture_default_str();
  }

  int run() const {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    return gazette::http::serve(config, g_stop, [this](int port) {
      std::fprintf(stderr, "gazette-search: serving %s on http://%s:%d/\n", config.db_path.c_str(), config.host.c_str(),
                   port);
    });
  }
};

// One answer per line: query text or a JSON request in, a JSON response (or error) out.
struct BatchCommand {
  CLI::App* app = nullptr;
  std::string db;
  std::string file;
  bool json = false;

  explicit BatchCommand(CLI::App& parent)
      : app(parent.add_subcommand("batch",
                                  "Answer many queries in one process: one per line, one JSON line out each")) {
    app->add_option("--db", db, "Database folder or Xapian stub file")->required();
    app->add_option("file", file, "Queries file (default: standard input); a line is query text or a JSON request");
    app->add_flag("--json", json, "Accepted for symmetry: batch output is always JSON lines");
  }

  int run() const {
    gazette::Searcher searcher(db);
    std::ifstream in_file;
    if (!file.empty()) {
      in_file.open(file);
      if (!in_file) throw gazette::InvalidRequest(file + ": cannot open");
    }
    std::istream& in = file.empty() ? std::cin : in_file;
    std::string line;
    int n = 0, failed = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty()) continue;
      try {
        gazette::SearchRequest r;
        if (line[0] == '{') {
          r = gazette::request_from_json(line);
        } else {
          r.query = line;
        }
        std::cout << gazette::to_json(searcher.search(r)) << '\n';
      } catch (const gazette::InvalidRequest& e) {
        // One bad line does not stop the batch: its answer is an error object.
        ++failed;
        std::cout << gazette::error_json("invalid_request", "line " + std::to_string(n) + ": " + e.what()) << '\n';
      }
    }
    return failed > 0 ? 2 : 0;
  }
};

struct DocCommand {
  CLI::App* app = nullptr;
  std::string db, id;
  bool json = false;

  explicit DocCommand(CLI::App& parent)
      : app(parent.add_subcommand("doc", "Print one stored article (fields, entities)")) {
    app->add_option("--db", db, "Database folder or Xapian stub file")->required();
    app->add_option("id", id, "Article id")->required();
    app->add_flag("--json", json, "Print JSON");
  }

  int run() const {
    std::optional<gazette::Article> a = gazette::Searcher(db).document(id);
    if (!a) throw gazette::InvalidRequest("no article with id \"" + id + "\"");
    if (json) {
      std::cout << gazette::to_json(*a) << '\n';
    } else {
      print_article(*a);
    }
    return 0;
  }
};

struct SimilarCommand {
  CLI::App* app = nullptr;
  std::string db, id;
  int limit = gazette::kDefaultSimilarLimit;
  bool json = false;

  explicit SimilarCommand(CLI::App& parent)
      : app(parent.add_subcommand("similar", "Articles like a given one (not its duplicates)")) {
    app->add_option("--db", db, "Database folder or Xapian stub file")->required();
    app->add_option("id", id, "Article id")->required();
    app->add_option("--limit", limit, "How many")->capture_default_str();
    app->add_flag("--json", json, "Print JSON");
  }

  int run() const {
    gazette::SearchResponse r = gazette::Searcher(db).similar(id, limit);
    if (json) {
      std::cout << gazette::to_json(r) << '\n';
    } else {
      print_text(r);
    }
    return 0;
  }
};

struct EntitiesCommand {
  CLI::App* app = nullptr;
  std::string db;
  gazette::EntityListRequest request;
  bool json = false;

  explicit EntitiesCommand(CLI::App& parent)
      : app(parent.add_subcommand("entities", "List people, organisations and places with article counts")) {
    app->add_option("--db", db, "Database folder or Xapian stub file")->required();
    app->add_option("--kind", request.kind, "person, organization or place (default: all)");
    app->add_option("--prefix", request.prefix, "Names starting with this");
    app->add_option("--limit", request.limit, "How many")->capture_default_str();
    app->add_flag("--json", json, "Print JSON");
  }

  int run() const {
    std::vector<gazette::EntityCount> list = gazette::Searcher(db).entities(request);
    if (json) {
      std::cout << gazette::to_json(list) << '\n';
      return 0;
    }
    for (const auto& e : list) {
      std::printf("%-13s %-40s %llu\n", e.kind.c_str(), e.name.c_str(), static_cast<unsigned long long>(e.count));
    }
    return 0;
  }
};

struct RelatedCommand {
  CLI::App* app = nullptr;
  std::string db, entity;
  int limit = 10;
  bool json = false;

  explicit RelatedCommand(CLI::App& parent)
      : app(parent.add_subcommand("related", "Entities that appear with one significantly often")) {
    app->add_option("--db", db, "Database folder or Xapian stub file")->required();
    app->add_option("entity", entity, "kind:name, e.g. 'people:Kim Jong Un'")->required();
    app->add_option("--limit", limit, "How many")->capture_default_str();
    app->add_flag("--json", json, "Print JSON");
  }

  int run() const {
    gazette::RelatedResponse r = gazette::Searcher(db).related(entity, limit);
    if (json) {
      std::cout << gazette::to_json(r) << '\n';
      return 0;
    }
    std::printf("%s: %llu articles\n", r.entity.c_str(), static_cast<unsigned long long>(r.articles));
    for (const auto& e : r.related) {
      std::printf("  %-13s %-40s together %llu of %llu  score %.3f\n", e.kind.c_str(), e.name.c_str(),
                  static_cast<unsigned long long>(e.together), static_cast<unsigned long long>(e.total), e.score);
    }
    return 0;
  }
};

void print_watch(const gazette::Watch& w) {
  std::printf("%-20s %6llu new %7llu all   %s%s", w.name.c_str(), static_cast<unsigned long long>(w.new_matches),
              static_cast<unsigned long long>(w.matches), w.query.c_str(), w.query.empty() ? "" : " ");
  for (const std::string& f : w.filters) std::printf("[%s] ", f.c_str());
  if (w.min_score > 0) std::printf("(score >= %g)", w.min_score);
  std::printf("\n");
}

void print_match(const gazette::WatchMatch& m) {
  std::printf("%s  %s  [%.2f]%s\n   %s%s%s  %s\n", m.matched_at.c_str(), m.title.c_str(), m.score,
              m.change == "changed" ? "  (changed)" : "", m.source.c_str(), m.source.empty() ? "" : " · ",
              m.published ? m.published->substr(0, 10).c_str() : "undated", m.id.c_str());
  if (!m.entities.empty()) {
    std::printf("   names:");
    for (const gazette::MatchedEntity& e : m.entities) std::printf(" %s (%s);", e.name.c_str(), e.kind.c_str());
    std::printf("\n");
  }
  if (!m.copies.empty()) {
    std::printf("   + %zu cop%s:", m.copies.size(), m.copies.size() == 1 ? "y" : "ies");
    for (const std::string& c : m.copies) std::printf(" %s", c.c_str());
    std::printf("\n");
  }
}

// gazette-search watch add|list|show|remove|matches: the watches stored beside a database.
struct WatchCommand {
  CLI::App* app = nullptr;
  CLI::App *add = nullptr, *import = nullptr, *list = nullptr, *show = nullptr, *remove = nullptr, *matches = nullptr;
  std::string db, name, since, file;
  gazette::Watch watch;
  std::size_t limit = 0;
  bool json = false;

  explicit WatchCommand(CLI::App& parent)
      : app(parent.add_subcommand("watch", "Saved searches that report new matching articles after each build")) {
    app->require_subcommand(1);
    app->add_option("--db", db, "Database folder or Xapian stub file")->required();
    app->add_flag("--json", json, "Print JSON");
    add = app->add_subcommand("add", "Save a watch: a query and/or filters");
    add->add_option("name", watch.name, "Its name: letters, digits, '.', '_', '-'")->required();
    add->add_option("query", watch.query, "Query text (the query language)");
    add->add_option("--filter", watch.filters, "facet:value, e.g. 'people:Kim Jong Un' (repeatable)");
    add->add_option("--min-score", watch.min_score, "Leave out matches scoring below this");
    import = app->add_subcommand("import", "Add many watches at once, from JSON Lines: all of them or none");
    import->add_option("file", file, "One watch per line, as POST /api/watches takes it ('-': standard input)")
        ->required();
    list = app->add_subcommand("list", "The watches, with their new and recorded match counts");
    show = app->add_subcommand("show", "One watch");
    show->add_option("name", name, "Watch name")->required();
    remove = app->add_subcommand("remove", "Delete a watch (its recorded matches stay listed by name)");
    remove->add_option("name", name, "Watch name")->required();
    matches = app->add_subcommand("matches", "Recorded matches of a watch, oldest first");
    matches->add_option("name", name, "Watch name")->required();
    matches->add_option("--since", since, "Only those recorded at or after this time (2026-12-01, ISO 8601, 24h, 7d)");
    matches->add_option("--limit", limit, "At most this many, the newest (0: all)");
  }

  // `watch import FILE`: every line a watch ({"name", "query", "filters", "min_score"}); errors
  // name the file and the line.
  int run_import(gazette::WatchStore& store) {
    std::ifstream opened;
    if (file != "-") {
      opened.open(file, std::ios::binary);
      if (!opened) throw gazette::InvalidRequest(file + ": cannot open: " + std::strerror(errno));
    }
    std::istream& in = file == "-" ? std::cin : opened;
    std::vector<gazette::Watch> watches;
    std::vector<std::size_t> lines;
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        watches.push_back(gazette::watch_from_json(line));
      } catch (const gazette::InvalidRequest& e) {
        throw gazette::InvalidRequest(file + ": line " + std::to_string(n) + ": " + e.what());
      }
      lines.push_back(n);
    }
    gazette::Searcher searcher(db);
    try {
      watches = store.add_all(std::move(watches), searcher);
    } catch (const gazette::InvalidWatch& e) {
      throw gazette::InvalidRequest(file + ": line " + std::to_string(lines[e.index()]) + ": " + e.reason() +
                                    " (nothing imported)");
    }
    if (json) {
      for (const gazette::Watch& w : watches) std::cout << gazette::watch_to_json(w) << '\n';
    } else {
      std::printf("%zu watches imported (%s)\n", watches.size(), store.folder().c_str());
    }
    return 0;
  }

  int run() {
    gazette::WatchStore store(db);
    if (*import) return run_import(store);
    if (*add) {
      gazette::Searcher searcher(db);
      gazette::Watch w = store.add(watch, searcher);
      if (json) {
        std::cout << gazette::watch_to_json(w) << '\n';
      } else {
        std::printf("watch \"%s\" saved: the next builds report the articles it matches (%s)\n", w.name.c_str(),
                    store.folder().c_str());
      }
      return 0;
    }
    if (*list) {
      std::vector<gazette::Watch> all = store.list();
      if (json) {
        std::cout << '[';
        for (std::size_t i = 0; i < all.size(); ++i) std::cout << (i ? "," : "") << gazette::watch_to_json(all[i]);
        std::cout << "]\n";
        return 0;
      }
      if (all.empty()) std::printf("no watches (gazette-search watch --db %s add NAME QUERY)\n", db.c_str());
      for (const gazette::Watch& w : all) print_watch(w);
      return 0;
    }
    if (*show) {
      std::optional<gazette::Watch> w = store.get(name);
      if (!w) throw gazette::InvalidRequest("no watch named \"" + name + "\"");
      if (json) {
        std::cout << gazette::watch_to_json(*w) << '\n';
      } else {
        print_watch(*w);
        std::printf("created %s, after run %llu; last match %s\n", w->created.c_str(),
                    static_cast<unsigned long long>(w->since_run), w->last_match.empty() ? "-" : w->last_match.c_str());
      }
      return 0;
    }
    if (*remove) {
      if (!store.remove(name)) throw gazette::InvalidRequest("no watch named \"" + name + "\"");
      if (!json) std::printf("watch \"%s\" removed\n", name.c_str());
      return 0;
    }
    std::optional<std::int64_t> from;
    if (!since.empty()) from = gazette::parse_since(since, "--since");
    if (!store.get(name) && store.matches(name).empty())
      throw gazette::InvalidRequest("no watch named \"" + name + "\"");
    for (const gazette::WatchMatch& m : store.matches(name, from, limit)) {
      if (json) {
        std::cout << gazette::match_to_json(m) << '\n';
      } else {
        print_match(m);
      }
    }
    return 0;
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gazette-search: search a Gazette news database"};
  app.require_subcommand(1);
  QueryCommand query(app);
  ServeCommand serve(app);
  BatchCommand batch(app);
  DocCommand doc(app);
  SimilarCommand similar(app);
  EntitiesCommand entities(app);
  RelatedCommand related(app);
  WatchCommand watch(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (*query.app) return query.run();
    if (*serve.app) return serve.run();
    if (*batch.app) return batch.run();
    if (*doc.app) return doc.run();
    if (*similar.app) return similar.run();
    if (*entities.app) return entities.run();
    if (*related.app) return related.run();
    if (*watch.app) return watch.run();
  } catch (...) {
    return gazette::report_failure("gazette-search");
  }
  return 0;
}
