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
  int epochs = 12;
  float prune_below = 0.0f;
  std::function<void(std::string_view)> log;
};
struct TrainNerResult {
  std::size_t features = 0;
  std::uintmax_t model_bytes = 0;
  std::vector<ChunkScore> dev_scores;  // empty without a dev file
};
// Throws DataError for unreadable data, Error when the model cannot be written.
TrainNerResult train_ner(const TrainNerConfig& config);

struct EvalNerConfig {
  std::string data_path;
  std::string model_path;       // "" = the default model if there is one, else the rules tagger
  bool rules = false;           // force the rules + gazetteer tagger
  std::string predictions_path; // write "word gold predicted" lines when set
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
