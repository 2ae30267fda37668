// SPDX-License-Identifier: GPL-2.0-or-later
// Entity extraction: tagging, then normalisation of mentions into one canonical name per entity.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "gazette/common/article.h"
#include "gazette/common/entities.h"
#include "gazette/common/error.h"
#include "gazette/common/ner.h"

namespace gazette {
namespace {

namespace fs = std::filesystem;


// Whether `acronym` abbreviates `name` (Schwartz & Hearst's test, on word starts): its letters in
// order are initials of the name's words or hyphenated parts, the first the first word's. So
// "Korean Central News Agency (KCNA)" defines KCNA, but "Michelle Freeman (U.S.)", a runner and
// her country, defines nothing.
bool abbreviates(std::string_view acronym, std::string_view name) {
  std::string initials;
  bool start = true;
  for (char c : name) {
    if (c == ' ' || c == '-') {
      start = true;
      continue;
    }
    if (start && c >= 'A' && c <= 'Z') initials.push_back(c);
    start = false;
  }
  std::string letters;
  for (char c : acronym) {
    if (c >= 'A' && c <= 'Z') letters.push_back(c);
  }
  if (letters.size() < 2 || initials.empty() || letters[0] != initials[0]) return false;
  std::size_t at = 0;
  for (char c : letters) {
    at = initials.find(c, at);
    if (at == std::string::npos) return false;
    ++at;
  }
  return true;
}

bool is_acronym(std::string_view w) {
  if (w.size() < 2 || w.size() > 8) return false;
  bool letters = false;
  for (char c : w) {
    if (c >= 'A' && c <= 'Z') {
      letters = true;
    } else if (c != '.' && c != '&') {
      return false;
    }
  }
  return letters;
}

// Languages whose names are capitalised and written in Latin script: the gazetteer can match them.
bool latin_capitalised(std::string_view lang) {
  static const std::unordered_set<std::string_view> langs = {
      "de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "nb", "nn", "fi", "pl", "cs", "sk", "ro", "hu",
      "tr", "id", "ms", "ca", "eu", "gl", "hr", "sl", "sq", "et", "lv", "lt", "ga", "cy", "af", "sw", "tl"};
  return langs.count(lang) != 0;
}

const std::unordered_set<std::string>& strippable_titles() {
  static const std::unordered_set<std::string> words = {
      "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "President", "Prime", "Minister", "Chancellor",
      "Senator", "Sen.", "Governor", "Gov.", "General", "Gen.", "Judge", "Professor", "Prof.", "Sir", "Mayor",
      "Leader", "leader", "King", "Queen", "Pope", "Secretary", "Ambassador", "Rep.", "Premier", "Chairman",
      "Coach", "Captain", "Lt.", "Col.", "Capt.", "Vice", "Foreign", "Defence", "Defense", "Deputy", "State",
      "North", "South"};
  return words;
}

// "the Kremlin" -> "Kremlin"; "President Donald Trump" -> "Donald Trump"; "Kim 's" never
// reaches here (the tokeniser splits possessives), but a trailing "'s" or "’s" is dropped too.
bool name_word(const std::string& w) {
  auto c = static_cast<unsigned char>(w.empty() ? ' ' : w[0]);
  bool general_punctuation = w.size() >= 2 && c == 0xE2 && static_cast<unsigned char>(w[1]) == 0x80;  // ” – …
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c >= 0xC3 && !general_punctuation);
}

const std::unordered_set<std::string>& org_heads() {
  // Last words that make a name an organisation whatever the tagger said.
  static const std::unordered_set<std::string> words = {
      "Agency", "Ministry", "Party", "Bank", "Corp", "Corp.", "Corporation", "Inc", "Inc.", "Ltd", "Ltd.",
      "Group", "Council", "Union", "Association", "University", "Institute", "Committee", "Commission",
      "Company", "Systems", "Federation", "Organisation", "Organization", "Authority", "Department",
      "Foundation", "Airlines", "Airways", "Motors", "Technologies", "Holdings", "Robotics", "Maritime",
      "Alliance", "Bureau", "Industries", "Labs", "Laboratories", "Partners", "Wire", "Ledger", "Courier",
      "Dispatch", "Observer", "Herald", "Journal", "Tribune", "Gazette", "Times", "Post", "Press", "Compass",
      "FC", "Club", "United", "Rovers", "Athletic", "Wanderers", "Academy", "College", "Parliament", "Congress", "Senate", "Assembly", "Court"};
  return words;
}

const std::unordered_set<std::string>& person_titles() {
  static const std::unordered_set<std::string> words = {
      "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "President", "Senator", "Sen.", "Governor", "Gov.",
      "Judge", "Professor", "Prof.", "Sir", "Mayor", "Chancellor", "Pope", "Ambassador", "Rep.", "Premier"};
  return words;
}

std::string clean_surface(const std::vector<std::string>& words, EntityKind kind) {
  std::size_t b = 0, e = words.size();
  while (b < e && (words[b] == "the" || words[b] == "The" || !name_word(words[b]))) ++b;
  while (e > b && !name_word(words[e - 1])) --e;  // "Priya Raman of", "Alta ”", "Kim 's"
  if (kind == EntityKind::kPerson) {
    // Titles only: "North"/"South" etc. are in the list for "North Korean leader Kim" style
    // spans and are stripped only when a capitalised name follows.
    while (b + 1 < e && strippable_titles().count(words[b]) != 0) ++b;
  }
  while (e > b && (words[e - 1] == "'s" || words[e - 1] == "\xE2\x80\x99s" || words[e - 1] == "'" ||
                   words[e - 1] == "." || words[e - 1] == ",")) {
    --e;
  }
  std::string out;
  for (std::size_t k = b; k < e; ++k) {
    if (!out.empty() && words[k] != "-" && out.back() != '-') out.push_back(' ');
    out += words[k];
  }
  if (out.size() > 2 && (out.compare(out.size() - 2, 2, "'s") == 0)) out.resize(out.size() - 2);
  if (out.size() > 4 && (out.compare(out.size() - 4, 4, "\xE2\x80\x99s") == 0)) out.resize(out.size() - 4);
  return out;
}

bool plausible_name(const std::string& name) {
  if (name.size() < 2 || name.size() > 100) return false;
  // Two letters make a name only as an acronym ("UN", "EU"), never "Un" or "Mr".
  if (name.size() == 2 && !(name[0] >= 'A' && name[0] <= 'Z' && name[1] >= 'A' && name[1] <= 'Z')) return false;
  // A bare compass word ("the North said") is a direction, not a facet value.
  static const std::unordered_set<std::string> kDirections = {"North", "South", "East", "West", "Northern",
                                                               "Southern", "Eastern", "Western", "Central"};
  if (kDirections.count(name) != 0) return false;
  bool upper = false, letter = false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || u >= 0x80) upper = true;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || u >= 0x80) letter = true;
  }
  return upper && letter;
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

struct Found {
  EntityKind kind;
  std::string name;  // cleaned surface, then canonical
  Mention mention;
  std::size_t order;
};

}  // namespace

std::string_view kind_name(EntityKind kind) {
  switch (kind) {
    case EntityKind::kPerson: return "person";
    case EntityKind::kOrganization: return "organization";
    case EntityKind::kPlace: return "place";
  }
  return "person";
}

bool parse_kind(std::string_view name, EntityKind& kind) {
  if (name == "person" || name == "people" || name == "per" || name == "PER") {
    kind = EntityKind::kPerson;
  } else if (name == "organization" || name == "organizations" || name == "organisation" ||
             name == "organisations" || name == "org" || name == "ORG") {
    kind = EntityKind::kOrganization;
  } else if (name == "place" || name == "places" || name == "loc" || name == "LOC" || name == "location") {
    kind = EntityKind::kPlace;
  } else {
    return false;
  }
  return true;
}

std::string default_data_dir() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("GAZETTE_DATA_DIR"); env != nullptr && *env != '\0') candidates.emplace_back(env);
#ifdef GAZETTE_BUILD_DATA_DIR
  candidates.emplace_back(GAZETTE_BUILD_DATA_DIR);
#endif
#ifdef GAZETTE_INSTALL_DATA_DIR
  candidates.emplace_back(GAZETTE_INSTALL_DATA_DIR);
#endif
  for (const std::string& dir : candidates) {
    std::error_code ec;
    if (fs::exists(fs::path(dir) / "gazetteer.tsv", ec)) return dir;
  }
  return {};
}

EntityExtractor::EntityExtractor(std::shared_ptr<const Gazetteer> gazetteer,
                                 std::shared_ptr<const PerceptronTagger> model)
    : gazetteer_(gazetteer ? std::move(gazetteer) : std::make_shared<const Gazetteer>()), model_(std::move(model)) {}

EntityExtractor::~EntityExtractor() = default;

std::shared_ptr<const Gazetteer> load_default_gazetteer() {
  std::string dir = default_data_dir();
  if (dir.empty()) return std::make_shared<const Gazetteer>();
  return std::make_shared<const Gazetteer>(Gazetteer::load((fs::path(dir) / "gazetteer.tsv").string()));
}

std::shared_ptr<const EntityExtractor> EntityExtractor::load_default() {
  std::string dir = default_data_dir();
  std::shared_ptr<const Gazetteer> gazetteer = load_default_gazetteer();
  std::shared_ptr<const PerceptronTagger> model;
  if (!dir.empty()) {
    std::error_code ec;
    fs::path model_path = fs::path(dir) / "ner-en.model";
    if (fs::exists(model_path, ec)) {
      model = std::make_shared<const PerceptronTagger>(PerceptronTagger::load(model_path.string()));
    }
  }
  return std::make_shared<const EntityExtractor>(std::move(gazetteer), std::move(model));
}

// Whether a document reads as a sports report: results ("2-1", "beat", "drew with"), tables and
// match words, three times or more. Used to tell a club from its city.
static bool sports_report(const std::vector<Sentence>& doc) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  static const std::unordered_set<std::string> kWords = {
      "beat",   "drew",     "draw",      "halftime", "half-time", "goals",   "scored",  "innings", "wickets",
      "striker", "midfielder", "goalkeeper", "league", "champions", "defeated", "semifinal", "quarterfinal",
      "semi-final", "quarter-final", "unbeaten", "equaliser", "equalizer", "penalty", "captain", "tournament",
      "results", "standings", "postponed", "division"};
  auto capital = [](const std::string& w) { return !w.empty() && w[0] >= 'A' && w[0] <= 'Z'; };
  auto small_number = [&digit](const std::string& w) {
    return !w.empty() && w.size() <= 2 && std::all_of(w.begin(), w.end(), digit);
  };
  int signals = 0;
  for (const Sentence& s : doc) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      const std::string& w = s[i];
      // A results line: "Bradford 1 Tranmere 0".
      if (i + 2 < s.size() && capital(w) && small_number(s[i + 1]) && capital(s[i + 2])) ++signals;
      bool score = false;
      std::size_t dash = w.find('-');
      if (dash != std::string::npos && dash > 0 && dash + 1 < w.size() && dash <= 3 && w.size() - dash - 1 <= 3) {
        score = std::all_of(w.begin(), w.begin() + static_cast<long>(dash), digit) &&
                std::all_of(w.begin() + static_cast<long>(dash) + 1, w.end(), digit);
      }
      std::string lower = w;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (score || kWords.count(lower) != 0) ++signals;
      if (signals >= 3) return true;
    }
  }
  return false;
}

std::string_view EntityExtractor::tagger_name() const { return model_ ? "perceptron" : "rules"; }

std::vector<Entity> EntityExtractor::extract(const Article& article) const {
  bool english = article.lang.empty() || article.lang == "en";
  if (!english && !latin_capitalised(article.lang)) return {};

  // Title then body, as one document, remembering where each word came from.
  struct Source {
    TextField field;
    const std::vector<NerToken>* tokens;
  };
  std::vector<std::vector<NerToken>> title = ner_sentences(article.title);
  std::vector<std::vector<NerToken>> body = ner_sentences(article.body);
  std::vector<Sentence> doc;
  std::vector<Source> where;
  for (auto* part : {&title, &body}) {
    for (const auto& sentence : *part) {
      Sentence words;
      for (const NerToken& t : sentence) words.push_back(t.text);
      doc.push_back(std::move(words));
      where.push_back({part == &title ? TextField::kTitle : TextField::kBody, &sentence});
    }
  }
  std::vector<Tags> tags;
  if (english) {
    tags = model_ ? model_->tag(doc, gazetteer_.get()) : rules_tag(doc, *gazetteer_);
  } else {
    for (const Sentence& s : doc) {
      Tags t = gazetteer_->match(s);
      for (std::string& x : t) {
        if (x.empty()) x = "O";
      }
      tags.push_back(std::move(t));
    }
  }

  // Adjacent chunks the tagger split: "Kim" + "Jong Un" (PER PER) is one name, and a
  // nationality before an organisation ("Korean" + "Central News Agency") is part of its name.
  for (std::size_t s = 0; s < tags.size(); ++s) {
    std::vector<Chunk> cs = chunks_of(tags[s]);
    for (std::size_t k = 1; k < cs.size(); ++k) {
      const Chunk& a = cs[k - 1];
      const Chunk& b = cs[k];
      if (a.end != b.begin) continue;
      // A person's name runs on into whatever chunk touches it ("Park" + "Ji-woo").
      bool person = a.type == "PER";
      bool same_org = a.type == "ORG" && b.type == "ORG";
      bool misc_org = a.type == "MISC" && b.type == "ORG";
      if (!person && !same_org && !misc_org) continue;
      std::string type = person ? "PER" : "ORG";
      for (std::size_t i = a.begin; i < b.end; ++i) tags[s][i] = (i == a.begin ? "B-" : "I-") + type;
      cs[k].begin = a.begin;
    }
  }

  // Mentions, and acronyms defined in the text: "Korean Central News Agency (KCNA)".
  std::vector<Found> found;
  std::unordered_map<std::string, std::pair<EntityKind, std::string>> acronyms;
  for (std::size_t s = 0; s < doc.size(); ++s) {
    const std::vector<NerToken>& tokens = *where[s].tokens;
    for (Chunk c : chunks_of(tags[s])) {
      EntityKind kind;
      if (!parse_kind(c.type, kind)) continue;  // MISC
      // A name neither starts with "the" nor ends with a lower-case word or a possessive: the
      // tagger's "NAPM rose", "Lotte and", "Fed 's" are "NAPM", "Lotte", "Fed".
      auto lower_start = [](const std::string& w) { return !w.empty() && w[0] >= 'a' && w[0] <= 'z'; };
      while (c.end > c.begin + 1 && (lower_start(doc[s][c.end - 1]) || doc[s][c.end - 1] == "'s" ||
                                     doc[s][c.end - 1] == "\xE2\x80\x99s")) {
        --c.end;
      }
      while (c.end > c.begin + 1 && (doc[s][c.begin] == "the" || doc[s][c.begin] == "The")) ++c.begin;
      if (lower_start(doc[s][c.begin]) && c.end == c.begin + 1) continue;
      std::vector<std::string> words(doc[s].begin() + static_cast<long>(c.begin), doc[s].begin() + static_cast<long>(c.end));
      // Evidence the tagger may have missed: a person's title in front ("Senator Ruth
      // Calloway"), an organisation's head word at the end ("Veltrix Systems").
      std::size_t first = 0;
      while (first < words.size() && (words[first] == "the" || words[first] == "The")) ++first;
      if (first + 1 < words.size() && person_titles().count(words[first]) != 0) kind = EntityKind::kPerson;
      if (words.size() >= 2 && org_heads().count(words.back()) != 0) kind = EntityKind::kOrganization;
      std::string name = clean_surface(words, kind);
      if (!plausible_name(name)) continue;
      // A lone nationality word is its country ("Kenyan" runner -> Kenya).
      if (const std::string* place = gazetteer_->demonym_place(name)) {
        kind = EntityKind::kPlace;
        name = *place;
      }
      Mention m;
      m.field = where[s].field;
      m.start = tokens[c.begin].start;
      m.end = tokens[c.end - 1].end;
      // A sentence-final abbreviation also carries the full stop ("... by Lear Corp."): the
      // name ends before it, and "Lear Corp." and "Lear Corp" are one facet value.
      if (c.end == doc[s].size() && words.back().size() > 2 && words.back().back() == '.' &&
          std::count(words.back().begin(), words.back().end(), '.') == 1) {
        --m.end;
        if (!name.empty() && name.back() == '.') name.pop_back();
      }
      const std::string& text = m.field == TextField::kTitle ? article.title : article.body;
      m.surface = text.substr(m.start, m.end - m.start);
      found.push_back({kind, name, std::move(m), found.size()});
      if (c.end + 2 < doc[s].size() && doc[s][c.end] == "(" && doc[s][c.end + 2] == ")" && is_acronym(doc[s][c.end + 1]) &&
          split_words(name).size() >= 2 && abbreviates(doc[s][c.end + 1], name)) {
        acronyms.emplace(doc[s][c.end + 1], std::make_pair(kind, name));
      }
    }
  }

  // Nationality adjectives outside any name point at their place: "Japanese Prime Minister" ->
  // Japan, "South Korean President" -> South Korea (demonyms from WordNet).
  for (std::size_t s = 0; s < doc.size(); ++s) {
    const std::vector<NerToken>& tokens = *where[s].tokens;
    for (std::size_t i = 0; i < doc[s].size(); ++i) {
      bool inside = tags[s][i] != "O" && tags[s][i].compare(2, 4, "MISC") != 0;
      if (inside || doc[s][i].empty() || doc[s][i][0] < 'A' || doc[s][i][0] > 'Z') continue;
      std::size_t n = 0;
      const std::string* place = nullptr;
      if (i + 1 < doc[s].size() && (tags[s][i + 1] == "O" || tags[s][i + 1].compare(2, 4, "MISC") == 0)) {
        place = gazetteer_->demonym_place(doc[s][i] + " " + doc[s][i + 1]);
        n = 2;
      }
      if (place == nullptr) {
        place = gazetteer_->demonym_place(doc[s][i]);
        n = 1;
      }
      if (place == nullptr) continue;
      Mention m;
      m.field = where[s].field;
      m.start = tokens[i].start;
      m.end = tokens[i + n - 1].end;
      const std::string& text = m.field == TextField::kTitle ? article.title : article.body;
      m.surface = text.substr(m.start, m.end - m.start);
      found.push_back({EntityKind::kPlace, *place, std::move(m), found.size()});
      i += n - 1;
    }
  }

  // In a sports report, teams carry the names of their cities and countries: there the model's
  // type stands against the gazetteer (a place "only" by the gazetteer is a team by the model).
  const bool trust_model_type = model_ != nullptr && sports_report(doc);
  // Canonical names: defined acronyms, gazetteer aliases ("U.S." -> "United States").
  for (Found& f : found) {
    if (auto a = acronyms.find(f.name); a != acronyms.end()) {
      f.kind = a->second.first;
      f.name = a->second.second;
      continue;
    }
    if (gazetteer_->lookup(f.name).empty() && f.name.size() > 3 &&
        std::none_of(f.name.begin(), f.name.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
      // An all-capitals dateline or headline word ("RIGA —"): try its title-case form.
      std::string title_case = f.name;
      bool start = true;
      for (char& c : title_case) {
        if (!start && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        start = c == ' ' || c == '-';
      }
      const std::vector<GazetteerEntry>& hits = gazetteer_->lookup(title_case);
      // The model's type stands; the gazetteer gives the name (and the type only to the rules).
      const GazetteerEntry* hit = nullptr;
      for (const GazetteerEntry& h : hits) {
        if (h.kind == f.kind && hit == nullptr) hit = &h;
      }
      if (hit == nullptr && !trust_model_type && !hits.empty()) hit = &hits.front();
      if (hit != nullptr) {
        f.kind = hit->kind;
        f.name = hit->canonical;
        continue;
      }
    }
    const GazetteerEntry* g = gazetteer_->best(f.name, f.kind);
    if (!trust_model_type && f.kind != EntityKind::kPlace && g == nullptr) {
      // (Not in a sports report, where a model's ORG for "Japan beat Syria" or "Leeds" is a
      // team, and the gazetteer must not overrule it.)
      // A name the gazetteer knows only as a real place is the place, even when it acts
      // ("Pyongyang said", "Russia warned"): CoNLL's guidelines tag such metonymy LOC too.
      const GazetteerEntry* place = gazetteer_->best(f.name, EntityKind::kPlace);
      if (place != nullptr && place->weight >= 100000) {
        f.kind = EntityKind::kPlace;
        g = place;
      }
    }
    if (g != nullptr && f.kind != EntityKind::kPerson) f.name = g->canonical;
  }

  // Within the article, a short form links to a full name mentioned anywhere in it:
  // "Kim" / "Mr Kim" -> "Kim Jong Un", "Veltrix" -> "Veltrix Systems". Never across articles.
  std::vector<const Found*> full;
  for (const Found& f : found) {
    if (f.kind != EntityKind::kPlace && split_words(f.name).size() >= 2) full.push_back(&f);
  }
  // Full person names first: "Ji-woo" is part of "Park Ji-woo" before anything else.
  std::stable_sort(full.begin(), full.end(), [](const Found* a, const Found* b) {
    return a->kind == EntityKind::kPerson && b->kind != EntityKind::kPerson;
  });
  for (Found& f : found) {
    std::vector<std::string> words = split_words(f.name);
    if (words.size() != 1 || f.kind == EntityKind::kPlace) continue;
    for (const Found* target : full) {
      std::vector<std::string> tw = split_words(target->name);
      bool person_part = target->kind == EntityKind::kPerson &&
                         std::find(tw.begin(), tw.end(), words[0]) != tw.end();
      bool org_head = target->kind == EntityKind::kOrganization && tw.front() == words[0];
      if (person_part || org_head) {
        f.name = target->name;
        f.kind = target->kind;
        break;
      }
    }
  }

  // Group by canonical name; an entity's kind is the one most of its mentions have.
  std::map<std::string, std::vector<const Found*>> groups;
  for (const Found& f : found) groups[f.name].push_back(&f);
  std::vector<std::pair<std::size_t, Entity>> ordered;
  for (auto& [name, members] : groups) {
    std::map<EntityKind, int> votes;
    for (const Found* f : members) ++votes[f->kind];
    Entity e;
    e.canonical = name;
    int best = -1;
    for (const auto& [k, v] : votes) {
      if (v > best) {
        best = v;
        e.kind = k;
      }
    }
    // A one-word person named once and never in full ("Email", a stray capital) is too weak
    // to be a facet value; named twice or more it stays ("Garnier" said ... Garnier added).
    if (e.kind == EntityKind::kPerson && members.size() < 2 && split_words(name).size() == 1) continue;
    std::size_t first = members.front()->order;
    for (const Found* f : members) {
      e.mentions.push_back(f->mention);
      first = std::min(first, f->order);
    }
    ordered.emplace_back(first, std::move(e));
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Entity> out;
  for (auto& [order, e] : ordered) out.push_back(std::move(e));
  return out;
}

}  // namespace gazette
