// SPDX-License-Identifier: GPL-2.0-or-later
// Run lock, leftover shard folders, trash and the atomic database swap.
#include "build_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gazette/common/error.h"

namespace gazette::indexer {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kStateFile = "build.state";

// The database's folder and name: `/a/b/news.db` -> {`/a/b`, `news.db`}.
std::pair<fs::path, std::string> split(const std::string& db_path) {
  fs::path p = fs::absolute(fs::path(db_path)).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return {p.parent_path(), p.filename().string()};
}

std::string sibling(const std::string& db_path, const std::string& suffix) {
  auto [parent, base] = split(db_path);
  return (parent / ("." + base + suffix)).string();
}

void fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

RunLock::RunLock(const std::string& db_path) {
  std::string path = sibling(db_path, ".lock");
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IndexError(path + ": cannot create the run lock: " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      throw IndexError(db_path + ": another gazette-index is building this database (lock " + path + ")");
    }
    throw IndexError(path + ": cannot lock: " + std::strerror(err));
  }
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

std::string shard_folder(const std::string& db_path) {
  return sibling(db_path, ".shards-" + std::to_string(::getpid()));
}

std::vector<LeftoverBuild> leftover_builds(const std::string& db_path) {
  auto [parent, base] = split(db_path);
  const std::string prefix = "." + base + ".shards-";
  std::vector<LeftoverBuild> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || !entry.is_directory(ec)) continue;
    LeftoverBuild b;
    b.folder = entry.path().string();
    std::ifstream in(entry.path() / kStateFile);
    std::string key;
    int rebuild = -1;
    long shards = 0;
    while (in >> key) {
      if (key == "rebuild") in >> rebuild;
      else if (key == "shards") in >> shards;
    }
    if ((rebuild == 0 || rebuild == 1) && shards > 0 && shards <= 1024) {
      bool complete = true;
      for (long s = 0; s < shards; ++s)
        complete = complete && fs::is_directory(entry.path() / ("shard" + std::to_string(s)), ec);
      if (complete) {
        b.rebuild = rebuild == 1;
        b.shards = static_cast<unsigned>(shards);
      }
    }
    out.push_back(std::move(b));
  }
  return out;
}

void write_build_state(const std::string& folder, bool rebuild, unsigned shards) {
  fs::path tmp = fs::path(folder) / (std::string(kStateFile) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "rebuild " << (rebuild ? 1 : 0) << "\nshards " << shards << "\n";
    out.flush();
    if (!out) throw IndexError(tmp.string() + ": cannot write the build state");
  }
  int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::error_code ec;
  fs::rename(tmp, fs::path(folder) / kStateFile, ec);
  if (ec) throw IndexError(folder + ": cannot write the build state: " + ec.message());
  fsync_dir(folder);
}

void discard_folder(const std::string& db_path, const std::string& folder) {
  std::error_code ec;
  std::string trash = sibling(db_path, ".trash-" + std::to_string(::getpid()));
  fs::remove_all(trash, ec);
  fs::rename(folder, trash, ec);
  fs::remove_all(ec ? fs::path(folder) : fs::path(trash), ec);
}

std::size_t remove_trash(const std::string& db_path) {
  auto [parent, base] = split(db_path);
  const std::string prefix = "." + base + ".trash-";
  std::vector<fs::path> trash;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) trash.push_back(entry.path());
  }
  for (const fs::path& t : trash) fs::remove_all(t, ec);
  return trash.size();
}

void swap_into_place(const std::string& from, const std::string& target) {
  std::error_code ec;
  bool exists = fs::exists(fs::symlink_status(target, ec));
  if (exists) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
      int err = errno;
      if (err != EINVAL && err != ENOSYS) {
        throw IndexError(target + ": cannot swap the new database in: " + std::strerror(err));
      }
      // A file system without RENAME_EXCHANGE: two renames, with a moment of no database.
      std::string aside = from + ".old";
      fs::rename(target, aside, ec);
      if (ec) throw IndexError(target + ": cannot move the old database aside: " + ec.message());
      fs::rename(from, target, ec);
      if (ec) {
        std::error_code ignored;
        fs::rename(aside, target, ignored);
        throw IndexError(target + ": cannot move the new database in: " + ec.message());
      }
      fs::rename(aside, from, ec);
    }
  } else {
    fs::rename(from, target, ec);
    if (ec) throw IndexError(target + ": cannot move the new database in: " + ec.message());
  }
  fsync_dir(fs::absolute(fs::path(target)).lexically_normal().parent_path());
}

}  // namespace gazette::indexer
