// SPDX-License-Identifier: GPL-2.0-or-later
// Building the per-document facet table from the value streams of one revision.
#include "facet_table.h"

#include "aliases.h"
#include "gazette/common/analyzer.h"

namespace gazette::searcher {

namespace {

constexpr FacetField kFields[] = {FacetField::kPeople, FacetField::kOrganizations, FacetField::kPlaces,
                                  FacetField::kSource, FacetField::kSection,       FacetField::kLanguage,
                                  FacetField::kDate};

}  // namespace

std::shared_ptr<const FacetTable> FacetTable::build(const Xapian::Database& db, const EntityAliases* aliases,
                                                    const std::atomic<bool>& stop) {
  if (stop.load()) return nullptr;
  auto table = std::make_shared<FacetTable>();
  table->revision_ = db.get_revision();
  table->uuid_ = db.get_uuid();
  table->last_docid_ = db.get_lastdocid();
  const FacetValues values(aliases);
  // One cursor per slot, read in docid order alongside the list of every document.
  std::array<Xapian::ValueIterator, 7> cursor;
  std::array<std::string, 7> raw;
  std::array<StringMap<std::uint32_t>, 7> id_of;
  for (FacetField f : kFields) {
    auto i = static_cast<std::size_t>(f);
    cursor[i] = db.valuestream_begin(facet_slot(f));
    table->fields_[i].offsets.assign(static_cast<std::size_t>(table->last_docid_) + 2, 0);
  }
  Xapian::docid next = 0;  // the first docid whose offsets are not yet set
  auto mark_until = [&](Xapian::docid did) {
    for (; next <= did; ++next) {
      for (Field& field : table->fields_) field.offsets[next] = static_cast<std::uint32_t>(field.ids.size());
    }
  };
  std::size_t seen = 0;
  for (auto d = db.postlist_begin(""); d != db.postlist_end(""); ++d) {
    if ((++seen & 1023) == 0 && stop.load(std::memory_order_relaxed)) return nullptr;
    const Xapian::docid did = *d;
    mark_until(did);
    for (std::size_t i = 0; i < cursor.size(); ++i) {
      raw[i].clear();
      if (cursor[i] == db.valuestream_end(0)) continue;
      if (cursor[i].get_docid() < did) cursor[i].skip_to(did);
      if (cursor[i] != db.valuestream_end(0) && cursor[i].get_docid() == did) raw[i] = *cursor[i];
    }
    auto raw_of = [&](FacetField f) -> std::string_view { return raw[static_cast<std::size_t>(f)]; };
    for (FacetField f : kFields) {
      auto i = static_cast<std::size_t>(f);
      Field& field = table->fields_[i];
      values.each(f, raw_of, [&](std::string_view v) {
        auto it = id_of[i].find(v);
        if (it == id_of[i].end()) {
          it = id_of[i].emplace(std::string(v), static_cast<std::uint32_t>(field.names.size())).first;
          field.names.emplace_back(v);
        }
        field.ids.push_back(it->second);
      });
    }
  }
  mark_until(table->last_docid_ + 1);
  for (Field& field : table->fields_) {
    for (std::size_t id = 0; id < field.names.size(); ++id) {
      field.by_folded[fold_case(field.names[id])].push_back(static_cast<std::uint32_t>(id));
    }
  }
  return table;
}

std::size_t FacetTable::bytes() const {
  std::size_t n = 0;
  for (const Field& f : fields_) {
    n += (f.offsets.capacity() + f.ids.capacity()) * sizeof(std::uint32_t);
    for (const std::string& name : f.names) n += name.capacity() + sizeof(std::string);
    n += f.by_folded.size() * 64;
  }
  return n;
}

}  // namespace gazette::searcher
