// SPDX-License-Identifier: GPL-2.0-or-later
// Entity extraction: tagging, then normalisation of mentions into one canonical name per entity.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "gazette/common/article.h"
#include "gazette/common/entities.h"
#include "gazette/common/error.h"
#include "gazette/common/ner.h"
#include "gazette/common/text.h"

namespace gazette {
namespace {

namespace fs = std::filesystem;

// A byline or list separator ("·", "•", "|", "/", "—"), or a date or time ("10.07.2025", "09:00").
bool separator_word(std::string_view w) {
  static const std::unordered_set<std::string_view> kSeparators = {"\xC2\xB7", "\xE2\x80\xA2", "|",
                                                                   "/",        "\xE2\x80\x94", "--"};
  if (kSeparators.count(w) != 0) return true;
  bool digit = false, mark = false;
  for (char c : w) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c == '.' || c == ':') {
      mark = true;
    } else {
      return false;
    }
  }
  return digit && mark;
}

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
      "Mr",       "Mr.",        "Mrs",      "Mrs.",   "Ms",       "Ms.",  "Dr",      "Dr.",   "President", "Prime",
      "Minister", "Chancellor", "Senator",  "Sen.",   "Governor", "Gov.", "General", "Gen.",  "Judge",     "Professor",
      "Prof.",    "Sir",        "Mayor",    "Leader", "leader",   "King", "Queen",   "Pope",  "Secretary", "Ambassador",
      "Rep.",     "Premier",    "Chairman", "Coach",  "Captain",  "Lt.",  "Col.",    "Capt.", "Vice",      "Foreign",
      "Defence",  "Defense",    "Deputy",   "State",  "North",    "South"};
  return words;
}

// "the Kremlin" -> "Kremlin"; "President Donald Trump" -> "Donald Trump"; "Kim 's" never
// reaches here (the tokeniser splits possessives), but a trailing "'s" or "’s" is dropped too.
bool name_word(const std::string& w) {
  auto c = static_cast<unsigned char>(w.empty() ? ' ' : w[0]);
  bool general_punctuation = w.size() >= 2 && c == 0xE2 && static_cast<unsigned char>(w[1]) == 0x80;  // ” – …
  if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c >= 0xC3 && !general_punctuation)) return true;
  // A lower-case particle joined to a capital: "al-Aqsa", "d'Estaing"; and "eBay", "iPhone".
  return c >= 'a' && c <= 'z' && std::any_of(w.begin(), w.end(), [](char x) { return x >= 'A' && x <= 'Z'; });
}

const std::unordered_set<std::string>& org_heads() {
  // Last words that make a name an organisation whatever the tagger said.
  static const std::unordered_set<std::string> words = {
      "Agency",    "Ministry",   "Party",      "Bank",     "Corp",       "Corp.",      "Corporation",  "Inc",
      "Inc.",      "Ltd",        "Ltd.",       "Group",    "Council",    "Union",      "Association",  "University",
      "Institute", "Committee",  "Commission", "Company",  "Systems",    "Federation", "Organisation", "Organization",
      "Authority", "Department", "Foundation", "Airlines", "Airways",    "Motors",     "Technologies", "Holdings",
      "Robotics",  "Maritime",   "Alliance",   "Bureau",   "Industries", "Labs",       "Laboratories", "Partners",
      "Wire",      "Ledger",     "Courier",    "Dispatch", "Observer",   "Herald",     "Journal",      "Tribune",
      "Gazette",   "Times",      "Post",       "Press",    "Compass",    "FC",         "Club",         "United",
      "Rovers",    "Athletic",   "Wanderers",  "Academy",  "College",    "Parliament", "Congress",     "Senate",
      "Assembly",  "Court"};
  return words;
}

const std::unordered_set<std::string>& place_heads() {
  // Last words that make a name of several words a place ("Mombasa Road", "Kilifi County").
  static const std::unordered_set<std::string> words = {
      "Road",    "Street",  "Avenue",  "Square",    "Bridge",    "River",       "Sea",       "Ocean",  "Lake",
      "Bay",     "Gulf",    "Coast",   "Island",    "Islands",   "Mountain",    "Mountains", "Valley", "Peninsula",
      "Desert",  "Forest",  "Strait",  "Straits",   "Canal",     "County",      "Province",  "Region", "District",
      "City",    "Town",    "Village", "State",     "States",    "Republic",    "Kingdom",   "Port",   "Airport",
      "Harbour", "Harbor",  "Park",    "Hills",     "Heights",   "Falls",       "Springs",   "Beach",  "Delta",
      "Basin",   "Plateau", "Plains",  "Highlands", "Territory", "Territories", "Estate",    "Market", "Station",
      "Course",  "Stadium", "Arena",   "Centre",    "Center",    "Hall",        "Palace",    "Castle", "Cathedral",
      "Church",  "Temple",  "Mosque",  "Tower",     "Gardens",   "Zoo",         "Circuit",   "Prison", "Camp",
      "Mine",    "Field",   "Fields",  "Wells"};
  return words;
}

const std::unordered_set<std::string>& place_fronts() {
  // First words that do ("Gulf of Riga", "Mount Kenya", "North Sea", "Praça do Comércio").
  static const std::unordered_set<std::string> words = {
      "Gulf",  "Bay",      "Lake",     "Mount",   "Cape",    "Isle",    "Strait", "Port",     "Fort",    "Saint",
      "St",    "St.",      "San",      "Santa",   "Santo",   "São",     "New",    "North",    "South",   "East",
      "West",  "Northern", "Southern", "Eastern", "Western", "Central", "Upper",  "Lower",    "Greater", "Praia",
      "Praça", "Rua",      "Via",      "Piazza",  "Plaza",   "Calle",   "Rue",    "Republic", "Kingdom", "Sea",
      "Isla",  "Ilha",     "Monte",    "Rio",     "Río",     "Puerto",  "Porto"};
  return words;
}

// Head words no person's name ends in (unlike "Court", "Post" or "United"): against the
// model's person they decide.
const std::unordered_set<std::string>& corporate_heads() {
  static const std::unordered_set<std::string> words = {
      "Agency",       "Ministry",     "Corp",       "Corp.",        "Corporation", "Inc",         "Inc.",
      "Ltd",          "Ltd.",         "Systems",    "Technologies", "Holdings",    "Robotics",    "Airlines",
      "Airways",      "Motors",       "Industries", "Laboratories", "Labs",        "Association", "Federation",
      "Organisation", "Organization", "Commission", "Committee",    "Council",     "Institute",   "University",
      "Foundation",   "Authority",    "Department", "Bureau",       "Maritime"};
  return words;
}

const std::unordered_set<std::string>& person_titles() {
  static const std::unordered_set<std::string> words = {
      "Mr",        "Mr.",     "Mrs",        "Mrs.",     "Ms",         "Ms.",   "Dr",        "Dr.",
      "President", "Senator", "Sen.",       "Governor", "Gov.",       "Judge", "Professor", "Prof.",
      "Sir",       "Mayor",   "Chancellor", "Pope",     "Ambassador", "Rep.",  "Premier"};
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

// The word as the tagger learnt it: CoNLL text has straight quotes and apostrophes only, so
// "Pyongyang’s" must reach it as "Pyongyang" "'s" and “...” as "...". (Offsets and surfaces
// stay those of the text.)
std::string tagger_form(const std::string& w) {
  if (w == "\xE2\x80\x99s" || w == "\xE2\x80\x99S") return "'s";
  if (w == "\xE2\x80\x9C" || w == "\xE2\x80\x9D") return "\"";
  if (w == "\xE2\x80\x98" || w == "\xE2\x80\x99") return "'";
  if (w.find("\xE2\x80\x99") == std::string::npos) return w;
  std::string out;  // "O’Brien", "n’t"
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w.compare(i, 3, "\xE2\x80\x99") == 0) {
      out.push_back('\'');
      i += 2;
    } else {
      out.push_back(w[i]);
    }
  }
  return out;
}

bool plausible_name(const std::string& name) {
  if (name.size() < 2 || name.size() > 100) return false;
  // Two letters make a name only as an acronym ("UN", "EU"), never "Un" or "Mr".
  if (name.size() == 2 && !(name[0] >= 'A' && name[0] <= 'Z' && name[1] >= 'A' && name[1] <= 'Z')) return false;
  // A bare compass word ("the North said") is a direction, not a facet value.
  static const std::unordered_set<std::string> kDirections = {"North",    "South",   "East",    "West",   "Northern",
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
  std::optional<EntityKind> tagged;  // the tagger's own type, before the evidence was weighed
};

}  // namespace

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
      "beat",         "drew",       "draw",          "halftime",   "half-time", "goals",     "scored",   "innings",
      "wickets",      "striker",    "midfielder",    "goalkeeper", "league",    "champions", "defeated", "semifinal",
      "quarterfinal", "semi-final", "quarter-final", "unbeaten",   "equaliser", "equalizer", "penalty",  "captain",
      "tournament",   "results",    "standings",     "postponed",  "division"};
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
      bool word = false;
      if (!score && w.size() >= 4 && w.size() <= 14) {  // the lengths of kWords
        word = kWords.count(ascii_lower(w)) != 0;
      }
      if (score || word) ++signals;
      if (signals >= 3) return true;
    }
  }
  return false;
}

namespace {

bool all_capitals(const std::string& name) {
  return std::none_of(name.begin(), name.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// "NEW YORK" -> "New York", "RIGA" -> "Riga" (words and hyphenated parts).
std::string title_case(std::string name) {
  bool start = true;
  for (char& c : name) {
    if (!start && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    start = c == ' ' || c == '-';
  }
  return name;
}

// Each piece of evidence for a kind multiplies the model's belief in it by these odds: 4:1 for
// what names are often but not always (the gazetteer's kinds, head words such as "Systems"), 20:1
// for positions news writing reserves to a kind (a person's title in front, a dateline's place
// and agency).
constexpr double kEvidenceOdds = 4.0;
constexpr double kStrongOdds = 20.0;

// The dateline that opens a wire story: "RIGA (Meridian Wire) -", "LONDON, March 3 (Reuters) —":
// capitalised words (and a date) at the start of the body's first sentence, an agency in
// parentheses, a dash. Word ranges [place_begin, place_end) and [agency_begin, agency_end).
struct Dateline {
  std::size_t place_end = 0, agency_begin = 0, agency_end = 0;
  bool found() const { return place_end > 0; }
};
Dateline find_dateline(const Sentence& s) {
  Dateline d;
  auto dash = [](const std::string& w) { return w == "-" || w == "--" || w == "\xE2\x80\x94" || w == "\xE2\x80\x93"; };
  std::size_t open = 0;
  while (open < s.size() && open < 8 && s[open] != "(") ++open;
  if (open == 0 || open >= s.size() || open >= 8) return d;
  std::size_t close = open + 1;
  while (close < s.size() && close < open + 6 && s[close] != ")") ++close;
  if (close >= s.size() || s[close] != ")" || close == open + 1 || close + 1 >= s.size() || !dash(s[close + 1]))
    return d;
  // The place: the leading words in capitals, up to a comma.
  std::size_t e = 0;
  while (e < open && !s[e].empty() && all_capitals(s[e]) && s[e][0] >= 'A' && s[e][0] <= 'Z') ++e;
  if (e == 0 || (e < open && s[e] != ",")) return d;
  d.place_end = e;
  d.agency_begin = open + 1;
  d.agency_end = close;
  return d;
}

// The kind of a chunk the model tagged, once the evidence is weighed: the model's belief in
// person, organisation and place (summed over the chunk's words), each multiplied by
// kEvidenceOdds for a title in front (person), an organisation's head word at the end, and each
// kind the gazetteer knows the name as (places not in sports reports, where clubs carry their
// cities' names). Evidence decides only where the model is unsure: a belief of 0.9 against 0.05
// stands against any one piece of it.
// Things that are neither people, organisations nor places. A name ending in an event, law or
// award word names one ("the Tokyo Marathon", "the Paris Agreement", "the Nobel Prize"); so does
// a name right before a noun of works and products ("the Amber Link cable", "the Nord Stream
// undersea pipeline"), which organisations and places seldom stand before (unlike "summit" or
// "project": "the EU summit").
const std::unordered_set<std::string>& thing_heads() {
  static const std::unordered_set<std::string> words = {
      "festival",   "summit",     "marathon",  "championship", "championships", "games",     "olympics",
      "tournament", "conference", "expo",      "award",        "awards",        "prize",     "treaty",
      "accord",     "agreement",  "act",       "directive",    "protocol",      "programme", "program",
      "initiative", "mission",    "hurricane", "typhoon",      "storm"};
  return words;
}
const std::unordered_set<std::string>& thing_nouns() {
  static const std::unordered_set<std::string> words = {
      "cable",     "pipeline", "interconnector", "tunnel",  "railway", "telescope",
      "satellite", "rocket",   "spacecraft",     "vaccine", "drug",    "app",
      "software",  "chatbot",  "smartphone",     "console", "album",   "novel"};
  return words;
}

bool names_a_thing(const Sentence& s, const Chunk& c) {
  if (c.end > c.begin + 1 && thing_heads().count(ascii_lower(s[c.end - 1])) != 0) return true;
  auto common = [](const std::string& w) { return !w.empty() && w[0] >= 'a' && w[0] <= 'z'; };
  for (std::size_t i = c.end; i < s.size() && i < c.end + 2 && common(s[i]); ++i) {
    if (thing_nouns().count(s[i]) != 0) return true;
  }
  // "the 300-kilometre cable, known as Amber Link", "a pipeline called Nord Stream".
  std::size_t k = c.begin;
  if (k >= 2 && (s[k - 1] == "called" || s[k - 1] == "named" || (s[k - 1] == "as" && s[k - 2] == "known"))) {
    std::size_t before = s[k - 1] == "as" ? k - 2 : k - 1;
    if (before >= 1 && s[before - 1] == ",") --before;
    if (before >= 1 && thing_nouns().count(ascii_lower(s[before - 1])) != 0) return true;
  }
  return false;
}

// The kind of a chunk the model tagged, once the evidence is weighed (see above); nullopt when
// it names something else (the model's MISC, or a thing by thing_nouns).
std::optional<EntityKind> weigh_evidence(const Gazetteer& gazetteer, const std::vector<TypeBelief>& beliefs,
                                         const Chunk& c, const std::vector<std::string>& words, EntityKind model_kind,
                                         bool titled, bool org_head, bool sports, const Dateline* dateline) {
  std::array<double, 3> score{};
  double other = 0;
  for (std::size_t i = c.begin; i < c.end && i < beliefs.size(); ++i) {
    score[static_cast<std::size_t>(EntityKind::kPerson)] += beliefs[i].per;
    score[static_cast<std::size_t>(EntityKind::kOrganization)] += beliefs[i].org;
    score[static_cast<std::size_t>(EntityKind::kPlace)] += beliefs[i].loc;
    other += beliefs[i].misc;
  }
  if (titled) score[static_cast<std::size_t>(EntityKind::kPerson)] *= kStrongOdds;
  if (dateline != nullptr && c.end <= dateline->place_end)
    score[static_cast<std::size_t>(EntityKind::kPlace)] *= kStrongOdds;
  if (dateline != nullptr && c.begin >= dateline->agency_begin && c.end <= dateline->agency_end) {
    score[static_cast<std::size_t>(EntityKind::kOrganization)] *= kStrongOdds;
  }
  // No person's name ends in "Agency" or "Maritime": against the model's person, the head word
  // is strong evidence; against its place ("West Bank"), weak.
  if (org_head) {
    score[static_cast<std::size_t>(EntityKind::kOrganization)] *=
        model_kind == EntityKind::kPerson ? kStrongOdds : kEvidenceOdds;
  }
  // And some no person's name ever ends in: "Chipmaker Veltrix Systems" is no person.
  if (words.size() >= 2 && corporate_heads().count(words.back()) != 0)
    score[static_cast<std::size_t>(EntityKind::kPerson)] = 0;
  for (EntityKind k : {EntityKind::kPerson, EntityKind::kOrganization, EntityKind::kPlace}) {
    if (k == EntityKind::kPlace && sports) continue;
    std::string name = clean_surface(words, k);
    bool known = gazetteer.best(name, k) != nullptr ||
                 (name.size() > 3 && all_capitals(name) && gazetteer.best(title_case(name), k) != nullptr);
    if (known) score[static_cast<std::size_t>(k)] *= kEvidenceOdds;
  }
  // A place of several words is nearly always one the gazetteer knows, one that ends in a
  // place's head word ("Mombasa Road", "Kilifi County") or begins with one ("Gulf of Riga"), or
  // one that ends in a known place. A name of several words that is none of these is no place
  // against a model that allows anything else (strong odds: "Kenya's Amara Wekesa", "levelled
  // through Jordan Akande", "Park Ji-woo, chief executive").
  if (words.size() >= 2) {
    std::string name = clean_surface(words, EntityKind::kPlace);
    if (name.size() > 3 && all_capitals(name)) name = title_case(name);
    std::vector<std::string> parts = split_words(name);
    bool supported = parts.size() < 2 || gazetteer.best(name, EntityKind::kPlace) != nullptr ||
                     place_heads().count(parts.back()) != 0 || place_fronts().count(parts.front()) != 0;
    // (A known place last, "Greater Riga"; a known place first is how people's names begin:
    // "Jordan Akande", "Chelsea Clinton", "Florence Pugh".)
    supported = supported || gazetteer.best(parts.back(), EntityKind::kPlace) != nullptr;
    if (!supported) score[static_cast<std::size_t>(EntityKind::kPlace)] /= kStrongOdds;
  }
  EntityKind best = model_kind;
  for (EntityKind k : {EntityKind::kPerson, EntityKind::kOrganization, EntityKind::kPlace}) {
    if (score[static_cast<std::size_t>(k)] > score[static_cast<std::size_t>(best)]) best = k;
  }
  if (other > score[static_cast<std::size_t>(best)]) return std::nullopt;
  return best;
}

// Words after a nationality that make it stand for its state (see add_demonym_mentions).
// (Not "forces", "troops", "army": "Armenian forces" in Nagorno-Karabakh, "Kurdish fighters"
// are a people's, not a state's.)
bool office(const std::string& w) {
  static const std::unordered_set<std::string> kOffices = {
      "president", "prime",    "premier", "chancellor",  "leader",     "king",       "queen",
      "minister",  "foreign",  "defence", "defense",     "finance",    "government", "ambassador",
      "embassy",   "ministry", "state",   "authorities", "parliament", "envoy",      "regime"};
  return kOffices.count(ascii_lower(w)) != 0;
}

// An article as the tagger reads it: title then body, as one document of sentences of words in
// their tagger_form, remembering where each sentence came from (its field, and its tokens for
// the offsets); then the tags of each word (and with the model, its beliefs).
struct ArticleText {
  struct Source {
    TextField field;
    const std::vector<NerToken>* tokens;
  };

  explicit ArticleText(const Article& a) : article(a), title(ner_sentences(a.title)), body(ner_sentences(a.body)) {
    for (auto* part : {&title, &body}) {
      for (const auto& sentence : *part) {
        Sentence words;
        for (const NerToken& t : sentence) words.push_back(tagger_form(t.text));
        doc.push_back(std::move(words));
        where.push_back({part == &title ? TextField::kTitle : TextField::kBody, &sentence});
      }
    }
  }
  ArticleText(const ArticleText&) = delete;  // `where` points into title and body
  ArticleText& operator=(const ArticleText&) = delete;

  // A mention of the bytes [start, end) of the field sentence s is in.
  Mention mention(std::size_t s, std::size_t start, std::size_t end) const {
    Mention m;
    m.field = where[s].field;
    m.start = start;
    m.end = end;
    const std::string& text = m.field == TextField::kTitle ? article.title : article.body;
    m.surface = text.substr(m.start, m.end - m.start);
    return m;
  }

  const Article& article;
  std::vector<std::vector<NerToken>> title, body;
  std::vector<Sentence> doc;
  std::vector<Source> where;
  std::vector<Tags> tags;
  std::vector<std::vector<TypeBelief>> beliefs;  // the model's, per word
};

// Tags for languages the model does not read: the gazetteer's matches.
std::vector<Tags> gazetteer_tags(const std::vector<Sentence>& doc, const Gazetteer& gazetteer) {
  std::vector<Tags> tags;
  for (const Sentence& s : doc) {
    Tags t = gazetteer.match(s);
    for (std::string& x : t) {
      if (x.empty()) x = "O";
    }
    // A sentence's first word is capitalised whatever it is: there a one-word name counts only
    // when it is a large place, country or region ("Auch der hohe Wasserverbrauch": not the
    // French town of 24,000).
    std::size_t first = 0;
    while (first < s.size() && !s[first].empty() && !name_word(s[first])) ++first;
    if (first < s.size() && t[first].compare(0, 2, "B-") == 0 &&
        (first + 1 == s.size() || t[first + 1].compare(0, 2, "I-") != 0)) {
      const GazetteerEntry* place = gazetteer.best(s[first], EntityKind::kPlace);
      if (place == nullptr || place->weight < 100000) t[first] = "O";
    }
    tags.push_back(std::move(t));
  }
  return tags;
}

// Adjacent chunks the tagger split: "Kim" + "Jong Un" (PER PER) is one name, and a
// nationality before an organisation ("Korean" + "Central News Agency") is part of its name.
void join_touching_chunks(const std::vector<Sentence>& doc, std::vector<Tags>& tags) {
  for (std::size_t s = 0; s < tags.size(); ++s) {
    std::vector<Chunk> cs = chunks_of(tags[s]);
    for (std::size_t k = 1; k < cs.size(); ++k) {
      const Chunk& a = cs[k - 1];
      const Chunk& b = cs[k];
      if (a.end != b.begin) continue;
      // A person's name runs on into whatever chunk touches it ("Park" + "Ji-woo"); into an
      // organisation named by its head word it is the organisation's ("Johnson" + "Controls
      // Inc", "Chipmaker" + "Veltrix Systems").
      bool org_named = b.type == "ORG" && b.end - b.begin >= 2 && org_heads().count(doc[s][b.end - 1]) != 0;
      bool person = a.type == "PER" && !org_named;
      bool same_org = (a.type == "ORG" || a.type == "PER") && b.type == "ORG" && (a.type == "ORG" || org_named);
      bool misc_org = a.type == "MISC" && b.type == "ORG";
      if (!person && !same_org && !misc_org) continue;
      std::string type = person ? "PER" : "ORG";
      for (std::size_t i = a.begin; i < b.end; ++i) tags[s][i] = (i == a.begin ? "B-" : "I-") + type;
      cs[k].begin = a.begin;
    }
  }
}

// Two organisations the tagger ran together: "Veltrix Systems and Hanbit Robotics" (both end
// in a head word; not "Guangdong Post and Telecommunications Administration").
void split_organisation_pairs(const std::vector<Sentence>& doc, std::vector<Tags>& tags) {
  for (std::size_t s = 0; s < tags.size(); ++s) {
    for (const Chunk& c : chunks_of(tags[s])) {
      if (c.type != "ORG") continue;
      for (std::size_t j = c.begin + 2; j + 1 < c.end; ++j) {
        if ((doc[s][j] == "and" || doc[s][j] == "&") && org_heads().count(doc[s][j - 1]) != 0 &&
            org_heads().count(doc[s][c.end - 1]) != 0 && name_word(doc[s][j + 1])) {
          tags[s][j] = "O";
          tags[s][j + 1] = "B-ORG";
          break;
        }
      }
    }
  }
}

// Chunks of one kind joined by a name's particles are one name the tagger broke at the lower-case
// word: "Dar" es "Salaam", "Praça" do "Comércio", "Ursula" von der "Leyen".
void join_particles(const std::vector<Sentence>& doc, std::vector<Tags>& tags) {
  static const std::unordered_set<std::string> kParticles = {"de", "do", "da",  "dos", "das", "del", "della", "delle",
                                                             "di", "du", "des", "van", "von", "der", "den",   "ter",
                                                             "es", "el", "al",  "la",  "le",  "bin", "ibn",   "zu"};
  for (std::size_t s = 0; s < tags.size(); ++s) {
    std::vector<Chunk> cs = chunks_of(tags[s]);
    for (std::size_t k = 1; k < cs.size(); ++k) {
      const Chunk& a = cs[k - 1];
      const Chunk& b = cs[k];
      if (a.type != b.type || a.type == "MISC" || b.begin <= a.end || b.begin > a.end + 2) continue;
      bool particles = true;
      for (std::size_t i = a.end; i < b.begin; ++i) particles = particles && kParticles.count(doc[s][i]) != 0;
      if (!particles) continue;
      for (std::size_t i = a.end; i < b.end; ++i) tags[s][i] = "I-" + a.type;
      cs[k].begin = a.begin;
    }
  }
}

// A people's plural: "Kenyans", and "Swedes", "Danes", "Scots", "Turks" beside "Swedish",
// "Danish", "Scottish", "Turkish".
bool peoples_plural(const Gazetteer& gazetteer, const std::string& w) {
  if (w.size() < 5 || w.back() != 's') return false;
  std::string one = w.substr(0, w.size() - 1);
  std::string stem = one.back() == 'e' ? one.substr(0, one.size() - 1) : one;
  for (const std::string& adjective : {one, one + "ish", stem + "ish", one + one.back() + "ish"}) {
    if (gazetteer.demonym_place(adjective) != nullptr) return true;
  }
  return false;
}

// A country's name with "n" or "an" is its people's ("Cape Verdean", "Cuban"), when WordNet
// does not list it.
bool country_adjective(const Gazetteer& gazetteer, const std::string& w) {
  if (w.size() < 5 || w.compare(w.size() - 1, 1, "n") != 0) return false;
  for (std::size_t cut : {std::size_t{1}, std::size_t{2}}) {
    const GazetteerEntry* country = gazetteer.best(w.substr(0, w.size() - cut), EntityKind::kPlace);
    if (country != nullptr && country->weight >= 100000000) return true;
  }
  return false;
}

// A nationality the tagger took for a name ("Baltic", "Kenyans") is no entity: it names a
// people or a quality, not the place (only before an office does it: see add_demonym_mentions).
// (Unless the gazetteer knows the word as a place: "Burundi", "Philippines".)
bool names_a_people(const Gazetteer& gazetteer, const std::string& name) {
  return (gazetteer.demonym_place(name) != nullptr || peoples_plural(gazetteer, name) ||
          country_adjective(gazetteer, name)) &&
         gazetteer.best(name, EntityKind::kPlace) == nullptr;
}

// The words of a chunk that can be a name, or nullopt when none can. A name neither starts with
// "the" nor ends with a lower-case word or a possessive: the tagger's "NAPM rose", "Lotte and",
// "Fed 's" are "NAPM", "Lotte", "Fed".
std::optional<Chunk> name_span(const Sentence& s, Chunk c) {
  auto lower_start = [](const std::string& w) { return !w.empty() && w[0] >= 'a' && w[0] <= 'z'; };
  while (c.end > c.begin + 1 &&
         (lower_start(s[c.end - 1]) || s[c.end - 1] == "'s" || s[c.end - 1] == "\xE2\x80\x99s")) {
    --c.end;
  }
  // "the" is never part of a name; "The" is when the model says so ("The Oval", "The
  // Netherlands"): the mention keeps it, the canonical name drops it (clean_surface).
  while (c.end > c.begin + 1 && s[c.begin] == "the") ++c.begin;
  // A name stops at a separator or a number with dots or colons ("Maris Kalnins · 10.07.2025
  // 09:00", a byline the tagger ran on into).
  for (std::size_t i = c.begin + 1; i < c.end; ++i) {
    if (separator_word(s[i])) {
      c.end = i;
      break;
    }
  }
  // A lone lower-case word is no name unless capitals follow inside it ("al-Aqsa", "eBay").
  if (lower_start(s[c.begin]) && c.end == c.begin + 1 &&
      std::none_of(s[c.begin].begin(), s[c.begin].end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
    return std::nullopt;
  }
  return c;
}

// What the extractor finds in an article's chunks before it links them: mentions, names of
// things, and acronyms defined in the text ("Korean Central News Agency (KCNA)").
struct Findings {
  std::vector<Found> found;
  std::unordered_set<std::string> things;  // names of things, not entities (names_a_thing)
  std::unordered_map<std::string, std::pair<EntityKind, std::string>> acronyms;  // acronym -> kind, name
};

// Turns the tagged chunks of an article into Findings: each chunk's name, kind (the evidence
// weighed) and mention.
class MentionFinder {
 public:
  MentionFinder(const ArticleText& text, const Gazetteer& gazetteer, const PerceptronTagger* model)
      : text_(text),
        gazetteer_(gazetteer),
        model_(model),
        // In a sports report, teams carry the names of their cities and countries: there the
        // model's type stands against the gazetteer (a place "only" by the gazetteer is a team
        // by the model).
        trust_model_type_(model != nullptr && sports_report(text.doc)) {
    // One of the body's first sentences may open with a dateline (a scraped page may put a
    // byline or a caption before it).
    const std::size_t body = text.title.size();
    for (std::size_t s = body; s < text.doc.size() && s < body + 4 && !dateline_.found(); ++s) {
      dateline_ = find_dateline(text.doc[s]);
      if (dateline_.found()) dateline_sentence_ = s;
    }
  }

  // The findings, without the mentions of names found to be things' anywhere in the article.
  Findings find() {
    for (std::size_t s = 0; s < text_.doc.size(); ++s) {
      for (const Chunk& c : chunks_of(text_.tags[s])) add_chunk(s, c);
    }
    std::vector<Found>& found = out_.found;
    const std::unordered_set<std::string>& things = out_.things;
    found.erase(
        std::remove_if(found.begin(), found.end(), [&things](const Found& f) { return things.count(f.name) != 0; }),
        found.end());
    for (std::size_t i = 0; i < found.size(); ++i) found[i].order = i;
    return std::move(out_);
  }

 private:
  struct Typed {
    EntityKind kind;
    float confidence;
  };

  void add_chunk(std::size_t s, const Chunk& tagged_chunk) {
    EntityKind tagged;
    if (!parse_kind(tagged_chunk.type, tagged)) return;  // MISC
    std::optional<Chunk> span = name_span(text_.doc[s], tagged_chunk);
    if (!span) return;
    const Chunk& c = *span;
    const Sentence& sentence = text_.doc[s];
    std::vector<std::string> words(sentence.begin() + static_cast<long>(c.begin),
                                   sentence.begin() + static_cast<long>(c.end));
    std::optional<Typed> typed = weigh(s, c, words, tagged);
    if (!typed) return;
    std::string name = clean_surface(words, typed->kind);
    if (!plausible_name(name) || names_a_people(gazetteer_, name)) return;
    const std::vector<NerToken>& tokens = *text_.where[s].tokens;
    std::size_t end = tokens[c.end - 1].end;
    // A sentence-final abbreviation also carries the full stop ("... by Lear Corp.", "... in
    // the U.S."): the mention ends before it, as CoNLL splits the stop off; "Lear Corp." and
    // "Lear Corp" are one facet value, and "U.S." stays the gazetteer's alias.
    if (c.end == sentence.size() && words.back().size() > 2 && words.back().back() == '.') {
      --end;
      if (!name.empty() && name.back() == '.' && std::count(name.begin(), name.end(), '.') == 1) name.pop_back();
    }
    Mention m = text_.mention(s, tokens[c.begin].start, end);
    m.confidence = typed->confidence;
    out_.found.push_back({typed->kind, name, std::move(m), out_.found.size(), tagged});
    if (c.end + 2 < sentence.size() && sentence[c.end] == "(" && sentence[c.end + 2] == ")" &&
        is_acronym(sentence[c.end + 1]) && split_words(name).size() >= 2 && abbreviates(sentence[c.end + 1], name)) {
      out_.acronyms.emplace(sentence[c.end + 1], std::make_pair(typed->kind, name));
    }
  }

  // The kind of the name `words` (chunk c of sentence s, tagged `kind`) and the model's
  // confidence in it; nullopt for a thing. Evidence the tagger may have missed: a person's
  // title in front ("Senator Ruth Calloway"), an organisation's head word at the end ("Veltrix
  // Systems"), the kinds the gazetteer knows the name as. For the rules tagger it decides; for
  // the model it weighs against the model's belief in each type, and decides only where the
  // model is unsure.
  std::optional<Typed> weigh(std::size_t s, const Chunk& c, const std::vector<std::string>& words, EntityKind kind) {
    std::size_t first = 0;
    while (first < words.size() && (words[first] == "the" || words[first] == "The")) ++first;
    bool titled = first + 1 < words.size() && person_titles().count(words[first]) != 0;
    bool org_head = words.size() >= 2 && org_heads().count(words.back()) != 0;
    if (model_ == nullptr) {
      if (titled) kind = EntityKind::kPerson;
      if (org_head) kind = EntityKind::kOrganization;
      return Typed{kind, 1.0f};
    }
    if (s >= text_.beliefs.size()) return Typed{kind, 1.0f};
    // Names of things (names_a_thing): these positions decide, for every mention of the name
    // in the article (the tagger, trained on news of 1996, often calls them organisations
    // with no doubt at all, so odds on its belief would not move it).
    // (Not for names the gazetteer knows: "the Kirkuk pipeline" runs from a place.)
    if (names_a_thing(text_.doc[s], c) && gazetteer_.lookup(clean_surface(words, kind)).empty()) {
      out_.things.insert(clean_surface(words, kind));
      return std::nullopt;
    }
    const std::vector<TypeBelief>& beliefs = text_.beliefs[s];
    std::optional<EntityKind> weighed =
        weigh_evidence(gazetteer_, beliefs, c, words, kind, titled, org_head, trust_model_type_,
                       s == dateline_sentence_ ? &dateline_ : nullptr);
    if (!weighed) return std::nullopt;  // a thing, not a person, organisation or place
    std::vector<float> v;
    for (std::size_t i = c.begin; i < c.end; ++i) v.push_back(beliefs[i].of(conll_tag(*weighed)));
    return Typed{*weighed, model_->confidence(v)};
  }

  const ArticleText& text_;
  const Gazetteer& gazetteer_;
  const PerceptronTagger* model_;
  const bool trust_model_type_;
  std::size_t dateline_sentence_ = std::numeric_limits<std::size_t>::max();  // none
  Dateline dateline_;
  Findings out_;
};

// Nationality adjectives outside any name point at their place when they stand for its state,
// before an office: "Japanese Prime Minister" -> Japan, "South Korean President" -> South Korea
// (demonyms from WordNet). Elsewhere a nationality is no place ("British officials", "the
// Scots", "Irish voters").
void add_demonym_mentions(const ArticleText& text, const Gazetteer& gazetteer, std::vector<Found>& found) {
  const std::vector<Sentence>& doc = text.doc;
  const std::vector<Tags>& tags = text.tags;
  for (std::size_t s = 0; s < doc.size(); ++s) {
    const std::vector<NerToken>& tokens = *text.where[s].tokens;
    for (std::size_t i = 0; i < doc[s].size(); ++i) {
      bool inside = tags[s][i] != "O" && tags[s][i].compare(2, 4, "MISC") != 0;
      if (inside || doc[s][i].empty() || doc[s][i][0] < 'A' || doc[s][i][0] > 'Z') continue;
      // Only before an office (one word or two on): look nothing up elsewhere.
      if (!(i + 1 < doc[s].size() && office(doc[s][i + 1])) && !(i + 2 < doc[s].size() && office(doc[s][i + 2])))
        continue;
      std::size_t n = 0;
      const std::string* place = nullptr;
      if (i + 1 < doc[s].size() && (tags[s][i + 1] == "O" || tags[s][i + 1].compare(2, 4, "MISC") == 0)) {
        place = gazetteer.demonym_place(doc[s][i] + " " + doc[s][i + 1]);
        n = 2;
      }
      if (place == nullptr) {
        place = gazetteer.demonym_place(doc[s][i]);
        n = 1;
      }
      if (place == nullptr || i + n >= doc[s].size() || !office(doc[s][i + n])) continue;
      Mention m = text.mention(s, tokens[i].start, tokens[i + n - 1].end);
      m.rule = "demonym";
      found.push_back({EntityKind::kPlace, *place, std::move(m), found.size(), std::nullopt});
      i += n - 1;
    }
  }
}

// An all-capitals dateline or headline word ("RIGA —", "NEW YORK") that the gazetteer does not
// know as written: the entry of its title-case form, the first of `kind` or, with `any_kind`,
// the first of any kind. nullptr when there is none or the name is not such a word.
const GazetteerEntry* capitals_entry(const Gazetteer& gazetteer, const std::string& name, EntityKind kind,
                                     bool any_kind) {
  if (!gazetteer.lookup(name).empty() || name.size() <= 3 || !all_capitals(name)) return nullptr;
  const std::vector<GazetteerEntry>& hits = gazetteer.lookup(title_case(name));
  for (const GazetteerEntry& h : hits) {
    if (h.kind == kind) return &h;
  }
  return any_kind && !hits.empty() ? &hits.front() : nullptr;
}

// Canonical names: defined acronyms, gazetteer aliases ("U.S." -> "United States").
void canonicalise(Found& f, const Findings& findings, const Gazetteer& gazetteer, bool rules_tagger) {
  if (auto a = findings.acronyms.find(f.name); a != findings.acronyms.end()) {
    f.kind = a->second.first;
    f.name = a->second.second;
    f.mention.rule = "acronym";
    return;
  }
  // The model's type stands; the gazetteer gives the name (and the type only to the rules).
  if (const GazetteerEntry* hit = capitals_entry(gazetteer, f.name, f.kind, rules_tagger)) {
    if (f.name != hit->canonical) f.mention.rule = "gazetteer";
    f.kind = hit->kind;
    f.name = hit->canonical;
    return;
  }
  if (rules_tagger && f.kind != EntityKind::kPlace && gazetteer.best(f.name, f.kind) == nullptr) {
    // (Not in a sports report, where a model's ORG for "Japan beat Syria" or "Leeds" is a
    // team, and the gazetteer must not overrule it.)
    // A name the gazetteer knows only as a real place is the place, even when it acts
    // ("Pyongyang said", "Russia warned"): CoNLL's guidelines tag such metonymy LOC too.
    const GazetteerEntry* place = gazetteer.best(f.name, EntityKind::kPlace);
    if (place != nullptr && place->weight >= 100000) f.kind = EntityKind::kPlace;
  }
  std::string name = canonical_name(f.kind, f.name, gazetteer);
  if (name != f.name) {
    f.name = std::move(name);
    if (f.mention.rule.empty()) f.mention.rule = "gazetteer";
  }
}

// The names short forms can link to: of people and organisations, of two words or more; full
// person names first ("Ji-woo" is part of "Park Ji-woo" before anything else).
std::vector<const Found*> full_names(const std::vector<Found>& found) {
  std::vector<const Found*> full;
  for (const Found& f : found) {
    if (f.kind != EntityKind::kPlace && split_words(f.name).size() >= 2) full.push_back(&f);
  }
  std::stable_sort(full.begin(), full.end(), [](const Found* a, const Found* b) {
    return a->kind == EntityKind::kPerson && b->kind != EntityKind::kPerson;
  });
  return full;
}

// The full name in `full` that the one-word mention f is a short form of, or nullptr; `word`
// receives the word.
const Found* full_name_for(const Found& f, const std::vector<const Found*>& full, const Gazetteer& gazetteer,
                           std::string& word) {
  // The tagger's calibrated belief in a place above which a person's surname does not take it.
  constexpr float kSurePlace = 0.9f;
  std::vector<std::string> words = split_words(f.name);
  // (As written, not as the gazetteer renamed it: "Holland", not "Netherlands".)
  if (f.kind == EntityKind::kPlace && f.tagged.has_value() && split_words(f.mention.surface).size() == 1) {
    words = split_words(f.mention.surface);
  }
  // A place is a short form of a person named in full in the article when the gazetteer knows
  // no place of that name, or when the tagger itself read this mention as a person and only the
  // gazetteer made it a place ("Neil Jordan ... Jordan said", "Trevor Holland ... Holland was
  // moved"). Not otherwise: "Volgograd" is no short form of a "Rotor Volgograd" the tagger took
  // for a person, nor "Chechnya" of a person's name it ran into.
  // Or, where the word is the surname of that person, when the tagger is not sure of the place
  // (the article's full name outweighs the gazetteer's prior): "recognised Holland in a
  // newsagent shop", "Holland was moved".
  bool known_place = f.kind == EntityKind::kPlace && gazetteer.best(f.name, EntityKind::kPlace) != nullptr;
  bool surname_only = known_place && f.tagged != EntityKind::kPerson;
  if (words.size() != 1 || (surname_only && (f.tagged != EntityKind::kPlace || f.mention.confidence >= kSurePlace))) {
    return nullptr;
  }
  word = words[0];
  for (const Found* target : full) {
    std::vector<std::string> tw = split_words(target->name);
    bool person_part = target->kind == EntityKind::kPerson &&
                       (surname_only ? tw.back() == word : std::find(tw.begin(), tw.end(), word) != tw.end());
    // (A place only when the gazetteer knows no such place and the organisation is named by
    // its head word: "Hanbit" beside Hanbit Robotics; not "Riga" beside Riga City Council, nor
    // "Insein" beside the Insein Prison the tagger took for one.)
    bool org_head = target->kind == EntityKind::kOrganization && tw.front() == word &&
                    (f.kind != EntityKind::kPlace ||
                     (gazetteer.best(f.name, EntityKind::kPlace) == nullptr && org_heads().count(tw.back()) != 0));
    if (person_part || org_head) return target;
  }
  return nullptr;
}

// Within the article, a short form links to a full name mentioned anywhere in it: "Kim" / "Mr
// Kim" -> "Kim Jong Un", "Veltrix" -> "Veltrix Systems". Never across articles. Returns the
// single words used for people named in full (word, full name): evidence for the corpus (see
// Entity).
std::vector<std::pair<std::string, std::string>> link_short_forms(std::vector<Found>& found,
                                                                  const Gazetteer& gazetteer) {
  std::vector<std::pair<std::string, std::string>> short_forms;
  const std::vector<const Found*> full = full_names(found);
  for (Found& f : found) {
    std::string word;
    const Found* target = full_name_for(f, full, gazetteer, word);
    if (target == nullptr) continue;
    if (target->kind == EntityKind::kPerson && f.kind == EntityKind::kPerson) {
      short_forms.emplace_back(word, target->name);
    }
    f.name = target->name;
    f.kind = target->kind;
    f.mention.rule = "short form";
  }
  return short_forms;
}

// A person's full name is that person wherever the tagger typed it otherwise.
void type_full_person_names(std::vector<Found>& found) {
  std::set<std::string> full_person_names;
  for (const Found& f : found) {
    if (f.kind == EntityKind::kPerson && split_words(f.name).size() >= 2) full_person_names.insert(f.name);
  }
  for (Found& f : found) {
    if (f.kind != EntityKind::kPerson && full_person_names.count(f.name) != 0) f.kind = EntityKind::kPerson;
  }
}

// The entity of the mentions grouped under one name, of the kind most of them have, with its
// first mention's order; nullopt for one too weak to be a facet value.
std::optional<std::pair<std::size_t, Entity>> entity_of(
    const std::string& name, const std::vector<const Found*>& members, const Findings& findings,
    const std::vector<std::pair<std::string, std::string>>& short_forms) {
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
  if (e.kind == EntityKind::kPerson && members.size() < 2 && split_words(name).size() == 1) return std::nullopt;
  std::size_t first = members.front()->order;
  e.confidence = 0.0f;
  for (const Found* f : members) {
    e.confidence = std::max(e.confidence, f->mention.confidence);
    e.mentions.push_back(f->mention);
    first = std::min(first, f->order);
  }
  // Corpus evidence: the acronyms this article defines for the entity, and the single words
  // it uses for a person named in full.
  for (const auto& [acronym, def] : findings.acronyms) {
    if (def.first == e.kind && def.second == name) e.acronyms.push_back(acronym);
  }
  for (const auto& [word, full_name] : short_forms) {
    if (e.kind == EntityKind::kPerson && full_name == name &&
        std::find(e.short_forms.begin(), e.short_forms.end(), word) == e.short_forms.end()) {
      e.short_forms.push_back(word);
    }
  }
  std::sort(e.acronyms.begin(), e.acronyms.end());
  return std::make_pair(first, std::move(e));
}

// Groups by canonical name and kind ("Milan" the club and "MILAN" the dateline are two
// entities), in order of first mention.
std::vector<Entity> group_entities(const std::vector<Found>& found, const Findings& findings,
                                   const std::vector<std::pair<std::string, std::string>>& short_forms) {
  std::map<std::pair<std::string, EntityKind>, std::vector<const Found*>> groups;
  for (const Found& f : found) groups[{f.name, f.kind}].push_back(&f);
  std::vector<std::pair<std::size_t, Entity>> ordered;
  for (auto& [key, members] : groups) {
    if (auto entity = entity_of(key.first, members, findings, short_forms)) ordered.push_back(std::move(*entity));
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Entity> out;
  for (auto& [order, e] : ordered) out.push_back(std::move(e));
  return out;
}

}  // namespace

std::string canonical_name(EntityKind kind, std::string_view name, const Gazetteer& gazetteer) {
  std::string n(trim(name));
  if (const GazetteerEntry* hit = capitals_entry(gazetteer, n, kind, false)) return hit->canonical;
  // (A person keeps the name as written: the gazetteer renames organisations and places only.)
  if (kind == EntityKind::kPerson) return n;
  if (const GazetteerEntry* e = gazetteer.best(n, kind)) return e->canonical;
  if (kind == EntityKind::kPlace) {
    if (const std::string* place = gazetteer.demonym_place(n)) return *place;
  }
  return n;
}

std::string_view EntityExtractor::tagger_name() const { return model_ ? "perceptron" : "rules"; }

std::vector<Entity> EntityExtractor::extract(const Article& article) const {
  bool english = article.lang.empty() || article.lang == "en";
  if (!english && !latin_capitalised(article.lang)) return {};
  ArticleText text(article);
  if (!english) {
    text.tags = gazetteer_tags(text.doc, *gazetteer_);
  } else if (model_) {
    text.tags = model_->tag(text.doc, gazetteer_.get(), &text.beliefs);
  } else {
    text.tags = rules_tag(text.doc, *gazetteer_);
  }
  join_touching_chunks(text.doc, text.tags);
  split_organisation_pairs(text.doc, text.tags);
  join_particles(text.doc, text.tags);
  Findings findings = MentionFinder(text, *gazetteer_, model_.get()).find();
  std::vector<Found>& found = findings.found;
  add_demonym_mentions(text, *gazetteer_, found);
  for (Found& f : found) canonicalise(f, findings, *gazetteer_, model_ == nullptr);
  const std::vector<std::pair<std::string, std::string>> short_forms = link_short_forms(found, *gazetteer_);
  type_full_person_names(found);
  return group_entities(found, findings, short_forms);
}

}  // namespace gazette
