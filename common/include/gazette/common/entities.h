// SPDX-License-Identifier: GPL-2.0-or-later
// Named entities of an article (people, organisations, places) and the extractor that finds
// them: a trained sequence tagger, or capitalisation rules with gazetteers when no model is present.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gazette {

struct Article;

enum class EntityKind { kPerson, kOrganization, kPlace };

// "person", "organization", "place": the kind as responses name it.
std::string_view kind_name(EntityKind kind);
// "people", "organizations", "places": the facet and filter of the kind.
std::string_view facet_name(EntityKind kind);
// "PER", "ORG", "LOC": the CoNLL-2003 tag of the kind (NUL-terminated).
const char* conll_tag(EntityKind kind);
// Inverse of all three; also accepts the British spellings, "org", "orgs", "loc", "location" and the
// CoNLL tags PER, ORG, LOC. Returns false for anything else (MISC included). One table
// (common/src/entities.cc) for every reader of a kind name.
bool parse_kind(std::string_view name, EntityKind& kind);

enum class TextField { kTitle, kBody };

// One place an entity is named: byte offsets into the article's title or body.
struct Mention {
  TextField field = TextField::kBody;
  std::size_t start = 0;
  std::size_t end = 0;
  std::string surface;  // the text as written ("Mr Kim", "KCNA", "U.S.")
  // The tagger's calibrated probability that this mention is a name of its kind with these
  // ends (1 from the rules tagger, which has none). Not stored in the database.
  float confidence = 1.0f;
  // How the mention was tied to the entity's name: "" (as tagged), "acronym" (defined in the
  // article), "short form" (of a name in the article), "gazetteer" (an alias it lists),
  // "demonym" (a nationality word for its place). Not stored in the database.
  std::string rule;
};

struct Entity {
  EntityKind kind = EntityKind::kPerson;
  std::string canonical;  // the facet value: "Kim Jong Un", "United States", "Korean Central News Agency"
  std::vector<Mention> mentions;
  float confidence = 1.0f;  // the highest of its mentions' (not stored in the database)
  // Evidence for the corpus (indexed as terms, see schema.h; read by the searcher's aliases):
  // acronyms the article defines for this entity ("Baltic Energy Agency (BEA)"), and single
  // words it uses for this person named in full ("Trump" beside "Donald Trump").
  std::vector<std::string> acronyms;
  std::vector<std::string> short_forms;
};

class Gazetteer;
class PerceptronTagger;

// Finds and normalises the entities of articles. Immutable once built: extract() is const and
// safe to call from many threads at once.
class EntityExtractor {
 public:
  // `model` may be null: the rules + gazetteer tagger is used instead.
  EntityExtractor(std::shared_ptr<const Gazetteer> gazetteer, std::shared_ptr<const PerceptronTagger> model);
  ~EntityExtractor();

  // The default extractor: gazetteer and model from the data folder (GAZETTE_DATA_DIR, else the
  // build's or the installation's share/gazette). Without a model file, the rules tagger; without
  // a gazetteer, an empty one. Never throws for missing files; throws DataError for corrupt ones.
  static std::shared_ptr<const EntityExtractor> load_default();

  // The entities of an article, in order of first mention. Only languages written with
  // capitalised names are tagged (English by the model; others by gazetteer matches only).
  std::vector<Entity> extract(const Article& article) const;

  // "perceptron" or "rules".
  std::string_view tagger_name() const;

  const Gazetteer& gazetteer() const { return *gazetteer_; }

 private:
  std::shared_ptr<const Gazetteer> gazetteer_;
  std::shared_ptr<const PerceptronTagger> model_;
};

// The folder holding gazetteer.tsv and ner-en.model: $GAZETTE_DATA_DIR if set, else the build
// tree's share/gazette, else the installed one. Returns "" when none exists.
std::string default_data_dir();

}  // namespace gazette
