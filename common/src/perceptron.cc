// SPDX-License-Identifier: GPL-2.0-or-later
// Averaged perceptron sequence tagger (greedy, left to right) for IOB2 named-entity tags.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <numeric>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "gazette/common/error.h"
#include "gazette/common/hash.h"
#include "gazette/common/ner.h"

namespace gazette {
namespace {

constexpr std::array<const char*, 9> kLabels = {"O",     "B-PER", "I-PER", "B-ORG", "I-ORG",
                                                "B-LOC", "I-LOC", "B-MISC", "I-MISC"};
constexpr std::size_t kNumLabels = kLabels.size();
constexpr char kMagic[8] = {'G', 'Z', 'N', 'E', 'R', '0', '0', '1'};

int label_index(const std::string& tag) {
  for (std::size_t i = 0; i < kNumLabels; ++i) {
    if (tag == kLabels[i]) return static_cast<int>(i);
  }
  return 0;  // unknown types (none in CoNLL) read as O
}

// I-X may only follow B-X or I-X.
bool allowed(std::size_t label, int prev) {
  if (label == 0 || label % 2 == 1) return true;
  return prev >= 0 && (static_cast<std::size_t>(prev) == label || static_cast<std::size_t>(prev) == label - 1);
}

std::string lower_ascii(std::string_view w) {
  std::string out(w);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool has_upper(std::string_view w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}
bool is_capitalised(std::string_view w) { return !w.empty() && w[0] >= 'A' && w[0] <= 'Z'; }
bool has_lower(std::string_view w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// "Kim" -> "Xxx", "U.S." -> "X.X.", "1996" -> "dddd"; the short shape collapses repeats ("Xx").
std::string shape(std::string_view w, bool collapse) {
  std::string out;
  for (char ch : w) {
    auto c = static_cast<unsigned char>(ch);
    char s = c >= 'A' && c <= 'Z' ? 'X' : c >= 'a' && c <= 'z' ? 'x' : c >= '0' && c <= '9' ? 'd' : c >= 0x80 ? 'u' : ch;
    if (collapse && !out.empty() && out.back() == s) continue;
    out.push_back(s);
    if (out.size() > 12) break;
  }
  return out;
}

std::uint64_t feat(std::string_view name, std::string_view value) {
  std::uint64_t h = fnv1a64(name);
  h ^= 0x9E3779B97F4A7C15ULL;
  for (char c : value) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// Per-document context: which words appear lower-case, which capitalised mid-sentence.
struct DocContext {
  std::unordered_set<std::string> lower_forms;       // words seen all lower-case
  std::unordered_set<std::string> midcap_forms;      // lower-cased words seen capitalised mid-sentence
};

DocContext doc_context(const std::vector<Sentence>& doc) {
  DocContext ctx;
  for (const Sentence& s : doc) {
    bool all_caps_sentence = std::none_of(s.begin(), s.end(), [](const std::string& w) { return has_lower(w); });
    for (std::size_t i = 0; i < s.size(); ++i) {
      const std::string& w = s[i];
      if (!has_upper(w) && has_lower(w)) ctx.lower_forms.insert(w);
      if (i > 0 && is_capitalised(w) && has_lower(w) && !all_caps_sentence) ctx.midcap_forms.insert(lower_ascii(w));
    }
  }
  return ctx;
}

// Features that do not depend on predicted labels, for every word of a sentence.
std::vector<std::vector<std::uint64_t>> static_features(const Sentence& s, const DocContext& ctx,
                                                        const Gazetteer* gazetteer) {
  std::vector<std::string> gaz = gazetteer != nullptr ? gazetteer->match(s) : std::vector<std::string>(s.size());
  bool all_caps_sentence = std::none_of(s.begin(), s.end(), [](const std::string& w) { return has_lower(w); });
  std::vector<std::string> lw(s.size()), sh(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    lw[i] = lower_ascii(s[i]);
    sh[i] = shape(s[i], true);
  }
  auto at = [&](const std::vector<std::string>& v, long i) -> std::string_view {
    if (i < 0) return "<s>";
    if (static_cast<std::size_t>(i) >= v.size()) return "</s>";
    return v[static_cast<std::size_t>(i)];
  };
  std::vector<std::vector<std::uint64_t>> out(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto li = static_cast<long>(i);
    std::vector<std::uint64_t>& f = out[i];
    const std::string& w = s[i];
    f.push_back(feat("bias", ""));
    f.push_back(feat("w", w));
    f.push_back(feat("lw", lw[i]));
    f.push_back(feat("shape", shape(w, false)));
    f.push_back(feat("sshape", sh[i]));
    for (std::size_t n = 1; n <= 4 && n <= lw[i].size(); ++n) {
      f.push_back(feat("p" + std::to_string(n), std::string_view(lw[i]).substr(0, n)));
      f.push_back(feat("s" + std::to_string(n), std::string_view(lw[i]).substr(lw[i].size() - n)));
    }
    f.push_back(feat("w-1", at(lw, li - 1)));
    f.push_back(feat("w-2", at(lw, li - 2)));
    f.push_back(feat("w+1", at(lw, li + 1)));
    f.push_back(feat("w+2", at(lw, li + 2)));
    f.push_back(feat("w-1|w", std::string(at(lw, li - 1)) + "|" + lw[i]));
    f.push_back(feat("w|w+1", lw[i] + "|" + std::string(at(lw, li + 1))));
    f.push_back(feat("sh-1", at(sh, li - 1)));
    f.push_back(feat("sh+1", at(sh, li + 1)));
    f.push_back(feat("sh-1|sh|sh+1", std::string(at(sh, li - 1)) + "|" + sh[i] + "|" + std::string(at(sh, li + 1))));
    if (i == 0) f.push_back(feat("first", sh[i]));
    if (all_caps_sentence) f.push_back(feat("capsent|lw", lw[i]));
    f.push_back(feat("gaz", gaz[i]));
    f.push_back(feat("gaz|sh", gaz[i] + "|" + sh[i]));
    f.push_back(feat("gaz-1", i > 0 ? std::string_view(gaz[i - 1]) : "<s>"));
    f.push_back(feat("gaz+1", i + 1 < s.size() ? std::string_view(gaz[i + 1]) : "</s>"));
    if (is_capitalised(w) && has_lower(w)) {
      if (ctx.lower_forms.count(lw[i]) != 0) f.push_back(feat("lc_elsewhere", i == 0 ? "first" : "mid"));
      if (i == 0 && ctx.midcap_forms.count(lw[i]) != 0) f.push_back(feat("cap_elsewhere", ""));
    }
  }
  return out;
}

}  // namespace

struct PerceptronTagger::Impl {
  std::unordered_map<std::uint64_t, std::uint32_t> rows;  // feature -> row in weights
  std::vector<float> weights;                               // rows * kNumLabels

  const float* row(std::uint64_t f) const {
    auto it = rows.find(f);
    return it == rows.end() ? nullptr : &weights[static_cast<std::size_t>(it->second) * kNumLabels];
  }

  // Label-dependent features of word i given the previous labels and the document memory.
  static void dynamic_features(std::vector<std::uint64_t>& f, const std::string& lw, int prev, int prev2,
                               const std::unordered_map<std::string, int>& memory) {
    const char* p1 = prev < 0 ? "<s>" : kLabels[static_cast<std::size_t>(prev)];
    const char* p2 = prev2 < 0 ? "<s>" : kLabels[static_cast<std::size_t>(prev2)];
    f.push_back(feat("t-1", p1));
    f.push_back(feat("t-2|t-1", std::string(p2) + "|" + p1));
    f.push_back(feat("t-1|lw", std::string(p1) + "|" + lw));
    auto m = memory.find(lw);
    f.push_back(feat("mem", m == memory.end() ? "none" : kLabels[static_cast<std::size_t>(m->second)]));
  }

  int predict(const std::vector<std::uint64_t>& f, int prev, std::array<float, kNumLabels>& scores) const {
    scores.fill(0);
    for (std::uint64_t x : f) {
      if (const float* r = row(x)) {
        for (std::size_t l = 0; l < kNumLabels; ++l) scores[l] += r[l];
      }
    }
    int best = 0;
    float best_score = -1e30f;
    for (std::size_t l = 0; l < kNumLabels; ++l) {
      if (allowed(l, prev) && scores[l] > best_score) {
        best_score = scores[l];
        best = static_cast<int>(l);
      }
    }
    return best;
  }

  std::vector<Tags> tag(const std::vector<Sentence>& doc, const Gazetteer* gazetteer) const {
    DocContext ctx = doc_context(doc);
    std::unordered_map<std::string, int> memory;
    std::vector<Tags> out;
    out.reserve(doc.size());
    std::array<float, kNumLabels> scores{};
    for (const Sentence& s : doc) {
      auto stat = static_features(s, ctx, gazetteer);
      Tags tags(s.size());
      int prev = -1, prev2 = -1;
      for (std::size_t i = 0; i < s.size(); ++i) {
        std::string lw = lower_ascii(s[i]);
        std::vector<std::uint64_t> f = stat[i];
        dynamic_features(f, lw, prev, prev2, memory);
        int label = predict(f, prev, scores);
        tags[i] = kLabels[static_cast<std::size_t>(label)];
        if (label != 0 && is_capitalised(s[i])) memory[lw] = label;
        prev2 = prev;
        prev = label;
      }
      out.push_back(std::move(tags));
    }
    return out;
  }
};

PerceptronTagger::PerceptronTagger() : impl_(std::make_unique<Impl>()) {}
PerceptronTagger::~PerceptronTagger() = default;
PerceptronTagger::PerceptronTagger(PerceptronTagger&&) noexcept = default;
PerceptronTagger& PerceptronTagger::operator=(PerceptronTagger&&) noexcept = default;

std::size_t PerceptronTagger::feature_count() const { return impl_->rows.size(); }

std::vector<Tags> PerceptronTagger::tag(const std::vector<Sentence>& doc, const Gazetteer* gazetteer) const {
  return impl_->tag(doc, gazetteer);
}

void PerceptronTagger::train(const std::vector<std::vector<Sentence>>& docs, const std::vector<std::vector<Tags>>& tags,
                             const Gazetteer* gazetteer, const TrainOptions& options,
                             const std::vector<std::vector<Sentence>>* dev_docs,
                             const std::vector<std::vector<Tags>>* dev_tags,
                             const std::function<void(std::string_view)>& log) {
  Impl& m = *impl_;
  m.rows.clear();
  m.weights.clear();
  std::vector<double> totals;       // sum of weights over time, for averaging
  std::vector<std::uint64_t> stamps;  // last update time per weight
  std::uint64_t clock = 0;
  auto row_of = [&](std::uint64_t f) -> std::size_t {
    auto [it, inserted] = m.rows.emplace(f, static_cast<std::uint32_t>(m.rows.size()));
    if (inserted) {
      m.weights.resize(m.weights.size() + kNumLabels, 0.0f);
      totals.resize(totals.size() + kNumLabels, 0.0);
      stamps.resize(stamps.size() + kNumLabels, 0);
    }
    return static_cast<std::size_t>(it->second) * kNumLabels;
  };
  auto update = [&](std::size_t idx, float delta) {
    totals[idx] += static_cast<double>(clock - stamps[idx]) * m.weights[idx];
    stamps[idx] = clock;
    m.weights[idx] += delta;
  };

  // Static features are computed once: they depend only on the words.
  std::vector<std::vector<std::vector<std::vector<std::uint64_t>>>> stat(docs.size());
  for (std::size_t d = 0; d < docs.size(); ++d) {
    DocContext ctx = doc_context(docs[d]);
    for (const Sentence& s : docs[d]) stat[d].push_back(static_features(s, ctx, gazetteer));
  }
  std::vector<std::size_t> order(docs.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(options.seed);
  std::array<float, kNumLabels> scores{};
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    std::size_t words = 0, errors = 0;
    for (std::size_t d : order) {
      std::unordered_map<std::string, int> memory;
      for (std::size_t s = 0; s < docs[d].size(); ++s) {
        const Sentence& sent = docs[d][s];
        int prev = -1, prev2 = -1;
        for (std::size_t i = 0; i < sent.size(); ++i) {
          ++clock;
          std::string lw = lower_ascii(sent[i]);
          std::vector<std::uint64_t> f = stat[d][s][i];
          Impl::dynamic_features(f, lw, prev, prev2, memory);
          int guess = m.predict(f, prev, scores);
          int gold = label_index(tags[d][s][i]);
          ++words;
          if (guess != gold) {
            ++errors;
            for (std::uint64_t x : f) {
              std::size_t r = row_of(x);
              update(r + static_cast<std::size_t>(gold), 1.0f);
              update(r + static_cast<std::size_t>(guess), -1.0f);
            }
          }
          if (guess != 0 && is_capitalised(sent[i])) memory[lw] = guess;
          prev2 = prev;
          prev = guess;
        }
      }
    }
    std::string line = "epoch " + std::to_string(epoch) + ": " + std::to_string(words) + " words, " +
                       std::to_string(errors) + " errors";
    if (dev_docs != nullptr && dev_tags != nullptr && (epoch == options.epochs || epoch % 3 == 0)) {
      // Score the averaged weights without disturbing training.
      std::vector<float> raw = m.weights;
      for (std::size_t i = 0; i < m.weights.size(); ++i) {
        double total = totals[i] + static_cast<double>(clock - stamps[i]) * raw[i];
        m.weights[i] = static_cast<float>(total / static_cast<double>(clock));
      }
      std::vector<std::vector<Tags>> predicted;
      for (const auto& doc : *dev_docs) predicted.push_back(m.tag(doc, gazetteer));
      std::vector<ChunkScore> scores_dev = score_chunks(*dev_tags, predicted);
      char buf[64];
      std::snprintf(buf, sizeof buf, ", dev F1 %.2f", scores_dev.back().f1);
      line += buf;
      m.weights = std::move(raw);
    }
    if (log) log(line);
  }
  // Final averaging, then pruning of negligible weights (and of features left with none).
  for (std::size_t i = 0; i < m.weights.size(); ++i) {
    double total = totals[i] + static_cast<double>(clock - stamps[i]) * m.weights[i];
    m.weights[i] = static_cast<float>(total / static_cast<double>(std::max<std::uint64_t>(clock, 1)));
  }
  if (options.prune_below > 0) {
    std::unordered_map<std::uint64_t, std::uint32_t> rows;
    std::vector<float> weights;
    for (const auto& [f, r] : m.rows) {
      const float* w = &m.weights[static_cast<std::size_t>(r) * kNumLabels];
      bool keep = false;
      std::array<float, kNumLabels> kept{};
      for (std::size_t l = 0; l < kNumLabels; ++l) {
        kept[l] = std::fabs(w[l]) >= options.prune_below ? w[l] : 0.0f;
        keep = keep || kept[l] != 0.0f;
      }
      if (!keep) continue;
      rows.emplace(f, static_cast<std::uint32_t>(rows.size()));
      weights.insert(weights.end(), kept.begin(), kept.end());
    }
    m.rows = std::move(rows);
    m.weights = std::move(weights);
  }
}

// File format (little-endian): magic "GZNER001", float scale, uint32 rows; then per row the
// uint64 feature hash, a uint8 count of non-zero labels, and (uint8 label, int16 weight) pairs
// with weight = round(w / scale).
void PerceptronTagger::save(const std::string& path) const {
  const Impl& m = *impl_;
  float max_abs = 0;
  for (float w : m.weights) max_abs = std::max(max_abs, std::fabs(w));
  float scale = max_abs > 0 ? max_abs / 32767.0f : 1.0f;
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(path + ": cannot write model");
  out.write(kMagic, sizeof kMagic);
  auto rows = static_cast<std::uint32_t>(m.rows.size());
  out.write(reinterpret_cast<const char*>(&scale), sizeof scale);
  out.write(reinterpret_cast<const char*>(&rows), sizeof rows);
  // Sorted by hash so the file is reproducible.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> sorted(m.rows.begin(), m.rows.end());
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [f, r] : sorted) {
    const float* w = &m.weights[static_cast<std::size_t>(r) * kNumLabels];
    std::vector<std::pair<std::uint8_t, std::int16_t>> nz;
    for (std::size_t l = 0; l < kNumLabels; ++l) {
      auto q = static_cast<std::int16_t>(std::lround(w[l] / scale));
      if (q != 0) nz.emplace_back(static_cast<std::uint8_t>(l), q);
    }
    auto n = static_cast<std::uint8_t>(nz.size());
    out.write(reinterpret_cast<const char*>(&f), sizeof f);
    out.write(reinterpret_cast<const char*>(&n), 1);
    for (const auto& [l, q] : nz) {
      out.write(reinterpret_cast<const char*>(&l), 1);
      out.write(reinterpret_cast<const char*>(&q), sizeof q);
    }
  }
  if (!out) throw Error(path + ": write failed");
}

PerceptronTagger PerceptronTagger::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open model");
  char magic[sizeof kMagic];
  float scale = 0;
  std::uint32_t rows = 0;
  in.read(magic, sizeof magic);
  in.read(reinterpret_cast<char*>(&scale), sizeof scale);
  in.read(reinterpret_cast<char*>(&rows), sizeof rows);
  if (!in || std::memcmp(magic, kMagic, sizeof kMagic) != 0 || !(scale > 0) || rows > 50'000'000) {
    throw DataError(path + ": not a Gazette NER model");
  }
  PerceptronTagger tagger;
  Impl& m = *tagger.impl_;
  m.rows.reserve(rows);
  m.weights.assign(static_cast<std::size_t>(rows) * kNumLabels, 0.0f);
  for (std::uint32_t r = 0; r < rows; ++r) {
    std::uint64_t f = 0;
    std::uint8_t n = 0;
    in.read(reinterpret_cast<char*>(&f), sizeof f);
    in.read(reinterpret_cast<char*>(&n), 1);
    if (!in || n > kNumLabels) throw DataError(path + ": truncated or corrupt model");
    m.rows.emplace(f, r);
    for (std::uint8_t k = 0; k < n; ++k) {
      std::uint8_t l = 0;
      std::int16_t q = 0;
      in.read(reinterpret_cast<char*>(&l), 1);
      in.read(reinterpret_cast<char*>(&q), sizeof q);
      if (!in || l >= kNumLabels) throw DataError(path + ": truncated or corrupt model");
      m.weights[static_cast<std::size_t>(r) * kNumLabels + l] = static_cast<float>(q) * scale;
    }
  }
  return tagger;
}

}  // namespace gazette
