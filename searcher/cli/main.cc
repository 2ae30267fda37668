// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-search: command line -> SearchRequest -> Searcher -> text or JSON on stdout.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "gazette/common/dates.h"
#include "gazette/common/entities.h"
#include "gazette/common/error.h"
#include "gazette/searcher/request_json.h"
#include "gazette/searcher/searcher.h"
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gazette-search: search a Gazette news database"};
  app.require_subcommand(1);

  std::string db;
  gazette::SearchRequest request;
  std::vector<std::string> words;
  bool json = false;
  CLI::App* query = app.add_subcommand("query", "Ranked search");
  query->add_option("--db", db, "Database folder or Xapian stub file")->required();
  query->add_option("--limit", request.limit, "Hits to return")->capture_default_str();
  query->add_option("--offset", request.offset, "Hits to skip")->capture_default_str();
  query->add_option("--lang", request.lang, "Language of the query for stemming (default: detect, else en)");
  query->add_option("--snippet-length", request.snippet_chars, "Snippet length in characters")->capture_default_str();
  query->add_flag("--json", json, "Print the response as JSON");
  std::string facet_list;
  query->add_option("--facets", facet_list,
                    "Facets to count, comma-separated: people,organizations,places,source,section,language,"
                    "date,date:year,date:day");
  query->add_option("--facet-size", request.facet_size, "Values per facet")->capture_default_str();
  query->add_option("--filter", request.filters, "Filter facet:value (repeatable), e.g. 'people:Kim Jong Un'")
      ->allow_extra_args(false);
  query->add_option("--sort", request.sort, "relevance, newest or oldest")->capture_default_str();
  std::string recency;
  query->add_option("--recency", recency, "Blend a time decay with this half-life into relevance: 30d, 12h, 2w");
  query->add_flag("--explain", request.explain, "Show the parts of each hit's score");
  query->add_flag("--exact-total", request.exact_total, "Count every match exactly (slower on large result sets)");
  bool no_collapse = false;
  query->add_flag("--no-collapse", no_collapse, "Show every near-duplicate instead of one per group");
  query->add_option("--time-limit", request.time_limit_ms, "Stop matching after this many ms (0: none)")
      ->capture_default_str();
  query->add_option("query", words, "Words, \"quoted phrases\", operators and field:value filters");

  gazette::http::ServerConfig serve_config;
  CLI::App* serve = app.add_subcommand("serve", "HTTP/JSON API and search page");
  serve->add_option("--db", serve_config.db_path, "Database folder or Xapian stub file")->required();
  serve->add_option("--host", serve_config.host, "Address to listen on")->capture_default_str();
  serve->add_option("--port", serve_config.port, "Port (0: any free port)")->capture_default_str();
  serve->add_option("--threads", serve_config.threads,
                    "Connection threads, one per open connection (default 256; past them new connections get 503); at "
                    "most 4 searches per core run at once, the rest queue in order");
  serve->add_option("--cors-origin", serve_config.cors_origins, "Allow browser calls from this origin (repeatable)")
      ->allow_extra_args(false);
  serve->add_option("--www", serve_config.www_dir, "Folder of the search page (default: the installed one)");
  serve->add_flag("!--no-access-log", serve_config.access_log, "No access log on stderr");

  std::string batch_file;
  CLI::App* batch =
      app.add_subcommand("batch", "Answer many queries in one process: one per line, one JSON line out each");
  batch->add_option("--db", db, "Database folder or Xapian stub file")->required();
  batch->add_option("file", batch_file,
                    "Queries file (default: standard input); a line is query text or a JSON request");
  batch->add_flag("--json", json, "Accepted for symmetry: batch output is always JSON lines");

  std::string doc_id;
  bool doc_json = false;
  CLI::App* doc = app.add_subcommand("doc", "Print one stored article (fields, entities)");
  doc->add_option("--db", db, "Database folder or Xapian stub file")->required();
  doc->add_option("id", doc_id, "Article id")->required();
  doc->add_flag("--json", doc_json, "Print JSON");

  std::string similar_id;
  int similar_limit = 10;
  bool similar_json = false;
  CLI::App* similar = app.add_subcommand("similar", "Articles like a given one (not its duplicates)");
  similar->add_option("--db", db, "Database folder or Xapian stub file")->required();
  similar->add_option("id", similar_id, "Article id")->required();
  similar->add_option("--limit", similar_limit, "How many")->capture_default_str();
  similar->add_flag("--json", similar_json, "Print JSON");

  gazette::EntityListRequest entity_request;
  bool entities_json = false;
  CLI::App* entities = app.add_subcommand("entities", "List people, organisations and places with article counts");
  entities->add_option("--db", db, "Database folder or Xapian stub file")->required();
  entities->add_option("--kind", entity_request.kind, "person, organization or place (default: all)");
  entities->add_option("--prefix", entity_request.prefix, "Names starting with this");
  entities->add_option("--limit", entity_request.limit, "How many")->capture_default_str();
  entities->add_flag("--json", entities_json, "Print JSON");

  std::string related_entity;
  int related_limit = 10;
  bool related_json = false;
  CLI::App* related = app.add_subcommand("related", "Entities that appear with one significantly often");
  related->add_option("--db", db, "Database folder or Xapian stub file")->required();
  related->add_option("entity", related_entity, "kind:name, e.g. 'people:Kim Jong Un'")->required();
  related->add_option("--limit", related_limit, "How many")->capture_default_str();
  related->add_flag("--json", related_json, "Print JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (*query) {
      for (const std::string& w : words) {
        if (!request.query.empty()) request.query.push_back(' ');
        request.query += w;
      }
      request.collapse = !no_collapse;
      if (!recency.empty()) request.recency_half_life_days = gazette::parse_half_life(recency);
      for (std::size_t start = 0; start < facet_list.size();) {
        std::size_t comma = facet_list.find(',', start);
        std::string name = facet_list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!name.empty()) request.facets.push_back(name);
        start = comma == std::string::npos ? facet_list.size() : comma + 1;
      }
      gazette::Searcher searcher(db);
      gazette::SearchResponse response = searcher.search(request);
      if (json) {
        std::cout << gazette::to_json(response) << '\n';
      } else {
        print_text(response);
      }
    }
    if (*serve) {
      std::signal(SIGINT, on_signal);
      std::signal(SIGTERM, on_signal);
      return gazette::http::serve(serve_config, g_stop, [&serve_config](int port) {
        std::fprintf(stderr, "gazette-search: serving %s on http://%s:%d/\n", serve_config.db_path.c_str(),
                     serve_config.host.c_str(), port);
      });
    }
    if (*batch) {
      gazette::Searcher searcher(db);
      std::ifstream file;
      if (!batch_file.empty()) {
        file.open(batch_file);
        if (!file) throw gazette::InvalidRequest(batch_file + ": cannot open");
      }
      std::istream& in = batch_file.empty() ? std::cin : file;
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
    if (*doc) {
      gazette::Searcher searcher(db);
      std::optional<gazette::Article> a = searcher.document(doc_id);
      if (!a) throw gazette::InvalidRequest("no article with id \"" + doc_id + "\"");
      if (doc_json) {
        std::cout << gazette::to_json(*a) << '\n';
      } else {
        print_article(*a);
      }
    }
    if (*similar) {
      gazette::Searcher searcher(db);
      gazette::SearchResponse r = searcher.similar(similar_id, similar_limit);
      if (similar_json) {
        std::cout << gazette::to_json(r) << '\n';
      } else {
        print_text(r);
      }
    }
    if (*entities) {
      gazette::Searcher searcher(db);
      std::vector<gazette::EntityCount> list = searcher.entities(entity_request);
      if (entities_json) {
        std::cout << gazette::to_json(list) << '\n';
      } else {
        for (const auto& e : list) {
          std::printf("%-13s %-40s %llu\n", e.kind.c_str(), e.name.c_str(), static_cast<unsigned long long>(e.count));
        }
      }
    }
    if (*related) {
      gazette::Searcher searcher(db);
      gazette::RelatedResponse r = searcher.related(related_entity, related_limit);
      if (related_json) {
        std::cout << gazette::to_json(r) << '\n';
      } else {
        std::printf("%s: %llu articles\n", r.entity.c_str(), static_cast<unsigned long long>(r.articles));
        for (const auto& e : r.related) {
          std::printf("  %-13s %-40s together %llu of %llu  score %.3f\n", e.kind.c_str(), e.name.c_str(),
                      static_cast<unsigned long long>(e.together), static_cast<unsigned long long>(e.total), e.score);
        }
      }
    }
  } catch (const gazette::InvalidRequest& e) {
    std::cerr << "gazette-search: " << e.what() << '\n';
    return 2;
  } catch (const gazette::Error& e) {
    std::cerr << "gazette-search: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "gazette-search: internal error: " << e.what() << '\n';
    return 70;
  }
  return 0;
}
