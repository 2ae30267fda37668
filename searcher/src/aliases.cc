// SPDX-License-Identifier: GPL-2.0-or-later
#include "aliases.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "gazette/common/analyzer.h"
#include "gazette/common/ner.h"
#include "gazette/common/schema.h"

namespace gazette::searcher {
namespace {

// Calls fn(key, name, articles) for every evidence term of a prefix ("key\x01name").
template <typename Fn>
void for_each_evidence(const Xapian::Database& db, std::string_view prefix, Fn&& fn) {
  std::string p(prefix);
  for (auto t = db.allterms_begin(p); t != db.allterms_end(p); ++t) {
    std::string term = *t;
    std::size_t sep = term.find(schema::kAliasSeparator, p.size());
    if (sep == std::string::npos || sep + 1 >= term.size()) continue;
    fn(std::string_view(term).substr(p.size(), sep - p.size()), std::string_view(term).substr(sep + 1),
       t.get_termfreq());
  }
}

}  // namespace

std::string EntityAliases::key(EntityKind kind, std::string_view name) {
  std::string k(1, schema::kind_letter(kind));
  k += fold_case(name);
  return k;
}

EntityAliases EntityAliases::load(const Xapian::Database& db, std::shared_ptr<const Gazetteer> gazetteer) {
  EntityAliases out;
  out.gazetteer_ = std::move(gazetteer);
  auto link = [&out](EntityKind kind, const std::string& name, const std::string& canonical, std::string rule) {
    if (fold_case(name) == fold_case(canonical)) return;
    out.to_[key(kind, name)] = {canonical, std::move(rule)};
  };
  // Acronyms: (kind, acronym) -> definitions with their article counts.
  std::map<std::pair<char, std::string>, std::map<std::string, Xapian::doccount>> acronyms;
  for_each_evidence(db, schema::kAcronymPrefix, [&](std::string_view key, std::string_view name, Xapian::doccount n) {
    if (key.size() < 2) return;
    acronyms[{key[0], std::string(key.substr(1))}][std::string(name)] += n;
  });
  for (const auto& [k, defs] : acronyms) {
    EntityKind kind;
    if (!schema::kind_of_letter(k.first, kind)) continue;
    Xapian::doccount total = 0;
    const std::pair<const std::string, Xapian::doccount>* top = nullptr;
    for (const auto& d : defs) {
      total += d.second;
      if (top == nullptr || d.second > top->second) top = &d;
    }
    if (top == nullptr || 3 * top->second < 2 * total) continue;  // definitions disagree
    link(kind, k.second, top->first,
         "acronym: defined as " + top->first + " in " + std::to_string(top->second) + " of " + std::to_string(total) +
             (total == 1 ? " article" : " articles"));
  }
  // People: the full names each word is part of, and the full names it was used for.
  std::map<std::string, std::set<std::string>> full_names;
  const std::string full_prefix(schema::kFullNamePrefix);
  for (auto t = db.allterms_begin(full_prefix); t != db.allterms_end(full_prefix); ++t) {
    std::string name = (*t).substr(full_prefix.size());
    std::vector<std::string> words;
    for (std::size_t b = 0; b < name.size();) {
      std::size_t end = std::min(name.find(' ', b), name.size());
      if (end > b) words.push_back(name.substr(b, end - b));
      b = end + 1;
    }
    if (words.size() < 2) continue;
    for (const std::string& w : words) full_names[w].insert(name);
    out.full_people_.emplace(fold_case(name), name);
  }
  std::map<std::string, std::map<std::string, Xapian::doccount>> used_for;
  for_each_evidence(db, schema::kShortFormPrefix,
                    [&](std::string_view word, std::string_view name, Xapian::doccount n) {
                      used_for[std::string(word)][std::string(name)] += n;
                    });
  for (const auto& [word, targets] : used_for) {
    if (targets.size() != 1) continue;  // used for two people
    auto names = full_names.find(word);
    if (names == full_names.end() || names->second.size() != 1 || *names->second.begin() != targets.begin()->first) {
      continue;  // another full name has the word too
    }
    Xapian::doccount n = targets.begin()->second;
    link(EntityKind::kPerson, word, targets.begin()->first,
         "short form: beside " + targets.begin()->first + " in " + std::to_string(n) +
             (n == 1 ? " article" : " articles") + ", the only full name with it");
  }
  for (const auto& [k, l] : out.to_) out.from_[std::string(1, k[0]) + fold_case(l.canonical)].push_back(k.substr(1));
  return out;
}

std::string EntityAliases::canonical(EntityKind kind, std::string_view name) const {
  if (to_.empty()) return std::string(name);
  auto it = to_.find(key(kind, name));
  return it == to_.end() ? std::string(name) : it->second.canonical;
}

std::string EntityAliases::rule(EntityKind kind, std::string_view name) const {
  auto it = to_.find(key(kind, name));
  return it == to_.end() ? std::string() : it->second.rule;
}

std::string EntityAliases::person(EntityKind kind, std::string_view name) const {
  if (kind == EntityKind::kPerson || full_people_.empty()) return {};
  auto it = full_people_.find(fold_case(name));
  if (it == full_people_.end()) return {};
  if (gazetteer_ && gazetteer_->best(name, kind) != nullptr) return {};  // also a place (or organisation) by that name
  return canonical(EntityKind::kPerson, it->second);
}

std::vector<std::pair<EntityKind, std::string>> EntityAliases::other_names(std::string_view person) const {
  std::vector<std::pair<EntityKind, std::string>> out;
  std::string folded = fold_case(person);
  auto it = full_people_.find(folded);
  if (it == full_people_.end()) return out;
  for (EntityKind k : {EntityKind::kOrganization, EntityKind::kPlace}) {
    if (!this->person(k, it->second).empty()) out.emplace_back(k, folded);
  }
  return out;
}

std::vector<std::string> EntityAliases::names_of(EntityKind kind, std::string_view canonical) const {
  std::vector<std::string> out{std::string(canonical)};
  auto it = from_.find(key(kind, canonical));
  if (it != from_.end()) {
    for (const std::string& n : it->second) out.push_back(n);  // folded: entity terms fold anyway
  }
  return out;
}

}  // namespace gazette::searcher
