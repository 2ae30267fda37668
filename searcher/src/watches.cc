// SPDX-License-Identifier: GPL-2.0-or-later
// The watch store beside a database (watches.h), its JSON forms, and the evaluation after an
// index run.
#include "gazette/searcher/watches.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "gazette/common/dates.h"
#include "gazette/common/encoding.h"
#include "gazette/common/error.h"
#include "gazette/searcher/request.h"
#include "gazette/searcher/searcher.h"

namespace gazette {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kWatchesFile = "watches.json";
constexpr const char* kMatchesFile = "matches.jsonl";
constexpr const char* kLockFile = "lock";
constexpr int kStoreVersion = 1;

std::string now_iso8601() {
  auto now = std::chrono::system_clock::now();
  return format_iso8601(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// An exclusive flock() on the store's lock file for the life of the object (the kernel drops it
// when the process dies). Creates the store's folder when `create`.
class StoreLock {
 public:
  StoreLock(const std::string& folder, bool create) {
    std::error_code ec;
    if (create) fs::create_directories(folder, ec);
    if (ec) throw IndexError(folder + ": cannot create the watch store: " + ec.message());
    const std::string path = (fs::path(folder) / kLockFile).string();
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw IndexError(path + ": cannot open the watch store's lock: " + std::strerror(errno));
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd_);
      throw IndexError(path + ": cannot lock the watch store: " + std::strerror(err));
    }
  }
  ~StoreLock() { ::close(fd_); }
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

 private:
  int fd_ = -1;
};

void fsync_path(const std::string& path, bool dir) {
  int fd = ::open(path.c_str(), (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) throw IndexError(path + ": cannot open to sync: " + std::strerror(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) throw IndexError(path + ": cannot sync: " + std::strerror(err));
}

// Replaces `path` by `text` in one step (temporary file, fsync, rename, fsync of the folder).
void write_atomically(const std::string& folder, const std::string& name, const std::string& text) {
  const std::string path = (fs::path(folder) / name).string();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc | std::ios::binary);
    out << text;
    out.flush();
    if (!out) throw IndexError(tmp + ": cannot write the watch store");
  }
  fsync_path(tmp, false);
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw IndexError(path + ": cannot replace the watch store: " + ec.message());
  fsync_path(folder, true);
}

json watch_json(const Watch& w) {
  return {{"name", w.name},
          {"query", w.query},
          {"filters", w.filters},
          {"min_score", w.min_score},
          {"id", w.id},
          {"created", w.created},
          {"since_run", w.since_run},
          {"matches", w.matches},
          {"new_matches", w.new_matches},
          {"last_run_matches", w.last_run_matches},
          {"last_match", w.last_match.empty() ? json(nullptr) : json(w.last_match)}};
}

json match_json(const WatchMatch& m) {
  json entities = json::array();
  for (const MatchedEntity& e : m.entities) entities.push_back({{"kind", e.kind}, {"name", e.name}});
  return {{"watch", m.watch},
          {"watch_id", m.watch_id},
          {"id", m.id},
          {"title", m.title},
          {"url", m.url},
          {"source", m.source},
          {"published", m.published ? json(*m.published) : json(nullptr)},
          {"score", m.score},
          {"change", m.change},
          {"entities", entities},
          {"copies", m.copies},
          {"run", m.run},
          {"matched_at", m.matched_at}};
}

template <typename T>
T field(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<T>();
}

Watch watch_of_stored(const json& j) {
  Watch w;
  w.name = field<std::string>(j, "name", "");
  w.query = field<std::string>(j, "query", "");
  w.filters = field<std::vector<std::string>>(j, "filters", {});
  w.min_score = field<double>(j, "min_score", 0);
  w.id = field<std::uint64_t>(j, "id", 0);
  w.created = field<std::string>(j, "created", "");
  w.since_run = field<std::uint64_t>(j, "since_run", 0);
  w.matches = field<std::uint64_t>(j, "matches", 0);
  w.new_matches = field<std::uint64_t>(j, "new_matches", 0);
  w.last_run_matches = field<std::uint64_t>(j, "last_run_matches", 0);
  w.last_match = field<std::string>(j, "last_match", "");
  return w;
}

// The store's watches.json (an empty state when there is none). Throws IndexError naming the
// file when it is not what the store writes.
WatchStore::State read_state(const std::string& folder) {
  WatchStore::State s;
  const std::string path = (fs::path(folder) / kWatchesFile).string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return s;
  std::stringstream text;
  text << in.rdbuf();
  try {
    json j = json::parse(text.str());
    if (field<int>(j, "version", 0) != kStoreVersion) throw IndexError(path + ": not a watch store of this version");
    s.evaluated_run = field<std::uint64_t>(j, "evaluated_run", 0);
    s.next_id = std::max<std::uint64_t>(1, field<std::uint64_t>(j, "next_id", 1));
    s.matches_bytes = field<std::uint64_t>(j, "matches_bytes", 0);
    for (const json& w : j.at("watches")) s.watches.push_back(watch_of_stored(w));
  } catch (const json::exception& e) {
    throw IndexError(path + ": the watch store is damaged: " + e.what());
  }
  return s;
}

void write_state(const std::string& folder, const WatchStore::State& s) {
  json watches = json::array();
  for (const Watch& w : s.watches) watches.push_back(watch_json(w));
  json j = {{"version", kStoreVersion},
            {"evaluated_run", s.evaluated_run},
            {"next_id", s.next_id},
            {"matches_bytes", s.matches_bytes},
            {"watches", watches}};
  write_atomically(folder, kWatchesFile, j.dump(1) + "\n");
}

void check_name(const std::string& name) {
  if (name.empty()) throw InvalidRequest("name: a watch needs a name");
  if (name.size() > kMaxWatchNameBytes) {
    throw InvalidRequest("name: longer than " + std::to_string(kMaxWatchNameBytes) + " bytes");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      throw InvalidRequest("name \"" + name + "\": only letters, digits, '.', '_' and '-' may be used");
    }
  }
}

// Checks the watch's fields against the database: each of its parts run as a search. Throws
// InvalidRequest naming the field.
void check_watch(const Watch& w, const Searcher& searcher) {
  check_name(w.name);
  if (!std::isfinite(w.min_score) || w.min_score < 0) throw InvalidRequest("min_score: must be a number >= 0");
  if (w.query.size() > kMaxQueryBytes) {
    throw InvalidRequest("query: longer than " + std::to_string(kMaxQueryBytes) + " bytes");
  }
  if (!is_valid_utf8(w.query)) throw InvalidRequest("query: not valid UTF-8");
  if (w.query.find_first_not_of(" \t\r\n") == std::string::npos && w.filters.empty()) {
    throw InvalidRequest("query: a watch needs a query or a filter");
  }
  SearchRequest r;
  r.limit = 0;
  r.snippet_chars = 0;
  r.filters = w.filters;
  try {
    searcher.search(r);
  } catch (const InvalidRequest& e) {
    if (!w.filters.empty()) throw InvalidRequest(std::string("filters: ") + e.what());
  }
  r.query = w.query;
  try {
    searcher.search(r);
  } catch (const InvalidRequest& e) {
    throw InvalidRequest(std::string("query: ") + e.what());
  }
}

std::uint64_t file_size_or_zero(const std::string& path) {
  std::error_code ec;
  std::uintmax_t n = fs::file_size(path, ec);
  return ec ? 0 : static_cast<std::uint64_t>(n);
}

}  // namespace

std::string watch_to_json(const Watch& w) { return dump(watch_json(w)); }
std::string match_to_json(const WatchMatch& m) { return dump(match_json(m)); }

Watch watch_from_json(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw InvalidRequest(std::string("watch: not JSON: ") + e.what());
  }
  if (!j.is_object()) throw InvalidRequest("watch: a JSON object is expected");
  Watch w;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    if (key == "name") {
      if (!v.is_string()) throw InvalidRequest("name: a string is expected");
      w.name = v.get<std::string>();
    } else if (key == "query" || key == "q") {
      if (!v.is_string()) throw InvalidRequest(key + ": a string is expected");
      w.query = v.get<std::string>();
    } else if (key == "filters" || key == "filter") {
      if (v.is_string()) {
        w.filters.push_back(v.get<std::string>());
      } else if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_string(); })) {
        for (const json& x : v) w.filters.push_back(x.get<std::string>());
      } else {
        throw InvalidRequest(key + ": a string or an array of strings is expected");
      }
    } else if (key == "min_score") {
      if (!v.is_number()) throw InvalidRequest("min_score: a number is expected");
      w.min_score = v.get<double>();
    } else {
      throw InvalidRequest("unknown field \"" + key + "\" (name, query, filters, min_score)");
    }
  }
  return w;
}

WatchMatch match_from_json(const std::string& line) {
  WatchMatch m;
  try {
    json j = json::parse(line);
    m.watch = field<std::string>(j, "watch", "");
    m.watch_id = field<std::uint64_t>(j, "watch_id", 0);
    m.id = field<std::string>(j, "id", "");
    m.title = field<std::string>(j, "title", "");
    m.url = field<std::string>(j, "url", "");
    m.source = field<std::string>(j, "source", "");
    if (j.contains("published") && j["published"].is_string()) m.published = j["published"].get<std::string>();
    m.score = field<double>(j, "score", 0);
    m.change = field<std::string>(j, "change", "");
    if (j.contains("entities")) {
      for (const json& e : j["entities"]) {
        m.entities.push_back({field<std::string>(e, "kind", ""), field<std::string>(e, "name", "")});
      }
    }
    m.copies = field<std::vector<std::string>>(j, "copies", {});
    m.run = field<std::uint64_t>(j, "run", 0);
    m.matched_at = field<std::string>(j, "matched_at", "");
  } catch (const json::exception& e) {
    throw InvalidRequest(std::string("not a watch match: ") + e.what());
  }
  return m;
}

std::int64_t parse_since(const std::string& text, const std::string& what) {
  if (std::optional<std::int64_t> t = parse_date(text)) return *t;
  double days = 0;
  try {
    days = parse_half_life(text);
  } catch (const InvalidRequest&) {
    throw InvalidRequest(what + " \"" + text + "\": not a time (2026-12-01T08:00:00Z) or a duration (24h, 7d)");
  }
  return static_cast<std::int64_t>(std::time(nullptr)) - static_cast<std::int64_t>(days * 86400);
}

WatchStore::WatchStore(const std::string& db_path) : folder_(folder_of(db_path)) {}

std::string WatchStore::folder_of(const std::string& db_path) {
  std::string p = db_path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p + ".watches";
}

bool WatchStore::exists() const {
  std::error_code ec;
  return fs::exists(fs::path(folder_) / kWatchesFile, ec);
}

WatchStore::State WatchStore::state() const { return read_state(folder_); }

std::vector<Watch> WatchStore::list() const { return read_state(folder_).watches; }

std::optional<Watch> WatchStore::get(const std::string& name) const {
  for (Watch& w : list()) {
    if (w.name == name) return std::move(w);
  }
  return std::nullopt;
}

Watch WatchStore::add(Watch w, const Searcher& searcher) {
  try {
    return add_all({std::move(w)}, searcher).front();
  } catch (const InvalidWatch& e) {
    throw InvalidRequest(e.reason());
  }
}

std::vector<Watch> WatchStore::add_all(std::vector<Watch> watches, const Searcher& searcher) {
  for (std::size_t i = 0; i < watches.size(); ++i) {
    try {
      check_watch(watches[i], searcher);
    } catch (const InvalidRequest& e) {
      throw InvalidWatch(i, e.what());
    }
  }
  const std::uint64_t since = searcher.last_run();
  StoreLock lock(folder_, true);
  State s = read_state(folder_);
  std::unordered_set<std::string> taken;
  for (const Watch& o : s.watches) taken.insert(o.name);
  const std::string created = now_iso8601();
  // A new store starts at the database's last run: nothing before it is evaluated.
  if (s.watches.empty() && !exists()) s.evaluated_run = since;
  for (std::size_t i = 0; i < watches.size(); ++i) {
    Watch& w = watches[i];
    if (!taken.insert(w.name).second) throw InvalidWatch(i, "name: a watch named \"" + w.name + "\" exists");
    w.id = s.next_id++;
    w.created = created;
    w.since_run = since;
    w.matches = w.new_matches = w.last_run_matches = 0;
    w.last_match.clear();
    s.watches.push_back(w);
  }
  write_state(folder_, s);
  return watches;
}

bool WatchStore::remove(const std::string& name) {
  if (!exists()) return false;
  StoreLock lock(folder_, false);
  State s = read_state(folder_);
  auto it = std::find_if(s.watches.begin(), s.watches.end(), [&](const Watch& w) { return w.name == name; });
  if (it == s.watches.end()) return false;
  s.watches.erase(it);
  write_state(folder_, s);
  return true;
}

void WatchStore::mark_seen(const std::string& name) {
  if (!exists()) throw InvalidRequest("no watch named \"" + name + "\"");
  StoreLock lock(folder_, false);
  State s = read_state(folder_);
  auto it = std::find_if(s.watches.begin(), s.watches.end(), [&](const Watch& w) { return w.name == name; });
  if (it == s.watches.end()) throw InvalidRequest("no watch named \"" + name + "\"");
  if (it->new_matches == 0) return;
  it->new_matches = 0;
  write_state(folder_, s);
}

std::vector<WatchMatch> WatchStore::matches(const std::string& name, std::optional<std::int64_t> since,
                                            std::size_t limit) const {
  std::vector<WatchMatch> out;
  if (!exists()) return out;
  const State s = read_state(folder_);
  std::optional<std::uint64_t> id;
  for (const Watch& w : s.watches) {
    if (w.name == name) id = w.id;
  }
  const std::string path = (fs::path(folder_) / kMatchesFile).string();
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::uint64_t read = 0;
  // Only what completed evaluations recorded: a running one may be appending past it.
  while (read < s.matches_bytes && std::getline(in, line)) {
    read += line.size() + 1;
    if (line.empty() || line.find(name) == std::string::npos) continue;
    WatchMatch m;
    try {
      m = match_from_json(line);
    } catch (const InvalidRequest&) {
      continue;  // a line cut by a full disk: the rest of the file is still read
    }
    if (id ? m.watch_id != *id : m.watch != name) continue;
    if (since) {
      std::optional<std::int64_t> at = parse_date(m.matched_at);
      if (!at || *at < *since) continue;
    }
    out.push_back(std::move(m));
  }
  if (limit > 0 && out.size() > limit) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(limit));
  return out;
}

void WatchStore::record(const std::vector<WatchMatch>& found, std::uint64_t run,
                        const std::vector<std::uint64_t>& evaluated) {
  StoreLock lock(folder_, true);
  State s = read_state(folder_);
  const std::string path = (fs::path(folder_) / kMatchesFile).string();
  // What an evaluation killed before it completed appended is cut off: it is recorded now.
  if (file_size_or_zero(path) > s.matches_bytes) {
    std::error_code ec;
    fs::resize_file(path, s.matches_bytes, ec);
    if (ec) throw IndexError(path + ": cannot cut off an unfinished evaluation: " + ec.message());
  }
  std::unordered_map<std::uint64_t, Watch*> by_id;
  for (Watch& w : s.watches) by_id[w.id] = &w;
  std::unordered_map<std::uint64_t, std::uint64_t> counts;
  std::string text;
  for (const WatchMatch& m : found) {
    auto w = by_id.find(m.watch_id);
    if (w == by_id.end()) continue;  // removed meanwhile
    text += match_to_json(m);
    text += '\n';
    ++counts[m.watch_id];
    w->second->last_match = m.matched_at;
  }
  if (!text.empty()) {
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out << text;
    out.flush();
    if (!out) throw IndexError(path + ": cannot record the watches' matches");
    out.close();
    fsync_path(path, false);
  }
  for (std::uint64_t id : evaluated) {
    auto w = by_id.find(id);
    if (w == by_id.end()) continue;
    std::uint64_t n = counts[id];
    w->second->matches += n;
    w->second->new_matches += n;
    w->second->last_run_matches = n;
  }
  s.matches_bytes = file_size_or_zero(path);
  s.evaluated_run = std::max(s.evaluated_run, run);
  write_state(folder_, s);
}

std::string watch_run_to_json(const WatchRun& run) {
  json counts = json::object();
  for (const auto& [name, n] : run.counts) counts[name] = n;
  json j = {{"evaluated", run.counts.size()},
            {"new_matches", run.matches.size()},
            {"matches", counts},
            {"seconds", run.seconds}};
  if (run.first_run <= run.last_run) j["runs"] = {run.first_run, run.last_run};
  return j.dump();
}

WatchRun run_watches(const std::string& db_path, unsigned threads) {
  const auto t0 = std::chrono::steady_clock::now();
  WatchRun report;
  WatchStore store(db_path);
  if (!store.exists()) return report;
  const WatchStore::State s = store.state();
  Searcher searcher(db_path);
  const std::uint64_t last = searcher.last_run();
  // A database younger than the store (deleted and built again) restarts its run numbers: its
  // latest run is evaluated.
  const std::uint64_t evaluated = s.evaluated_run > last ? (last > 0 ? last - 1 : 0) : s.evaluated_run;
  report.first_run = evaluated + 1;
  report.last_run = last;
  std::vector<std::vector<WatchMatch>> found(s.watches.size());
  std::vector<std::uint64_t> ids;
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < s.watches.size(); ++i) {
    if (std::max(evaluated, s.watches[i].since_run) >= last) continue;
    todo.push_back(i);
    ids.push_back(s.watches[i].id);
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr failure;
  auto worker = [&] {
    for (std::size_t k = next.fetch_add(1); k < todo.size() && !failed; k = next.fetch_add(1)) {
      const Watch& w = s.watches[todo[k]];
      try {
        found[todo[k]] = searcher.watch_matches(w, std::max(evaluated, w.since_run), last);
      } catch (const InvalidRequest&) {
        // A watch the database no longer takes (a facet gone): it matches nothing; `watch show`
        // reports why when asked.
      } catch (...) {
        if (!failed.exchange(true)) failure = std::current_exception();
      }
    }
  };
  unsigned n = threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  n = static_cast<unsigned>(std::min<std::size_t>(n, std::max<std::size_t>(todo.size(), 1)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < n; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  const std::string at = now_iso8601();
  for (std::size_t i : todo) {
    report.counts.emplace_back(s.watches[i].name, found[i].size());
    for (WatchMatch& m : found[i]) {
      m.matched_at = at;
      report.matches.push_back(std::move(m));
    }
  }
  store.record(report.matches, last, ids);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace gazette
