// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of the stored article record: round trip, and malformed data as errors, not crashes.
#include <gtest/gtest.h>

#include "gazette/common/article.h"
#include "gazette/common/error.h"

namespace gazette {
namespace {

Article sample() {
  Article a;
  a.id = "https://example.com/a";
  a.url = a.id;
  a.title = "Kim visits Seoul";
  a.body = "Kim Jong Un arrived.\n\nHe left on Sunday. \xE2\x80\x94 caf\xC3\xA9";
  a.published = -86400;  // before the epoch still round-trips
  a.source = "Harbor Times";
  a.authors = {"A. Writer", "B. Writer"};
  a.section = "world";
  a.lang = "en";
  a.path = "/corpus/a.txt";
  a.dateline = "SEOUL (Harbor Times)";
  a.date_given = "2090-01-01T00:00:00Z";
  Entity e;
  e.kind = EntityKind::kPlace;
  e.canonical = "Seoul";
  e.mentions.push_back({TextField::kTitle, 11, 16, "", 1.0f, ""});
  a.entities.push_back(e);
  return a;
}

TEST(ArticleRecordTest, RoundTripsEveryField) {
  Article a = sample();
  Article b = deserialize_article(serialize_article(a));
  EXPECT_EQ(b.id, a.id);
  EXPECT_EQ(b.title, a.title);
  EXPECT_EQ(b.body, a.body);
  EXPECT_EQ(b.published, a.published);
  EXPECT_EQ(b.authors, a.authors);
  EXPECT_EQ(b.path, a.path);
  EXPECT_EQ(b.dateline, a.dateline);
  EXPECT_EQ(b.date_given, a.date_given);
  ASSERT_EQ(b.entities.size(), 1u);
  EXPECT_EQ(b.entities[0].kind, EntityKind::kPlace);
  EXPECT_EQ(b.entities[0].mentions[0].surface, "Seoul");  // offsets rebuilt into the text
  Article undated;
  undated.id = "x";
  EXPECT_FALSE(deserialize_article(serialize_article(undated)).published.has_value());
}

// Databases written before datelines (record version 1) still read: the same article, with no
// dateline and no date given.
TEST(ArticleRecordTest, VersionOneRecordsStillDecode) {
  Article a = sample();
  a.dateline.clear();
  a.date_given.clear();
  std::string v2 = serialize_article(a);
  ASSERT_EQ(v2.substr(0, 2), std::string("G\x02", 2));
  ASSERT_EQ(v2.substr(v2.size() - 2), std::string(2, '\0'));  // the two empty strings at the end
  std::string v1 = "G\x01" + v2.substr(2, v2.size() - 4);
  Article b = deserialize_article(v1);
  EXPECT_EQ(b.body, a.body);
  EXPECT_EQ(b.authors, a.authors);
  ASSERT_EQ(b.entities.size(), 1u);
  EXPECT_TRUE(b.dateline.empty());
  EXPECT_EQ(serialize_article(b), v2);
  EXPECT_THROW(deserialize_article(v1 + std::string(2, '\0')), DataError);  // version 1 has no such fields
  EXPECT_THROW(deserialize_article("G\x03" + v2.substr(2)), DataError);
}

TEST(ArticleRecordTest, MalformedRecordsAreDataErrors) {
  std::string good = serialize_article(sample());
  EXPECT_THROW(deserialize_article(""), DataError);
  EXPECT_THROW(deserialize_article("{\"id\": \"json\"}"), DataError);
  for (std::size_t cut = 2; cut < good.size(); cut += 7) {
    EXPECT_THROW(deserialize_article(good.substr(0, cut)), DataError) << cut;
  }
  std::string huge = good;
  huge[2] = '\xFF';  // an id length far past the end
  EXPECT_THROW(deserialize_article(huge), DataError);
}

TEST(ArticleRecordTest, HitFieldsRoundTripWithoutTheBody) {
  Article a = sample();
  Article b = deserialize_hit_fields(serialize_hit_fields(a));
  EXPECT_EQ(b.id, a.id);
  EXPECT_EQ(b.url, a.url);
  EXPECT_EQ(b.title, a.title);
  EXPECT_EQ(b.source, a.source);
  EXPECT_EQ(b.lang, a.lang);
  EXPECT_EQ(b.published, a.published);
  EXPECT_TRUE(b.body.empty());
  a.published.reset();
  EXPECT_FALSE(deserialize_hit_fields(serialize_hit_fields(a)).published);
  std::string record = serialize_hit_fields(sample());
  for (std::size_t n = 0; n < record.size(); ++n) {
    EXPECT_THROW(deserialize_hit_fields(record.substr(0, n)), DataError) << n;
  }
  EXPECT_THROW(deserialize_hit_fields(serialize_article(sample())), DataError);
}

TEST(ArticleRecordTest, HitFieldsCarryTheDuplicateGroup) {
  std::string group;
  deserialize_hit_fields(serialize_hit_fields(sample()), &group);
  EXPECT_EQ(group, "");
  std::string record = hit_fields_with_group(serialize_hit_fields(sample()), "00ff00ff00ff00ff");
  Article b = deserialize_hit_fields(record, &group);
  EXPECT_EQ(group, "00ff00ff00ff00ff");
  EXPECT_EQ(b.id, sample().id);
  EXPECT_EQ(b.title, sample().title);
  EXPECT_THROW(hit_fields_with_group("H", "x"), DataError);
}

TEST(ArticleRecordTest, RejectsBytesTheEncoderDoesNotWrite) {
  // Found by tests/fuzz/article_record: the decoders accepted trailing bytes, varints padded with
  // 0x80 and flag bytes other than 0 and 1, so a damaged record could pass as a good one.
  std::string article = serialize_article(sample());
  std::string hit = serialize_hit_fields(sample(), "00ff00ff00ff00ff");
  EXPECT_THROW(deserialize_article(article + "x"), DataError);
  EXPECT_THROW(deserialize_hit_fields(hit + std::string(1, '\0')), DataError);
  std::string padded = hit;
  padded.replace(2, 1, std::string("\x95\x00", 2));  // the id length 21 as two bytes
  EXPECT_THROW(deserialize_hit_fields(padded), DataError);
  std::string flag = serialize_hit_fields(Article{});
  ASSERT_EQ(flag[7], '\0');  // 'H' 1, five empty strings, the published flag
  flag[7] = '\x02';
  EXPECT_THROW(deserialize_hit_fields(flag + std::string(8, '\0')), DataError);
  EXPECT_THROW(deserialize_hit_fields(std::string("H\x01\x01x\x00\x01\x00\x00\x00", 9) + std::string(52, '\0')),
               DataError);  // tests/fuzz/regressions/article_record/hit-padded-with-zeros
  EXPECT_EQ(serialize_article(deserialize_article(article)), article);
  EXPECT_EQ(serialize_hit_fields(deserialize_hit_fields(hit), "00ff00ff00ff00ff"), hit);
}

}  // namespace
}  // namespace gazette
