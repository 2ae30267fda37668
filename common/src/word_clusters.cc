// SPDX-License-Identifier: GPL-2.0-or-later
// Word clusters learnt from unlabeled text, for the tagger's cluster features.
//
// The predictive exchange algorithm (Uszkoreit & Brants 2008, after Kneser & Ney 1993 and Martin
// et al. 1998): words are put into K classes so as to maximise the likelihood of the class bigram
// model P(w | v) = P(w | c(w)) P(c(w) | v), i.e. sum over (v, c) of N(v,c) log N(v,c) minus sum
// over c of N(c) log N(c), where N(v,c) counts word v followed by a word of class c. Each pass
// moves every word, most frequent first, to the class that gains the most. Like Brown clusters
// (which Ratinov & Roth 2009 and Turian et al. 2010 found the best unlabeled-text features for
// news NER) the classes come from bigram statistics, so rare words are placed by the words before
// them; unlike Brown's agglomeration, a pass costs (distinct bigrams x K), seconds for millions of
// words. The predictive model places a word by the words before it ("in Germany", "in 1996");
// a second clustering of the reversed text places it by the words after it ("Germany said"), as
// Brown's two-sided model does. Several granularities (K = 64, 256, 1024 by default) give coarse
// and fine classes; a word's clusters are written "l64.l256.l1024.r64.r256.r1024".
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <numeric>
#include <random>
#include <sstream>
#include <unordered_map>

#include "gazette/common/error.h"
#include "gazette/common/hash.h"
#include "gazette/common/ner.h"

namespace gazette {
namespace {

// x log x, with 0 log 0 = 0; small counts from a table (most cells of N(v,c) are small).
class XLogX {
 public:
  XLogX() {
    for (std::size_t i = 0; i < table_.size(); ++i)
      table_[i] = i == 0 ? 0.0 : static_cast<double>(i) * std::log(static_cast<double>(i));
  }
  double operator()(std::int64_t x) const {
    return x < static_cast<std::int64_t>(table_.size()) ? table_[static_cast<std::size_t>(x)]
                                                        : static_cast<double>(x) * std::log(static_cast<double>(x));
  }

 private:
  std::array<double, 4096> table_{};
};

// Each word's neighbours (v, count of the bigram) on one side.
using Neighbours = std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>>;

// One exchange clustering of `words` (ids 0..n-1, by falling frequency) into k classes, given
// each word's predecessors (v, count) and its count.
std::vector<std::uint32_t> exchange(const Neighbours& pred, const std::vector<std::uint64_t>& count, std::size_t k,
                                    int passes, const std::function<void(std::string_view)>& log) {
  const std::size_t n = count.size();
  static const XLogX f;
  std::vector<std::uint32_t> cls(n);
  for (std::size_t w = 0; w < n; ++w) cls[w] = static_cast<std::uint32_t>(w % k);
  // N(v, c) dense, N(c).
  std::vector<std::int32_t> nvc(n * k, 0);
  std::vector<std::int64_t> nc(k, 0);
  for (std::size_t w = 0; w < n; ++w) {
    nc[cls[w]] += static_cast<std::int64_t>(count[w]);
    for (const auto& [v, c] : pred[w]) nvc[static_cast<std::size_t>(v) * k + cls[w]] += static_cast<std::int32_t>(c);
  }
  std::vector<double> gain(k);
  for (int pass = 0; pass < passes; ++pass) {
    std::size_t moved = 0;
    for (std::size_t w = 0; w < n; ++w) {
      const std::uint32_t from = cls[w];
      const auto nw = static_cast<std::int64_t>(count[w]);
      // Take w out of its class, then score every class for it.
      for (const auto& [v, c] : pred[w]) nvc[static_cast<std::size_t>(v) * k + from] -= static_cast<std::int32_t>(c);
      nc[from] -= nw;
      std::fill(gain.begin(), gain.end(), 0.0);
      for (const auto& [v, c] : pred[w]) {
        const std::int32_t* row = &nvc[static_cast<std::size_t>(v) * k];
        for (std::size_t b = 0; b < k; ++b) gain[b] += f(row[b] + static_cast<std::int64_t>(c)) - f(row[b]);
      }
      std::uint32_t best = from;
      double best_gain = -1e300;
      for (std::size_t b = 0; b < k; ++b) {
        double g = gain[b] - (f(nc[b] + nw) - f(nc[b]));
        if (g > best_gain + 1e-9 || (b == from && g >= best_gain - 1e-9)) {
          best_gain = g;
          best = static_cast<std::uint32_t>(b);
        }
      }
      if (best != from) ++moved;
      cls[w] = best;
      for (const auto& [v, c] : pred[w]) nvc[static_cast<std::size_t>(v) * k + best] += static_cast<std::int32_t>(c);
      nc[best] += nw;
    }
    if (log)
      log("k=" + std::to_string(k) + " pass " + std::to_string(pass + 1) + ": " + std::to_string(moved) +
          " words moved");
    if (moved * 1000 < n) break;  // fewer than 0.1% move: converged
  }
  return cls;
}

// The text as word ids (in order of first appearance), each word counted.
struct CountedText {
  std::vector<std::string> words;
  std::vector<std::uint64_t> count;
  std::vector<std::vector<std::uint32_t>> sentences;
};

CountedText count_words(const std::vector<std::vector<std::string>>& sentences) {
  CountedText text;
  std::unordered_map<std::string, std::uint32_t> ids;
  text.sentences.reserve(sentences.size());
  for (const auto& s : sentences) {
    std::vector<std::uint32_t> row;
    row.reserve(s.size());
    for (const std::string& w : s) {
      auto [it, inserted] = ids.emplace(w, static_cast<std::uint32_t>(text.words.size()));
      if (inserted) {
        text.words.push_back(w);
        text.count.push_back(0);
      }
      ++text.count[it->second];
      row.push_back(it->second);
    }
    text.sentences.push_back(std::move(row));
  }
  return text;
}

// The vocabulary: the most frequent words seen at least min_count times; the rest are one
// word, "rare", and sentence boundaries another, so that every bigram counts.
struct Vocabulary {
  std::vector<std::uint32_t> words;  // CountedText ids, most frequent first
  std::vector<std::uint32_t> index;  // CountedText id -> vocabulary id (rare() when not in it)
  std::uint32_t rare() const { return static_cast<std::uint32_t>(words.size()); }
  std::uint32_t boundary() const { return rare() + 1; }
  std::size_t size() const { return words.size() + 2; }  // with "rare" and the boundary
};

Vocabulary choose_vocabulary(const CountedText& text, const WordClusterOptions& options) {
  const std::vector<std::uint64_t>& count = text.count;
  std::vector<std::uint32_t> by_freq(text.words.size());
  std::iota(by_freq.begin(), by_freq.end(), 0);
  std::sort(by_freq.begin(), by_freq.end(), [&](std::uint32_t a, std::uint32_t b) {
    return count[a] != count[b] ? count[a] > count[b] : text.words[a] < text.words[b];
  });
  Vocabulary vocab;
  constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  vocab.index.assign(text.words.size(), kNone);
  for (std::uint32_t w : by_freq) {
    if (count[w] < options.min_count || vocab.words.size() >= options.max_words) break;
    vocab.index[w] = static_cast<std::uint32_t>(vocab.words.size());
    vocab.words.push_back(w);
  }
  for (std::uint32_t& v : vocab.index) v = v == kNone ? vocab.rare() : v;
  return vocab;
}

// How often each vocabulary word occurs (each sentence has two boundaries).
std::vector<std::uint64_t> vocabulary_counts(const CountedText& text, const Vocabulary& vocab) {
  std::vector<std::uint64_t> vcount(vocab.size(), 0);
  for (const auto& row : text.sentences) {
    vcount[vocab.boundary()] += 2;
    for (std::uint32_t id : row) ++vcount[vocab.index[id]];
  }
  return vcount;
}

// Each vocabulary word's neighbours with their bigram counts: the words before it (`before`),
// else the words after it. Counted as (word, neighbour) pairs, sorted.

Neighbours neighbours(const CountedText& text, const Vocabulary& vocab, bool before) {
  std::vector<std::uint64_t> pairs;
  for (const auto& row : text.sentences) {
    std::uint32_t prev = vocab.boundary();
    for (std::size_t i = 0; i <= row.size(); ++i) {
      std::uint32_t w = i < row.size() ? vocab.index[row[i]] : vocab.boundary();
      pairs.push_back(before ? static_cast<std::uint64_t>(w) << 32 | prev : static_cast<std::uint64_t>(prev) << 32 | w);
      prev = w;
    }
  }
  std::sort(pairs.begin(), pairs.end());
  Neighbours lists(vocab.size());
  for (std::size_t i = 0; i < pairs.size();) {
    std::size_t e = i;
    while (e < pairs.size() && pairs[e] == pairs[i]) ++e;
    lists[pairs[i] >> 32].emplace_back(static_cast<std::uint32_t>(pairs[i] & 0xFFFFFFFFu),
                                       static_cast<std::uint32_t>(e - i));
    i = e;
  }
  return lists;
}

}  // namespace

const std::string* WordClusters::find(std::string_view word) const {
  auto it = paths_.find(word);
  return it == paths_.end() ? nullptr : &it->second;
}

void WordClusters::add(const std::string& word, const std::string& path) { paths_[word] = path; }

WordClusters WordClusters::learn(const std::vector<std::vector<std::string>>& sentences,
                                 const WordClusterOptions& options) {
  CountedText text = count_words(sentences);
  const Vocabulary vocab = choose_vocabulary(text, options);
  const std::vector<std::uint64_t> vcount = vocabulary_counts(text, vocab);
  // One clustering per granularity, by the words before (classes that predict from the left),
  // then by the words after (from the right).
  std::vector<std::vector<std::uint32_t>> levels;
  for (bool before : {true, false}) {
    Neighbours lists = neighbours(text, vocab, before);
    for (std::size_t k : options.classes)
      levels.push_back(exchange(lists, vcount, std::min(k, vocab.size()), options.passes, options.log));
  }
  std::vector<std::vector<std::uint32_t>>().swap(text.sentences);
  WordClusters clusters;
  for (std::size_t w = 0; w < vocab.words.size(); ++w) {
    std::string path;
    for (const auto& level : levels) path += (path.empty() ? "" : ".") + std::to_string(level[w]);
    clusters.add(text.words[vocab.words[w]], path);
  }
  return clusters;
}

// "word\tpath" lines.
void WordClusters::write(std::ostream& out) const {
  std::vector<std::pair<std::string, std::string>> sorted(paths_.begin(), paths_.end());
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [w, p] : sorted) out << w << '\t' << p << '\n';
}

WordClusters WordClusters::read(std::istream& in, const std::string& name) {
  WordClusters clusters;
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    std::size_t tab = line.find('\t');
    if (tab == 0 || tab == std::string::npos || tab + 1 == line.size() ||
        line.find_first_not_of("0123456789.", tab + 1) != std::string::npos) {
      throw DataError(name + ":" + std::to_string(n) + ": expected \"word<TAB>cluster numbers separated by dots\"");
    }
    clusters.add(line.substr(0, tab), line.substr(tab + 1));
  }
  return clusters;
}

}  // namespace gazette
