// SPDX-License-Identifier: GPL-2.0-or-later
// The gazetteer: loading, exact lookup, and longest capitalised matches over a sentence.
#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "gazette/common/error.h"
#include "gazette/common/hash.h"
#include "gazette/common/ner.h"

namespace gazette {
namespace {

bool starts_capitalised(std::string_view w) {
  if (w.empty()) return false;
  auto c = static_cast<unsigned char>(w[0]);
  return (c >= 'A' && c <= 'Z') || c >= 0xC3;  // non-ASCII letters: evidence is the gazetteer itself
}

bool is_connector(std::string_view w) {
  return w == "of" || w == "de" || w == "the" || w == "and" || w == "du" || w == "la" || w == "von" || w == "van" ||
         w == "del" || w == "al" || w == "for" || w == "on" || w == "&";
}

}  // namespace

Gazetteer Gazetteer::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw DataError(path + ": cannot open gazetteer");
  Gazetteer g;
  std::string line;
  int n = 0;
  std::vector<std::pair<std::string, std::string>> demonyms;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream f(line);
    std::string kind, alias, canonical, weight;
    std::getline(f, kind, '\t');
    std::getline(f, alias, '\t');
    std::getline(f, canonical, '\t');
    std::getline(f, weight, '\t');
    if (kind == "DEM") {
      demonyms.emplace_back(alias, canonical);
      continue;
    }
    EntityKind k;
    long long w = 0;
    auto [end, ec] = std::from_chars(weight.data(), weight.data() + weight.size(), w);
    if (!parse_kind(kind, k) || alias.empty() || canonical.empty() || ec != std::errc() ||
        end != weight.data() + weight.size()) {
      throw DataError(path + ":" + std::to_string(n) + ": malformed gazetteer line");
    }
    g.add(k, alias, canonical, w);
  }
  for (const auto& [adjective, place] : demonyms) g.add_demonym(adjective, place);
  return g;
}

void Gazetteer::filter_add(std::string_view alias) {
  // Every prefix that ends at a word boundary, and the whole alias.
  auto add_key = [this](std::uint64_t hash) {
    filter_[(hash >> 6) & filter_mask_] |= std::uint64_t{1} << (hash & 63);
    ++filter_count_;
  };
  for (std::size_t space = alias.find(' '); space != std::string_view::npos; space = alias.find(' ', space + 1)) {
    add_key(fnv1a64(alias.substr(0, space)));
  }
  add_key(fnv1a64(alias));
}

void Gazetteer::add(EntityKind kind, const std::string& alias, const std::string& canonical, long long weight) {
  auto [it, inserted] = names_.try_emplace(alias);
  if (inserted) {
    std::size_t keys = 1 + static_cast<std::size_t>(std::count(alias.begin(), alias.end(), ' '));
    if ((filter_count_ + keys) * 16 > filter_.size() * 64) {
      std::size_t words = std::max<std::size_t>(filter_.size() * 2, 1024);
      while ((filter_count_ + keys) * 16 > words * 64) words *= 2;
      filter_.assign(words, 0);
      filter_mask_ = words - 1;
      filter_count_ = 0;
      for (const auto& [name, entries] : names_) filter_add(name);  // the new alias among them
    } else {
      filter_add(alias);
    }
  }
  std::vector<GazetteerEntry>& entries = it->second;
  entries.push_back({kind, canonical, weight});
  std::stable_sort(entries.begin(), entries.end(),
                   [](const GazetteerEntry& a, const GazetteerEntry& b) { return a.weight > b.weight; });
  std::size_t words = 1 + static_cast<std::size_t>(std::count(alias.begin(), alias.end(), ' '));
  max_words_ = std::min<std::size_t>(6, std::max(max_words_, words));
}

void Gazetteer::add_demonym(const std::string& adjective, const std::string& place) {
  // Resolve the place to its canonical name now ("Korea" -> its alias target).
  const GazetteerEntry* e = best(place, EntityKind::kPlace);
  demonyms_[adjective] = e != nullptr ? e->canonical : place;
}

const std::string* Gazetteer::demonym_place(std::string_view adjective) const {
  auto it = demonyms_.find(adjective);
  return it == demonyms_.end() ? nullptr : &it->second;
}

const std::vector<GazetteerEntry>& Gazetteer::lookup(std::string_view alias) const {
  static const std::vector<GazetteerEntry> kNone;
  auto it = names_.find(alias);
  return it == names_.end() ? kNone : it->second;
}

const GazetteerEntry* Gazetteer::best(std::string_view alias, EntityKind kind) const {
  for (const GazetteerEntry& e : lookup(alias)) {
    if (e.kind == kind) return &e;
  }
  return nullptr;
}

std::vector<std::string> Gazetteer::match(const Sentence& words) const {
  std::vector<std::string> out(words.size());
  for (std::size_t i = 0; i < words.size();) {
    std::size_t matched = 0;
    const GazetteerEntry* entry = nullptr;
    if (starts_capitalised(words[i])) {
      std::string key;
      std::uint64_t x = kFnv1a64Basis;  // FNV-1a of the words so far, as filter_add hashes
      for (std::size_t n = 1; n <= max_words_ && i + n <= words.size(); ++n) {
        const std::string& w = words[i + n - 1];
        if (n > 1) {
          if (!starts_capitalised(w) && !is_connector(w)) break;
          x = fnv1a64(" ", x);
        }
        x = fnv1a64(w, x);
        if (n > 1) key.push_back(' ');
        key += w;
        if (!filter_has(x)) break;             // no alias is these words or starts with them
        if (!starts_capitalised(w)) continue;  // a connector ends no name
        const std::vector<GazetteerEntry>& hits = lookup(key);
        if (!hits.empty()) {
          matched = n;
          entry = &hits.front();
        }
      }
    }
    if (matched == 0) {
      ++i;
      continue;
    }
    std::string kind = conll_tag(entry->kind);
    for (std::size_t k = 0; k < matched; ++k) out[i + k] = (k == 0 ? "B-" : "I-") + kind;
    i += matched;
  }
  return out;
}

}  // namespace gazette
