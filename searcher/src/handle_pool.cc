// SPDX-License-Identifier: GPL-2.0-or-later
// The pool of Xapian handles: opening, schema check, reopening after commits and rebuilds.
#include "handle_pool.h"

#include <sys/stat.h>

#include "gazette/common/schema.h"

namespace gazette::searcher {

namespace {

std::shared_ptr<const EntityAliases> load_aliases(const Xapian::Database& db,
                                                  const std::shared_ptr<const Gazetteer>& gazetteer) {
  return std::make_shared<const EntityAliases>(EntityAliases::load(db, gazetteer));
}

// The folder's device and inode: a rebuild swaps a new database in under the same path, and a
// handle of the old one must then be opened anew (Xapian's reopen() would read the new
// revision's blocks from the old files: "EOF reading block").
// A stub folder's stub file counts too: xapian-replicate switches a replica to a new copy by
// rewriting its XAPIANDB (rename), and the old copy's folder is then deleted.
std::uint64_t path_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  std::uint64_t id = (static_cast<std::uint64_t>(st.st_dev) << 40) ^ static_cast<std::uint64_t>(st.st_ino);
  struct stat stub {};
  if (S_ISDIR(st.st_mode) && ::stat((path + "/XAPIANDB").c_str(), &stub) == 0) {
    id ^= static_cast<std::uint64_t>(stub.st_ino) * 0x9E3779B97F4A7C15ULL;
  }
  return id;
}

}  // namespace

namespace {

void check_schema(const Xapian::Database& db, const std::string& path) {
  std::string version = db.get_metadata(std::string(schema::kSchemaVersionKey));
  if (version != std::to_string(schema::kSchemaVersion)) {
    throw IndexError(path + ": database schema version " + (version.empty() ? "(none)" : version) +
                     ", this gazette-search reads version " + std::to_string(schema::kSchemaVersion) +
                     "; rebuild it with gazette-index build --rebuild");
  }
}

}  // namespace

Xapian::Database open_database(const std::string& path) {
  Xapian::Database db;
  try {
    db = Xapian::Database(path);
  } catch (const Xapian::DatabaseNotFoundError&) {
    throw IndexError(path + ": no Gazette database here (build one with gazette-index build)");
  } catch (const Xapian::Error& e) {
    throw IndexError(path + ": cannot open database: " + e.get_description());
  }
  check_schema(db, path);
  return db;
}

void HandlePool::open(Handle& h) {
  h.identity = path_identity(path_);
  if (std::optional<std::vector<ShardSpec>> specs = read_stub(path_)) {
    try {
      h.shards = std::make_shared<ShardSet>(std::move(*specs));
    } catch (const Xapian::Error& e) {
      throw IndexError(path_ + ": cannot open any of its shards: " + e.get_description());
    }
    h.db = h.shards->db();
    check_schema(h.db, path_);
  } else {
    h.shards.reset();
    h.db = open_database(path_);
  }
  h.aliases = load_aliases(h.db, gazetteer_);
  h.recency_days.reset();
  h.recency.reset();
  h.deciders.reset();
}

void HandlePool::adopt(Handle& h) {
  h.db = h.shards->db();
  h.aliases = load_aliases(h.db, gazetteer_);
  h.recency_days.reset();
  h.recency.reset();
  h.deciders.reset();
}

HandlePool::HandlePool(std::string path) : path_(std::move(path)), gazetteer_(load_default_gazetteer()) {
  release(acquire());
}

std::unique_ptr<Handle> HandlePool::acquire() {
  std::unique_ptr<Handle> h;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      h = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!h) {
    h = std::make_unique<Handle>();
    h->generation = generation_.load();
    open(*h);
  } else if (h->generation != generation_.load()) {
    refresh(*h);
    h->generation = generation_.load();
  }
  // A shard that was down, tried again now and then.
  if (h->shards && h->shards->retry_missing()) adopt(*h);
  return h;
}

void HandlePool::refresh(Handle& h) {
  if (path_identity(path_) != h.identity) {
    open(h);
    return;
  }
  try {
    if (h.shards) {
      if (h.shards->reopen()) adopt(h);
    } else if (h.db.reopen()) {
      h.aliases = load_aliases(h.db, gazetteer_);
      h.recency_days.reset();
      h.recency.reset();
    }
  } catch (const Xapian::Error& e) {
    throw IndexError(path_ + ": cannot reopen database: " + e.get_description());
  }
}

HandlePool::~HandlePool() {
  stop_ = true;
  std::thread builder;
  {
    std::lock_guard lock(table_mutex_);
    builder = std::move(table_builder_);
  }
  if (builder.joinable()) builder.join();
}

std::shared_ptr<const FacetTable> HandlePool::facet_table(const Handle& h) {
  std::pair<std::string, Xapian::rev> wanted;
  try {
    wanted = {h.db.get_uuid(), h.db.get_revision()};
  } catch (const Xapian::Error&) {
    return nullptr;  // several shards: no one revision
  }
  std::lock_guard lock(table_mutex_);
  if (table_ && table_->uuid() == wanted.first && table_->revision() == wanted.second) return table_;
  if (!building_ && tried_ != wanted) {
    if (table_builder_.joinable()) table_builder_.join();  // finished: building_ is false
    building_ = true;
    tried_ = wanted;
    table_builder_ = std::thread([this] { build_facet_table(); });
  }
  return nullptr;
}

void HandlePool::build_facet_table() {
  std::shared_ptr<const FacetTable> table;
  try {
    // Its own handle, at the latest revision (a later search of that revision finds it).
    Xapian::Database db = open_database(path_);
    std::shared_ptr<const EntityAliases> aliases = load_aliases(db, gazetteer_);
    table = FacetTable::build(db, aliases.get(), stop_);
  } catch (...) {
    // No table: searches go on counting from each document's slots.
  }
  std::lock_guard lock(table_mutex_);
  if (table) table_ = std::move(table);
  building_ = false;
}

void HandlePool::release(std::unique_ptr<Handle> h) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(h));
}

bool HandlePool::replaced(const Handle& h) const { return path_identity(path_) != h.identity; }

}  // namespace gazette::searcher
