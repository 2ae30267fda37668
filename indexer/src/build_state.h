// SPDX-License-Identifier: GPL-2.0-or-later
// What keeps a build crash-safe: one run at a time per database, and the folders a killed run
// leaves beside it (shards to resume from, trash to delete).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gazette::indexer {

// An exclusive lock on `.NAME.lock` beside the database, held for a whole gazette-index run
// (flock: the kernel drops it when the process dies, however it dies). While it is held, every
// shard folder beside the database belongs to a run that is over. Throws IndexError when
// another run holds it.
class RunLock {
 public:
  explicit RunLock(const std::string& db_path);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

// A shard folder of a run that did not finish: `.NAME.shards-PID`, with a `build.state` file
// that says whether that run was a --rebuild and how many shards it wrote.
struct LeftoverBuild {
  std::string folder;
  bool rebuild = false;
  unsigned shards = 0;  // 0: the state file is missing or bad (the run died while creating it)
};

// The folder where this process writes its shards.
std::string shard_folder(const std::string& db_path);
// Shard folders and trash of earlier runs. Call only while holding the RunLock.
std::vector<LeftoverBuild> leftover_builds(const std::string& db_path);
// Writes the state file of a new shard folder (atomically: temporary file, fsync, rename).
void write_build_state(const std::string& folder, bool rebuild, unsigned shards);
// Deletes a folder a finished or abandoned run left: renamed to `.NAME.trash-PID` first, so a
// kill during the deletion leaves trash, never a half-deleted shard folder that looks resumable.
void discard_folder(const std::string& db_path, const std::string& folder);
// Deletes the trash folders of earlier runs; returns how many.
std::size_t remove_trash(const std::string& db_path);

// Puts `from` (a complete database) at `target` in one step: with renameat2(RENAME_EXCHANGE)
// when `target` exists, so that readers see the old database or the new one and never neither;
// `from` then holds the old one. fsyncs the parent folder. Throws IndexError.
void swap_into_place(const std::string& from, const std::string& target);

}  // namespace gazette::indexer
