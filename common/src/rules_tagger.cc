// SPDX-License-Identifier: GPL-2.0-or-later
// The rules + gazetteer entity tagger: capitalised spans typed by gazetteers and context.
#include <algorithm>
#include <unordered_set>

#include "gazette/common/ner.h"
#include "gazette/common/text.h"

namespace gazette {
namespace {

bool capitalised(const std::string& w) { return !w.empty() && w[0] >= 'A' && w[0] <= 'Z'; }
bool has_lower(const std::string& w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}
bool acronym(const std::string& w) {
  if (w.size() < 2 || w.size() > 8) return false;
  return std::all_of(w.begin(), w.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == '.' || c == '&'; });
}

const std::unordered_set<std::string>& sentence_starters() {
  // Capitalised only because they open a sentence: never a name on their own.
  static const std::unordered_set<std::string> words = {
      "The",      "A",         "An",        "In",       "On",      "At",        "But",       "And",       "Or",
      "It",       "He",        "She",       "They",     "We",      "I",         "You",       "This",      "That",
      "These",    "Those",     "After",     "Before",   "When",    "While",     "As",        "If",        "For",
      "With",     "From",      "By",        "Of",       "To",      "Meanwhile", "However",   "Also",      "There",
      "Here",     "His",       "Her",       "Their",    "Our",     "Its",       "Some",      "Many",      "Most",
      "Other",    "Others",    "One",       "Two",      "Three",   "Last",      "Next",      "Now",       "Then",
      "So",       "Yet",       "Still",     "Although", "Though",  "Since",     "During",    "Under",     "Over",
      "About",    "According", "Despite",   "Without",  "What",    "Who",       "Why",       "How",       "Where",
      "Which",    "Not",       "No",        "Yes",      "All",     "Both",      "Each",      "Every",     "More",
      "Such",     "Even",      "Only",      "Once",     "Earlier", "Later",     "Today",     "Yesterday", "Tomorrow",
      "Monday",   "Tuesday",   "Wednesday", "Thursday", "Friday",  "Saturday",  "Sunday",    "January",   "February",
      "March",    "April",     "May",       "June",     "July",    "August",    "September", "October",   "November",
      "December", "Mr",        "Mrs",       "Ms",       "Dr"};
  return words;
}

const std::unordered_set<std::string>& person_titles() {
  static const std::unordered_set<std::string> words = {
      "Mr",        "Mr.",      "Mrs",        "Mrs.",     "Ms",         "Ms.",       "Dr",          "Dr.",
      "President", "Minister", "Chancellor", "King",     "Queen",      "Pope",      "Senator",     "Sen.",
      "Governor",  "Gov.",     "General",    "Gen.",     "Judge",      "Professor", "Prof.",       "Sir",
      "Lord",      "Lady",     "Mayor",      "Chairman", "Chairwoman", "Secretary", "Ambassador",  "Prince",
      "Princess",  "Coach",    "leader",     "minister", "president",  "spokesman", "spokeswoman", "chief",
      "director",  "manager",  "striker",    "coach",    "captain",    "CEO",       "Rep.",        "Representative",
      "Premier",   "Sheikh",   "Emperor"};
  return words;
}

const std::unordered_set<std::string>& org_heads() {
  static const std::unordered_set<std::string> words = {
      "Agency",     "Ministry",     "Party",        "Bank",           "Corp",
      "Corp.",      "Corporation",  "Inc",          "Inc.",           "Ltd",
      "Ltd.",       "Group",        "Council",      "Union",          "Association",
      "University", "Institute",    "Committee",    "Commission",     "Company",
      "Co.",        "Systems",      "Times",        "News",           "Post",
      "Federation", "Organisation", "Organization", "Authority",      "Department",
      "Office",     "Court",        "Parliament",   "Congress",       "Senate",
      "Assembly",   "Fund",         "Foundation",   "Airlines",       "Airways",
      "Motors",     "Technologies", "Holdings",     "Club",           "United",
      "FC",         "Robotics",     "Maritime",     "Alliance",       "Service",
      "Network",    "Bureau",       "Board",        "Police",         "Army",
      "Navy",       "Forces",       "Guard",        "Command",        "Centre",
      "Center",     "Ledger",       "Wire",         "Courier",        "Dispatch",
      "Observer",   "Herald",       "Journal",      "Tribune",        "Press",
      "Industries", "Energy",       "Telecom",      "Communications", "Labs",
      "Media",      "Exchange",     "Reserve",      "Council",        "League",
      "Rovers",     "City",         "Academy",      "School",         "College",
      "Hospital",   "Council",      "Cabinet",      "Government",     "Institute"};
  return words;
}

bool connector(const std::string& w) {
  return w == "of" || w == "de" || w == "for" || w == "and" || w == "&" || w == "al" || w == "bin" || w == "van" ||
         w == "von" || w == "du" || w == "del" || w == "la" || w == "der";
}

void label(Tags& tags, std::size_t b, std::size_t e, const char* kind) {
  for (std::size_t i = b; i < e; ++i) tags[i] = std::string(i == b ? "B-" : "I-") + kind;
}

// Words seen in lower case anywhere in the document: ordinary words when they open a sentence.
std::unordered_set<std::string> lower_case_words(const std::vector<Sentence>& doc) {
  std::unordered_set<std::string> lower_forms;
  for (const Sentence& s : doc) {
    for (const std::string& w : s) {
      if (!w.empty() && has_lower(w) && !capitalised(w)) lower_forms.insert(w);
    }
  }
  return lower_forms;
}

// The end of the capitalised span that starts at word b, with connectors inside ("Bank of England").
std::size_t span_end(const Sentence& s, std::size_t b) {
  std::size_t e = b + 1;
  while (e < s.size()) {
    if (capitalised(s[e])) {
      ++e;
    } else if (connector(s[e]) && e + 1 < s.size() && capitalised(s[e + 1])) {
      e += 2;
    } else {
      break;
    }
  }
  return e;
}

// Tags the name [b, e) of `s` (its front words dropped already) by its head word, a title, the
// gazetteer, then its shape and context.
void type_name(const Sentence& s, std::size_t b, std::size_t e, bool titled, bool sentence_initial,
               const Gazetteer& gazetteer, Tags& tags) {
  std::size_t n = e - b;
  std::string phrase;
  for (std::size_t k = b; k < e; ++k) phrase += (k > b ? " " : "") + s[k];
  const std::vector<GazetteerEntry>& whole = gazetteer.lookup(phrase);
  bool org_head = org_heads().count(s[e - 1]) != 0 && n >= 2;
  bool said_after = e < s.size() && (s[e] == "said" || s[e] == "says" || s[e] == "told");
  bool place_before =
      b > 0 && (s[b - 1] == "in" || s[b - 1] == "from" || s[b - 1] == "near" || s[b - 1] == "at" || s[b - 1] == "to");

  if (org_head) {
    label(tags, b, e, "ORG");
  } else if (titled) {
    label(tags, b, e, "PER");
  } else if (!whole.empty()) {
    // A person-typed name after "in" is more likely the place of the same name.
    const GazetteerEntry* loc = gazetteer.best(phrase, EntityKind::kPlace);
    label(tags, b, e, place_before && loc != nullptr ? "LOC" : conll_tag(whole.front().kind));
  } else if (n == 1 && acronym(s[b])) {
    label(tags, b, e, "ORG");
  } else {
    // Known names inside the span (longest first), the rest by shape and context.
    Sentence part(s.begin() + static_cast<long>(b), s.begin() + static_cast<long>(e));
    std::vector<std::string> gaz = gazetteer.match(part);
    bool any = std::any_of(gaz.begin(), gaz.end(), [](const std::string& g) { return !g.empty(); });
    if (any) {
      for (std::size_t k = 0; k < gaz.size(); ++k) {
        if (!gaz[k].empty()) tags[b + k] = gaz[k];
      }
    } else if (n >= 2 && n <= 4) {
      label(tags, b, e, "PER");  // "Lee Jae Myung", "Elena Marchetti"
    } else if (n == 1 && (said_after || !sentence_initial)) {
      // A lone unknown capitalised word mid-sentence: a person if it speaks, else skip.
      if (said_after) label(tags, b, e, "PER");
    }
  }
}

// Tags the capitalised span [b, e) of `s`: sentence starters, "The" and titles at its front are
// dropped (titles are person evidence), and a lone word that opens the sentence and is seen in
// lower case elsewhere is no name ("Reading the report...").
void tag_span(const Sentence& s, std::size_t b, std::size_t e, const std::unordered_set<std::string>& lower_forms,
              const Gazetteer& gazetteer, Tags& tags) {
  bool titled = b > 0 && person_titles().count(s[b - 1]) != 0;
  while (b < e && (sentence_starters().count(s[b]) != 0 || person_titles().count(s[b]) != 0)) {
    titled = titled || person_titles().count(s[b]) != 0;
    ++b;
  }
  if (b >= e) return;
  bool sentence_initial = b == 0 || (b == 1 && !capitalised(s[0]) && !has_lower(s[0]));
  if (e - b == 1 && sentence_initial && lower_forms.count(ascii_lower(s[b])) != 0) return;
  type_name(s, b, e, titled, sentence_initial, gazetteer, tags);
}

}  // namespace

std::vector<Tags> rules_tag(const std::vector<Sentence>& doc, const Gazetteer& gazetteer) {
  const std::unordered_set<std::string> lower_forms = lower_case_words(doc);
  std::vector<Tags> out;
  for (const Sentence& s : doc) {
    Tags tags(s.size(), "O");
    // Headlines in capitals carry no capitalisation evidence.
    bool all_caps = std::none_of(s.begin(), s.end(), [](const std::string& w) { return has_lower(w); });
    for (std::size_t i = 0; i < s.size() && !all_caps;) {
      if (!capitalised(s[i])) {
        ++i;
        continue;
      }
      std::size_t e = span_end(s, i);
      tag_span(s, i, e, lower_forms, gazetteer, tags);
      i = e;
    }
    out.push_back(std::move(tags));
  }
  return out;
}

}  // namespace gazette
