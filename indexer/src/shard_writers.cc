// SPDX-License-Identifier: GPL-2.0-or-later
// Parallel shard writers, cross-shard near-duplicate groups, and the merge by compaction.
#include "shard_writers.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "build_state.h"
#include "duplicate_groups.h"
#include "gazette/common/error.h"
#include "gazette/common/hash.h"
#include "gazette/common/near_duplicates.h"
#include "gazette/common/schema.h"
#include "kept_shards.h"

namespace gazette::indexer {
namespace fs = std::filesystem;
namespace schema = gazette::schema;
namespace {

// Postings read per band term: a band shared by thousands of articles (boilerplate) must not
// make the pass quadratic (kMaxDuplicateCandidates bounds the candidates of each article).
constexpr std::size_t kMaxBandPostings = 256;

// Every article with its earlier candidates (articles of lower docid sharing a band term), in
// docid order.
std::map<Xapian::docid, DuplicateCandidates> earlier_candidates(const Xapian::Database& all) {
  std::map<Xapian::docid, DuplicateCandidates> earlier;
  const std::string prefix(schema::kDupBandPrefix);
  for (auto t = all.allterms_begin(prefix); t != all.allterms_end(prefix); ++t) {
    if (t.get_termfreq() < 2) continue;
    std::vector<Xapian::docid> ids;
    for (auto p = all.postlist_begin(*t); p != all.postlist_end(*t) && ids.size() < kMaxBandPostings; ++p) {
      ids.push_back(*p);
    }
    for (std::size_t j = 1; j < ids.size(); ++j) {
      DuplicateCandidates& c = earlier[ids[j]];
      for (std::size_t i = 0; i < j && !c.full(); ++i) c.add(ids[i]);
    }
  }
  return earlier;
}

// The articles of `all` whose group changes, with their new group: in docid order, each article
// joins the group of its most similar earlier candidate (most_similar_group).
std::unordered_map<Xapian::docid, std::string> regrouped(const Xapian::Database& all) {
  std::unordered_map<Xapian::docid, MinHash> signatures;
  std::unordered_map<Xapian::docid, std::string> groups;  // changed groups
  auto signature_of = [&](Xapian::docid d) -> const MinHash* {
    auto it = signatures.find(d);
    if (it == signatures.end()) {
      std::optional<MinHash> m =
          decode_minhash(all.get_document(d, Xapian::DOC_ASSUME_VALID).get_value(schema::kDupSignatureSlot));
      if (!m) return nullptr;
      it = signatures.emplace(d, *m).first;
    }
    return &it->second;
  };
  auto group_of = [&](Xapian::docid d) {
    auto it = groups.find(d);
    if (it != groups.end()) return it->second;
    return all.get_document(d, Xapian::DOC_ASSUME_VALID).get_value(schema::kDupGroupSlot);
  };
  for (const auto& [d, candidates] : earlier_candidates(all)) {
    const MinHash* mine = signature_of(d);
    if (mine == nullptr) continue;
    std::string group = most_similar_group(*mine, candidates.ids(), signature_of, group_of);
    if (!group.empty() && group != group_of(d)) groups[d] = group;
  }
  return groups;
}

}  // namespace

ShardWriters::ShardWriters(const std::string& target, unsigned shards, std::size_t batch_articles,
                           std::size_t batch_bytes, bool rebuild, const std::string& resume_folder)
    : target_(target),
      folder_(shard_folder(target)),
      batch_articles_(std::max<std::size_t>(1, batch_articles)),
      batch_bytes_(std::max<std::size_t>(1, batch_bytes)) {
  std::error_code ec;
  const bool resume = !resume_folder.empty();
  if (resume) {
    // Take the folder over under this run's name; what a merge had begun is redone.
    if (resume_folder != folder_) {
      fs::remove_all(folder_, ec);
      fs::rename(resume_folder, folder_, ec);
      if (ec) throw IndexError(resume_folder + ": cannot take over the interrupted build: " + ec.message());
    }
    fs::remove_all(folder_ + "/merged", ec);
    fs::remove_all(folder_ + "/merged.old", ec);
  } else {
    fs::remove_all(folder_, ec);
    fs::create_directories(folder_, ec);
    if (ec) throw IndexError(folder_ + ": cannot create the shard folder: " + ec.message());
  }
  for (unsigned s = 0; s < std::max(1u, shards); ++s) {
    paths_.push_back(folder_ + "/shard" + std::to_string(s));
    // No fsync: a kill leaves what was written in the OS's buffers, and a merge replaces the shards.
    writers_.push_back(std::make_unique<IndexWriter>(paths_.back(), !resume, IndexWriter::Kind::kShard));
    // A new shard is committed at once, so that a resumed run finds every shard it lists.
    if (!resume) writers_.back()->commit();
    queues_.push_back(std::make_unique<BoundedQueue<Job>>(64));
  }
  // Only a folder whose shards all exist and opened gets a state file, and only a folder with
  // one is resumed: a run killed while creating them leaves a folder the next run deletes.
  if (!resume) write_build_state(folder_, rebuild, static_cast<unsigned>(writers_.size()));
  for (std::size_t s = 0; s < writers_.size(); ++s) threads_.emplace_back([this, s] { run(s); });
}

ShardWriters::ShardWriters(InPlace, const std::string& target, std::vector<std::string> shard_paths,
                           std::size_t batch_articles, std::size_t batch_bytes)
    : target_(target),
      folder_(target),
      paths_(std::move(shard_paths)),
      batch_articles_(std::max<std::size_t>(1, batch_articles)),
      batch_bytes_(std::max<std::size_t>(1, batch_bytes)),
      in_place_(true) {
  for (const std::string& p : paths_) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) throw IndexError(p + ": a shard the stub lists is missing");
    writers_.push_back(std::make_unique<IndexWriter>(p, false, IndexWriter::Kind::kKeptShard));
    queues_.push_back(std::make_unique<BoundedQueue<Job>>(64));
  }
  for (std::size_t s = 0; s < writers_.size(); ++s) threads_.emplace_back([this, s] { run(s); });
}

ShardWriters::~ShardWriters() {
  for (auto& q : queues_) q->close();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  // The committed shards stay for the next run to resume from (an error or an exception
  // unwinding the run); a finished merge has removed the folder already.
  writers_.clear();
}

std::unordered_map<std::string, IndexedArticle> ShardWriters::load_existing() const {
  std::unordered_map<std::string, IndexedArticle> all;
  for (const auto& w : writers_) all.merge(w->load_existing());
  return all;
}

void ShardWriters::remove(const std::string& id_term) {
  rethrow_failure();
  std::size_t shard = fnv1a64(id_term) % queues_.size();
  queues_[shard]->push(Job{id_term, {}, 0, true});
}

void ShardWriters::fail(std::exception_ptr e) {
  std::lock_guard lock(failure_mutex_);
  if (!failure_) failure_ = e;
  failed_ = true;
}

void ShardWriters::rethrow_failure() {
  std::lock_guard lock(failure_mutex_);
  if (failure_) std::rethrow_exception(failure_);
}

void ShardWriters::run(std::size_t shard) {
  IndexWriter& writer = *writers_[shard];
  std::size_t pending = 0, pending_bytes = 0;
  // Drains its queue even after a failure, so that add() never blocks on a dead writer.
  while (std::optional<Job> job = queues_[shard]->pop()) {
    if (failed_.load()) continue;
    try {
      if (job->remove) {
        writer.remove(job->id_term);
        continue;
      }
      // No signature: the group is the article's own until finish() compares across shards.
      writer.assign_duplicate_group(job->document, job->id_term, std::nullopt);
      writer.put(job->id_term, job->document);
      ++pending;
      pending_bytes += job->text_bytes;
      if (pending >= batch_articles_ || pending_bytes >= batch_bytes_) {
        writer.commit();
        pending = pending_bytes = 0;
      }
    } catch (...) {
      fail(std::current_exception());
    }
  }
}

void ShardWriters::add(const std::string& id_term, Xapian::Document document, std::size_t text_bytes) {
  rethrow_failure();
  std::size_t shard = fnv1a64(id_term) % queues_.size();
  queues_[shard]->push(Job{id_term, std::move(document), text_bytes});
}

void ShardWriters::finish() {
  if (finished_) return;
  finished_ = true;
  for (auto& q : queues_) q->close();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  rethrow_failure();
  for (auto& w : writers_) w->commit();
  assign_groups();
  for (auto& w : writers_) w->commit();
}

void ShardWriters::assign_groups() {
  const std::size_t n = writers_.size();
  std::unordered_map<Xapian::docid, std::string> groups;
  try {
    Xapian::Database all;
    for (const std::string& p : paths_) all.add_database(Xapian::Database(p));
    groups = regrouped(all);
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot compare near-duplicates across shards: " + e.get_description());
  }
  // Docids of a multi-database interleave its shards: docid d is (d - 1) / n + 1 in shard (d - 1) % n.
  for (const auto& [d, group] : groups) {
    writers_[(d - 1) % n]->set_duplicate_group((d - 1) / n + 1, group);
  }
}

void ShardWriters::merge_into(const std::string& target) {
  finish();
  const std::string merged = folder_ + "/merged";
  try {
    writers_.clear();  // closes the shards
    Xapian::Database all;
    for (const std::string& p : paths_) all.add_database(Xapian::Database(p));
    // The shards keep no spelling dictionary: that of all of them goes in as one more source,
    // a database of no documents.
    const std::string spelling = folder_ + "/spelling";
    {
      Xapian::WritableDatabase out(spelling, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
      write_spelling(all, out);
      out.commit();
    }
    all.add_database(Xapian::Database(spelling));
    all.compact(merged, Xapian::Compactor::FULL | Xapian::DBCOMPACT_MULTIPASS);
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot merge the shard databases: " + e.get_description());
  }
  // One atomic swap: readers of the target see the old database or the new one, never neither,
  // and a kill before it leaves the old one in place with these shards to resume from.
  swap_into_place(merged, target);
  discard_folder(target, folder_);
}

void ShardWriters::keep_as(const std::string& target) {
  finish();
  writers_.clear();  // closes the shards
  if (in_place_) {
    write_dictionary(paths_, folder_);
    return;
  }
  // A new build: its shards were written without fsync, in the folder beside the target.
  for (const std::string& p : paths_) compact_shard(p);
  write_dictionary(paths_, folder_);
  write_stub(folder_, static_cast<unsigned>(paths_.size()));
  sync_tree(folder_);
  swap_into_place(folder_, target);
  discard_folder(target, folder_);
  // Its state file came along; a kill before this leaves a stray one, which nothing reads there.
  std::error_code ec;
  fs::remove(fs::path(target) / "build.state", ec);
}

}  // namespace gazette::indexer
