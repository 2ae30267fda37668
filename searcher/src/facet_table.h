// SPDX-License-Identifier: GPL-2.0-or-later
// The facet values of every document of one database revision as small integers, so that
// counting a match is a few array increments instead of reading and decoding its value slots.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "facets.h"

namespace gazette::searcher {

class EntityAliases;

// Immutable once built; thread-safe to read.
class FacetTable {
 public:
  // One field: each document's value ids (offsets[docid] .. offsets[docid + 1] in ids), the value
  // of each id as FacetCollector counts it (entity names as the corpus names them, with
  // `aliases`; a document's value once), and the ids of each folded value (for filters).
  struct Field {
    std::vector<std::uint32_t> offsets;
    std::vector<std::uint32_t> ids;
    std::vector<std::string> names;
    std::unordered_map<std::string, std::vector<std::uint32_t>> by_folded;
  };

  // Reads every document's facet slots of `db` (one database, not a stub) with the aliases of
  // the same revision. Returns nullptr when `stop` becomes true first.
  static std::shared_ptr<const FacetTable> build(const Xapian::Database& db, const EntityAliases* aliases,
                                                 const std::atomic<bool>& stop);

  const Field& field(FacetField f) const { return fields_[static_cast<std::size_t>(f)]; }
  // The database revision and uuid the table was read from: a handle may use it only when its
  // own are the same.
  Xapian::rev revision() const { return revision_; }
  const std::string& uuid() const { return uuid_; }
  Xapian::docid last_docid() const { return last_docid_; }
  std::size_t bytes() const;  // memory held

 private:
  std::array<Field, 7> fields_;  // by FacetField
  Xapian::rev revision_ = 0;
  std::string uuid_;
  Xapian::docid last_docid_ = 0;
};

}  // namespace gazette::searcher
