// SPDX-License-Identifier: GPL-2.0-or-later
// Averaged perceptron sequence tagger (greedy, left to right) for IOB2 named-entity tags.
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>
#include <unordered_map>

#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <zlib.h>

#include "gazette/common/error.h"
#include "gazette/common/hash.h"
#include "gazette/common/ner.h"
#include "gazette/common/text.h"

namespace gazette {
namespace {

constexpr std::array<const char*, 9> kLabels = {"O",     "B-PER", "I-PER",  "B-ORG", "I-ORG",
                                                "B-LOC", "I-LOC", "B-MISC", "I-MISC"};
constexpr std::size_t kNumLabels = kLabels.size();
// 003: the word-cluster table zlib-compressed; 002: plain; 001: no clusters.
constexpr char kMagic[8] = {'G', 'Z', 'N', 'E', 'R', '0', '0', '3'};
constexpr char kMagicPlainClusters[8] = {'G', 'Z', 'N', 'E', 'R', '0', '0', '2'};
constexpr char kMagicNoClusters[8] = {'G', 'Z', 'N', 'E', 'R', '0', '0', '1'};

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

bool has_upper(std::string_view w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}
bool is_capitalised(std::string_view w) { return !w.empty() && w[0] >= 'A' && w[0] <= 'Z'; }
bool has_lower(std::string_view w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// Latin letters with diacritics read as their ASCII letters ("Tomás" -> "Tomas", "Mendonça" ->
// "Mendonca", "Łódź" -> "Lodz"): the tagger learnt from news written in ASCII, and its word
// shapes, affixes and capitalisation tests know no other letters. A word that does not become
// pure ASCII (another script) is left as it is. Only the features see the folded word.
std::string fold_latin(const std::string& w) {
  if (std::all_of(w.begin(), w.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) return w;
  thread_local std::unique_ptr<icu::Transliterator> latin_ascii = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance("Latin-ASCII", UTRANS_FORWARD, status));
    if (U_FAILURE(status) || !t) {
      throw Error(std::string("ICU: cannot create the Latin-ASCII transliterator: ") + u_errorName(status));
    }
    return t;
  }();
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(w);
  latin_ascii->transliterate(u);
  std::string out;
  u.toUTF8String(out);
  bool ascii =
      !out.empty() && std::all_of(out.begin(), out.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  return ascii ? out : w;
}

// The document as the features see it (fold_latin); `doc` itself when it is all ASCII.
const std::vector<Sentence>& folded(const std::vector<Sentence>& doc, std::vector<Sentence>& storage) {
  bool ascii = std::all_of(doc.begin(), doc.end(), [](const Sentence& s) {
    return std::all_of(s.begin(), s.end(), [](const std::string& w) {
      return std::all_of(w.begin(), w.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    });
  });
  if (ascii) return doc;
  storage.clear();
  for (const Sentence& s : doc) {
    Sentence f;
    f.reserve(s.size());
    for (const std::string& w : s) f.push_back(fold_latin(w));
    storage.push_back(std::move(f));
  }
  return storage;
}

// A word of lower-case ASCII letters only, or of ASCII punctuation only.
// Also lower-case words with an apostrophe or hyphen ("'s", "n't", "well-known") and numbers
// ("1996", "2.5", "10:30"): of CoNLL's valid.txt, 1 name of 5,942 starts with a number.
bool plain_word(std::string_view w) {
  if (w.empty()) return false;
  bool letter = false, digit = false, other = false;
  for (char c : w) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 'a' && u <= 'z') {
      letter = true;
    } else if (u >= '0' && u <= '9') {
      digit = true;
    } else if (u >= 0x80 || std::ispunct(u) == 0) {
      return false;  // a capital, a space, a byte of another letter
    } else {
      other = other || (u != '\'' && u != '-');
    }
  }
  if (letter && digit) return false;  // "49ers", "g7"
  if (letter) return !other;          // lower-case letters, with ' or - only
  return true;                        // punctuation, or a number with its punctuation
}

// Hashes of the lower-case word and of its shape ("Kim" -> "Xxx", "U.S." -> "X.X.", "1996" ->
// "dddd"; the short shape collapses repeats: "Xx"; at most 13 characters), as fnv1a64 of those
// strings but without building them.
std::uint64_t lower_hash(std::string_view w) {
  std::uint64_t x = kFnv1a64Basis;
  for (char c : w) {
    const char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    x = fnv1a64(std::string_view(&lower, 1), x);
  }
  return x;
}
std::uint64_t shape_hash(std::string_view w, bool collapse) {
  std::uint64_t x = kFnv1a64Basis;
  std::size_t length = 0;
  char last = 0;
  for (char ch : w) {
    auto c = static_cast<unsigned char>(ch);
    char s = c >= 'A' && c <= 'Z'   ? 'X'
             : c >= 'a' && c <= 'z' ? 'x'
             : c >= '0' && c <= '9' ? 'd'
             : c >= 0x80            ? 'u'
                                    : ch;
    if (collapse && length > 0 && last == s) continue;
    x = fnv1a64(std::string_view(&s, 1), x);
    last = s;
    if (++length > 12) break;
  }
  return x;
}

// Feature ids are hashes combined without building strings: a template id mixed with the
// hashes of its values.
constexpr std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  std::uint64_t x = a ^ (b + 0x9E3779B97F4A7C15ULL + (a << 6) + (a >> 2));
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 29;
  return x;
}
constexpr std::uint64_t tmpl(std::string_view name) { return fnv1a64(name); }
std::uint64_t h(std::string_view s) { return fnv1a64(s); }

// Open-addressing map from feature hash to weight row: the tagger's hot lookup. Key and row sit
// side by side, so a probe touches one cache line.
class FeatureTable {
 public:
  void reserve(std::size_t n) {
    std::size_t cap = 16;
    while (cap < n * 2) cap <<= 1;
    std::vector<Slot> slots(cap);
    for (const Slot& x : slots_) {
      if (x.key != 0) place(slots, x.key, x.row);
    }
    slots_ = std::move(slots);
  }
  // Row of a feature, or -1.
  long find(std::uint64_t f) const {
    if (slots_.empty()) return -1;
    f = f == 0 ? 1 : f;
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = f & mask;; i = (i + 1) & mask) {
      if (slots_[i].key == f) return slots_[i].row;
      if (slots_[i].key == 0) return -1;
    }
  }
  // Row of a feature, adding it with row `next` when new; returns {row, inserted}.
  std::pair<std::uint32_t, bool> insert(std::uint64_t f, std::uint32_t next) {
    long r = find(f);
    if (r >= 0) return {static_cast<std::uint32_t>(r), false};
    if ((size_ + 1) * 2 > slots_.size()) reserve(size_ + 1);
    place(slots_, f == 0 ? 1 : f, next);
    ++size_;
    return {next, true};
  }
  std::size_t size() const { return size_; }
  template <typename F>
  void for_each(F&& fn) const {
    for (const Slot& x : slots_) {
      if (x.key != 0) fn(x.key, x.row);
    }
  }
  void clear() {
    slots_.clear();
    size_ = 0;
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t row = 0;
  };
  static void place(std::vector<Slot>& slots, std::uint64_t f, std::uint32_t row) {
    std::size_t mask = slots.size() - 1;
    std::size_t i = f & mask;
    while (slots[i].key != 0) i = (i + 1) & mask;
    slots[i] = {f, row};
  }
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

// Word clusters used as features: the first six of a word's "l1.l2.l3.r1.r2.r3" (missing ones
// read as empty).
constexpr std::size_t kClusterLevels = 6;

// The clusters as the features use them: each word's level hashes, found by the hash of the
// word (no string compares on the hot path; 64-bit hashes of 73k words do not collide).
struct ClusterIndex {
  FeatureTable rows;  // fnv1a64(word) -> row
  std::vector<std::array<std::uint64_t, kClusterLevels>> levels;
  std::array<std::uint64_t, kClusterLevels> unknown{};

  void add(std::string_view word, std::string_view path);
  const std::array<std::uint64_t, kClusterLevels>& of(std::string_view word) const {
    long r = rows.find(fnv1a64(word));
    return r < 0 ? unknown : levels[static_cast<std::size_t>(r)];
  }
};

// Level hashes of a path "l1.l2...": mix(level, hash of that part); past the last part, the last
// part again; an unknown word's are those of "?".
std::array<std::uint64_t, kClusterLevels> level_hashes(std::string_view path) {
  std::array<std::uint64_t, kClusterLevels> out{};
  for (std::size_t level = 0; level < kClusterLevels; ++level) {
    std::size_t dot = path.find('.');
    out[level] = mix(level, h(path.substr(0, dot)));
    if (dot != std::string_view::npos) path.remove_prefix(dot + 1);
  }
  return out;
}

void ClusterIndex::add(std::string_view word, std::string_view path) {
  if (levels.empty()) unknown = level_hashes("?");
  auto [row, inserted] = rows.insert(fnv1a64(word), static_cast<std::uint32_t>(levels.size()));
  if (inserted) levels.push_back(level_hashes(path));
  (void)row;
}

// Per-document context, keyed by the hash of the lower-cased word.
struct DocContext {
  FeatureTable lower_forms;   // words seen all lower-case (only those also seen capitalised)
  FeatureTable midcap_forms;  // words seen capitalised mid-sentence
};

// The features ask only about capitalised words, so only the lower-case forms of those are kept:
// a first pass gathers them, a second marks the ones also seen all lower-case.
DocContext doc_context(const std::vector<Sentence>& doc) {
  DocContext ctx;
  FeatureTable capitalised;
  for (const Sentence& s : doc) {
    bool all_caps_sentence = std::none_of(s.begin(), s.end(), [](const std::string& w) { return has_lower(w); });
    for (std::size_t i = 0; i < s.size(); ++i) {
      const std::string& w = s[i];
      if (!is_capitalised(w) || !has_lower(w)) continue;
      std::uint64_t lw = lower_hash(w);
      capitalised.insert(lw, 0);
      if (i > 0 && !all_caps_sentence) ctx.midcap_forms.insert(lw, 0);
    }
  }
  if (capitalised.size() == 0) return ctx;
  for (const Sentence& s : doc) {
    for (const std::string& w : s) {
      if (has_upper(w) || !has_lower(w)) continue;
      std::uint64_t lw = h(w);
      if (capitalised.find(lw) >= 0) ctx.lower_forms.insert(lw, 0);
    }
  }
  return ctx;
}

// The label-independent features of the words of a sentence, made word by word when the tagger
// scores that word (most words it does not score: see PerceptronTagger::Impl::tag). What the
// features of several words share (hashes, gazetteer matches) is computed once per sentence;
// word clusters are looked up for the words scored and their neighbours only.
// `s` is the sentence as folded (fold_latin), `written` as written: the gazetteer and the word
// clusters know names with their accents.
class StaticFeatures {
 public:
  StaticFeatures(const Sentence& s, const Sentence& written, const DocContext& ctx, const Gazetteer* gazetteer,
                 const ClusterIndex* clusters)
      : s_(s),
        written_(written),
        ctx_(ctx),
        clusters_(clusters),
        n_(s.size()),
        hlw_(n_),
        hsh_(n_),
        hgaz_(n_),
        cls_(clusters != nullptr ? n_ : 0, nullptr) {
    all_caps_sentence_ = std::none_of(s.begin(), s.end(), [](const std::string& w) { return has_lower(w); });
    std::vector<std::string> gaz = gazetteer != nullptr ? gazetteer->match(written) : std::vector<std::string>(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      hlw_[i] = lower_hash(s[i]);
      hsh_[i] = shape_hash(s[i], true);
      hgaz_[i] = h(gaz[i]);
    }
  }
  std::size_t size() const { return n_; }
  // Each word's lower-case hash.
  const std::vector<std::uint64_t>& lower_hashes() const { return hlw_; }

  // Appends word i's features to `out`.
  void append(std::size_t i, std::vector<std::uint64_t>& out) {
    static const std::uint64_t kBias = tmpl("bias"), kW = tmpl("w"), kLw = tmpl("lw"), kShape = tmpl("shape"),
                               kSshape = tmpl("sshape"), kP = tmpl("p"), kS = tmpl("s"), kWm1 = tmpl("w-1"),
                               kWm2 = tmpl("w-2"), kWp1 = tmpl("w+1"), kWp2 = tmpl("w+2"), kBiL = tmpl("w-1|w"),
                               kBiR = tmpl("w|w+1"), kShm1 = tmpl("sh-1"), kShp1 = tmpl("sh+1"),
                               kSh3 = tmpl("sh-1|sh|sh+1"), kFirst = tmpl("first"), kCapsent = tmpl("capsent|lw"),
                               kGaz = tmpl("gaz"), kGazSh = tmpl("gaz|sh"), kGazm1 = tmpl("gaz-1"),
                               kGazp1 = tmpl("gaz+1"), kLcElse = tmpl("lc_elsewhere"), kCapElse = tmpl("cap_elsewhere"),
                               kC = tmpl("cluster"), kCm1 = tmpl("cluster-1"), kCp1 = tmpl("cluster+1"),
                               kCSh = tmpl("cluster|sh");
    auto li = static_cast<long>(i);
    const std::string& w = s_[i];
    const std::string l = ascii_lower(w);
    const std::string_view lv(l);
    out.push_back(kBias);
    out.push_back(mix(kW, h(w)));
    out.push_back(mix(kLw, hlw_[i]));
    out.push_back(mix(kShape, shape_hash(w, false)));
    out.push_back(mix(kSshape, hsh_[i]));
    for (std::size_t k = 1; k <= 4 && k <= lv.size(); ++k) {
      out.push_back(mix(mix(kP, k), h(lv.substr(0, k))));
      out.push_back(mix(mix(kS, k), h(lv.substr(lv.size() - k))));
    }
    out.push_back(mix(kWm1, at(hlw_, li - 1)));
    out.push_back(mix(kWm2, at(hlw_, li - 2)));
    out.push_back(mix(kWp1, at(hlw_, li + 1)));
    out.push_back(mix(kWp2, at(hlw_, li + 2)));
    out.push_back(mix(mix(kBiL, at(hlw_, li - 1)), hlw_[i]));
    out.push_back(mix(mix(kBiR, hlw_[i]), at(hlw_, li + 1)));
    out.push_back(mix(kShm1, at(hsh_, li - 1)));
    out.push_back(mix(kShp1, at(hsh_, li + 1)));
    out.push_back(mix(mix(mix(kSh3, at(hsh_, li - 1)), hsh_[i]), at(hsh_, li + 1)));
    if (i == 0) out.push_back(mix(kFirst, hsh_[i]));
    if (all_caps_sentence_) out.push_back(mix(kCapsent, hlw_[i]));
    out.push_back(mix(kGaz, hgaz_[i]));
    out.push_back(mix(mix(kGazSh, hgaz_[i]), hsh_[i]));
    out.push_back(mix(kGazm1, at(hgaz_, li - 1)));
    out.push_back(mix(kGazp1, at(hgaz_, li + 1)));
    if (clusters_ != nullptr) {
      for (std::size_t level = 0; level < kClusterLevels; ++level) {
        out.push_back(mix(kC, cluster_at(li, level)));
        out.push_back(mix(kCm1, cluster_at(li - 1, level)));
        out.push_back(mix(kCp1, cluster_at(li + 1, level)));
      }
      out.push_back(mix(mix(kCSh, cluster_at(li, 2)), hsh_[i]));
    }
    if (is_capitalised(w) && has_lower(w)) {
      if (ctx_.lower_forms.find(hlw_[i]) >= 0) out.push_back(mix(kLcElse, i == 0 ? 1 : 2));
      if (i == 0 && ctx_.midcap_forms.find(hlw_[i]) >= 0) out.push_back(kCapElse);
    }
  }

 private:
  static constexpr std::uint64_t kStart = fnv1a64("<s>"), kEnd = fnv1a64("</s>");
  std::uint64_t at(const std::vector<std::uint64_t>& v, long i) const {
    return i < 0 ? kStart : static_cast<std::size_t>(i) >= n_ ? kEnd : v[static_cast<std::size_t>(i)];
  }
  // Word clusters: the word's class at each granularity ("l1.l2.l3.r1.r2.r3"), hashed per level.
  std::uint64_t cluster_at(long i, std::size_t level) {
    if (i < 0) return kStart;
    auto u = static_cast<std::size_t>(i);
    if (u >= n_) return kEnd;
    if (cls_[u] == nullptr) cls_[u] = &clusters_->of(written_[u]);
    return (*cls_[u])[level];
  }

  const Sentence& s_;
  const Sentence& written_;
  const DocContext& ctx_;
  const ClusterIndex* clusters_;
  std::size_t n_;
  bool all_caps_sentence_ = false;
  std::vector<std::uint64_t> hlw_, hsh_, hgaz_;
  std::vector<const std::array<std::uint64_t, kClusterLevels>*> cls_;
};

// Every word's static features, flattened: word i's are out[offsets[i] .. offsets[i+1]).
// `lw_hash` receives each word's lower-case hash.
void static_features(const Sentence& s, const Sentence& written, const DocContext& ctx, const Gazetteer* gazetteer,
                     const ClusterIndex* clusters, std::vector<std::uint64_t>& out, std::vector<std::size_t>& offsets,
                     std::vector<std::uint64_t>& lw_hash) {
  StaticFeatures sf(s, written, ctx, gazetteer, clusters);
  out.clear();
  offsets.assign(1, 0);
  for (std::size_t i = 0; i < sf.size(); ++i) {
    sf.append(i, out);
    offsets.push_back(out.size());
  }
  lw_hash = sf.lower_hashes();
}

}  // namespace

// A loaded model's weights for tagging: each feature's key and its nine 16-bit weights in one
// 32-byte slot, so that a lookup touches one cache line (with the key in one table and the row in
// another, the two cache misses were four fifths of the tagger's time).
class PackedTable {
 public:
  struct alignas(32) Slot {
    std::uint64_t key = 0;
    std::array<std::int16_t, kNumLabels> w{};
  };
  static_assert(sizeof(Slot) == 32);
  bool empty() const { return slots_.empty(); }
  void build(const FeatureTable& rows, const std::vector<float>& weights, float scale) {
    std::size_t cap = 16;
    while (cap * 5 < rows.size() * 8) cap <<= 1;  // load factor at most 5/8
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    scale_ = scale;
    rows.for_each([&](std::uint64_t f, std::uint32_t r) {
      std::size_t i = f & mask_;
      while (slots_[i].key != 0) i = (i + 1) & mask_;
      slots_[i].key = f;
      for (std::size_t l = 0; l < kNumLabels; ++l) {
        slots_[i].w[l] =
            static_cast<std::int16_t>(std::lround(weights[static_cast<std::size_t>(r) * kNumLabels + l] / scale));
      }
    });
  }
  // The label scores of the features f[0..n).
  void score(const std::uint64_t* f, std::size_t n, std::array<float, kNumLabels>& scores) const {
    for (std::size_t k = 0; k < n; ++k) __builtin_prefetch(&slots_[key(f[k]) & mask_]);
    std::array<std::int32_t, kNumLabels> sum{};
    for (std::size_t k = 0; k < n; ++k) {
      std::uint64_t x = key(f[k]);
      for (std::size_t i = x & mask_;; i = (i + 1) & mask_) {
        const Slot& slot = slots_[i];
        if (slot.key == x) {
          for (std::size_t l = 0; l < kNumLabels; ++l) sum[l] += slot.w[l];
          break;
        }
        if (slot.key == 0) break;
      }
    }
    for (std::size_t l = 0; l < kNumLabels; ++l) scores[l] = static_cast<float>(sum[l]) * scale_;
  }

 private:
  static std::uint64_t key(std::uint64_t f) { return f == 0 ? 1 : f; }
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  float scale_ = 1.0f;
};

struct PerceptronTagger::Impl {
  FeatureTable rows;           // feature -> row in weights
  std::vector<float> weights;  // rows * kNumLabels
  PackedTable packed;          // the same, for tagging, once loaded (empty while training)
  std::shared_ptr<const WordClusters> clusters;
  std::unique_ptr<ClusterIndex> cluster_index;  // built from `clusters`

  void index_clusters() {
    cluster_index.reset();
    if (!clusters) return;
    cluster_index = std::make_unique<ClusterIndex>();
    clusters->for_each([this](const std::string& word, const std::string& path) { cluster_index->add(word, path); });
  }

  const float* row(std::uint64_t f) const {
    long r = rows.find(f);
    return r < 0 ? nullptr : &weights[static_cast<std::size_t>(r) * kNumLabels];
  }

  // Label-dependent features of a word given the previous labels and the document memory
  // (the label this word last had in the document).
  static void dynamic_features(std::vector<std::uint64_t>& f, std::uint64_t hlw, int prev, int prev2,
                               const std::unordered_map<std::uint64_t, int>& memory) {
    static const std::uint64_t kT1 = tmpl("t-1"), kT21 = tmpl("t-2|t-1"), kT1Lw = tmpl("t-1|lw"), kMem = tmpl("mem");
    auto p1 = static_cast<std::uint64_t>(prev + 1), p2 = static_cast<std::uint64_t>(prev2 + 1);
    f.push_back(mix(kT1, p1));
    f.push_back(mix(kT21, p2 * 16 + p1));
    f.push_back(mix(mix(kT1Lw, p1), hlw));
    auto m = memory.find(hlw);
    f.push_back(mix(kMem, m == memory.end() ? 99 : static_cast<std::uint64_t>(m->second)));
  }

  PerceptronTagger::Calibration calibration;

  // Softmax of the allowed labels' scores at the calibrated temperature, summed per type.
  TypeBelief belief(const std::array<float, kNumLabels>& scores, int prev, float temperature) const {
    float top = -1e30f;
    for (std::size_t l = 0; l < kNumLabels; ++l) {
      if (allowed(l, prev)) top = std::max(top, scores[l]);
    }
    std::array<double, kNumLabels> p{};
    double sum = 0;
    for (std::size_t l = 0; l < kNumLabels; ++l) {
      p[l] = allowed(l, prev) ? std::exp((scores[l] - top) / temperature) : 0.0;
      sum += p[l];
    }
    TypeBelief b;
    b.none = static_cast<float>(p[0] / sum);
    b.per = static_cast<float>((p[1] + p[2]) / sum);
    b.org = static_cast<float>((p[3] + p[4]) / sum);
    b.loc = static_cast<float>((p[5] + p[6]) / sum);
    b.misc = static_cast<float>((p[7] + p[8]) / sum);
    return b;
  }

  int predict(const std::uint64_t* f, std::size_t n, int prev, std::array<float, kNumLabels>& scores) const {
    if (!packed.empty()) {
      packed.score(f, n, scores);
    } else {
      scores.fill(0);
      for (std::size_t k = 0; k < n; ++k) {
        if (const float* r = row(f[k])) {
          for (std::size_t l = 0; l < kNumLabels; ++l) scores[l] += r[l];
        }
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

  // Tags a document; with `beliefs`, each word's TypeBelief, and with `scores_out` its raw
  // label scores and the previous label (for calibration).
  std::vector<Tags> tag(const std::vector<Sentence>& written_doc, const Gazetteer* gazetteer,
                        std::vector<std::vector<TypeBelief>>* beliefs,
                        std::vector<std::pair<std::array<float, kNumLabels>, int>>* scores_out = nullptr) const {
    if (beliefs != nullptr) beliefs->clear();
    std::vector<Sentence> storage;
    const std::vector<Sentence>& fdoc = folded(written_doc, storage);
    DocContext ctx = doc_context(fdoc);
    std::unordered_map<std::uint64_t, int> memory;
    std::vector<Tags> out;
    out.reserve(fdoc.size());
    std::array<float, kNumLabels> scores{};
    std::vector<std::uint64_t> f;
    for (std::size_t si = 0; si < fdoc.size(); ++si) {
      const Sentence& s = fdoc[si];
      StaticFeatures features(s, written_doc[si], ctx, gazetteer, cluster_index.get());
      const std::vector<std::uint64_t>& hlw = features.lower_hashes();
      Tags tags(s.size());
      std::vector<TypeBelief> sentence_beliefs;
      int prev = -1, prev2 = -1;
      for (std::size_t i = 0; i < s.size(); ++i) {
        // Outside a name, a word of lower-case letters or of punctuation only is not scored: it
        // starts no name (16 of the 33,986 such words of CoNLL's valid.txt do, mostly MISC),
        // and two thirds of all words are such words. Inside a name it is (a name runs on into
        // "of" or "'s"). Calibration (scores_out) scores every word.
        if (prev <= 0 && scores_out == nullptr && plain_word(s[i])) {
          if (beliefs != nullptr) sentence_beliefs.push_back(TypeBelief{});
          tags[i] = kLabels[0];
          prev2 = prev;
          prev = 0;
          continue;
        }
        f.clear();
        features.append(i, f);
        dynamic_features(f, hlw[i], prev, prev2, memory);
        int label = predict(f.data(), f.size(), prev, scores);
        if (beliefs != nullptr) sentence_beliefs.push_back(belief(scores, prev, calibration.temperature));
        if (scores_out != nullptr) scores_out->emplace_back(scores, prev);
        tags[i] = kLabels[static_cast<std::size_t>(label)];
        if (label != 0 && is_capitalised(s[i])) memory[hlw[i]] = label;
        prev2 = prev;
        prev = label;
      }
      out.push_back(std::move(tags));
      if (beliefs != nullptr) beliefs->push_back(std::move(sentence_beliefs));
    }
    return out;
  }
};

float TypeBelief::of(std::string_view type) const {
  return type == "PER" ? per : type == "ORG" ? org : type == "LOC" ? loc : type == "MISC" ? misc : 0.0f;
}

PerceptronTagger::PerceptronTagger() : impl_(std::make_unique<Impl>()) {}
PerceptronTagger::~PerceptronTagger() = default;
PerceptronTagger::PerceptronTagger(PerceptronTagger&&) noexcept = default;
PerceptronTagger& PerceptronTagger::operator=(PerceptronTagger&&) noexcept = default;

std::size_t PerceptronTagger::feature_count() const { return impl_->rows.size(); }

void PerceptronTagger::set_clusters(std::shared_ptr<const WordClusters> clusters) {
  impl_->clusters = std::move(clusters);
  impl_->index_clusters();
}
const WordClusters* PerceptronTagger::clusters() const { return impl_->clusters.get(); }

std::vector<Tags> PerceptronTagger::tag(const std::vector<Sentence>& doc, const Gazetteer* gazetteer,
                                        std::vector<std::vector<TypeBelief>>* beliefs) const {
  return impl_->tag(doc, gazetteer, beliefs);
}

const PerceptronTagger::Calibration& PerceptronTagger::calibration() const { return impl_->calibration; }

namespace {
double logit(double p) {
  p = std::clamp(p, 1e-6, 1 - 1e-6);
  return std::log(p / (1 - p));
}
double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }
double mean(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}
}  // namespace

float PerceptronTagger::confidence(const std::vector<float>& word_beliefs) const {
  const Calibration& c = impl_->calibration;
  return static_cast<float>(sigmoid(c.a * logit(mean(word_beliefs)) + c.b));
}

void PerceptronTagger::calibrate(const std::vector<std::vector<Sentence>>& docs,
                                 const std::vector<std::vector<Tags>>& tags, const Gazetteer* gazetteer) {
  Impl& m = *impl_;
  // Every word's scores and gold label.
  std::vector<std::pair<std::array<float, kNumLabels>, int>> scores;
  std::vector<int> gold;
  std::vector<std::vector<Tags>> predicted;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    predicted.push_back(m.tag(docs[d], gazetteer, nullptr, &scores));
    for (const Tags& t : tags[d]) {
      for (const std::string& x : t) gold.push_back(label_index(x));
    }
  }
  // Temperature: the grid point with the best log-likelihood of the gold labels.
  double best_ll = -1e300;
  for (double t = 0.25; t <= 64; t *= 1.1) {
    double ll = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      const auto& [sc, prev] = scores[i];
      float top = -1e30f;
      for (std::size_t l = 0; l < kNumLabels; ++l) {
        if (allowed(l, prev)) top = std::max(top, sc[l]);
      }
      double sum = 0;
      for (std::size_t l = 0; l < kNumLabels; ++l) {
        if (allowed(l, prev)) sum += std::exp((sc[l] - top) / t);
      }
      auto g = static_cast<std::size_t>(gold[i]);
      ll += allowed(g, prev) ? (sc[g] - top) / t - std::log(sum) : std::log(1e-6);
    }
    if (ll > best_ll) {
      best_ll = ll;
      m.calibration.temperature = static_cast<float>(t);
    }
  }
  // Mentions: mean belief in their type, and whether they are right.
  std::vector<std::pair<double, bool>> mentions;
  std::size_t word = 0;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    for (std::size_t s = 0; s < docs[d].size(); ++s) {
      std::vector<TypeBelief> b;
      for (std::size_t i = 0; i < docs[d][s].size(); ++i, ++word) {
        b.push_back(m.belief(scores[word].first, scores[word].second, m.calibration.temperature));
      }
      std::vector<Chunk> gold_chunks = chunks_of(tags[d][s]);
      for (const Chunk& c : chunks_of(predicted[d][s])) {
        std::vector<float> v;
        for (std::size_t i = c.begin; i < c.end; ++i) v.push_back(b[i].of(c.type));
        bool right = std::any_of(gold_chunks.begin(), gold_chunks.end(), [&](const Chunk& g) {
          return g.type == c.type && g.begin == c.begin && g.end == c.end;
        });
        mentions.emplace_back(logit(mean(v)), right);
      }
    }
  }
  // Platt scaling by gradient ascent on the log-likelihood (two parameters, a convex problem).
  double a = 1, b = 0;
  for (int iter = 0; iter < 2000 && !mentions.empty(); ++iter) {
    double ga = 0, gb = 0;
    for (const auto& [x, y] : mentions) {
      double err = (y ? 1.0 : 0.0) - sigmoid(a * x + b);
      ga += err * x;
      gb += err;
    }
    double rate = 1.0 / static_cast<double>(mentions.size());
    a += rate * ga;
    b += rate * gb;
  }
  m.calibration.a = static_cast<float>(a);
  m.calibration.b = static_cast<float>(b);
}

namespace {

// A sentence's static features, computed once for all epochs: they depend only on the words.
struct SentenceFeatures {
  std::vector<std::uint64_t> features, lw_hash;
  std::vector<std::size_t> offsets;
};

std::vector<std::vector<SentenceFeatures>> training_features(const std::vector<std::vector<Sentence>>& docs,
                                                             const Gazetteer* gazetteer, const ClusterIndex* clusters) {
  std::vector<std::vector<SentenceFeatures>> stat(docs.size());
  for (std::size_t d = 0; d < docs.size(); ++d) {
    std::vector<Sentence> storage;
    const std::vector<Sentence>& fdoc = folded(docs[d], storage);
    DocContext ctx = doc_context(fdoc);
    for (std::size_t si = 0; si < fdoc.size(); ++si) {
      SentenceFeatures sf;
      static_features(fdoc[si], docs[d][si], ctx, gazetteer, clusters, sf.features, sf.offsets, sf.lw_hash);
      stat[d].push_back(std::move(sf));
    }
  }
  return stat;
}

// Training of the averaged perceptron: the tagger's weights, and for averaging, each weight's
// sum over time (kept lazily: brought up to date when the weight changes) and the time of its
// last update. The clock ticks once per word.
class AveragedPerceptron {
 public:
  explicit AveragedPerceptron(PerceptronTagger::Impl& m) : m_(m) {
    m_.rows.clear();
    m_.weights.clear();
  }

  // One pass over the documents in `order`, learning from each mistake; returns {words, errors}.
  std::pair<std::size_t, std::size_t> epoch(const std::vector<std::vector<Sentence>>& docs,
                                            const std::vector<std::vector<Tags>>& tags,
                                            const std::vector<std::vector<SentenceFeatures>>& stat,
                                            const std::vector<std::size_t>& order) {
    std::size_t words = 0, errors = 0;
    for (std::size_t d : order) {
      std::unordered_map<std::uint64_t, int> memory;
      for (std::size_t s = 0; s < docs[d].size(); ++s) {
        const Sentence& sent = docs[d][s];
        const SentenceFeatures& sf = stat[d][s];
        int prev = -1, prev2 = -1;
        for (std::size_t i = 0; i < sent.size(); ++i) {
          ++clock_;
          f_.assign(sf.features.begin() + static_cast<long>(sf.offsets[i]),
                    sf.features.begin() + static_cast<long>(sf.offsets[i + 1]));
          PerceptronTagger::Impl::dynamic_features(f_, sf.lw_hash[i], prev, prev2, memory);
          int guess = m_.predict(f_.data(), f_.size(), prev, scores_);
          int gold = label_index(tags[d][s][i]);
          ++words;
          if (guess != gold) {
            ++errors;
            learn(gold, guess);
          }
          if (guess != 0 && is_capitalised(fold_latin(sent[i]))) memory[sf.lw_hash[i]] = guess;
          prev2 = prev;
          prev = guess;
        }
      }
    }
    return {words, errors};
  }

  // ", dev F1 ..." for the averaged weights so far, without disturbing training.
  std::string dev_f1(const std::vector<std::vector<Sentence>>& dev_docs, const std::vector<std::vector<Tags>>& dev_tags,
                     const Gazetteer* gazetteer) {
    std::vector<float> raw = m_.weights;
    m_.weights = averaged(clock_);
    std::vector<std::vector<Tags>> predicted;
    for (const auto& doc : dev_docs) predicted.push_back(m_.tag(doc, gazetteer, nullptr));
    std::vector<ChunkScore> scores_dev = score_chunks(dev_tags, predicted);
    char buf[64];
    std::snprintf(buf, sizeof buf, ", dev F1 %.2f", scores_dev.back().f1);
    m_.weights = std::move(raw);
    return buf;
  }

  // The final averaging.
  void finish() { m_.weights = averaged(std::max<std::uint64_t>(clock_, 1)); }

 private:
  // A mistake: every feature's weight for the gold label up, for the guess down.
  void learn(int gold, int guess) {
    for (std::uint64_t x : f_) {
      std::size_t r = row_of(x);
      update(r + static_cast<std::size_t>(gold), 1.0f);
      update(r + static_cast<std::size_t>(guess), -1.0f);
    }
  }
  std::size_t row_of(std::uint64_t f) {
    auto [row, inserted] = m_.rows.insert(f, static_cast<std::uint32_t>(m_.rows.size()));
    if (inserted) {
      m_.weights.resize(m_.weights.size() + kNumLabels, 0.0f);
      totals_.resize(totals_.size() + kNumLabels, 0.0);
      stamps_.resize(stamps_.size() + kNumLabels, 0);
    }
    return static_cast<std::size_t>(row) * kNumLabels;
  }
  void update(std::size_t idx, float delta) {
    totals_[idx] += static_cast<double>(clock_ - stamps_[idx]) * m_.weights[idx];
    stamps_[idx] = clock_;
    m_.weights[idx] += delta;
  }
  // Each weight's sum over time up to now, divided by `time`.
  std::vector<float> averaged(std::uint64_t time) const {
    std::vector<float> out(m_.weights.size());
    for (std::size_t i = 0; i < m_.weights.size(); ++i) {
      double total = totals_[i] + static_cast<double>(clock_ - stamps_[i]) * m_.weights[i];
      out[i] = static_cast<float>(total / static_cast<double>(time));
    }
    return out;
  }

  PerceptronTagger::Impl& m_;
  std::vector<double> totals_;         // sum of weights over time, for averaging
  std::vector<std::uint64_t> stamps_;  // last update time per weight
  std::uint64_t clock_ = 0;
  std::vector<std::uint64_t> f_;  // the features of the word being learnt
  std::array<float, kNumLabels> scores_{};
};

// Drops the weights with a magnitude under `below`, and the features left with none.
void prune(PerceptronTagger::Impl& m, float below) {
  FeatureTable rows;
  std::vector<float> weights;
  m.rows.for_each([&](std::uint64_t feature, std::uint32_t r) {
    const float* w = &m.weights[static_cast<std::size_t>(r) * kNumLabels];
    bool keep = false;
    std::array<float, kNumLabels> kept{};
    for (std::size_t l = 0; l < kNumLabels; ++l) {
      kept[l] = std::fabs(w[l]) >= below ? w[l] : 0.0f;
      keep = keep || kept[l] != 0.0f;
    }
    if (!keep) return;
    rows.insert(feature, static_cast<std::uint32_t>(rows.size()));
    weights.insert(weights.end(), kept.begin(), kept.end());
  });
  m.rows = std::move(rows);
  m.weights = std::move(weights);
}

}  // namespace

void PerceptronTagger::train(const std::vector<std::vector<Sentence>>& docs, const std::vector<std::vector<Tags>>& tags,
                             const Gazetteer* gazetteer, const TrainOptions& options,
                             const std::vector<std::vector<Sentence>>* dev_docs,
                             const std::vector<std::vector<Tags>>* dev_tags,
                             const std::function<void(std::string_view)>& log) {
  Impl& m = *impl_;
  AveragedPerceptron learner(m);
  const std::vector<std::vector<SentenceFeatures>> stat = training_features(docs, gazetteer, m.cluster_index.get());
  std::vector<std::size_t> order(docs.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(options.seed);
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    auto [words, errors] = learner.epoch(docs, tags, stat, order);
    std::string line = "epoch " + std::to_string(epoch) + ": " + std::to_string(words) + " words, " +
                       std::to_string(errors) + " errors";
    if (dev_docs != nullptr && dev_tags != nullptr && (epoch == options.epochs || epoch % 3 == 0)) {
      line += learner.dev_f1(*dev_docs, *dev_tags, gazetteer);
    }
    if (log) log(line);
  }
  // Final averaging, then pruning of negligible weights (and of features left with none).
  learner.finish();
  if (options.prune_below > 0) prune(m, options.prune_below);
}

// File format (little-endian): magic "GZNER003", float scale, uint32 rows; then per row the
// uint64 feature hash, a uint8 count of non-zero labels, and (uint8 label, int16 weight) pairs
// with weight = round(w / scale); then the calibration (float temperature, a, b); then uint64 n
// (the size of the word clusters, "word<TAB>classes" lines; 0: none), uint64 m and m bytes of
// them zlib-compressed. "GZNER002" files store the n bytes as they are (no m); "GZNER001" files
// (before clusters) end after the rows.
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
  std::vector<std::pair<std::uint64_t, std::uint32_t>> sorted;
  m.rows.for_each([&sorted](std::uint64_t f, std::uint32_t r) { sorted.emplace_back(f, r); });
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
  out.write(reinterpret_cast<const char*>(&m.calibration.temperature), sizeof(float));
  out.write(reinterpret_cast<const char*>(&m.calibration.a), sizeof(float));
  out.write(reinterpret_cast<const char*>(&m.calibration.b), sizeof(float));
  std::ostringstream table;
  if (m.clusters) m.clusters->write(table);
  std::string bytes = table.str();
  // The table is text (word, tab, classes), three quarters of the model as it is: compressed.
  uLongf packed_size = compressBound(static_cast<uLong>(bytes.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<const Bytef*>(bytes.data()),
                static_cast<uLong>(bytes.size()), Z_BEST_COMPRESSION) != Z_OK) {
    throw Error(path + ": cannot compress the word clusters");
  }
  packed.resize(packed_size);
  auto size = static_cast<std::uint64_t>(bytes.size());
  auto stored = static_cast<std::uint64_t>(packed.size());
  out.write(reinterpret_cast<const char*>(&size), sizeof size);
  out.write(reinterpret_cast<const char*>(&stored), sizeof stored);
  out.write(packed.data(), static_cast<std::streamsize>(packed.size()));
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
  bool packed_clusters = in && std::memcmp(magic, kMagic, sizeof kMagic) == 0;
  bool with_clusters = packed_clusters || (in && std::memcmp(magic, kMagicPlainClusters, sizeof kMagic) == 0);
  if (!in || (!with_clusters && std::memcmp(magic, kMagicNoClusters, sizeof kMagic) != 0) || !(scale > 0) ||
      rows > 50'000'000) {
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
    m.rows.insert(f, r);
    for (std::uint8_t k = 0; k < n; ++k) {
      std::uint8_t l = 0;
      std::int16_t q = 0;
      in.read(reinterpret_cast<char*>(&l), 1);
      in.read(reinterpret_cast<char*>(&q), sizeof q);
      if (!in || l >= kNumLabels) throw DataError(path + ": truncated or corrupt model");
      m.weights[static_cast<std::size_t>(r) * kNumLabels + l] = static_cast<float>(q) * scale;
    }
  }
  if (with_clusters) {
    Calibration& c = m.calibration;
    in.read(reinterpret_cast<char*>(&c.temperature), sizeof(float));
    in.read(reinterpret_cast<char*>(&c.a), sizeof(float));
    in.read(reinterpret_cast<char*>(&c.b), sizeof(float));
    if (!in || !(c.temperature > 0.01f && c.temperature < 1000) || !std::isfinite(c.a) || !std::isfinite(c.b)) {
      throw DataError(path + ": truncated or corrupt model");
    }
    std::uint64_t size = 0, stored = 0;
    in.read(reinterpret_cast<char*>(&size), sizeof size);
    if (packed_clusters) in.read(reinterpret_cast<char*>(&stored), sizeof stored);
    if (!packed_clusters) stored = size;
    if (!in || size > 256u << 20 || stored > 256u << 20) throw DataError(path + ": truncated or corrupt model");
    std::string bytes(stored, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(stored));
    if (!in) throw DataError(path + ": truncated or corrupt model");
    if (packed_clusters && size > 0) {
      std::string plain(size, '\0');
      auto plain_size = static_cast<uLongf>(size);
      if (uncompress(reinterpret_cast<Bytef*>(plain.data()), &plain_size, reinterpret_cast<const Bytef*>(bytes.data()),
                     static_cast<uLong>(bytes.size())) != Z_OK ||
          plain_size != size) {
        throw DataError(path + ": corrupt word clusters in model");
      }
      bytes = std::move(plain);
    }
    if (size > 0) {
      std::istringstream table(bytes);
      m.clusters = std::make_shared<const WordClusters>(WordClusters::read(table, path + " (word clusters)"));
      m.index_clusters();
    }
  }
  m.packed.build(m.rows, m.weights, scale);
  return tagger;
}

}  // namespace gazette
