// SPDX-License-Identifier: GPL-2.0-or-later
// CoNLL-2003 reading and writing, and chunk-level precision / recall / F1 (conlleval's rules).
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "gazette/common/error.h"
#include "gazette/common/ner.h"

namespace gazette {

ConllCorpus read_conll(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw DataError(path + ": cannot open");
  ConllCorpus corpus;
  Sentence words;
  Tags tags;
  auto end_sentence = [&] {
    if (words.empty()) return;
    if (corpus.docs.empty()) {
      corpus.docs.emplace_back();
      corpus.tags.emplace_back();
    }
    corpus.docs.back().push_back(std::move(words));
    corpus.tags.back().push_back(std::move(tags));
    words.clear();
    tags.clear();
  };
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      end_sentence();
      continue;
    }
    std::istringstream f(line);
    std::vector<std::string> cols;
    for (std::string c; f >> c;) cols.push_back(c);
    if (cols.size() < 2) throw DataError(path + ":" + std::to_string(n) + ": expected \"word ... tag\"");
    if (cols[0] == "-DOCSTART-") {
      end_sentence();
      corpus.docs.emplace_back();
      corpus.tags.emplace_back();
      continue;
    }
    const std::string& tag = cols.back();
    if (tag != "O" && (tag.size() < 3 || (tag[0] != 'B' && tag[0] != 'I') || tag[1] != '-')) {
      throw DataError(path + ":" + std::to_string(n) + ": bad tag \"" + tag + "\"");
    }
    words.push_back(cols[0]);
    tags.push_back(tag);
  }
  end_sentence();
  // Drop empty documents (a -DOCSTART- at the very start).
  for (std::size_t d = corpus.docs.size(); d > 0; --d) {
    if (corpus.docs[d - 1].empty()) {
      corpus.docs.erase(corpus.docs.begin() + static_cast<long>(d - 1));
      corpus.tags.erase(corpus.tags.begin() + static_cast<long>(d - 1));
    }
  }
  return corpus;
}

void write_conll_predictions(const std::string& path, const ConllCorpus& gold,
                             const std::vector<std::vector<Tags>>& predicted) {
  std::ofstream out(path);
  if (!out) throw Error(path + ": cannot write");
  for (std::size_t d = 0; d < gold.docs.size(); ++d) {
    out << "-DOCSTART- O O\n\n";
    for (std::size_t s = 0; s < gold.docs[d].size(); ++s) {
      for (std::size_t w = 0; w < gold.docs[d][s].size(); ++w) {
        out << gold.docs[d][s][w] << ' ' << gold.tags[d][s][w] << ' ' << predicted[d][s][w] << '\n';
      }
      out << '\n';
    }
  }
  if (!out) throw Error(path + ": write failed");
}

std::vector<Chunk> chunks_of(const Tags& tags) {
  std::vector<Chunk> out;
  std::string type;
  std::size_t begin = 0;
  auto close = [&](std::size_t end) {
    if (!type.empty()) out.push_back({type, begin, end});
    type.clear();
  };
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const std::string& t = tags[i];
    if (t == "O" || t.size() < 3) {
      close(i);
      continue;
    }
    std::string ty = t.substr(2);
    // conlleval: B- always starts a chunk; I- continues only a chunk of the same type.
    if (t[0] == 'B' || ty != type) {
      close(i);
      type = ty;
      begin = i;
    }
  }
  close(tags.size());
  return out;
}

std::vector<ChunkScore> score_chunks(const std::vector<std::vector<Tags>>& gold,
                                     const std::vector<std::vector<Tags>>& predicted) {
  std::map<std::string, ChunkScore> by_type;
  ChunkScore overall;
  overall.type = "overall";
  for (std::size_t d = 0; d < gold.size() && d < predicted.size(); ++d) {
    for (std::size_t s = 0; s < gold[d].size() && s < predicted[d].size(); ++s) {
      std::vector<Chunk> g = chunks_of(gold[d][s]), p = chunks_of(predicted[d][s]);
      for (const Chunk& c : g) ++by_type[c.type].gold;
      for (const Chunk& c : p) ++by_type[c.type].predicted;
      for (const Chunk& c : p) {
        bool hit = std::any_of(g.begin(), g.end(), [&](const Chunk& x) {
          return x.type == c.type && x.begin == c.begin && x.end == c.end;
        });
        if (hit) ++by_type[c.type].correct;
      }
    }
  }
  std::vector<ChunkScore> out;
  auto finish = [](ChunkScore& s) {
    s.precision = s.predicted ? 100.0 * static_cast<double>(s.correct) / static_cast<double>(s.predicted) : 0;
    s.recall = s.gold ? 100.0 * static_cast<double>(s.correct) / static_cast<double>(s.gold) : 0;
    s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  };
  for (auto& [type, s] : by_type) {
    s.type = type;
    overall.gold += s.gold;
    overall.predicted += s.predicted;
    overall.correct += s.correct;
    finish(s);
    out.push_back(s);
  }
  finish(overall);
  out.push_back(overall);
  return out;
}

}  // namespace gazette
