// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-build-gazetteer: writes the entity gazetteer from Debian data at build time.
// Sources: iso-codes (countries, subdivisions), CLDR (English territory names), tzdata (zone
// cities), libgeonames (cities of 15,000+ people, with population) and WordNet (instance nouns
// typed as people, places and groups), plus the project's small aliases.tsv.
// Output lines: KIND \t ALIAS \t CANONICAL \t WEIGHT \t SOURCE, KIND one of PER, ORG, LOC, or
// DEM for demonyms ("Japanese" -> Japan).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <geonames/geonames.h>

#include "iso_codes_json.h"

namespace {

struct Entry {
  std::string kind, alias, canonical;
  long long weight;
  std::string source;
};

std::vector<Entry> g_entries;

void add(const std::string& kind, std::string alias, const std::string& canonical, long long weight,
         const std::string& source) {
  while (!alias.empty() && alias.back() == ' ') alias.pop_back();
  if (alias.empty() || canonical.empty() || alias.find('\t') != std::string::npos) return;
  g_entries.push_back({kind, alias, canonical, weight, source});
}

std::string xml_unescape(std::string s) {
  const std::pair<const char*, const char*> kEntities[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}};
  for (const auto& [from, to] : kEntities) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + 1)) {
      s = s.substr(0, p) + to + s.substr(p + std::string(from).size());
    }
  }
  return s;
}

// CLDR en.xml: <territory type="KP">North Korea</territory>, alt="short"/"variant" as aliases.
// Returns alpha-2 -> English name.
std::map<std::string, std::string> read_cldr_territories(const std::string& path) {
  std::map<std::string, std::string> names;
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::string line;
  bool inside = false;
  std::vector<std::tuple<std::string, std::string, std::string>> alts;  // type, alt, name
  while (std::getline(in, line)) {
    if (line.find("<territories>") != std::string::npos) inside = true;
    if (line.find("</territories>") != std::string::npos) break;
    if (!inside) continue;
    std::size_t t = line.find("<territory type=\"");
    if (t == std::string::npos) continue;
    std::size_t type_end = line.find('"', t + 17);
    std::string type = line.substr(t + 17, type_end - t - 17);
    std::string alt;
    std::size_t a = line.find("alt=\"");
    if (a != std::string::npos) alt = line.substr(a + 5, line.find('"', a + 5) - a - 5);
    std::size_t gt = line.find('>', t);
    std::size_t lt = line.find("</territory>", gt);
    if (gt == std::string::npos || lt == std::string::npos) continue;
    std::string name = xml_unescape(line.substr(gt + 1, lt - gt - 1));
    if (alt.empty()) {
      names[type] = name;
    } else {
      alts.emplace_back(type, alt, name);
    }
  }
  for (const auto& [type, alt, name] : alts) {
    auto it = names.find(type);
    if (it != names.end() && (alt == "short" || alt == "variant")) add("LOC", name, it->second, 900000000, "cldr");
  }
  return names;
}

void read_iso_and_cldr(const std::string& iso_dir, const std::string& cldr_en) {
  std::map<std::string, std::string> cldr = read_cldr_territories(cldr_en);
  std::map<std::string, std::string> country_of;  // alpha-2 -> canonical
  for (const auto& c : gazette::tools::read_iso_3166_1(iso_dir + "/iso_3166-1.json")) {
    std::string canonical = cldr.count(c.alpha2) ? cldr[c.alpha2] : !c.common_name.empty() ? c.common_name : c.name;
    country_of[c.alpha2] = canonical;
    add("LOC", canonical, canonical, 1000000000, "cldr");
    for (const std::string& n : {c.name, c.official_name, c.common_name}) {
      if (!n.empty() && n.find(',') == std::string::npos) add("LOC", n, canonical, 1000000000, "iso-codes");
    }
  }
  // Continents and world regions (numeric CLDR codes): "Europe", "Southeast Asia".
  for (const auto& [code, name] : cldr) {
    if (!code.empty() && code[0] >= '0' && code[0] <= '9' && name != "world") add("LOC", name, name, 800000000, "cldr");
  }
  for (const auto& s : gazette::tools::read_iso_3166_2(iso_dir + "/iso_3166-2.json")) {
    // Names like "Seoul-teukbyeolsi" or "Bayern": keep them, the CLDR/tz/geonames names cover the rest.
    if (s.name.find(',') == std::string::npos) add("LOC", s.name, s.name, 2000000, "iso-codes");
  }
}

// tzdata: "KR\t+3733+12658\tAsia/Seoul" -> Seoul.
void read_tz(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string cc, coord, tz;
    std::getline(fields, cc, '\t');
    std::getline(fields, coord, '\t');
    std::getline(fields, tz, '\t');
    std::size_t slash = tz.rfind('/');
    if (slash == std::string::npos) continue;
    std::string city = tz.substr(slash + 1);
    for (char& ch : city) ch = ch == '_' ? ' ' : ch;
    add("LOC", city, city, 500000, "tzdata");
  }
}

void read_geonames() {
  int n = geonames_get_n_cities();
  for (int i = 0; i < n; ++i) {
    GeonamesCity* c = geonames_get_city(i);
    if (c == nullptr) continue;
    std::string name = geonames_city_get_name(c);
    add("LOC", name, name, static_cast<long long>(geonames_city_get_population(c)), "geonames");
    geonames_city_free(c);
  }
}

// WordNet data.noun: instance nouns (@i pointers) of lexicographer files noun.group (14),
// noun.location (15) and noun.person (18), capitalised words only.
void read_wordnet(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == ' ') continue;
    if (line.find(" @i ") == std::string::npos) continue;
    std::istringstream f(line);
    std::string offset, lexfile, type, count_hex;
    f >> offset >> lexfile >> type >> count_hex;
    const char* kind = lexfile == "18" ? "PER" : lexfile == "15" ? "LOC" : lexfile == "14" ? "ORG" : nullptr;
    if (kind == nullptr) continue;
    int count = std::stoi(count_hex, nullptr, 16);
    std::vector<std::string> words;
    for (int i = 0; i < count; ++i) {
      std::string word, lex_id;
      f >> word >> lex_id;
      for (char& ch : word) ch = ch == '_' ? ' ' : ch;
      if (!word.empty() && word[0] >= 'A' && word[0] <= 'Z') words.push_back(word);
    }
    if (words.empty()) continue;
    // WordNet types a name; it does not name it well ("Vladimir Vladimirovich Putin",
    // "American capital"), so each form stands for itself and the extractor links forms.
    for (const std::string& w : words) add(kind, w, w, 10000, "wordnet");
  }
}

// WordNet data.adj: capitalised adjectives that pertain ("\\" pointer) to a place noun are
// demonyms: "Japanese" -> "Japan", "North Korean" -> "North Korea". Written as kind DEM.
void read_demonyms(const std::string& noun_path, const std::string& adj_path) {
  std::map<std::string, std::pair<std::string, std::string>> nouns;  // offset -> (lexfile, first word)
  {
    std::ifstream in(noun_path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == ' ') continue;
      std::istringstream f(line);
      std::string offset, lexfile, type, count, word;
      f >> offset >> lexfile >> type >> count >> word;
      for (char& ch : word) ch = ch == '_' ? ' ' : ch;
      nouns.emplace(offset, std::make_pair(lexfile, word));
    }
  }
  std::ifstream in(adj_path);
  if (!in) throw std::runtime_error(adj_path + ": cannot open");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == ' ') continue;
    std::istringstream f(line);
    std::string offset, lexfile, type, count_hex;
    f >> offset >> lexfile >> type >> count_hex;
    int count = std::stoi(count_hex, nullptr, 16);
    std::vector<std::string> words;
    for (int i = 0; i < count; ++i) {
      std::string word, lex_id;
      f >> word >> lex_id;
      std::size_t paren = word.find('(');
      if (paren != std::string::npos) word.resize(paren);  // "Japanese(a)" markers
      for (char& ch : word) ch = ch == '_' ? ' ' : ch;
      if (!word.empty() && word[0] >= 'A' && word[0] <= 'Z') words.push_back(word);
    }
    int pointers = 0;
    f >> pointers;
    for (int p = 0; p < pointers; ++p) {
      std::string symbol, target, pos, source_target;
      f >> symbol >> target >> pos >> source_target;
      if (symbol != "\\" || pos != "n") continue;
      auto it = nouns.find(target);
      if (it == nouns.end() || it->second.first != "15") continue;  // noun.location only
      for (const std::string& w : words) add("DEM", w, it->second.second, 10000, "wordnet");
    }
  }
}

std::size_t common_prefix(const std::string& a, const std::string& b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

// WordNet's pertainyms often point at a former or a partial name ("Russian" -> Soviet Union,
// "Chinese" -> Taiwan). An adjective made from a place's own name ("Russia" + n, "Chin" + ese:
// a shared prefix of at least 4 letters and all but 1 of the name) names that place, when it is
// a country at least as well known as WordNet's target, and
// the target's name is not of that form itself.
void resolve_demonyms() {
  std::map<std::string, std::pair<long long, std::string>> places;  // LOC alias -> (weight, canonical)
  for (const Entry& e : g_entries) {
    if (e.kind != "LOC") continue;
    auto& best = places[e.alias];
    if (e.weight > best.first) best = {e.weight, e.canonical};
  }
  auto derived = [](const std::string& adjective, const std::string& name) {
    std::size_t shared = common_prefix(adjective, name);
    return name.size() <= adjective.size() + 1 && shared >= 4 && shared + 1 >= name.size();
  };
  for (Entry& e : g_entries) {
    // Kept when the target is already of that form, or named after the adjective ("Dominican
    // Republic").
    if (e.kind != "DEM" || derived(e.alias, e.canonical) || e.canonical.rfind(e.alias + " ", 0) == 0) continue;
    long long target = 0;
    if (auto it = places.find(e.canonical); it != places.end()) target = it->second.first;
    const std::pair<long long, std::string>* pick = nullptr;
    for (auto it = places.lower_bound(e.alias.substr(0, 4));
         it != places.end() && it->first.compare(0, 4, e.alias, 0, 4) == 0; ++it) {
      // Countries only (a town "Balta" or a province "Araba" must not take "Baltic", "Arabian").
      if (!derived(e.alias, it->first) || it->second.first < std::max(target, 1000000000LL)) continue;
      if (pick == nullptr || it->second.first > pick->first) pick = &it->second;
    }
    if (pick != nullptr) e.canonical = pick->second;
  }
}

void read_aliases(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream f(line);
    std::string kind, alias, canonical;
    std::getline(f, kind, '\t');
    std::getline(f, alias, '\t');
    std::getline(f, canonical, '\t');
    add(kind, alias, canonical, 2000000000, "gazette");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: gazette-build-gazetteer OUT ISO_CODES_JSON_DIR CLDR_EN_XML ZONE_TAB WORDNET_DATA_NOUN "
                 "ALIASES_TSV\n";
    return 2;
  }
  try {
    read_aliases(argv[6]);
    read_iso_and_cldr(argv[2], argv[3]);
    read_tz(argv[4]);
    read_geonames();
    read_wordnet(argv[5]);
    std::string noun_path = argv[5];
    read_demonyms(noun_path, noun_path.substr(0, noun_path.rfind('/') + 1) + "data.adj");
    resolve_demonyms();
  } catch (const std::exception& e) {
    std::cerr << "gazette-build-gazetteer: " << e.what() << '\n';
    return 1;
  }
  // One line per (kind, alias, canonical), keeping the highest weight.
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<long long, std::string>> best;
  for (const Entry& e : g_entries) {
    auto key = std::make_tuple(e.kind, e.alias, e.canonical);
    auto it = best.find(key);
    if (it == best.end() || it->second.first < e.weight) best[key] = {e.weight, e.source};
  }
  std::string tmp = std::string(argv[1]) + ".tmp";
  {
    std::ofstream out(tmp);
    out << "# Gazette gazetteer, generated by gazette-build-gazetteer from Debian data; see README.md\n";
    for (const auto& [key, value] : best) {
      out << std::get<0>(key) << '\t' << std::get<1>(key) << '\t' << std::get<2>(key) << '\t' << value.first << '\t'
          << value.second << '\n';
    }
    if (!out) {
      std::cerr << "gazette-build-gazetteer: cannot write " << tmp << '\n';
      return 1;
    }
  }
  std::rename(tmp.c_str(), argv[1]);
  std::cerr << "gazette-build-gazetteer: " << best.size() << " names\n";
  return 0;
}
