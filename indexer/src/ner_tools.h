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

}  // namespace gazette::indexer
