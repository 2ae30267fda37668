// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-corpus-gen: a deterministic synthetic news corpus for scale benchmarks.
// Words follow a Zipf law over a vocabulary learnt from real text (their real frequency ranks);
// articles name people, organisations and places from the gazetteer, carry dates over years,
// sources and sections. Same --seed, same corpus.
// Usage: gazette-corpus-gen --articles N [--seed S] [--out FILE] [--vocab-from PATH]...
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "corpus_reader.h"
#include "gazette/common/dates.h"
#include "gazette/common/entities.h"

namespace {

std::vector<std::string> args_of(int argc, char** argv, const std::string& name) {
  std::vector<std::string> out;
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) out.emplace_back(argv[i + 1]);
  }
  return out;
}

// A Zipf sampler over ranks 0..n-1 (exponent s), by inverse transform on the cumulative weights.
class Zipf {
 public:
  Zipf(std::size_t n, double s) : cdf_(n) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) cdf_[i] = sum += 1.0 / std::pow(static_cast<double>(i + 1), s);
    for (double& c : cdf_) c /= sum;
  }
  std::size_t operator()(std::mt19937_64& rng) const {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<std::size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> n_arg = args_of(argc, argv, "--articles");
  if (n_arg.empty()) {
    std::cerr << "usage: gazette-corpus-gen --articles N [--seed S] [--out FILE] [--vocab-from PATH]...\n";
    return 2;
  }
  long articles = std::atol(n_arg[0].c_str());
  std::vector<std::string> seed_arg = args_of(argc, argv, "--seed");
  std::mt19937_64 rng(seed_arg.empty() ? 42 : std::stoull(seed_arg[0]));
  std::vector<std::string> sources = args_of(argc, argv, "--vocab-from");
  if (sources.empty()) sources.push_back(std::string(GAZETTE_SOURCE_DIR) + "/corpus");

  // Vocabulary: lower-case words of real articles by frequency.
  std::unordered_map<std::string, long> freq;
  for (const auto& file : gazette::indexer::discover_files(sources)) {
    if (gazette::indexer::format_of(file.path) == gazette::indexer::Format::kUnsupported) continue;
    for (const auto& ra : gazette::indexer::read_file(file, 20u << 20).articles) {
      if (!ra.article.lang.empty() && ra.article.lang != "en") continue;
      std::istringstream words(ra.article.body);
      for (std::string w; words >> w;) {
        std::string clean;
        for (char c : w) {
          if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '\'') {
            clean.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
          }
        }
        if (clean.size() >= 2 || clean == "a") ++freq[clean];
      }
    }
  }
  std::vector<std::pair<long, std::string>> ranked;
  for (auto& [w, f] : freq) ranked.emplace_back(f, w);
  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  if (ranked.size() < 100) {
    std::cerr << "gazette-corpus-gen: too little text to learn a vocabulary from\n";
    return 1;
  }
  std::vector<std::string> vocab;
  for (auto& [f, w] : ranked) vocab.push_back(w);
  Zipf zipf(vocab.size(), 1.07);

  // Entity names from the gazetteer: people, organisations and places.
  std::map<std::string, std::vector<std::string>> names;
  {
    std::ifstream in(gazette::default_data_dir() + "/gazetteer.tsv");
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string kind, alias, canonical, weight;
      std::getline(f, kind, '\t');
      std::getline(f, alias, '\t');
      std::getline(f, canonical, '\t');
      std::getline(f, weight, '\t');
      if ((kind == "PER" || kind == "ORG" || kind == "LOC") && alias == canonical &&
          alias.find(',') == std::string::npos && (kind != "LOC" || std::atoll(weight.c_str()) >= 200000)) {
        names[kind].push_back(alias);
      }
    }
  }
  for (const char* k : {"PER", "ORG", "LOC"}) {
    if (names[k].empty()) names[k].push_back(std::string("Name") + k);
  }
  const std::vector<std::string> outlets = {
      "Harbor Times", "Northern Ledger",   "Meridian Wire",  "Daily Compass",   "Alpine Courier",  "Pacific Dispatch",
      "Savanna Post", "Lakeside Observer", "Eastern Herald", "Capital Journal", "Coastal Tribune", "Valley Gazette"};
  const std::vector<std::string> sections = {"politics", "business", "sport",   "technology",
                                             "science",  "world",    "culture", "health"};
  std::int64_t start = *gazette::parse_date("2015-01-01"), span = 11LL * 365 * 86400;

  std::vector<std::string> out_arg = args_of(argc, argv, "--out");
  std::ofstream file;
  if (!out_arg.empty()) file.open(out_arg[0]);
  std::ostream& out = out_arg.empty() ? std::cout : file;
  auto word = [&] { return vocab[zipf(rng)]; };
  auto pick = [&](const std::vector<std::string>& v) {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
  };
  auto between = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (long a = 0; a < articles; ++a) {
    std::vector<std::string> cast = {pick(names["PER"]), pick(names["PER"]), pick(names["ORG"]), pick(names["LOC"]),
                                     pick(names["LOC"])};
    std::string title;
    for (int i = between(6, 11); i > 0; --i) title += (title.empty() ? "" : " ") + word();
    title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
    title += " in " + cast[3];
    std::string body;
    int paragraphs = between(3, 7);
    for (int p = 0; p < paragraphs; ++p) {
      if (p) body += "\n\n";
      for (int s = between(2, 4); s > 0; --s) {
        std::string sentence;
        int words = between(8, 24);
        for (int i = 0; i < words; ++i) {
          if (i == words / 2 && between(0, 2) == 0) {
            sentence += " " + cast[static_cast<std::size_t>(between(0, 4))];
            continue;
          }
          sentence += (sentence.empty() ? "" : " ") + word();
        }
        sentence[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(sentence[0])));
        if (between(0, 3) == 0) sentence += ", " + cast[0] + " said";
        body += (s == 0 ? "" : (body.empty() || body.back() == '\n' ? "" : " ")) + sentence + ".";
      }
    }
    nlohmann::json j = {
        {"id", "syn-" + std::to_string(a)},
        {"title", title},
        {"body", body},
        {"date", gazette::format_iso8601(start + std::uniform_int_distribution<std::int64_t>(0, span)(rng))},
        {"source", pick(outlets)},
        {"section", pick(sections)},
        {"lang", "en"}};
    out << j.dump() << '\n';
  }
  return 0;
}
