// SPDX-License-Identifier: GPL-2.0-or-later
// Training and evaluation drivers for the entity taggers.
#include "ner_tools.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "corpus_reader.h"
#include "document_builder.h"
#include "gazette/common/boilerplate.h"
#include "gazette/common/entities.h"

#include "gazette/common/error.h"

namespace gazette::indexer {
namespace fs = std::filesystem;
namespace {

std::shared_ptr<const Gazetteer> default_gazetteer() { return load_default_gazetteer(); }

// A scored span: type and byte range in one field of the rebuilt article.
struct Span {
  std::string type;
  TextField field;
  std::size_t start, end;
  bool operator<(const Span& o) const {
    return std::tie(field, start, end, type) < std::tie(o.field, o.start, o.end, o.type);
  }
};

// Counts one document's predictions against its gold spans into `scores` (by type).
void score_spans(const std::vector<Span>& gold, const std::set<Span>& predicted,
                 std::map<std::string, ChunkScore>& scores) {
  std::set<Span> gold_set(gold.begin(), gold.end());
  for (const Span& g : gold) {
    if (g.type != "MISC") ++scores[g.type].gold;
  }
  for (const Span& p : predicted) {
    bool neutral = std::any_of(gold.begin(), gold.end(), [&p](const Span& g) {
      return g.type == "MISC" && g.field == p.field && g.start <= p.start && p.end <= g.end;
    });
    if (neutral) continue;
    ++scores[p.type].predicted;
    if (gold_set.count(p) != 0) ++scores[p.type].correct;
  }
}

std::vector<ChunkScore> finish_scores(std::map<std::string, ChunkScore>& scores) {
  std::vector<ChunkScore> out;
  ChunkScore all;
  all.type = "overall";
  auto fill = [](ChunkScore& s) {
    s.precision = s.predicted ? 100.0 * static_cast<double>(s.correct) / static_cast<double>(s.predicted) : 0;
    s.recall = s.gold ? 100.0 * static_cast<double>(s.correct) / static_cast<double>(s.gold) : 0;
    s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  };
  for (const char* type : {"LOC", "ORG", "PER"}) {
    ChunkScore& s = scores[type];
    s.type = type;
    fill(s);
    all.gold += s.gold;
    all.predicted += s.predicted;
    all.correct += s.correct;
    out.push_back(s);
  }
  fill(all);
  out.push_back(all);
  return out;
}

// The taggers eval-ner --pipeline runs: the extractor indexing uses (with the model given, or
// the default one), and the tagger alone (none: the rules tagger).
struct PipelineTaggers {
  std::shared_ptr<const Gazetteer> gazetteer;
  std::shared_ptr<const EntityExtractor> extractor;
  std::shared_ptr<const PerceptronTagger> tagger;
};

PipelineTaggers load_pipeline_taggers(const EvalNerConfig& config) {
  PipelineTaggers t;
  t.gazetteer = default_gazetteer();
  if (config.model_path.empty()) {
    t.extractor = EntityExtractor::load_default();
  } else {
    t.tagger = std::make_shared<const PerceptronTagger>(PerceptronTagger::load(config.model_path));
    t.extractor = std::make_shared<const EntityExtractor>(t.gazetteer, t.tagger);
  }
  if (!t.tagger && t.extractor->tagger_name() == "perceptron") {
    std::string dir = default_data_dir();
    t.tagger =
        std::make_shared<const PerceptronTagger>(PerceptronTagger::load((fs::path(dir) / "ner-en.model").string()));
  }
  return t;
}

// A CoNLL document as a scraped .txt file: headline line, blank line, a paragraph per sentence,
// with the byte range of every word.
struct RebuiltDocument {
  std::string title, body;
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> spans;  // [sentence][word]
  std::vector<TextField> field;                                         // [sentence]

  explicit RebuiltDocument(const std::vector<Sentence>& doc) : spans(doc.size()), field(doc.size(), TextField::kBody) {
    for (std::size_t s = 0; s < doc.size(); ++s) {
      std::string sentence = detokenise(doc[s], spans[s]);
      if (s == 0) {
        title = sentence;
        field[s] = TextField::kTitle;
        continue;
      }
      if (!body.empty()) body += "\n\n";
      for (auto& sp : spans[s]) {
        sp.first += body.size();
        sp.second += body.size();
      }
      body += sentence;
    }
  }
  // The spans of the chunks of per-sentence `tags`; MISC ones only `with_misc`.
  std::vector<Span> spans_of(const std::vector<Tags>& tags, bool with_misc) const {
    std::vector<Span> out;
    for (std::size_t s = 0; s < spans.size(); ++s) {
      for (const Chunk& c : chunks_of(tags[s])) {
        if (with_misc || c.type != "MISC")
          out.push_back({c.type, field[s], spans[s][c.begin].first, spans[s][c.end - 1].second});
      }
    }
    return out;
  }
  std::string text_of(const Span& sp) const {
    const std::string& t = sp.field == TextField::kTitle ? title : body;
    return t.substr(sp.start, sp.end - sp.start);
  }
};

// What the indexing pipeline finds in the rebuilt document `d`, read by the .txt reader and
// analysed as indexing does; nullopt when the reader does not read it back as written.
std::optional<std::set<Span>> pipeline_spans(const RebuiltDocument& rebuilt, std::size_t d, DocumentBuilder& builder) {
  FileContents read = read_file_bytes({"conll-" + std::to_string(d) + ".txt", "conll/" + std::to_string(d)},
                                      rebuilt.title + "\n\n" + rebuilt.body + "\n");
  // As indexing does: page tails out (a CoNLL document has none; one that lost text to them
  // would be scored as not read back).
  if (read.articles.size() == 1) clean_article(read.articles[0].article);
  if (read.articles.size() != 1 || read.articles[0].article.title != rebuilt.title ||
      read.articles[0].article.body != rebuilt.body) {
    return std::nullopt;
  }
  Article& article = read.articles[0].article;
  builder.build(article, "");
  std::set<Span> found;
  for (const Entity& e : article.entities) {
    for (const Mention& m : e.mentions) found.insert({conll_tag(e.kind), m.field, m.start, m.end});
  }
  return found;
}

// The type a set gives the span's exact extent, or "-".
std::string type_in(const std::set<Span>& set, const Span& sp) {
  for (const Span& x : set) {
    if (x.field == sp.field && x.start == sp.start && x.end == sp.end) return x.type;
  }
  return "-";
}

// The disagreements of the pipeline (--predictions): every gold span it missed or typed
// otherwise, and every span it made up. Writes nothing without a path.
class DisagreementLog {
 public:
  explicit DisagreementLog(const std::string& path) {
    if (path.empty()) return;
    out_.open(path);
    if (!out_) throw Error(path + ": cannot write");
    out_ << "# document\twhat\tgold\tpipeline\ttagger alone\ttext\n";
  }
  void write(std::size_t d, const RebuiltDocument& rebuilt, const std::vector<Span>& gold, const std::set<Span>& found,
             const std::set<Span>& tagged) {
    if (!out_) return;
    for (const Span& g : gold) {
      if (g.type == "MISC" || found.count(g) != 0) continue;
      out_ << d << "\tmissed\t" << g.type << "\t" << type_in(found, g) << "\t" << type_in(tagged, g) << "\t"
           << rebuilt.text_of(g) << "\n";
    }
    for (const Span& f : found) {
      bool exact = false, misc = false;
      for (const Span& g : gold) {
        exact = exact || (g.field == f.field && g.start == f.start && g.end == f.end);
        misc = misc || (g.type == "MISC" && g.field == f.field && g.start <= f.start && f.end <= g.end);
      }
      if (!exact && !misc) {
        out_ << d << "\tspurious\t-\t" << f.type << "\t" << type_in(tagged, f) << "\t" << rebuilt.text_of(f) << "\n";
      }
    }
  }

 private:
  std::ofstream out_;
};

}  // namespace

std::string detokenise(const std::vector<std::string>& words, std::vector<std::pair<std::size_t, std::size_t>>& spans) {
  static const std::set<std::string> kNoSpaceBefore = {",",   ".",   ";",   ":",  "!",  "?",   ")",
                                                       "]",   "}",   "%",   "'s", "'S", "n't", "N'T",
                                                       "'re", "'ve", "'ll", "'d", "'m", "..."};
  static const std::set<std::string> kNoSpaceAfter = {"(", "[", "{", "$"};
  std::string text;
  spans.clear();
  bool open_quote = false, glue_next = false;
  for (const std::string& w : words) {
    bool quote = w == "\"";
    bool glue = glue_next || text.empty() || kNoSpaceBefore.count(w) != 0 || (quote && open_quote);
    if (!glue) text += ' ';
    spans.emplace_back(text.size(), text.size() + w.size());
    text += w;
    glue_next = kNoSpaceAfter.count(w) != 0 || (quote && !open_quote);
    if (quote) open_quote = !open_quote;
  }
  return text;
}

PipelineScores eval_ner_pipeline(const EvalNerConfig& config) {
  ConllCorpus data = read_conll(config.data_path);
  PipelineTaggers taggers = load_pipeline_taggers(config);
  DocumentBuilder builder("en", taggers.extractor, config.min_confidence);
  DisagreementLog disagreements(config.predictions_path);
  PipelineScores result;
  std::map<std::string, ChunkScore> pipeline, alone;
  for (std::size_t d = 0; d < data.docs.size(); ++d) {
    const std::vector<Sentence>& doc = data.docs[d];
    if (doc.empty()) continue;
    ++result.documents;
    RebuiltDocument rebuilt(doc);
    std::vector<Span> gold = rebuilt.spans_of(data.tags[d], true);
    std::vector<Tags> predicted_tags =
        taggers.tagger ? taggers.tagger->tag(doc, taggers.gazetteer.get()) : rules_tag(doc, *taggers.gazetteer);
    std::vector<Span> tagged_spans = rebuilt.spans_of(predicted_tags, false);
    std::set<Span> tagged(tagged_spans.begin(), tagged_spans.end());
    score_spans(gold, tagged, alone);
    std::optional<std::set<Span>> found = pipeline_spans(rebuilt, d, builder);
    if (!found) {
      ++result.misread;
      score_spans(gold, {}, pipeline);  // nothing found: every gold span is missed
      continue;
    }
    score_spans(gold, *found, pipeline);
    disagreements.write(d, rebuilt, gold, *found, tagged);
  }
  result.pipeline = finish_scores(pipeline);
  result.tagger = finish_scores(alone);
  return result;
}

WordClustersResult learn_word_clusters(const WordClustersConfig& config) {
  auto started = std::chrono::steady_clock::now();
  std::vector<std::vector<std::string>> sentences;
  WordClustersResult result;
  auto add_text = [&](std::string_view text) {
    for (const auto& s : ner_sentences(text)) {
      std::vector<std::string> words;
      words.reserve(s.size());
      for (const NerToken& t : s) words.push_back(t.text);
      result.tokens += words.size();
      sentences.push_back(std::move(words));
    }
  };
  auto read_all = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw DataError(p.string() + ": cannot read");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  for (const std::string& input : config.inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      std::vector<fs::path> files;
      for (auto it = fs::recursive_directory_iterator(input, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".txt") files.push_back(it->path());
      }
      if (ec) throw DataError(input + ": cannot list: " + ec.message());
      std::sort(files.begin(), files.end());
      for (const fs::path& f : files) add_text(read_all(f));
    } else if (fs::path(input).extension() == ".jsonl") {
      std::ifstream in(input);
      if (!in) throw DataError(input + ": cannot read");
      std::string line;
      for (std::size_t n = 1; std::getline(in, line); ++n) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
        if (record.is_discarded() || !record.is_object()) {
          throw DataError(input + ":" + std::to_string(n) + ": not a JSON object");
        }
        for (const char* field : {"title", "text"}) {
          auto it = record.find(field);
          if (it != record.end() && it->is_string()) add_text(it->get_ref<const std::string&>());
        }
      }
    } else {
      std::string text = read_all(input);
      if (text.rfind("-DOCSTART-", 0) == 0) {
        ConllCorpus corpus = read_conll(input);
        for (auto& doc : corpus.docs) {
          for (auto& s : doc) {
            result.tokens += s.size();
            sentences.push_back(std::move(s));
          }
        }
      } else {
        add_text(text);
      }
    }
    if (config.log) config.log(input + ": " + std::to_string(sentences.size()) + " sentences so far");
  }
  WordClusters clusters = WordClusters::learn(sentences, config.options);
  result.sentences = sentences.size();
  result.words = clusters.size();
  std::ofstream out(config.out_path);
  if (!out) throw Error(config.out_path + ": cannot write word clusters");
  clusters.write(out);
  if (!out) throw Error(config.out_path + ": write failed");
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

// Expected calibration error of mention confidence (10 bins): the mean, weighted by bin size,
// of |share right - mean confidence|. A mention is right when its type and both ends match.
double confidence_error(const PerceptronTagger& tagger, const ConllCorpus& data, const Gazetteer* gazetteer,
                        std::size_t* mentions) {
  std::array<double, 10> conf{}, right{};
  std::array<std::size_t, 10> n{};
  std::size_t total = 0;
  for (std::size_t d = 0; d < data.docs.size(); ++d) {
    std::vector<std::vector<TypeBelief>> beliefs;
    std::vector<Tags> predicted = tagger.tag(data.docs[d], gazetteer, &beliefs);
    for (std::size_t s = 0; s < predicted.size(); ++s) {
      std::vector<Chunk> gold = chunks_of(data.tags[d][s]);
      for (const Chunk& c : chunks_of(predicted[s])) {
        std::vector<float> v;
        for (std::size_t i = c.begin; i < c.end; ++i) v.push_back(beliefs[s][i].of(c.type));
        double p = tagger.confidence(v);
        bool ok = std::any_of(gold.begin(), gold.end(),
                              [&](const Chunk& g) { return g.type == c.type && g.begin == c.begin && g.end == c.end; });
        auto bin = std::min<std::size_t>(9, static_cast<std::size_t>(p * 10));
        conf[bin] += p;
        right[bin] += ok ? 1 : 0;
        ++n[bin];
        ++total;
      }
    }
  }
  double ece = 0;
  for (std::size_t b = 0; b < 10; ++b) {
    if (n[b] > 0) ece += std::abs(right[b] - conf[b]) / static_cast<double>(total);
  }
  if (mentions != nullptr) *mentions = total;
  return 100 * ece;
}

TrainNerResult train_ner(const TrainNerConfig& config) {
  ConllCorpus train = read_conll(config.train_path);
  ConllCorpus dev;
  if (!config.dev_path.empty()) dev = read_conll(config.dev_path);
  std::shared_ptr<const Gazetteer> gazetteer = default_gazetteer();
  PerceptronTagger tagger;
  if (!config.clusters_path.empty()) {
    std::ifstream in(config.clusters_path);
    if (!in) throw DataError(config.clusters_path + ": cannot open word clusters");
    tagger.set_clusters(std::make_shared<const WordClusters>(WordClusters::read(in, config.clusters_path)));
  }
  TrainOptions options;
  options.epochs = config.epochs;
  options.prune_below = config.prune_below;
  bool with_dev = !config.dev_path.empty();
  tagger.train(train.docs, train.tags, gazetteer.get(), options, with_dev ? &dev.docs : nullptr,
               with_dev ? &dev.tags : nullptr, config.log);
  TrainNerResult result;
  if (with_dev) {
    // Confidence is calibrated on the development file's even documents and its calibration
    // measured on the odd ones (held out from both training and calibration).
    ConllCorpus fit, check;
    for (std::size_t d = 0; d < dev.docs.size(); ++d) {
      ConllCorpus& half = d % 2 == 0 ? fit : check;
      half.docs.push_back(dev.docs[d]);
      half.tags.push_back(dev.tags[d]);
    }
    result.ece_before = confidence_error(tagger, check, gazetteer.get(), nullptr);
    tagger.calibrate(fit.docs, fit.tags, gazetteer.get());
    result.ece_after = confidence_error(tagger, check, gazetteer.get(), &result.calibration_mentions);
    result.calibration = tagger.calibration();
  }
  tagger.save(config.out_path);
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
    if (!dir.empty() && fs::exists(fs::path(dir) / "ner-en.model", ec))
      model_path = (fs::path(dir) / "ner-en.model").string();
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
