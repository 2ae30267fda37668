// SPDX-License-Identifier: GPL-2.0-or-later
// train-ner and eval-ner: training the entity model from CoNLL-2003 data and scoring taggers.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gazette/common/ner.h"

namespace gazette::indexer {

struct TrainNerConfig {
  std::string train_path, dev_path, out_path;
  std::string clusters_path;  // word clusters (written by word-clusters) for the cluster features

  int epochs = 12;
  float prune_below = 0.0f;
  std::function<void(std::string_view)> log;
};
struct TrainNerResult {
  std::size_t features = 0;
  std::uintmax_t model_bytes = 0;
  std::vector<ChunkScore> dev_scores;  // empty without a dev file
  // With a dev file: confidence calibrated on its even documents; expected calibration error
  // (percentage points) on its odd ones before and after, over this many mentions.
  PerceptronTagger::Calibration calibration;
  double ece_before = 0, ece_after = 0;
  std::size_t calibration_mentions = 0;
};
// Throws DataError for unreadable data, Error when the model cannot be written.
TrainNerResult train_ner(const TrainNerConfig& config);

// word-clusters: learns word clusters from unlabeled text. Inputs: .jsonl files (each record's
// "text", or "title" and "text"), folders (their .txt files), CoNLL-2003 files (their words), or
// any other file read as plain text. Text is tokenised as the tagger sees it (ner_sentences).
struct WordClustersConfig {
  std::vector<std::string> inputs;
  std::string out_path;
  WordClusterOptions options;
  std::function<void(std::string_view)> log;
};
struct WordClustersResult {
  std::size_t sentences = 0, tokens = 0, words = 0;  // words: clustered
  double seconds = 0;
};
// Throws DataError naming a file it cannot read, Error when the output cannot be written.
WordClustersResult learn_word_clusters(const WordClustersConfig& config);

struct EvalNerConfig {
  std::string data_path;
  std::string model_path;        // "" = the default model if there is one, else the rules tagger
  bool rules = false;            // force the rules + gazetteer tagger
  std::string predictions_path;  // write "word gold predicted" lines when set
  float min_confidence = 0;      // --pipeline: as gazette-index build --min-entity-confidence
};
struct EvalNerResult {
  std::string tagger;  // "perceptron (PATH)" or "rules"
  std::vector<ChunkScore> scores;
};
EvalNerResult eval_ner(const EvalNerConfig& config);

// The whole pipeline on a CoNLL file: each document rebuilt as raw article text (first sentence
// the title, then one paragraph per sentence, detokenised as news is written: no space before
// , . ; : ! ? ) 's n't, none after ( and opening quotes), read by the .txt reader and analysed
// exactly as indexing does (language, tagger, gazetteer, rules, normalisation); each mention the
// extractor reports is mapped back to the gold spans by its offsets. People, organisations and
// places are scored (MISC is not a facet: a prediction on or inside a MISC span is neutral), both
// for the pipeline and for the tagger alone on the same spans. With `predictions_path`, writes
// each disagreement of the pipeline (document, missed|spurious, gold type, pipeline type, text).
struct PipelineScores {
  std::vector<ChunkScore> pipeline;  // PER, ORG, LOC, overall
  std::vector<ChunkScore> tagger;    // the same for the tagger alone, on the gold tokens
  std::size_t documents = 0;
  std::size_t misread = 0;  // documents whose rebuilt text the reader did not read back as written
};
PipelineScores eval_ner_pipeline(const EvalNerConfig& config);

// `words` joined the way news text is written; spans[i] = byte range of words[i] in the result.
std::string detokenise(const std::vector<std::string>& words, std::vector<std::pair<std::size_t, std::size_t>>& spans);

}  // namespace gazette::indexer
