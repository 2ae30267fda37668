// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-search: command line -> SearchRequest -> Searcher -> text or JSON on stdout.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <cstring>

#include <CLI/CLI.hpp>

#include "gazette/common/error.h"
#include "gazette/searcher/request_json.h"
#include "gazette/searcher/searcher.h"

namespace {

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

void print_text(const gazette::SearchResponse& r) {
  bool tty = isatty(STDOUT_FILENO) != 0;
  std::printf("%s%llu result%s for \"%s\" (%.1f ms)\n\n", r.total.exact ? "" : "about ",
              static_cast<unsigned long long>(r.total.value), r.total.value == 1 ? "" : "s", r.query.c_str(),
              r.took_ms);
  for (const gazette::Hit& h : r.hits) {
    std::printf("%d. %s  [%.2f]\n", h.rank, h.title.c_str(), h.score);
    std::printf("   %s%s%s  %s\n", h.source.c_str(), h.source.empty() ? "" : " · ",
                h.published ? h.published->substr(0, 10).c_str() : "undated", h.id.c_str());
    if (!h.snippet.empty()) std::printf("   %s\n", terminal_text(h.snippet, tty).c_str());
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
  query->add_option("--snippet-length", request.snippet_chars, "Snippet length in characters")
      ->capture_default_str();
  query->add_flag("--json", json, "Print the response as JSON");
  query->add_option("query", words, "Words and \"quoted phrases\"")->required();

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
      gazette::Searcher searcher(db);
      gazette::SearchResponse response = searcher.search(request);
      if (json) {
        std::cout << gazette::to_json(response) << '\n';
      } else {
        print_text(response);
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
