// SPDX-License-Identifier: GPL-2.0-or-later
// Training and evaluation drivers for the entity taggers.
#include "ner_tools.h"

#include <filesystem>

#include "gazette/common/error.h"

namespace gazette::indexer {
namespace fs = std::filesystem;
namespace {

std::shared_ptr<const Gazetteer> default_gazetteer() { return load_default_gazetteer(); }

}  // namespace

TrainNerResult train_ner(const TrainNerConfig& config) {
  ConllCorpus train = read_conll(config.train_path);
  ConllCorpus dev;
  if (!config.dev_path.empty()) dev = read_conll(config.dev_path);
  std::shared_ptr<const Gazetteer> gazetteer = default_gazetteer();
  PerceptronTagger tagger;
  TrainOptions options;
  options.epochs = config.epochs;
  options.prune_below = config.prune_below;
  bool with_dev = !config.dev_path.empty();
  tagger.train(train.docs, train.tags, gazetteer.get(), options, with_dev ? &dev.docs : nullptr,
               with_dev ? &dev.tags : nullptr, config.log);
  tagger.save(config.out_path);
  TrainNerResult result;
  result.features = tagger.feature_count();
  result.model_bytes = fs::file_size(config.out_path);
  if (with_dev) {
    // Score the model as saved (quantised), which is what users get.
    PerceptronTagger saved = PerceptronTagger::load(config.out_path);
    std::vector<std::vector<Tags>> predicted;
    for (const auto& doc : dev.docs) predicted.push_back(saved.tag(doc, gazetteer.get()));
    result.dev_scores = score_chunks(dev.tags, predicted);
  }
  return result;
}

EvalNerResult eval_ner(const EvalNerConfig& config) {
  ConllCorpus data = read_conll(config.data_path);
  std::shared_ptr<const Gazetteer> gazetteer = default_gazetteer();
  std::string model_path = config.model_path;
  if (model_path.empty() && !config.rules) {
    std::string dir = default_data_dir();
    std::error_code ec;
    if (!dir.empty() && fs::exists(fs::path(dir) / "ner-en.model", ec)) model_path = (fs::path(dir) / "ner-en.model").string();
  }
  EvalNerResult result;
  std::vector<std::vector<Tags>> predicted;
  if (config.rules || model_path.empty()) {
    result.tagger = "rules";
    for (const auto& doc : data.docs) predicted.push_back(rules_tag(doc, *gazetteer));
  } else {
    PerceptronTagger tagger = PerceptronTagger::load(model_path);
    result.tagger = "perceptron (" + model_path + ")";
    for (const auto& doc : data.docs) predicted.push_back(tagger.tag(doc, gazetteer.get()));
  }
  result.scores = score_chunks(data.tags, predicted);
  if (!config.predictions_path.empty()) write_conll_predictions(config.predictions_path, data, predicted);
  return result;
}

}  // namespace gazette::indexer
