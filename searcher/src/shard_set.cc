// SPDX-License-Identifier: GPL-2.0-or-later
// Stub files read by Gazette, and the set of shards that answer.
#include "shard_set.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gazette::searcher {
namespace fs = std::filesystem;
namespace {

// "HOST:PORT" -> spec; false when it is not that.
bool parse_tcp(const std::string& where, ShardSpec& spec) {
  std::size_t colon = where.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  unsigned port = 0;
  const char* begin = where.data() + colon + 1;
  const char* end = where.data() + where.size();
  auto [p, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || p != end || port == 0 || port > 65535) return false;
  spec.host = where.substr(0, colon);
  spec.port = port;
  return true;
}

}  // namespace

std::optional<std::vector<ShardSpec>> read_stub(const std::string& path) {
  std::error_code ec;
  fs::path stub = path;
  if (fs::is_directory(stub, ec)) {
    stub /= "XAPIANDB";
    if (!fs::is_regular_file(stub, ec)) return std::nullopt;  // a database folder
  } else if (!fs::is_regular_file(stub, ec)) {
    return std::nullopt;
  }
  std::ifstream in(stub);
  if (!in) return std::nullopt;
  const fs::path base = stub.parent_path();
  std::vector<ShardSpec> specs;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string kind, where, extra;
    words >> kind >> where;
    if (kind == "remote" && where == "tcp") words >> where;
    if (words >> extra) return std::nullopt;
    ShardSpec spec;
    spec.name = line;
    if ((kind == "auto" || kind == "glass") && !where.empty()) {
      spec.path = fs::path(where).is_absolute() ? where : (base / where).string();
    } else if (kind != "remote" || !parse_tcp(where, spec)) {
      return std::nullopt;  // another form (a program, another backend): Xapian opens it
    }
    specs.push_back(std::move(spec));
  }
  if (specs.empty()) return std::nullopt;
  return specs;
}

ShardSet::ShardSet(std::vector<ShardSpec> specs) : last_retry_(std::chrono::steady_clock::now()) {
  std::string first_error;
  for (ShardSpec& spec : specs) shards_.push_back({std::move(spec), std::nullopt});
  for (Shard& s : shards_) {
    try {
      open(s);
    } catch (const Xapian::Error& e) {
      if (first_error.empty()) first_error = s.spec.name + ": " + e.get_description();
    }
  }
  bool any = false;
  for (const Shard& s : shards_) any = any || s.db.has_value();
  if (!any) throw Xapian::NetworkError(first_error.empty() ? "no shard" : first_error);
  combine();
}

bool ShardSet::open(Shard& s) {
  if (s.spec.path.empty()) {
    s.db = Xapian::Remote::open(s.spec.host, s.spec.port, kRemoteTimeoutMs, kRemoteConnectMs);
  } else {
    s.db = Xapian::Database(s.spec.path);
  }
  return true;
}

void ShardSet::combine() {
  db_ = Xapian::Database();
  for (const Shard& s : shards_) {
    if (s.db) db_.add_database(*s.db);
  }
}

std::vector<std::string> ShardSet::missing() const {
  std::vector<std::string> out;
  for (const Shard& s : shards_) {
    if (!s.db) out.push_back(s.spec.name);
  }
  return out;
}

bool ShardSet::drop_dead() {
  // Every remote shard gets a new connection: a failed request can leave the others' connections
  // mid-conversation (their replies unread), so only one that cannot be reached again is down.
  bool any_remote = false;
  for (Shard& s : shards_) {
    if (!s.db || !s.spec.path.empty()) continue;
    any_remote = true;
    try {
      open(s);
    } catch (const Xapian::Error&) {
      s.db.reset();
    }
  }
  if (!any_remote) return false;
  combine();
  last_retry_ = std::chrono::steady_clock::now();
  bool any = false;
  for (const Shard& s : shards_) any = any || s.db.has_value();
  return any;
}

bool ShardSet::retry_missing() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_retry_ < kShardRetry) return false;
  last_retry_ = now;
  bool back = false;
  for (Shard& s : shards_) {
    if (s.db) continue;
    try {
      back = open(s) || back;
    } catch (const Xapian::Error&) {
      s.db.reset();
    }
  }
  if (back) combine();
  return back;
}

bool ShardSet::reopen() {
  bool changed = false;
  for (Shard& s : shards_) {
    if (!s.db) continue;
    try {
      changed = s.db->reopen() || changed;
    } catch (const Xapian::Error&) {
      s.db.reset();
      changed = true;
    }
  }
  if (changed) combine();
  return changed;
}

}  // namespace gazette::searcher
