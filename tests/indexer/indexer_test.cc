// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of the pipeline: incremental runs, prune, rebuild, bad input, interruption.
#include "indexer.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <initializer_list>
#include <set>
#include <string_view>

#include <xapian.h>

#include "build_state.h"
#include "document_builder.h"
#include "gazette/common/error.h"
#include "gazette/common/hash.h"
#include "gazette/common/schema.h"
#include "shard_writers.h"
#include "support/temp_index.h"
#include "support/test_index.h"

namespace gazette::indexer {
namespace {

using gazette::testing::TempDir;

class IndexerTest : public ::testing::Test {
 protected:
  IndexerConfig config(std::vector<std::string> inputs) {
    IndexerConfig c = gazette::testing::test_index_config(dir_.str("db"), std::move(inputs));
    c.threads = 2;
    c.log = [this](std::string_view line) { log_.emplace_back(line); };
    return c;
  }
  // Whether one line the runs logged holds every one of `parts`.
  bool logged(std::initializer_list<std::string_view> parts) const {
    return std::any_of(log_.begin(), log_.end(), [&](const std::string& line) {
      return std::all_of(parts.begin(), parts.end(),
                         [&](std::string_view part) { return line.find(part) != std::string::npos; });
    });
  }
  std::uint64_t doc_count() { return Xapian::Database(dir_.str("db")).get_doccount(); }
  bool has_id(const std::string& id) { return Xapian::Database(dir_.str("db")).term_exists(schema::id_term(id)); }

  TempDir dir_;
  std::vector<std::string> log_;
};

TEST_F(IndexerTest, SecondRunReindexesNothingAndChangesAreUpdated) {
  dir_.write("news/a.txt", "Alpha story\n\nAlpha body text.\n");
  dir_.write("news/b.txt", "Beta story\n\nBeta body text.\n");
  dir_.write("news/feed.jsonl", "{\"id\": \"c\", \"title\": \"Gamma\", \"body\": \"g\"}\n");
  IndexStats first = run_indexer(config({dir_.str("news")}));
  EXPECT_EQ(first.indexed, 3u);
  EXPECT_EQ(first.errors, 0u);
  EXPECT_EQ(doc_count(), 3u);

  IndexStats second = run_indexer(config({dir_.str("news")}));
  EXPECT_EQ(second.indexed, 0u);
  EXPECT_EQ(second.updated, 0u);
  EXPECT_EQ(second.unchanged, 3u);

  dir_.write("news/b.txt", "Beta story\n\nBeta body text, corrected.\n");
  dir_.write("news/d.txt", "Delta\n\nNew.\n");
  IndexStats third = run_indexer(config({dir_.str("news")}));
  EXPECT_EQ(third.indexed, 1u);
  EXPECT_EQ(third.updated, 1u);
  EXPECT_EQ(third.unchanged, 2u);
  EXPECT_EQ(doc_count(), 4u);
}

// Lines that recur across a source's articles are learnt while indexing and stored: a later run
// that is given only new files still knows them; articles indexed before a line recurred are
// cleaned again when it does; --rebuild learns afresh; --keep-boilerplate keeps every line.
TEST_F(IndexerTest, RecurringLinesAreLearntStoredAndUsedByLaterRuns) {
  auto article = [](int i) {
    static const char* words[] = {"harbour", "strike", "minister", "energy", "cable", "market", "council", "river"};
    std::string body;
    for (int p = 0; p < 3; ++p) {
      for (int w = 0; w < 20; ++w) body += std::string(words[(i * 7 + p * 3 + w * w) % 8]) + " ";
      body += "story" + std::string(1, static_cast<char>('a' + i % 26)) + std::to_string(i) + " end.\n\n";
    }
    return "Title: Story " + std::to_string(i) + "\nId: s" + std::to_string(i) + "\nSource: Harbor Times\n\n" + body +
           "Get the Harbor Times briefing at " + std::to_string(6 + i % 3) + "am, free.\n";
  };
  for (int i = 0; i < 3; ++i) dir_.write("site/" + std::to_string(i) + ".txt", article(i));
  run_indexer(config({dir_.str("site")}));
  auto body_of = [this](const std::string& id) {
    Xapian::Database db(dir_.str("db"));
    auto p = db.postlist_begin(schema::id_term(id));
    if (p == db.postlist_end(schema::id_term(id))) {
      ADD_FAILURE() << "no article " << id;
      return std::string();
    }
    return deserialize_article(db.get_document(*p).get_data()).body;
  };
  // Three articles: under kMinArticles, the line stays.
  EXPECT_NE(body_of("s0").find("briefing"), std::string::npos);
  // Three more, given alone: six articles have the line now, and the first three are cleaned too.
  for (int i = 3; i < 6; ++i) dir_.write("site/" + std::to_string(i) + ".txt", article(i));
  IndexStats second = run_indexer(config({dir_.str("site")}));
  EXPECT_EQ(second.indexed, 3u);
  EXPECT_EQ(second.updated, 3u);  // cleaned again: their bodies changed
  for (int i = 0; i < 6; ++i) {
    std::string body = body_of("s" + std::to_string(i));
    EXPECT_EQ(body.find("briefing"), std::string::npos) << i;
    EXPECT_NE(body.find("end."), std::string::npos) << i;
  }
  // A new file given alone (elsewhere): the stored counts of its source know the line.
  dir_.write("elsewhere/6.txt", article(6));
  run_indexer(config({dir_.str("elsewhere/6.txt")}));
  EXPECT_EQ(body_of("s6").find("briefing"), std::string::npos) << body_of("s6");
  // The same run again counts nothing twice: nothing changes.
  IndexStats again = run_indexer(config({dir_.str("site"), dir_.str("elsewhere")}));
  EXPECT_EQ(again.indexed + again.updated, 0u);
  // --keep-boilerplate: every line, as read.
  IndexerConfig keep = config({dir_.str("site"), dir_.str("elsewhere")});
  keep.remove_boilerplate = false;
  run_indexer(keep);
  EXPECT_NE(body_of("s3").find("briefing"), std::string::npos);
  // --rebuild learns afresh, from the files given: three articles, the line stays.
  IndexerConfig rebuild = config({dir_.str("site/0.txt"), dir_.str("site/1.txt"), dir_.str("site/2.txt")});
  rebuild.rebuild = true;
  run_indexer(rebuild);
  EXPECT_EQ(doc_count(), 3u);
  EXPECT_NE(body_of("s0").find("briefing"), std::string::npos);
}

TEST_F(IndexerTest, PruneDeletesArticlesOfVanishedFilesOnly) {
  dir_.write("news/a.txt", "Alpha\n\nA.\n");
  dir_.write("news/b.txt", "Beta\n\nB.\n");
  dir_.write("news/feed.jsonl",
             "{\"id\": \"c1\", \"title\": \"C1\", \"body\": \"x\"}\n"
             "{\"id\": \"c2\", \"title\": \"C2\", \"body\": \"y\"}\n");
  dir_.write("other/z.txt", "Zeta\n\nZ.\n");
  run_indexer(config({dir_.str("news"), dir_.str("other")}));
  ASSERT_EQ(doc_count(), 5u);

  std::filesystem::remove(dir_.str("news/b.txt"));
  dir_.write("news/feed.jsonl", "{\"id\": \"c1\", \"title\": \"C1\", \"body\": \"x\"}\n");
  // Without --prune nothing is deleted.
  EXPECT_EQ(run_indexer(config({dir_.str("news")})).deleted, 0u);
  EXPECT_EQ(doc_count(), 5u);

  IndexerConfig c = config({dir_.str("news")});
  c.prune = true;
  IndexStats s = run_indexer(c);
  EXPECT_EQ(s.deleted, 2u);
  EXPECT_FALSE(has_id("news/b.txt"));
  EXPECT_FALSE(has_id("c2"));
  EXPECT_TRUE(has_id("c1"));
  EXPECT_TRUE(has_id("other/z.txt"));  // not part of this run, file still there: kept
}

// The spelling dictionary holds the words of two articles or more, each with its article count,
// as articles come and go over incremental runs.
TEST_F(IndexerTest, SpellingHoldsTheWordsOfTwoArticlesOrMore) {
  auto frequency = [&](const std::string& word) -> Xapian::doccount {
    Xapian::Database db(dir_.str("db"));
    auto t = db.spellings_begin();
    t.skip_to(word);
    return t != db.spellings_end() && *t == word ? t.get_termfreq() : 0;
  };
  dir_.write("news/a.txt", "Harbour\n\nThe lighthouse keeper retired.\n");
  run_indexer(config({dir_.str("news")}));
  EXPECT_EQ(frequency("lighthouse"), 0u);  // one article
  dir_.write("news/b.txt", "Coast\n\nA new lighthouse opened.\n");
  run_indexer(config({dir_.str("news")}));
  EXPECT_EQ(frequency("lighthouse"), 2u);
  dir_.write("news/c.txt", "Storm\n\nThe lighthouse survived.\n");
  run_indexer(config({dir_.str("news")}));
  EXPECT_EQ(frequency("lighthouse"), 3u);
  EXPECT_EQ(frequency("survived"), 0u);
  std::filesystem::remove(dir_.str("news/c.txt"));
  std::filesystem::remove(dir_.str("news/b.txt"));
  IndexerConfig c = config({dir_.str("news")});
  c.prune = true;
  EXPECT_EQ(run_indexer(c).deleted, 2u);
  EXPECT_EQ(frequency("lighthouse"), 0u);  // one article again
}

TEST_F(IndexerTest, BadFilesAreReportedAndNothingIndexedIsLost) {
  dir_.write("news/a.txt", "Alpha\n\nA.\n");
  dir_.write("news/feed.jsonl", "{\"id\": \"c1\", \"title\": \"C1\", \"body\": \"x\"}\n");
  run_indexer(config({dir_.str("news")}));
  ASSERT_EQ(doc_count(), 2u);

  // The feed breaks, an empty and a binary file appear; with --prune nothing may be lost.
  dir_.write("news/feed.jsonl", "{\"id\": \"c1\", \"title\": \"C1\", \"body\": \"x\"}\n{broken\n");
  dir_.write("news/empty.txt", "");
  dir_.write("news/blob.html", std::string("\0\1\2\3binary", 10));
  dir_.write("news/readme.md", "not an article");
  IndexerConfig c = config({dir_.str("news")});
  c.prune = true;
  IndexStats s = run_indexer(c);
  EXPECT_EQ(s.errors, 3u);
  EXPECT_EQ(s.skipped, 1u);
  EXPECT_EQ(s.deleted, 0u);
  EXPECT_EQ(doc_count(), 2u);
  bool named = logged({"feed.jsonl:2: error:"});
  EXPECT_TRUE(named) << "no error naming feed.jsonl:2";
}

// A big JSON Lines file is read in runs of lines on every thread: errors still name their line,
// articles without an id still get "#line", an oversized record is an error of its own, prune
// still sees the file as read, and nothing differs from reading it whole.
TEST_F(IndexerTest, BigJsonLinesFilesAreReadInRunsOfLines) {
  std::string feed;
  for (int line = 1; line <= 60; ++line) {
    if (line == 17) {
      feed += "{broken\n";
    } else if (line == 41) {
      feed += "{\"title\": \"Huge\", \"body\": \"" + std::string(3000, 'z') + "\"}\n";
    } else if (line % 10 == 0) {
      feed += "\n";
    } else if (line % 3 == 0) {
      feed += "{\"title\": \"No id " + std::to_string(line) + "\", \"body\": \"Body of line " + std::to_string(line) +
              ".\"}\n";
    } else {
      feed += "{\"id\": \"a" + std::to_string(line) + "\", \"title\": \"Title " + std::to_string(line) +
              "\", \"body\": \"Body of article " + std::to_string(line) + ".\"}\n";
    }
  }
  dir_.write("news/feed.jsonl", feed);
  IndexerConfig c = config({dir_.str("news")});
  c.jsonl_chunk_bytes = 700;  // many runs
  c.max_file_bytes = 2000;    // a record limit now: line 41 is over it, the file is not
  c.prune = true;
  IndexStats s = run_indexer(c);
  EXPECT_EQ(s.files, 1u);
  EXPECT_EQ(s.errors, 2u);
  // 60 lines: 6 blank, 2 bad, the rest articles.
  EXPECT_EQ(s.indexed, 52u);
  EXPECT_EQ(doc_count(), 52u);
  EXPECT_TRUE(has_id("a58"));
  EXPECT_TRUE(has_id("news/feed.jsonl#33"));
  EXPECT_FALSE(has_id("news/feed.jsonl#41"));
  bool broken = logged({"feed.jsonl:17: error:"}), huge = logged({"feed.jsonl:41: error:", "--max-file-size"});
  EXPECT_TRUE(broken) << "no error naming feed.jsonl:17";
  EXPECT_TRUE(huge) << "no error naming feed.jsonl:41";
  // Read whole (one run), the same articles.
  TempDir other;
  IndexerConfig whole = c;
  whole.db_path = other.str("db");
  whole.jsonl_chunk_bytes = 1u << 30;
  IndexStats w = run_indexer(whole);
  EXPECT_EQ(w.indexed, s.indexed);
  EXPECT_EQ(w.errors, s.errors);
  Xapian::Database a(c.db_path), b(whole.db_path);
  std::set<std::string> ia, ib;
  for (auto t = a.allterms_begin(std::string(schema::kIdPrefix)); t != a.allterms_end(std::string(schema::kIdPrefix));
       ++t)
    ia.insert(*t);
  for (auto t = b.allterms_begin(std::string(schema::kIdPrefix)); t != b.allterms_end(std::string(schema::kIdPrefix));
       ++t)
    ib.insert(*t);
  EXPECT_EQ(ia, ib);
  // A second run changes nothing and prunes nothing.
  IndexStats again = run_indexer(c);
  EXPECT_EQ(again.unchanged, 52u);
  EXPECT_EQ(again.deleted, 0u);
}

TEST_F(IndexerTest, MaxErrorsStopsTheRun) {
  for (int i = 0; i < 5; ++i) dir_.write("news/e" + std::to_string(i) + ".txt", "");
  IndexerConfig c = config({dir_.str("news")});
  c.max_errors = 1;
  IndexStats s = run_indexer(c);
  EXPECT_TRUE(s.interrupted);
  EXPECT_GE(s.errors, 2u);
}

TEST_F(IndexerTest, StopFlagLeavesAnOpenableDatabase) {
  for (int i = 0; i < 50; ++i) dir_.write("news/a" + std::to_string(i) + ".txt", "T\n\nBody " + std::to_string(i));
  std::atomic<bool> stop{true};
  IndexerConfig c = config({dir_.str("news")});
  c.stop = &stop;
  IndexStats s = run_indexer(c);
  EXPECT_TRUE(s.interrupted);
  EXPECT_LT(doc_count(), 50u);  // opens, holds what was committed
}

TEST_F(IndexerTest, RebuildStartsFresh) {
  dir_.write("one/a.txt", "Alpha\n\nA.\n");
  dir_.write("two/b.txt", "Beta\n\nB.\n");
  run_indexer(config({dir_.str("one")}));
  IndexerConfig c = config({dir_.str("two")});
  c.rebuild = true;
  EXPECT_EQ(run_indexer(c).indexed, 1u);
  EXPECT_EQ(doc_count(), 1u);
  EXPECT_TRUE(has_id("two/b.txt"));
}

// A build into an empty database writes shards in parallel and merges them: the result must be
// the database one writer makes (articles, terms, spelling, synonyms, near-duplicate groups).
TEST_F(IndexerTest, ParallelShardBuildMatchesOneWriter) {
  std::string story;
  for (int w = 0; w < 120; ++w) story += "word" + std::to_string(w * 7 % 97) + (w % 11 == 10 ? ". " : " ");
  for (int i = 0; i < 6; ++i) {
    // Wire copies: the same story with a different headline and a small edit.
    dir_.write("news/copy" + std::to_string(i) + ".txt",
               "Headline number " + std::to_string(i) + "\n\n" + story + "edit" + std::to_string(i) + "\n");
  }
  for (int i = 0; i < 30; ++i) {
    dir_.write("news/other" + std::to_string(i) + ".txt",
               "Other " + std::to_string(i) + "\n\nDistinct text about topic" + std::to_string(i) + " and more.\n");
  }
  // The copies must land in more than one of three shards for the test to mean anything.
  std::set<std::uint64_t> copy_shards;
  for (int i = 0; i < 6; ++i)
    copy_shards.insert(fnv1a64(schema::id_term("news/copy" + std::to_string(i) + ".txt")) % 3);
  ASSERT_GT(copy_shards.size(), 1u);

  auto build = [&](const std::string& db, unsigned shards) {
    IndexerConfig c = config({dir_.str("news")});
    c.db_path = dir_.str(db);
    c.shards = shards;
    c.batch_articles = 7;  // several commits per shard
    return run_indexer(c);
  };
  IndexStats one = build("one", 1);
  IndexStats three = build("three", 3);
  EXPECT_EQ(one.indexed, 36u);
  EXPECT_EQ(three.indexed, 36u);
  EXPECT_FALSE(std::filesystem::exists(dir_.str(".three.shards-" + std::to_string(::getpid()))));

  Xapian::Database a(dir_.str("one")), b(dir_.str("three"));
  EXPECT_EQ(a.get_doccount(), b.get_doccount());
  EXPECT_EQ(b.get_metadata(std::string(schema::kSchemaVersionKey)), std::to_string(schema::kSchemaVersion));
  auto terms = [](const Xapian::Database& db) {
    std::vector<std::pair<std::string, Xapian::doccount>> out;
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
      if (!(*t).starts_with(schema::kDupGroupPrefix)) out.emplace_back(*t, t.get_termfreq());
    }
    return out;
  };
  EXPECT_EQ(terms(a), terms(b));
  auto spellings = [](const Xapian::Database& db) {
    std::vector<std::pair<std::string, Xapian::doccount>> out;
    for (auto t = db.spellings_begin(); t != db.spellings_end(); ++t) out.emplace_back(*t, t.get_termfreq());
    return out;
  };
  EXPECT_FALSE(spellings(b).empty());
  EXPECT_EQ(spellings(a), spellings(b));
  EXPECT_NE(b.synonym_keys_begin(), b.synonym_keys_end());  // the shipped aliases

  // Every copy is in one group in both databases, and the other articles are alone.
  auto groups = [&](const Xapian::Database& db) {
    std::set<std::string> copies, others;
    for (int i = 0; i < 30; ++i) {
      std::string id =
          schema::id_term(i < 6 ? "news/copy" + std::to_string(i) + ".txt" : "news/other" + std::to_string(i) + ".txt");
      auto p = db.postlist_begin(id);
      EXPECT_NE(p, db.postlist_end(id)) << id;
      if (p == db.postlist_end(id)) continue;
      (i < 6 ? copies : others).insert(db.get_document(*p).get_value(schema::kDupGroupSlot));
    }
    EXPECT_EQ(copies.size(), 1u);
    EXPECT_EQ(others.size(), 24u);
    return copies.size();
  };
  groups(a);
  groups(b);

  // A later run over the merged database updates it through the one writer.
  dir_.write("news/late.txt", "Late\n\nA late story.\n");
  IndexStats again = build("three", 3);
  EXPECT_EQ(again.indexed, 1u);
  EXPECT_EQ(again.unchanged, 36u);
  EXPECT_EQ(Xapian::Database(dir_.str("three")).get_doccount(), 37u);
}

TEST_F(IndexerTest, RefusesALockedDatabase) {
  dir_.write("news/a.txt", "Alpha\n\nA.\n");
  Xapian::WritableDatabase holder(dir_.str("db"), Xapian::DB_CREATE_OR_OPEN);
  EXPECT_THROW(run_indexer(config({dir_.str("news")})), IndexError);
}

TEST_F(IndexerTest, AFileOverItsTimeBudgetIsCutShortAndTheRunGoesOn) {
  std::string lines;
  for (int i = 0; i < 400; ++i) {
    lines += R"({"id":"l)" + std::to_string(i) + R"(","title":"Line )" + std::to_string(i) +
             R"(","body":"Harbour workers met the minister on Tuesday to discuss pay."})" + "\n";
  }
  dir_.write("news/many.jsonl", lines);
  dir_.write("news/other.txt", "Other\n\nAnother article.\n");
  IndexerConfig c = config({dir_.str("news")});
  c.max_file_seconds = 1e-6;
  IndexStats s = run_indexer(c);
  EXPECT_GE(s.errors, 1u);
  EXPECT_LT(doc_count(), 401u);
  EXPECT_TRUE(has_id("news/other.txt") || s.errors >= 2u);  // the other file has its own budget
  bool said = logged({"--max-file-seconds"});
  EXPECT_TRUE(said);
}

// A second run on the same database fails at once instead of waiting or interleaving commits.
TEST_F(IndexerTest, OneRunAtATimePerDatabase) {
  dir_.write("news/a.txt", "Alpha\n\nA.\n");
  RunLock held(dir_.str("db"));
  try {
    run_indexer(config({dir_.str("news")}));
    ADD_FAILURE() << "a second run went ahead";
  } catch (const IndexError& e) {
    EXPECT_NE(std::string(e.what()).find("another gazette-index"), std::string::npos) << e.what();
  }
}

// A killed --rebuild leaves the old database whole; the next rebuild resumes from its shards.
TEST_F(IndexerTest, AnInterruptedRebuildLeavesTheOldDatabaseAndIsResumed) {
  for (int i = 0; i < 30; ++i)
    dir_.write("old/a" + std::to_string(i) + ".txt", "Old " + std::to_string(i) + "\n\nOld text.\n");
  for (int i = 0; i < 30; ++i)
    dir_.write("new/b" + std::to_string(i) + ".txt", "New " + std::to_string(i) + "\n\nNew text.\n");
  run_indexer(config({dir_.str("old")}));
  ASSERT_EQ(doc_count(), 30u);
  // A rebuild that dies after its shards committed one article: what a killed run leaves.
  {
    ShardWriters shards(dir_.str("db"), 2, 5, 1 << 20, true);
    DocumentBuilder builder("en", nullptr);
    Article a;
    a.id = "new/b0.txt";
    a.title = "New 0";
    a.body = "New text.";
    BuiltDocument b = builder.build(a, content_hash(a));
    shards.add(b.id_term, b.document, b.text_bytes);
    shards.finish();  // committed; then the process "dies" without merging: the folder stays
  }
  EXPECT_EQ(doc_count(), 30u);  // the old database is untouched
  IndexerConfig c = config({dir_.str("new")});
  c.rebuild = true;
  IndexStats s = run_indexer(c);
  EXPECT_EQ(s.indexed + s.updated + s.unchanged, 30u);
  EXPECT_EQ(doc_count(), 30u);
  EXPECT_TRUE(has_id("new/b0.txt"));
  EXPECT_FALSE(has_id("old/a0.txt"));
  bool resumed = logged({"resuming an interrupted build"});
  EXPECT_TRUE(resumed);
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_EQ(e.path().filename().string().find(".db.shards-"), std::string::npos) << e.path();
  }
}

TEST_F(IndexerTest, InspectReportsFieldsWithoutWriting) {
  std::string path = dir_.write("a.txt", "Title: Hello\nLanguage: en\n\nWorld news today.\n");
  InspectedFile f = inspect_file(path, config({}));
  ASSERT_EQ(f.articles.size(), 1u);
  EXPECT_EQ(f.articles[0].article.title, "Hello");
  EXPECT_EQ(f.articles[0].words, 3u + 3u);  // title word weighted x3, body 3 words
  EXPECT_FALSE(std::filesystem::exists(dir_.str("db")));
}

TEST_F(IndexerTest, StatsSummariseTheDatabase) {
  dir_.write("news/a.txt", "Title: A\nSource: Harbor Times\nDate: 2024-01-02\nLanguage: en\n\nx\n");
  dir_.write("news/b.txt", "Title: B\nSource: Harbor Times\nDate: 2025-03-04\nLanguage: de\n\ny\n");
  run_indexer(config({dir_.str("news")}));
  DatabaseStats s = database_stats(dir_.str("db"));
  EXPECT_EQ(s.articles, 2u);
  EXPECT_EQ(s.schema_version, schema::kSchemaVersion);
  EXPECT_EQ(s.sources, (std::vector<std::pair<std::string, std::uint64_t>>{{"harbor times", 2}}));
  ASSERT_TRUE(s.first_published && s.last_published);
  EXPECT_LT(*s.first_published, *s.last_published);
  EXPECT_GT(s.size_bytes, 0u);
  EXPECT_THROW(database_stats(dir_.str("nothing")), IndexError);
}

TEST_F(IndexerTest, StatsCountLanguagesMostArticlesFirst) {
  dir_.write("news/a.txt", "Title: A\nLanguage: de\n\nx\n");
  dir_.write("news/b.txt", "Title: B\nLanguage: en\n\ny\n");
  dir_.write("news/c.txt", "Title: C\nLanguage: en\n\nz\n");
  run_indexer(config({dir_.str("news")}));
  DatabaseStats s = database_stats(dir_.str("db"));
  EXPECT_EQ(s.languages, (std::vector<std::pair<std::string, std::uint64_t>>{{"en", 2}, {"de", 1}}));
  EXPECT_TRUE(s.sources.empty());
}

TEST_F(IndexerTest, StatsReadTheSchemaVersionAsANumberOnly) {
  auto stats_with_version = [this](const std::string& version) {
    {
      Xapian::WritableDatabase db(dir_.str("v"), Xapian::DB_CREATE_OR_OPEN);
      db.set_metadata(std::string(schema::kSchemaVersionKey), version);
      db.commit();
    }
    return database_stats(dir_.str("v"));
  };
  EXPECT_EQ(stats_with_version("12").schema_version, 12);
  EXPECT_EQ(stats_with_version("").schema_version, 0);  // none stated
  for (const std::string bad : {"3x", "x", " 3", "99999999999999999999"}) {
    try {
      stats_with_version(bad);
      ADD_FAILURE() << "no error for version \"" << bad << "\"";
    } catch (const IndexError& e) {
      EXPECT_NE(std::string(e.what()).find(schema::kSchemaVersionKey), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace gazette::indexer
