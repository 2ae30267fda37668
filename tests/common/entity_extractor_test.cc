// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of entity extraction and normalisation with the shipped gazetteer and model.
#include "gazette/common/entities.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "gazette/common/article.h"
#include "gazette/common/ner.h"
#include "support/temp_index.h"

namespace gazette {
namespace {

std::string describe(const std::vector<Entity>& entities) {
  std::string out;
  for (const Entity& e : entities) {
    if (!out.empty()) out += "; ";
    out += std::string(kind_name(e.kind)) + ":" + e.canonical;
  }
  return out;
}

bool has(const std::vector<Entity>& entities, EntityKind kind, const std::string& name) {
  for (const Entity& e : entities) {
    if (e.kind == kind && e.canonical == name) return true;
  }
  return false;
}

class EntityExtractorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { extractor_ = EntityExtractor::load_default(); }
  static std::vector<Entity> extract(const std::string& title, const std::string& body) {
    Article a;
    a.title = title;
    a.body = body;
    a.lang = "en";
    return extractor_->extract(a);
  }
  static std::shared_ptr<const EntityExtractor> extractor_;
};
std::shared_ptr<const EntityExtractor> EntityExtractorTest::extractor_;

TEST_F(EntityExtractorTest, UsesTheShippedModelAndGazetteer) {
  EXPECT_EQ(extractor_->tagger_name(), "perceptron");
  EXPECT_GT(extractor_->gazetteer().size(), 10000u);
}

TEST_F(EntityExtractorTest, NormalisesMentionsIntoOneCanonicalName) {
  struct Case {
    const char* body;
    EntityKind kind;
    const char* canonical;
  };
  const std::vector<Case> cases = {
      // Titles are stripped and a later surname links to the full name.
      {"North Korean leader Kim Jong Un watched the test. Mr Kim later praised the scientists.", EntityKind::kPerson,
       "Kim Jong Un"},
      {"President Donald Trump met reporters on Monday. Trump said talks went well.", EntityKind::kPerson,
       "Donald Trump"},
      // Possessives are dropped.
      {"Vladimir Putin's spokesman said the talks would go on in the spring.", EntityKind::kPerson, "Vladimir Putin"},
      // Aliases of one place.
      {"Officials in the U.S. welcomed the deal on Tuesday.", EntityKind::kPlace, "United States"},
      {"Exports to the United States rose sharply last year.", EntityKind::kPlace, "United States"},
      // An acronym defined in the text links both forms.
      {"The Korean Central News Agency (KCNA) reported the launch. KCNA said it was a success.",
       EntityKind::kOrganization, "Korean Central News Agency"},
      // A nationality adjective names its country.
      {"Japanese Prime Minister Shigeru Ishiba flew home on Sunday.", EntityKind::kPlace, "Japan"},
      {"Japanese Prime Minister Shigeru Ishiba flew home on Sunday.", EntityKind::kPerson, "Shigeru Ishiba"},
      // An all-capitals dateline.
      {"RIGA (Meridian Wire) - The agency approved the cable on Monday.", EntityKind::kPlace, "Riga"},
      // Hyphenated and non-English names.
      {"Hanbit Robotics chief executive Park Ji-woo said orders doubled.", EntityKind::kPerson, "Park Ji-woo"},
      {"Amélie Rousseau, the council's secretary-general, opened the meeting in Geneva.", EntityKind::kPerson,
       "Amélie Rousseau"},
      // Head words make organisations.
      {"Shares of Veltrix Systems rose 4 percent after the results.", EntityKind::kOrganization, "Veltrix Systems"},
  };
  for (const Case& c : cases) {
    std::vector<Entity> e = extract("", c.body);
    EXPECT_TRUE(has(e, c.kind, c.canonical)) << c.body << "\n  got: " << describe(e);
  }
}

TEST_F(EntityExtractorTest, TheKremlinLosesItsArticleAndMentionsKeepOffsets) {
  std::string body = "A spokesman for the Kremlin said Mr Kim would visit. Kim Jong Un arrived on Tuesday.";
  std::vector<Entity> e = extract("", body);
  for (const Entity& x : e) {
    EXPECT_NE(x.canonical.rfind("the ", 0), 0u) << x.canonical;
    for (const Mention& m : x.mentions) EXPECT_EQ(body.substr(m.start, m.end - m.start), m.surface);
  }
  const Entity* kim = nullptr;
  for (const Entity& x : e) {
    if (x.canonical == "Kim Jong Un") kim = &x;
  }
  ASSERT_NE(kim, nullptr) << describe(e);
  EXPECT_EQ(kim->mentions.size(), 2u);  // "Kim" (after "Mr") and "Kim Jong Un"
}

// A club carries its city's name: in a sports report the model's organisation stands against the
// gazetteer's place; elsewhere a city or country that "acts" is the place (its government).
TEST_F(EntityExtractorTest, ClubsInSportsReportsCitiesElsewhere) {
  struct Case {
    std::string body;
    EntityKind kind;
    std::string name;
  };
  const std::vector<Case> cases = {
      {"Leeds beat Chelsea 2-1 on Saturday. Leeds drew 1-1 with Arsenal last week and the striker scored twice.",
       EntityKind::kOrganization, "Leeds"},
      {"Moscow said on Monday that the talks would resume. Officials in Moscow gave no date.", EntityKind::kPlace,
       "Moscow"},
      // A results table is a sports report too.
      {"Results of English soccer matches on Saturday:\n\nBradford 1 Tranmere 0\n\nNorwich 1 Wolverhampton 0\n\n"
       "Oldham 3 Ipswich 3",
       EntityKind::kOrganization, "Norwich"},
  };
  for (const Case& c : cases) {
    std::vector<Entity> e = extract("", c.body);
    EXPECT_TRUE(has(e, c.kind, c.name)) << c.body << "\n  got: " << describe(e);
  }
}

// Nationality adjectives name the country they are made from, not WordNet's former or partial
// name for it (its pertainyms: Russian -> Soviet Union, Chinese -> Taiwan, Sri Lankan -> Ceylon).
TEST_F(EntityExtractorTest, NationalityAdjectivesNameTodaysCountry) {
  const Gazetteer& g = extractor_->gazetteer();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Russian", "Russia"},       {"Chinese", "China"},
      {"Sri Lankan", "Sri Lanka"}, {"Mauritanian", "Mauritania"},
      {"Japanese", "Japan"},       {"Dutch", "Netherlands"},
      {"Malayan", "Malaysia"},     {"Dominican", "Dominican Republic"},
      {"Turkmen", "Turkmenistan"}};
  for (const auto& [adjective, country] : cases) {
    const std::string* place = g.demonym_place(adjective);
    ASSERT_NE(place, nullptr) << adjective;
    EXPECT_EQ(*place, country) << adjective;
  }
}

// Mention spans are names: initials stay with the surname, and the tagger's overreach into a
// lower-case word, a possessive or a leading "the" is trimmed.
TEST_F(EntityExtractorTest, MentionSpansAreJustTheName) {
  std::vector<Entity> e = extract("", "P. Simmons took four wickets for Leicestershire on Friday.");
  EXPECT_TRUE(has(e, EntityKind::kPerson, "P. Simmons")) << describe(e);
  std::vector<Entity> f = extract("", "The Fed's decision surprised traders, and the Fed said little more.");
  for (const Entity& x : f) {
    for (const Mention& m : x.mentions) {
      EXPECT_EQ(m.surface.find("'s"), std::string::npos) << m.surface;
      EXPECT_NE(m.surface.rfind("the ", 0), 0u) << m.surface;
      EXPECT_NE(m.surface.rfind("The ", 0), 0u) << m.surface;
    }
  }
}

// "Name (ABBR)" defines an acronym only when the letters are the name's initials.
TEST_F(EntityExtractorTest, AcronymsAreDefinedOnlyByTheirOwnInitials) {
  std::vector<Entity> a = extract("", "The Baltic Energy Agency (BEA) approved the cable. BEA officials said more.");
  EXPECT_TRUE(has(a, EntityKind::kOrganization, "Baltic Energy Agency")) << describe(a);
  EXPECT_FALSE(has(a, EntityKind::kOrganization, "BEA")) << describe(a);
  std::vector<Entity> r = extract("",
                                  "1. Michelle Freeman (U.S.) 12.71 seconds 2. Ludmila Engquist (Sweden) 12.74. "
                                  "The U.S. team won three events.");
  EXPECT_TRUE(has(r, EntityKind::kPlace, "United States")) << describe(r);
  for (const Entity& x : r) {
    if (x.canonical != "Michelle Freeman") continue;
    for (const Mention& m : x.mentions) EXPECT_NE(m.surface, "U.S.") << describe(r);
  }
}

TEST_F(EntityExtractorTest, WashingtonThePersonAndTheCity) {
  EXPECT_TRUE(has(extract("", "George Washington crossed the Delaware with his army in 1776."), EntityKind::kPerson,
                  "George Washington"));
  EXPECT_TRUE(
      has(extract("", "Diplomats gathered in Washington for the talks on Friday."), EntityKind::kPlace, "Washington"));
}

TEST_F(EntityExtractorTest, NeverMergesPeopleAcrossArticlesOnASurname) {
  // Each article is extracted alone: "Mr Kim" here is not the Kim Jong Un of another article.
  std::vector<Entity> e =
      extract("", "Mr Kim, a shopkeeper in Busan, said prices rose. Kim added that rents rose too.");
  EXPECT_FALSE(has(e, EntityKind::kPerson, "Kim Jong Un")) << describe(e);
}

TEST_F(EntityExtractorTest, LanguagesWithoutCapitalisedNamesGetNoEntities) {
  Article a;
  a.title = "\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xA7\xE5\x9C\xB0\xE9\x9C\x87";
  a.body = "Tokyo";
  a.lang = "ja";
  EXPECT_TRUE(extractor_->extract(a).empty());
  Article de;
  de.body = "Die Bundesregierung traf sich in Berlin mit Vertretern aus Japan.";
  de.lang = "de";
  std::vector<Entity> e = extractor_->extract(de);
  EXPECT_TRUE(has(e, EntityKind::kPlace, "Japan")) << describe(e);
  EXPECT_FALSE(has(e, EntityKind::kPerson, "Die Bundesregierung")) << describe(e);
}

TEST_F(EntityExtractorTest, FindsEverySeedEntityUnderItsCanonicalName) {
  std::string dir = gazette::testing::shared_data("seed");
  if (dir.empty()) GTEST_SKIP() << "../shared/data is absent";
  std::string path;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) path = entry.path().string();
  std::string text = gazette::testing::file_bytes(path);
  std::size_t nl = text.find('\n');
  std::vector<Entity> e = extract(text.substr(0, nl), text.substr(nl + 1));
  for (const char* p : {"Kim Jong Un", "Shigeru Ishiba", "Lee Jae Myung", "Donald Trump", "Vladimir Putin"}) {
    EXPECT_TRUE(has(e, EntityKind::kPerson, p)) << p << "\n  got: " << describe(e);
  }
  for (const char* p : {"North Korea", "South Korea", "Russia", "Ukraine", "Japan", "Pyongyang", "Seoul", "Tokyo",
                        "Washington", "Kursk"}) {
    EXPECT_TRUE(has(e, EntityKind::kPlace, p)) << p << "\n  got: " << describe(e);
  }
  EXPECT_TRUE(has(e, EntityKind::kOrganization, "Korean Central News Agency")) << describe(e);
  // "Russian President Vladimir Putin" names Russia, not a state the article never mentions.
  EXPECT_FALSE(has(e, EntityKind::kPlace, "Soviet Union")) << describe(e);
  // Nothing absurd: every name is capitalised, at least two letters, and not a bare title.
  for (const Entity& x : e) {
    EXPECT_GE(x.canonical.size(), 2u);
    EXPECT_TRUE(x.canonical[0] >= 'A' && x.canonical[0] <= 'Z') << x.canonical;
    for (const char* junk : {"Mr", "President", "Leave", "Reply", "North", "The"}) EXPECT_NE(x.canonical, junk);
  }
}

}  // namespace
}  // namespace gazette

namespace gazette {
namespace {

class EntityEvidenceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { extractor_ = EntityExtractor::load_default(); }
  static std::vector<Entity> extract(const std::string& body) {
    Article a;
    a.body = body;
    a.lang = "en";
    return extractor_->extract(a);
  }
  static const Entity* find(const std::vector<Entity>& e, const std::string& name) {
    for (const Entity& x : e) {
      if (x.canonical == name) return &x;
    }
    return nullptr;
  }
  // Table rows: the body, and whether it yields an entity of this kind and name.
  struct KindCase {
    const char* body;
    EntityKind kind;
    const char* name;
    bool expected;
  };
  static void expect_kinds(const std::vector<KindCase>& cases) {
    for (const KindCase& c : cases) {
      std::vector<Entity> e = extract(c.body);
      EXPECT_EQ(has(e, c.kind, c.name), c.expected) << c.body << "\n  got: " << describe(e);
    }
  }
  static std::shared_ptr<const EntityExtractor> extractor_;
};
std::shared_ptr<const EntityExtractor> EntityEvidenceTest::extractor_;

// Positions news writing reserves to a kind outweigh the tagger's belief.
TEST_F(EntityEvidenceTest, DatelinesAndTitlesAreStrongEvidence) {
  struct Case {
    const char* body;
    EntityKind kind;
    const char* name;
  };
  const std::vector<Case> cases = {
      {"RIGA (Meridian Wire) - The agency approved the cable on Monday.", EntityKind::kPlace, "Riga"},
      {"RIGA (Meridian Wire) - The agency approved the cable on Monday.", EntityKind::kOrganization, "Meridian Wire"},
      {"LISBON (Tagus Newswire) - Ministers met for six hours on Tuesday.", EntityKind::kPlace, "Lisbon"},
      {"Dr Mori Haruka, who led the survey, said the reef was recovering.", EntityKind::kPerson, "Mori Haruka"},
      {"Senator Ruth Calloway voted against the bill.", EntityKind::kPerson, "Ruth Calloway"},
      // A full person name is that person wherever the tagger typed it otherwise.
      {"Amara Wekesa won in Nairobi. Later Amara Wekesa thanked the crowd in Iten.", EntityKind::kPerson,
       "Amara Wekesa"},
      // A dateline after a byline; a byline's separator ends the name; no person ends in "Maritime".
      {"By Daily Staff\n\nRIGA (Meridian Wire) - Ministers approved the plan.", EntityKind::kPlace, "Riga"},
      {"Maris Kalnins \xC2\xB7 10.07.2025 09:00 wrote the report.", EntityKind::kPerson, "Maris Kalnins"},
      {"Shares of Halvorsen Maritime rose after the results.", EntityKind::kOrganization, "Halvorsen Maritime"},
      // Curly apostrophes reach the tagger as the straight ones it learnt.
      {"Russia supplied missiles to bolster Pyongyang\xE2\x80\x99s air defences.", EntityKind::kPlace, "Pyongyang"},
  };
  for (const Case& c : cases) {
    std::vector<Entity> e = extract(c.body);
    EXPECT_TRUE(has(e, c.kind, c.name)) << c.body << "\n  got: " << describe(e);
  }
}

// Things that are neither people, organisations nor places stay out of those facets.
TEST_F(EntityEvidenceTest, ThingsAreNotEntities) {
  struct Case {
    const char* body;
    const char* thing;  // must not be an entity
    const char* kept;   // must still be one ("" for none)
  };
  const std::vector<Case> cases = {
      {"Regulators approved the Amber Link cable to Sweden. Amber Link will cost 400 million euros.", "Amber Link",
       "Sweden"},
      {"Work on the Nord Stream undersea pipeline stopped in Germany.", "Nord Stream", "Germany"},
      {"Thousands ran the Tokyo Marathon on Sunday.", "Tokyo Marathon", ""},
      {"Delegates signed the Paris Agreement in 2016.", "Paris Agreement", ""},
      // A place the gazetteer knows stays a place before such a noun.
      {"Oil flowed again through the Kirkuk pipeline to Turkey.", "", "Kirkuk"},
  };
  for (const Case& c : cases) {
    std::vector<Entity> e = extract(c.body);
    if (*c.thing != '\0') {
      EXPECT_EQ(find(e, c.thing), nullptr) << c.body << "\n  got: " << describe(e);
    }
    if (*c.kept != '\0') {
      EXPECT_NE(find(e, c.kept), nullptr) << c.body << "\n  got: " << describe(e);
    }
  }
}

// A surname the gazetteer also knows as a place is the person named in full in the article where
// the tagger read it as a person; where the tagger read a place, it stays a place.
TEST_F(EntityEvidenceTest, PeoplesSurnamesAreNotPlaces) {
  struct Case {
    const char* body;
    const char* place;   // must not be a place
    const char* person;  // must be a person
  };
  const std::vector<Case> cases = {
      {"Dublin-born director Neil Jordan says he lost sleep over the film. Jordan defended his decision on "
       "Friday. \"The film spares no one,\" Jordan said in a statement.",
       "Jordan", "Neil Jordan"},
      {"Trevor Holland, 52, was captured after being spotted in Worthing. A member of the public recognised "
       "Holland in a newsagent shop. Holland was moved to a more secure centre.",
       "Netherlands", "Trevor Holland"},
  };
  for (const Case& c : cases) {
    std::vector<Entity> e = extract(c.body);
    EXPECT_FALSE(has(e, EntityKind::kPlace, c.place)) << c.body << "\n  got: " << describe(e);
    EXPECT_TRUE(has(e, EntityKind::kPerson, c.person)) << c.body << "\n  got: " << describe(e);
  }
  // The tagger's place stays a place beside a person it is part of.
  std::vector<Entity> e = extract("Chechen leader Aslan Maskhadov said the war in Chechnya was over.");
  EXPECT_TRUE(has(e, EntityKind::kPlace, "Chechnya")) << describe(e);
}

// Names with diacritics are read like the ASCII names the tagger learnt from; names of several
// words the gazetteer does not know and that are not built like a place are not places; a name
// broken at its particle is one name; a nationality the tagger took for a name is no entity.
TEST_F(EntityEvidenceTest, NamesAsWrittenAcrossLanguages) {
  const std::vector<KindCase> cases = {
      {"Manager Tom\xC3\xA1s Herrera ran onto the pitch at the final whistle.", EntityKind::kPerson,
       "Tom\xC3\xA1s Herrera", true},
      {"Manager Tom\xC3\xA1s Herrera ran onto the pitch at the final whistle.", EntityKind::kPlace, "Herrera", false},
      {"The winner came late from Caio Mendon\xC3\xA7"
       "a.",
       EntityKind::kPerson,
       "Caio Mendon\xC3\xA7"
       "a",
       true},
      {"Prime Minister \xC5\x81ukasz Nowak met \xC3\x89ric Zemmour in Krak\xC3\xB3w.", EntityKind::kPerson,
       "\xC3\x89ric Zemmour", true},
      {"Castlebrook levelled through Jordan Akande and dominated possession.", EntityKind::kPlace, "Jordan Akande",
       false},
      {"Castlebrook levelled through Jordan Akande and dominated possession.", EntityKind::kPerson, "Jordan Akande",
       true},
      // Built like a place, or ending in a known one, it stays a place.
      {"Traffic on Mombasa Road stood still for hours.", EntityKind::kPlace, "Mombasa Road", true},
      {"Crowds filled the Pra\xC3\xA7"
       "a do Com\xC3\xA9rcio in Lisbon.",
       EntityKind::kPlace,
       "Pra\xC3\xA7"
       "a do Com\xC3\xA9rcio",
       true},
      {"Crowds filled the Pra\xC3\xA7"
       "a do Com\xC3\xA9rcio in Lisbon.",
       EntityKind::kPlace, "Com\xC3\xA9rcio", false},
      {"A powerful autumn storm swept across the Baltic states overnight.", EntityKind::kPlace, "Baltic State", false},
      {"When it blows in Sweden, Latvians will benefit. When it blows here, Swedes will.", EntityKind::kPlace, "Swedes",
       false},
      {"When it blows in Sweden, Latvians will benefit. When it blows here, Swedes will.", EntityKind::kPlace, "Sweden",
       true},
      {"Her band mixes jazz, hip-hop and Cape Verdean morna.", EntityKind::kPerson, "Cape Verdean", false},
  };
  expect_kinds(cases);
  // In a language that is not English (gazetteer only), a sentence's capitalised first word is
  // a name only as a large place: German "Auch" is not the French town.
  Article de;
  de.lang = "de";
  de.body =
      "Die Stadt w\xC3\xA4"
      "chst. Auch der hohe Wasserverbrauch in Dresden macht Sorgen.";
  std::vector<Entity> e = extractor_->extract(de);
  EXPECT_FALSE(has(e, EntityKind::kPlace, "Auch")) << describe(e);
  EXPECT_TRUE(has(e, EntityKind::kPlace, "Dresden")) << describe(e);
}

// Companies and projects as news names them.
TEST_F(EntityEvidenceTest, OrganisationsAndThingsAsNewsNamesThem) {
  const std::vector<KindCase> cases = {
      // A sentence-initial job word is no first name, and no person ends in "Systems".
      {"Chipmaker Veltrix Systems, which supplies processors to the industry, said sales rose.", EntityKind::kPerson,
       "Chipmaker Veltrix Systems", false},
      // Two organisations joined by "and" are two.
      {"Veltrix Systems and Hanbit Robotics are among the members.", EntityKind::kOrganization, "Veltrix Systems",
       true},
      {"Veltrix Systems and Hanbit Robotics are among the members.", EntityKind::kOrganization,
       "Veltrix Systems and Hanbit Robotics", false},
      // A project "known as" a name is a thing.
      {"The 300-kilometre cable, known as Amber Link, will run from Latvia to Sweden.", EntityKind::kOrganization,
       "Amber Link", false},
      // The first word of an organisation named in full, alone, is that organisation, not a place.
      {"Hanbit Robotics unveiled a robot on Monday. Hanbit is one of the largest customers of the firm.",
       EntityKind::kPlace, "Hanbit", false},
  };
  expect_kinds(cases);
}

// A nationality is its country only where it stands for the state, before an office.
TEST_F(EntityEvidenceTest, NationalitiesArePlacesOnlyBeforeAnOffice) {
  struct Case {
    const char* body;
    const char* place;
    bool expected;
  };
  const std::vector<Case> cases = {
      {"Japanese Prime Minister Shigeru Ishiba flew home on Sunday.", "Japan", true},
      {"The South Korean President met reporters.", "South Korea", true},
      {"British officials said the talks would resume.", "United Kingdom", false},
      {"Irish voters went to the polls on Friday.", "Ireland", false},
      {"The film is about three generations of Kenyan fishermen.", "Kenya", false},
      // Fighters are a people's, not a state's.
      {"The talks would go on only if ethnic Armenian forces pulled out of the enclave.", "Armenia", false},
  };
  for (const Case& c : cases) {
    std::vector<Entity> e = extract(c.body);
    EXPECT_EQ(has(e, EntityKind::kPlace, c.place), c.expected) << c.body << "\n  got: " << describe(e);
  }
}

// Every mention says how it was linked, and the entity carries the evidence the corpus needs.
TEST_F(EntityEvidenceTest, MentionsSayWhichRuleLinkedThem) {
  std::vector<Entity> e = extract(
      "The Baltic Energy Agency (BEA) met in Riga. BEA officials said Katrin Lindqvist would chair it. "
      "Lindqvist said the U.S. had been told.");
  const Entity* bea = find(e, "Baltic Energy Agency");
  ASSERT_NE(bea, nullptr) << describe(e);
  EXPECT_EQ(bea->acronyms, std::vector<std::string>{"BEA"});
  bool acronym_rule = false;
  for (const Mention& m : bea->mentions) acronym_rule = acronym_rule || (m.surface == "BEA" && m.rule == "acronym");
  EXPECT_TRUE(acronym_rule);
  const Entity* person = find(e, "Katrin Lindqvist");
  ASSERT_NE(person, nullptr) << describe(e);
  EXPECT_EQ(person->short_forms, std::vector<std::string>{"Lindqvist"});
  bool short_rule = false;
  for (const Mention& m : person->mentions)
    short_rule = short_rule || (m.surface == "Lindqvist" && m.rule == "short form");
  EXPECT_TRUE(short_rule);
  const Entity* us = find(e, "United States");
  ASSERT_NE(us, nullptr) << describe(e);
  EXPECT_EQ(us->mentions.at(0).rule, "gazetteer");
  // Confidence: a probability, the entity's the highest of its mentions'.
  for (const Entity& x : e) {
    float top = 0;
    for (const Mention& m : x.mentions) {
      EXPECT_GT(m.confidence, 0.0f) << x.canonical;
      EXPECT_LE(m.confidence, 1.0f) << x.canonical;
      top = std::max(top, m.confidence);
    }
    EXPECT_FLOAT_EQ(x.confidence, top) << x.canonical;
  }
  EXPECT_GT(person->confidence, 0.5f);
}

}  // namespace
}  // namespace gazette
