// SPDX-License-Identifier: GPL-2.0-or-later
// Admission of API requests to the searcher: how many run at once, and how the expensive ones are
// kept from taking every slot. Internal to the server (searcher/http); tested on its own in
// tests/searcher/http/admission_test.cc.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>

namespace gazette::http {

// First come, first served admission of at most `slots` requests at a time.
// Searches are CPU bound: past a few per core, more at once only makes some of them wait very
// long (64 clients on 2 cores: p99 1.2 s and client timeouts without the gate, 130 ms with it).
class FairGate {
 public:
  explicit FairGate(int slots) : slots_(slots) {}
  // Waits for a slot in arrival order. False, at once, when `max_waiting` requests already wait.
  bool enter(int max_waiting = std::numeric_limits<int>::max()) {
    std::unique_lock lock(mutex_);
    if (next_ - head_ >= static_cast<std::uint64_t>(max_waiting) && busy_ >= slots_) return false;
    std::uint64_t ticket = next_++;
    ready_.wait(lock, [&] { return ticket == head_ && busy_ < slots_; });
    ++head_;
    ++busy_;
    ready_.notify_all();  // the next ticket may fit too
    return true;
  }
  void leave() {
    std::lock_guard lock(mutex_);
    --busy_;
    ready_.notify_all();
  }
  int slots() const { return slots_; }
  // Requests inside and requests waiting, for tests and diagnostics.
  int busy() {
    std::lock_guard lock(mutex_);
    return busy_;
  }
  int waiting() {
    std::lock_guard lock(mutex_);
    return static_cast<int>(next_ - head_);
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::uint64_t next_ = 0, head_ = 0;
  int busy_ = 0;
  const int slots_;
};

// The server's two gates. Every request passes the main gate (`slots` at once, 4 per core).
// Heavy ones (wildcards, many words, similar articles) first pass a smaller gate of at most half
// the main gate's slots, so that however many clients send heavy requests, at least half the main
// gate stays free for ordinary ones; when 8 heavy requests per heavy slot already wait, the next
// is refused at once (the server answers 503 with Retry-After).
class Admission {
 public:
  enum class Cost { kLight, kHeavy };

  Admission(int slots, int heavy_slots)
      : gate_(slots < 1 ? 1 : slots),
        heavy_gate_(clamp_heavy(heavy_slots, gate_.slots())),
        max_heavy_waiting_(8 * heavy_gate_.slots()) {}

  // Holds a slot while alive; false (empty) when a heavy request was refused.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& o) noexcept : owner_(o.owner_), heavy_(o.heavy_) { o.owner_ = nullptr; }
    Ticket& operator=(Ticket&&) = delete;
    Ticket(const Ticket&) = delete;
    ~Ticket() {
      if (!owner_) return;
      owner_->gate_.leave();
      if (heavy_) owner_->heavy_gate_.leave();
    }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    friend class Admission;
    Ticket(Admission* owner, bool heavy) : owner_(owner), heavy_(heavy) {}
    Admission* owner_ = nullptr;
    bool heavy_ = false;
  };

  // Waits for the request's turn; an empty ticket at once when it must be refused.
  Ticket enter(Cost cost) {
    bool heavy = cost == Cost::kHeavy;
    if (heavy && !heavy_gate_.enter(max_heavy_waiting_)) return {};
    gate_.enter();
    return Ticket(this, heavy);
  }

  FairGate& gate() { return gate_; }
  FairGate& heavy_gate() { return heavy_gate_; }
  int max_heavy_waiting() const { return max_heavy_waiting_; }

 private:
  // 0: one heavy slot per main-gate quarter (one per core); never more than half the main gate.
  static int clamp_heavy(int heavy_slots, int slots) {
    int half = slots / 2 < 1 ? 1 : slots / 2;
    int wanted = heavy_slots > 0 ? heavy_slots : slots / 4;
    if (wanted < 1) wanted = 1;
    return wanted < half ? wanted : half;
  }

  FairGate gate_;
  FairGate heavy_gate_;
  const int max_heavy_waiting_;
};

}  // namespace gazette::http
