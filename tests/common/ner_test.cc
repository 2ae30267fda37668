// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of NER internals: tokens and sentences, CoNLL files and scoring, the gazetteer, the
// rules tagger and the perceptron (training, saving, loading).
#include "gazette/common/ner.h"

#include <gtest/gtest.h>

#include "gazette/common/error.h"
#include "support/temp_index.h"

namespace gazette {
namespace {

using gazette::testing::test_data;

std::string words_of(std::string_view text) {
  std::string out;
  for (const auto& sentence : ner_sentences(text)) {
    if (!out.empty()) out += " | ";
    for (std::size_t i = 0; i < sentence.size(); ++i) out += (i ? " " : "") + sentence[i].text;
  }
  return out;
}

TEST(NerTokensTest, TokenisesLikeConll) {
  struct Case {
    const char* text;
    const char* expected;  // words, sentences separated by " | "
  };
  const std::vector<Case> cases = {
      {"Kim's visit", "Kim 's visit"},
      {"Kim\xE2\x80\x99s visit", "Kim \xE2\x80\x99s visit"},
      {"the Korean Central News Agency (KCNA) said", "the Korean Central News Agency ( KCNA ) said"},
      {"the U.S. economy grew.", "the U.S. economy grew ."},
      {"He left. She stayed.", "He left . | She stayed ."},
      {"Mr. Kim arrived. Then he left.", "Mr. Kim arrived . | Then he left ."},
      {"\"We won,\" she said.", "\" We won , \" she said ."},
      {"Ukraine.\xC2\xA0"
       "A new day",
       "Ukraine . | A new day"},  // a non-breaking space is a space
      {"First paragraph\n\nSecond one", "First paragraph | Second one"},
      {"", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(words_of(c.text), c.expected) << c.text;
}

TEST(NerTokensTest, OffsetsPointIntoTheText) {
  std::string text = "Talks in Seoul (Korea).";
  auto sentences = ner_sentences(text);
  ASSERT_EQ(sentences.size(), 1u);
  for (const NerToken& t : sentences[0]) EXPECT_EQ(text.substr(t.start, t.end - t.start), t.text);
}

TEST(ConllTest, ReadsDocumentsAndSentences) {
  ConllCorpus c = read_conll(test_data("conll/mini.txt"));
  ASSERT_EQ(c.docs.size(), 1u);
  ASSERT_EQ(c.docs[0].size(), 2u);
  EXPECT_EQ(c.docs[0][0][0], "Elena");
  EXPECT_EQ(c.tags[0][0][1], "I-PER");
  EXPECT_EQ(c.tags[0][1][5], "B-MISC");
}

TEST(ConllTest, BadTagNamesFileAndLine) {
  try {
    read_conll(test_data("conll/bad.txt"));
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.txt:2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_conll(test_data("conll/missing.txt")), DataError);
}

TEST(ConllTest, ChunksFollowConllRules) {
  struct Case {
    Tags tags;
    std::string expected;  // type[begin,end) ...
  };
  const std::vector<Case> cases = {
      {{"B-PER", "I-PER", "O", "B-LOC"}, "PER[0,2) LOC[3,4)"},
      {{"I-ORG", "I-ORG"}, "ORG[0,2)"},           // I- without B- starts a chunk
      {{"B-PER", "I-ORG"}, "PER[0,1) ORG[1,2)"},  // type change starts a chunk
      {{"B-LOC", "B-LOC"}, "LOC[0,1) LOC[1,2)"},  // B- always starts a chunk
      {{"O", "O"}, ""},
  };
  for (const Case& c : cases) {
    std::string got;
    for (const Chunk& ch : chunks_of(c.tags)) {
      if (!got.empty()) got += ' ';
      got += ch.type + "[" + std::to_string(ch.begin) + "," + std::to_string(ch.end) + ")";
    }
    EXPECT_EQ(got, c.expected);
  }
}

TEST(ConllTest, ScoresPrecisionRecallAndF1PerType) {
  ConllCorpus gold = read_conll(test_data("conll/mini.txt"));
  ConllCorpus pred = read_conll(test_data("conll/mini-pred.txt"));
  std::vector<ChunkScore> s = score_chunks(gold.tags, pred.tags);
  ASSERT_EQ(s.size(), 5u);  // LOC MISC ORG PER overall
  auto find = [&s](const std::string& type) {
    for (const ChunkScore& c : s) {
      if (c.type == type) return c;
    }
    return ChunkScore{};
  };
  EXPECT_NEAR(find("LOC").precision, 50.0, 1e-9);
  EXPECT_NEAR(find("LOC").recall, 100.0, 1e-9);
  EXPECT_NEAR(find("LOC").f1, 66.6667, 1e-3);
  EXPECT_NEAR(find("ORG").f1, 0.0, 1e-9);
  EXPECT_NEAR(find("MISC").f1, 100.0, 1e-9);
  EXPECT_EQ(s.back().type, "overall");
  EXPECT_EQ(s.back().gold, 5u);
  EXPECT_EQ(s.back().predicted, 7u);
  EXPECT_EQ(s.back().correct, 3u);
  EXPECT_NEAR(s.back().f1, 50.0, 1e-9);
}

TEST(GazetteerTest, LoadsLooksUpAndMatchesLongestCapitalisedNames) {
  Gazetteer g = Gazetteer::load(test_data("gazetteer.tsv"));
  ASSERT_EQ(g.lookup("U.S.").size(), 1u);
  EXPECT_EQ(g.lookup("U.S.")[0].canonical, "United States");
  EXPECT_EQ(g.lookup("Washington").size(), 2u);
  EXPECT_EQ(g.lookup("Washington")[0].kind, EntityKind::kPlace);  // heaviest first
  EXPECT_EQ(g.best("Washington", EntityKind::kPerson)->canonical, "Washington");
  EXPECT_TRUE(g.lookup("Atlantis").empty());
  ASSERT_NE(g.demonym_place("Japanese"), nullptr);
  EXPECT_EQ(*g.demonym_place("Japanese"), "Japan");
  EXPECT_EQ(g.match({"talks", "in", "United", "States", "and", "reading"}),
            (std::vector<std::string>{"", "", "B-LOC", "I-LOC", "", ""}));  // lower-case "reading" is no town
  EXPECT_THROW(Gazetteer::load(test_data("conll/mini.txt")), DataError);
}

TEST(RulesTaggerTest, CapitalisationContextAndGazetteerDecide) {
  Gazetteer g = Gazetteer::load(test_data("gazetteer.tsv"));
  struct Case {
    Sentence words;
    Tags expected;
  };
  const std::vector<Case> cases = {
      // "Reading" the town after "in"; "Reading" the verb opening a sentence is nothing.
      {{"She", "moved", "to", "Reading", "."}, {"O", "O", "O", "B-LOC", "O"}},
      {{"Reading", "the", "report", "took", "hours", "."}, {"O", "O", "O", "O", "O", "O"}},
      // A title makes a person, whatever the gazetteer says of the name.
      {{"President", "Washington", "spoke", "."}, {"O", "B-PER", "O", "O"}},
      {{"Talks", "in", "Washington", "ended", "."}, {"O", "O", "B-LOC", "O", "O"}},
      // An organisation by its head word; an unknown two-word name is a person.
      {{"The", "Baltic", "Energy", "Agency", "met", "Elena", "Marchetti", "."},
       {"O", "B-ORG", "I-ORG", "I-ORG", "O", "B-PER", "I-PER", "O"}},
  };
  for (const Case& c : cases) {
    // "reading" appears lower-case in the document, so a sentence-initial "Reading" is a word.
    std::vector<Sentence> doc = {c.words, {"reading", "is", "fun"}};
    EXPECT_EQ(rules_tag(doc, g)[0], c.expected) << c.words[0] << " " << c.words[1];
  }
}

TEST(PerceptronTest, LearnsSavesAndLoadsTheSameTagger) {
  ConllCorpus data = read_conll(test_data("conll/mini.txt"));
  PerceptronTagger tagger;
  TrainOptions options;
  options.epochs = 8;
  std::vector<std::string> log;
  tagger.train(data.docs, data.tags, nullptr, options, &data.docs, &data.tags,
               [&log](std::string_view line) { log.emplace_back(line); });
  EXPECT_EQ(log.size(), 8u);
  EXPECT_NE(log.back().find("dev F1 100.00"), std::string::npos) << log.back();  // memorises its data
  std::vector<Tags> before = tagger.tag(data.docs[0], nullptr);
  EXPECT_EQ(before, data.tags[0]);

  gazette::testing::TempDir dir;
  tagger.save(dir.str("m.model"));
  PerceptronTagger loaded = PerceptronTagger::load(dir.str("m.model"));
  EXPECT_EQ(loaded.feature_count(), tagger.feature_count());
  EXPECT_EQ(loaded.tag(data.docs[0], nullptr), before);

  dir.write("bad.model", "GZNER001 but not really");
  EXPECT_THROW(PerceptronTagger::load(dir.str("bad.model")), DataError);
  EXPECT_THROW(PerceptronTagger::load(dir.str("none.model")), DataError);
  // A truncated model is an error, not a crash.
  std::string bytes = gazette::testing::file_bytes(dir.str("m.model"));
  dir.write("cut.model", bytes.substr(0, bytes.size() / 2));
  EXPECT_THROW(PerceptronTagger::load(dir.str("cut.model")), DataError);
}

}  // namespace
}  // namespace gazette
