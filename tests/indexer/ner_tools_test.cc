// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of the tagger tools: detokenisation and the whole-pipeline evaluation.
#include "ner_tools.h"

#include <gtest/gtest.h>

#include "support/temp_index.h"

namespace gazette::indexer {
namespace {

using gazette::testing::TempDir;

TEST(NerToolsTest, DetokenisesAsNewsIsWritten) {
  struct Case {
    std::vector<std::string> words;
    std::string text;
  };
  const std::vector<Case> cases = {
      {{"Japan", "beat", "Syria", "2-1", "."}, "Japan beat Syria 2-1."},
      {{"He", "said", ",", "\"", "we", "won", "\"", "."}, "He said, \"we won\"."},
      {{"the", "club", "(", "Leeds", ")", "'s", "coach"}, "the club (Leeds)'s coach"},
      {{"It", "does", "n't", "cost", "$", "5", "%", "more", ";", "fine", ":", "yes", "!"},
       "It doesn't cost $5% more; fine: yes!"},
  };
  for (const Case& c : cases) {
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    std::string text = detokenise(c.words, spans);
    EXPECT_EQ(text, c.text);
    ASSERT_EQ(spans.size(), c.words.size());
    for (std::size_t i = 0; i < spans.size(); ++i) {
      EXPECT_EQ(text.substr(spans[i].first, spans[i].second - spans[i].first), c.words[i]) << c.text;
    }
  }
}

TEST(NerToolsTest, PipelineEvaluationScoresMentionsByOffsets) {
  TempDir dir;
  // One document; its first sentence is the headline. MISC ("German") is neutral.
  std::string conll =
      "-DOCSTART- -X- -X- O\n\n"
      "Port NNP B-NP O\nstrike NN I-NP O\nin IN B-PP O\nRotterdam NNP B-NP B-LOC\n. . O O\n\n"
      "Elena NNP B-NP B-PER\nMarchetti NNP I-NP I-PER\nvisited VBD B-VP O\nVeltrix NNP B-NP B-ORG\n"
      "Systems NNPS I-NP I-ORG\nin IN B-PP O\nDresden NNP B-NP B-LOC\n. . O O\n\n"
      "German JJ B-NP B-MISC\nofficials NNS I-NP O\nmet VBD B-VP O\nElena NNP B-NP B-PER\nMarchetti NNP I-NP I-PER\n"
      ". . O O\n";
  std::string path = dir.write("doc.conll", conll);
  EvalNerConfig config;
  config.data_path = path;
  PipelineScores s = eval_ner_pipeline(config);
  EXPECT_EQ(s.documents, 1u);
  EXPECT_EQ(s.misread, 0u);
  ASSERT_EQ(s.pipeline.size(), 4u);
  EXPECT_EQ(s.pipeline[3].type, "overall");
  EXPECT_EQ(s.pipeline[3].gold, 5u);  // Rotterdam, Elena Marchetti x2, Veltrix Systems, Dresden
  EXPECT_EQ(s.tagger[3].gold, 5u);
  EXPECT_EQ(s.pipeline[2].type, "PER");
  EXPECT_EQ(s.pipeline[2].gold, 2u);
  // Whatever the tagger finds, the scores are consistent counts.
  for (const auto& scores : {s.pipeline, s.tagger}) {
    for (const ChunkScore& c : scores) {
      EXPECT_LE(c.correct, c.predicted);
      EXPECT_LE(c.correct, c.gold);
    }
  }
  // The person named twice is found at both places by the pipeline (every mention counts).
  EXPECT_EQ(s.pipeline[2].correct, 2u);
}

}  // namespace
}  // namespace gazette::indexer
