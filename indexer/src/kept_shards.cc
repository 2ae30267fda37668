// SPDX-License-Identifier: GPL-2.0-or-later
// The kept-shards layout: stub file, dictionary database, per-shard compaction, fsync of a tree.
#include "kept_shards.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <xapian.h>

#include "build_state.h"
#include "gazette/common/error.h"
#include "index_writer.h"

namespace gazette::indexer {
namespace fs = std::filesystem;
namespace {

void fsync_path(const fs::path& p, bool dir) {
  int fd = ::open(p.c_str(), (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Replaces `target` (a folder) by `from` in one swap, then deletes what it held.
void replace_folder(const std::string& from, const std::string& target) {
  swap_into_place(from, target);
  std::error_code ec;
  fs::remove_all(from, ec);
}

}  // namespace

std::optional<std::vector<std::string>> kept_shard_paths(const std::string& db_path) {
  const fs::path stub = fs::path(db_path) / kStubFile;
  std::error_code ec;
  if (!fs::is_regular_file(stub, ec)) return std::nullopt;
  std::ifstream in(stub);
  if (!in) throw IndexError(stub.string() + ": cannot read the stub file");
  std::vector<std::string> shards;
  std::string line;
  int n = 0;
  bool dictionary = false;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    const std::string expected = "auto shard" + std::to_string(shards.size());
    if (line == expected && !dictionary) {
      shards.push_back((fs::path(db_path) / line.substr(5)).string());
    } else if (line == std::string("auto ") + kDictionaryName && !dictionary) {
      dictionary = true;
    } else {
      throw IndexError(stub.string() + ":" + std::to_string(n) + ": not a stub gazette-index wrote (\"" + line +
                       "\", expected \"" + expected +
                       "\"); gazette-index updates only the shards it keeps: "
                       "index into a database of its own, or list this one's shards in a stub of your own");
    }
  }
  if (shards.empty()) throw IndexError(stub.string() + ": lists no shards");
  return shards;
}

void write_stub(const std::string& folder, unsigned shards) {
  const fs::path stub = fs::path(folder) / kStubFile;
  const fs::path tmp = fs::path(folder) / (std::string(kStubFile) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "# Written by gazette-index: the shards of this database (Xapian stub format).\n";
    for (unsigned s = 0; s < shards; ++s) out << "auto shard" << s << "\n";
    out << "auto " << kDictionaryName << "\n";
    out.flush();
    if (!out) throw IndexError(tmp.string() + ": cannot write the stub file");
  }
  fsync_path(tmp, false);
  std::error_code ec;
  fs::rename(tmp, stub, ec);
  if (ec) throw IndexError(stub.string() + ": cannot write the stub file: " + ec.message());
  fsync_path(folder, true);
}

void write_dictionary(const std::vector<std::string>& shards, const std::string& folder) {
  const std::string path = (fs::path(folder) / kDictionaryName).string();
  try {
    Xapian::Database all;
    for (const std::string& p : shards) all.add_database(Xapian::Database(p));
    // Updated in place, in one commit (readers reopen it; a swapped-in folder would leave their
    // open handles reading the new revision from the old files).
    Xapian::WritableDatabase out(path, Xapian::DB_CREATE_OR_OPEN);
    std::map<std::string, long> delta;
    for (auto w = out.spellings_begin(); w != out.spellings_end(); ++w) delta[*w] -= w.get_termfreq();
    for (const auto& [word, articles] : spelling_of(all)) delta[word] += static_cast<long>(articles);
    for (const auto& [word, d] : delta) {
      if (d > 0) out.add_spelling(word, static_cast<Xapian::termcount>(d));
      if (d < 0) out.remove_spelling(word, static_cast<Xapian::termcount>(-d));
    }
    std::vector<std::string> keys(out.synonym_keys_begin(), out.synonym_keys_end());
    for (const std::string& k : keys) out.clear_synonyms(k);
    Xapian::Database first(shards.front());
    for (auto k = first.synonym_keys_begin(); k != first.synonym_keys_end(); ++k) {
      for (auto s = first.synonyms_begin(*k); s != first.synonyms_end(*k); ++s) out.add_synonym(*k, *s);
    }
    out.commit();
    out.close();
  } catch (const Xapian::Error& e) {
    throw IndexError(path + ": cannot write the dictionary of the shards: " + e.get_description());
  }
}

void compact_shard(const std::string& shard) {
  const std::string compacted = shard + ".compact";
  std::error_code ec;
  fs::remove_all(compacted, ec);
  try {
    Xapian::Database(shard).compact(compacted, Xapian::Compactor::FULL | Xapian::DBCOMPACT_MULTIPASS);
  } catch (const Xapian::Error& e) {
    throw IndexError(shard + ": cannot compact the shard: " + e.get_description());
  }
  replace_folder(compacted, shard);
}

void sync_tree(const std::string& folder) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) fsync_path(it->path(), false);
    else if (it->is_directory(type_ec)) fsync_path(it->path(), true);
  }
  fsync_path(folder, true);
}

}  // namespace gazette::indexer
