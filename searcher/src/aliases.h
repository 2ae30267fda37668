// SPDX-License-Identifier: GPL-2.0-or-later
// Corpus-wide entity aliases: which names of people and organisations are one entity across
// articles, from the evidence the indexer records in every article (schema.h, kAcronymPrefix).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <xapian.h>

#include "gazette/common/entities.h"

namespace gazette {
class Gazetteer;
}

namespace gazette::searcher {

// The aliases of a database, read from its evidence terms (their term frequencies count the
// articles that give each piece of evidence, in every shard, as articles come and go):
// - An acronym is its definition's name when some article defines it ("Baltic Energy Agency
//   (BEA)") and at least two thirds of the articles that define it agree: "BEA" in any article is
//   then the Baltic Energy Agency, of the same kind.
// - A single word used for a person is that person's full name when, across the corpus, the
//   articles that use it beside a full name always mean the same one, and no other full name of a
//   person contains the word: "Trump" is Donald Trump when no other Trump is named; "Bush" beside
//   both George Bush and George W. Bush stays as it is. Surnames are never merged on their own.
// - A place or organisation that bears the full name of a person the corpus names (two words or
//   more, "Amara Wekesa") is that person, unless the gazetteer knows the name as that kind.
// Immutable after load; thread-safe to read.
class EntityAliases {
 public:
  static EntityAliases load(const Xapian::Database& db, std::shared_ptr<const Gazetteer> gazetteer = nullptr);

  // The entity's name across the corpus: `name` itself unless a rule above links it.
  std::string canonical(EntityKind kind, std::string_view name) const;
  // Which rule linked a name, with its evidence ("" when none): "acronym: defined as Baltic
  // Energy Agency in 2 of 2 articles".
  std::string rule(EntityKind kind, std::string_view name) const;
  // Every name (as indexed) that is `canonical`, including itself.
  std::vector<std::string> names_of(EntityKind kind, std::string_view canonical) const;
  std::size_t size() const { return to_.size() + full_people_.size(); }

  // The person a place or organisation name is (see above), or "".
  std::string person(EntityKind kind, std::string_view name) const;
  // The place and organisation names (folded) that are this person: (kind, name).
  std::vector<std::pair<EntityKind, std::string>> other_names(std::string_view person) const;

 private:
  struct Link {
    std::string canonical;
    std::string rule;
  };
  static std::string key(EntityKind kind, std::string_view name);  // kind letter + folded name
  std::unordered_map<std::string, Link> to_;
  std::unordered_map<std::string, std::vector<std::string>> from_;  // key of the canonical name -> names
  std::unordered_map<std::string, std::string> full_people_;        // folded full person name -> display
  std::shared_ptr<const Gazetteer> gazetteer_;
};

}  // namespace gazette::searcher
