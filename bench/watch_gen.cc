// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-bench-watches: COUNT watches for the watch benchmark, drawn from a database the way a
// newsroom would set them up: a topic word, two words, a followed person, organisation or place
// (filters only), and a word within an entity. Words are the database's own (in 0.1% to 5% of the
// articles), entities its most frequent 300 of each kind. Prints JSON Lines for `gazette-search watch import`. Same
// seed, same list. Usage: gazette-bench-watches DB COUNT [SEED]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "gazette/searcher/searcher.h"

namespace {

// Topic words: the database's free-text terms (unprefixed: folded, unstemmed words) of four
// letters or more found in 0.1% to 5% of the articles (at least 2).
std::vector<std::string> topic_words(const std::string& db_path) {
  Xapian::Database db(db_path);
  const Xapian::doccount least = std::max<Xapian::doccount>(2, db.get_doccount() / 1000);
  const Xapian::doccount most = std::max<Xapian::doccount>(least, db.get_doccount() / 20);
  std::vector<std::string> out;
  for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
    const std::string& term = *t;
    if (term.size() < 4 || !std::all_of(term.begin(), term.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
      continue;
    }
    if (t.get_termfreq() >= least && t.get_termfreq() <= most) out.push_back(term);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gazette-bench-watches DB COUNT [SEED]\n");
    return 2;
  }
  try {
    const std::string db = argv[1];
    const long count = std::atol(argv[2]);
    std::mt19937_64 rng(argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1);
    std::vector<std::string> words = topic_words(db);
    gazette::Searcher searcher(db);
    std::vector<std::string> filters;
    for (const char* kind : {"person", "organization", "place"}) {
      gazette::EntityListRequest r;
      r.kind = kind;
      r.limit = 300;
      for (const gazette::EntityCount& e : searcher.entities(r)) {
        filters.push_back(std::string(kind == std::string("person")         ? "people"
                                      : kind == std::string("organization") ? "organizations"
                                                                            : "places") +
                          ":" + e.name);
      }
    }
    if (words.empty() || filters.empty()) throw std::runtime_error(db + ": too few titled articles or entities");
    auto pick = [&](const std::vector<std::string>& from) { return from[rng() % from.size()]; };
    for (long i = 0; i < count; ++i) {
      nlohmann::json w = {{"name", "w" + std::to_string(i + 1)}};
      switch (rng() % 20) {
        case 0:
        case 1:
        case 2:
        case 3:
        case 4:
        case 5:
        case 6:  // 35%: a topic word
          w["query"] = pick(words);
          break;
        case 7:
        case 8:
        case 9:
        case 10:
        case 11:  // 25%: two words
          w["query"] = pick(words) + " " + pick(words);
          break;
        case 12:
        case 13:
        case 14:
        case 15:  // 20%: a followed entity
          w["filters"] = {pick(filters)};
          break;
        default:  // 20%: a word within an entity
          w["query"] = pick(words);
          w["filters"] = {pick(filters)};
      }
      std::cout << w.dump() << '\n';
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gazette-bench-watches: %s\n", e.what());
    return 1;
  }
  return 0;
}
