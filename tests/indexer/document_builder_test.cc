// SPDX-License-Identifier: GPL-2.0-or-later
// Golden tests of the Xapian document built for an article.
#include "document_builder.h"

#include <gtest/gtest.h>

#include "gazette/common/dates.h"
#include "gazette/common/schema.h"

namespace gazette::indexer {
namespace {

TEST(DocumentBuilderTest, RendersTermsAsGoldenString) {
  Article a;
  a.id = "t1";
  a.title = "Elections held";
  a.body = "Voters elected Kim.";
  a.source = "Harbor Times";
  a.section = "Politics";
  a.authors = {"Jana Vermeer"};
  a.lang = "en";
  a.published = parse_date("2025-11-03T08:15:00Z");
  DocumentBuilder builder;
  BuiltDocument built = builder.build(a, "0123456789abcdef");
  EXPECT_EQ(built.id_term, "Qt1");
  EXPECT_EQ(describe_terms(built.document),
            "Ajana vermeer D20251103 Len M202511 Qt1 Selections[1] Sheld[2] XSECTIONpolitics XSRCharbor times "
            "Y2025 ZSelect ZSheld Zelect:4 Zheld:3 Zkim Zvoter elected[104] elections:3[1] held:3[2] kim[105] "
            "voters[103]");
  EXPECT_EQ(built.document.get_value(schema::kContentHashSlot), "0123456789abcdef");
  EXPECT_EQ(schema::decode_published(built.document.get_value(schema::kPublishedSlot)), a.published);
  Article stored = deserialize_article(built.document.get_data());
  EXPECT_EQ(stored.title, a.title);
  EXPECT_EQ(stored.authors, a.authors);
  EXPECT_EQ(stored.published, a.published);
}

// The dateline clean_article took out of the body's start is indexed after the body (so it is
// found, and never joins the body's first words in a phrase) and stored.
TEST(DocumentBuilderTest, IndexesTheDatelineAfterTheBody) {
  Article a;
  a.id = "t2";
  a.title = "Cable approved";
  a.body = "The agency approved it.";
  a.dateline = "RIGA (Meridian Wire)";
  a.lang = "en";
  DocumentBuilder builder;
  BuiltDocument built = builder.build(a, "0");
  EXPECT_EQ(describe_terms(built.document),
            "Len Qt2 Sapproved[2] Scable[1] ZSapprov ZScabl Zagenc Zapprov:4 Zcabl:3 Zit Zmeridian Zriga Zthe Zwire "
            "agency[104] approved:4[2,105] cable:3[1] it[106] meridian[208] riga[207] the[103] wire[209]");
  EXPECT_EQ(deserialize_article(built.document.get_data()).dateline, "RIGA (Meridian Wire)");
}

TEST(DocumentBuilderTest, DetectsLanguageWhenNotGivenAndStemsInIt) {
  Article a;
  a.id = "de1";
  a.title = "Neue H\xC3\xA4user";
  a.body =
      "Die Bundesregierung will Eigent\xC3\xBCmer \xC3\xA4lterer H\xC3\xA4user k\xC3\xBCnftig st\xC3\xA4rker "
      "bei der energetischen Sanierung unterst\xC3\xBCtzen, hie\xC3\x9F es am Montag in Berlin.";
  DocumentBuilder builder;
  BuiltDocument built = builder.build(a, "h");
  EXPECT_EQ(a.lang, "de");
  std::string terms = describe_terms(built.document);
  EXPECT_NE(terms.find("Lde"), std::string::npos);
  EXPECT_NE(terms.find("Zhaus"), std::string::npos) << terms;            // German stem of Häuser
  EXPECT_NE(terms.find("h\xC3\xA4user:4"), std::string::npos) << terms;  // exact form kept
}

TEST(DocumentBuilderTest, SkipsOverlongWordsAndHashesLongIds) {
  Article a;
  a.id = "https://example.com/" + std::string(500, 'x');
  a.title = "Short";
  a.body = std::string(300, 'y') + " ok";
  a.lang = "en";
  DocumentBuilder builder;
  BuiltDocument built = builder.build(a, "h");
  EXPECT_LE(built.id_term.size(), schema::kMaxTermBytes);
  for (auto t = built.document.termlist_begin(); t != built.document.termlist_end(); ++t) {
    EXPECT_LE((*t).size(), schema::kMaxTermBytes);
  }
  EXPECT_EQ(describe_terms(built.document).find("yyyy"), std::string::npos);
}

TEST(DocumentBuilderTest, ContentHashFollowsContent) {
  Article a;
  a.id = "x";
  a.title = "T";
  a.body = "B";
  Article b = a;
  EXPECT_EQ(content_hash(a), content_hash(b));
  b.body = "B2";
  EXPECT_NE(content_hash(a), content_hash(b));
}

}  // namespace
}  // namespace gazette::indexer

namespace gazette::indexer {
namespace {

// --min-entity-confidence: entities the tagger is unsure of are left out of the facets.
TEST(DocumentBuilderTest, LeavesOutEntitiesBelowTheConfidenceAsked) {
  auto extractor = EntityExtractor::load_default();
  auto entities_at = [&](float min) {
    Article a;
    a.id = "c";
    a.body =
        "Russia supplied missiles to bolster Pyongyang's air defences. Troops went to the Kursk region. "
        "Vladimir Putin met Kim Jong Un in Moscow.";
    DocumentBuilder builder("en", extractor, min);
    builder.build(a, "");
    return a.entities;
  };
  std::vector<Entity> all = entities_at(0.0f);
  ASSERT_GE(all.size(), 4u);
  float lowest = 1.0f;
  for (const Entity& e : all) lowest = std::min(lowest, e.confidence);
  ASSERT_LT(lowest, 0.99f) << "every entity is certain: the test needs an unsure one";
  float cut = (lowest + 1.0f) / 2;
  std::vector<Entity> sure = entities_at(cut);
  EXPECT_LT(sure.size(), all.size());
  for (const Entity& e : sure) EXPECT_GE(e.confidence, cut) << e.canonical;
  for (const Entity& e : all) {
    bool kept = std::any_of(sure.begin(), sure.end(), [&](const Entity& s) { return s.canonical == e.canonical; });
    EXPECT_EQ(kept, e.confidence >= cut) << e.canonical;
  }
}

}  // namespace
}  // namespace gazette::indexer
