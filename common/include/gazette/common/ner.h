// SPDX-License-Identifier: GPL-2.0-or-later
// Named-entity recognition internals: tokens and sentences, the gazetteer, the averaged
// perceptron tagger, the rules tagger, CoNLL-2003 files and chunk-level scoring.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gazette/common/entities.h"

namespace gazette {

// A word or punctuation mark as CoNLL tokenises text: case kept, "Kim's" -> "Kim" "'s",
// "(KCNA)" -> "(" "KCNA" ")", "U.S." kept whole. Offsets are bytes into the text.
struct NerToken {
  std::string text;
  std::size_t start = 0;
  std::size_t end = 0;
};

// Tokenises text and splits it into sentences (at . ! ? followed by a capital or a paragraph
// break, not after abbreviations such as "Mr." or "U.S." inside a sentence).
std::vector<std::vector<NerToken>> ner_sentences(std::string_view text);

// A sentence's words; a document is a list of sentences. Tags are IOB2: "B-PER", "I-ORG", "O".
using Sentence = std::vector<std::string>;
using Tags = std::vector<std::string>;

struct GazetteerEntry {
  EntityKind kind;
  std::string canonical;
  long long weight;
};

// Names of people, organisations and places with their canonical form and a prior weight
// (population for cities). Immutable after load; thread-safe to read.
class Gazetteer {
 public:
  Gazetteer() = default;
  // Reads the TSV written by gazette-build-gazetteer. Throws DataError naming file and line.
  static Gazetteer load(const std::string& path);
  void add(EntityKind kind, const std::string& alias, const std::string& canonical, long long weight);

  // All entries for an exact alias ("U.S.", "Seoul"), heaviest first; empty when unknown.
  const std::vector<GazetteerEntry>& lookup(std::string_view alias) const;
  // The heaviest entry of one kind, if any.
  const GazetteerEntry* best(std::string_view alias, EntityKind kind) const;
  // Demonyms: "Japanese" -> the place "Japan" (its canonical name), else nullptr.
  const std::string* demonym_place(std::string_view adjective) const;
  void add_demonym(const std::string& adjective, const std::string& place);

  std::size_t size() const { return names_.size(); }
  std::size_t max_words() const { return max_words_; }

  // Longest gazetteer matches over a sentence: for each word, "" or "B-LOC"/"I-PER"/...
  // (the heaviest kind of the longest capitalised match starting there).
  std::vector<std::string> match(const Sentence& words) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  // A filter in front of names_ for match(): one bit per FNV-1a hash of every alias and of every
  // run of its first words ("New", "New York" for "New York City"), so that a run of capitalised
  // words that no alias starts with ends the search without a lookup. Rebuilt twice as large
  // when it fills (kept under one bit set in 16).
  void filter_add(std::string_view alias);
  bool filter_has(std::uint64_t hash) const {
    return !filter_.empty() && (filter_[(hash >> 6) & filter_mask_] >> (hash & 63) & 1) != 0;
  }
  std::unordered_map<std::string, std::vector<GazetteerEntry>, Hash, std::equal_to<>> names_;
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> demonyms_;
  std::size_t max_words_ = 1;
  std::vector<std::uint64_t> filter_;
  std::size_t filter_mask_ = 0;   // filter_.size() - 1
  std::size_t filter_count_ = 0;  // keys added
};

// The name the index holds for `name` typed on its own as a name of `kind` (a facet filter's
// value, say): what EntityExtractor makes of a name it found once it has cleaned it (dropped
// "the", titles, possessives). Trimmed of ASCII white space; an all-capitals word the gazetteer
// does not know as written ("RIGA") by its title-case form's entry of that kind; then, but for
// people, the canonical name of the gazetteer's heaviest entry of that kind ("U.S." -> "United
// States"); then, for a place the gazetteer does not know, the place of a demonym ("Japanese"
// -> "Japan"); else the name as it is. (The gazetteer does not rename people.)
std::string canonical_name(EntityKind kind, std::string_view name, const Gazetteer& gazetteer);

// The gazetteer of the default data folder (default_data_dir()), or an empty one when there is
// none. Throws DataError for a corrupt file.
std::shared_ptr<const Gazetteer> load_default_gazetteer();

struct WordClusterOptions {
  std::size_t min_count = 3;                           // rarer words are one word, "rare"
  std::size_t max_words = 100000;                      // the most frequent words only
  std::vector<std::size_t> classes = {64, 256, 1024};  // one clustering per granularity
  int passes = 12;                                     // exchange passes at most (stops when converged)
  std::function<void(std::string_view)> log;           // one line per pass
};

// Word classes learnt from unlabeled text (see word_clusters.cc): each word's class at each
// granularity, by the words before it and by the words after it ("l1.l2.l3.r1.r2.r3"). Case-sensitive: a word is looked
// up as written. Immutable after learning or reading; thread-safe to read.
class WordClusters {
 public:
  // `sentences` are tokenised as the tagger sees text (ner_sentences).
  static WordClusters learn(const std::vector<std::vector<std::string>>& sentences, const WordClusterOptions& options);
  // "word<TAB>l1.l2.l3.r1.r2.r3" lines. read() throws DataError naming `name` and the line.
  static WordClusters read(std::istream& in, const std::string& name);
  void write(std::ostream& out) const;

  const std::string* find(std::string_view word) const;  // nullptr when unknown
  void for_each(const std::function<void(const std::string& word, const std::string& classes)>& fn) const {
    for (const auto& [w, p] : paths_) fn(w, p);
  }
  void add(const std::string& word, const std::string& path);
  std::size_t size() const { return paths_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> paths_;
};

struct TrainOptions {
  int epochs = 12;
  std::uint32_t seed = 1;
  float prune_below = 0.0f;  // drop averaged weights with a magnitude under this (model size)
};

// What the tagger believes of one word: the probability of each type (B- and I- together)
// and of none, from a softmax of its label scores (given the labels before it).
struct TypeBelief {
  float none = 1, per = 0, org = 0, loc = 0, misc = 0;
  // The probability of "PER", "ORG", "LOC" or "MISC"; 0 for anything else.
  float of(std::string_view type) const;
};

// A greedy left-to-right averaged perceptron tagger over the standard feature set (word,
// lower-cased word, shape, prefixes and suffixes, a +-2 window, the previous two labels,
// gazetteer matches, and document-level features such as "this word appears lower-case
// elsewhere"). Tagging is const and thread-safe; it throws Error when ICU cannot provide its
// Latin-ASCII transliterator (missing data) for a word with diacritics.
class PerceptronTagger {
 public:
  PerceptronTagger();
  ~PerceptronTagger();
  PerceptronTagger(PerceptronTagger&&) noexcept;
  PerceptronTagger& operator=(PerceptronTagger&&) noexcept;

  // Throws DataError when the file is missing, truncated or not a model.
  static PerceptronTagger load(const std::string& path);
  // Quantised, pruned binary model. Throws Error when the file cannot be written.
  void save(const std::string& path) const;

  // Trains on CoNLL documents; logs one line per epoch (with dev F1 when `dev` is given).
  void train(const std::vector<std::vector<Sentence>>& docs, const std::vector<std::vector<Tags>>& tags,
             const Gazetteer* gazetteer, const TrainOptions& options,
             const std::vector<std::vector<Sentence>>* dev_docs, const std::vector<std::vector<Tags>>* dev_tags,
             const std::function<void(std::string_view)>& log);

  // Tags every sentence of one document. With `beliefs`, also each word's TypeBelief.
  std::vector<Tags> tag(const std::vector<Sentence>& doc, const Gazetteer* gazetteer,
                        std::vector<std::vector<TypeBelief>>* beliefs = nullptr) const;

  // Calibration of beliefs (see TypeBelief): a temperature for the label scores, and a logistic
  // map (Platt scaling) from a mention's mean belief to the probability that it is right. Fitted
  // by calibrate(); saved in the model. Defaults: no temperature, identity map.
  struct Calibration {
    float temperature = 1.0f;
    float a = 1.0f, b = 0.0f;  // confidence = sigmoid(a * logit(mean belief) + b)
  };
  const Calibration& calibration() const;
  // Fits the calibration on held-out documents (never the training data, where the tagger is
  // overconfident): the temperature by the words' log-likelihood of their gold label, then the
  // logistic map by the mentions' log-likelihood of being right (type and both ends).
  void calibrate(const std::vector<std::vector<Sentence>>& docs, const std::vector<std::vector<Tags>>& tags,
                 const Gazetteer* gazetteer);
  // A mention's confidence from its words' beliefs in its type (calibrated).
  float confidence(const std::vector<float>& word_beliefs) const;

  std::size_t feature_count() const;

  // The word clusters the cluster features look up (set before training; saved in the model).
  void set_clusters(std::shared_ptr<const WordClusters> clusters);
  const WordClusters* clusters() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The capitalisation + context + gazetteer tagger (no training): IOB2 tags with PER, ORG, LOC.
std::vector<Tags> rules_tag(const std::vector<Sentence>& doc, const Gazetteer& gazetteer);

// A CoNLL-2003 file: documents (split at -DOCSTART-) of sentences of "word POS chunk NER".
struct ConllCorpus {
  std::vector<std::vector<Sentence>> docs;
  std::vector<std::vector<Tags>> tags;
};
// Throws DataError naming file and line on malformed input.
ConllCorpus read_conll(const std::string& path);
// Writes "word gold predicted" lines (conlleval's input), blank line between sentences.
void write_conll_predictions(const std::string& path, const ConllCorpus& gold,
                             const std::vector<std::vector<Tags>>& predicted);

struct ChunkScore {
  std::string type;  // "PER", ..., or "overall"
  std::size_t gold = 0, predicted = 0, correct = 0;
  double precision = 0, recall = 0, f1 = 0;  // percentages
};
// Chunk-level precision/recall/F1 with the CoNLL rules: a chunk is correct when its type and both
// boundaries match; I- without a preceding chunk of its type starts a chunk. Types sorted, then
// "overall" last.
std::vector<ChunkScore> score_chunks(const std::vector<std::vector<Tags>>& gold,
                                     const std::vector<std::vector<Tags>>& predicted);

// Chunks of one tag sequence: (type, first word, one past last word).
struct Chunk {
  std::string type;
  std::size_t begin, end;
};
std::vector<Chunk> chunks_of(const Tags& tags);

}  // namespace gazette
