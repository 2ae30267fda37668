// SPDX-License-Identifier: GPL-2.0-or-later
// The server's admission policy (searcher/http/admission.h): ordinary searches always find a slot
// while heavy ones queue behind their own, smaller gate, and heavy ones past the queue are refused.
#include "admission.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace gazette::http {
namespace {

using namespace std::chrono_literals;
using Cost = Admission::Cost;

// Polls `condition` for up to 10 s (threads need a moment to reach the gate on a loaded machine).
template <class F>
bool eventually(F condition) {
  for (auto until = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < until;) {
    if (condition()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return condition();
}

// Requests that enter and then hold their slot until released, like searches that take long.
class Holders {
 public:
  explicit Holders(Admission& admission) : admission_(admission) {}
  ~Holders() { release(); }
  void start(Cost cost, int n) {
    for (int i = 0; i < n; ++i) {
      threads_.emplace_back([this, cost] {
        Admission::Ticket t = admission_.enter(cost);
        if (t) ++admitted_;
        else ++refused_;
        released_.wait();
      });
    }
  }
  void release() {
    if (!done_) {
      done_ = true;
      release_.set_value();
    }
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }
  int admitted() const { return admitted_; }
  int refused() const { return refused_; }

 private:
  Admission& admission_;
  std::promise<void> release_;
  std::shared_future<void> released_{release_.get_future().share()};
  std::vector<std::thread> threads_;
  std::atomic<int> admitted_{0}, refused_{0};
  bool done_ = false;
};

TEST(Admission, HeavyGateIsAtMostHalfTheMainGate) {
  EXPECT_EQ(Admission(16, 0).heavy_gate().slots(), 4);  // default: a quarter (one per core)
  EXPECT_EQ(Admission(16, 3).heavy_gate().slots(), 3);
  EXPECT_EQ(Admission(16, 100).heavy_gate().slots(), 8);
  EXPECT_EQ(Admission(4, 0).heavy_gate().slots(), 1);
  EXPECT_EQ(Admission(2, 5).heavy_gate().slots(), 1);
  EXPECT_EQ(Admission(16, 3).max_heavy_waiting(), 24);
}

TEST(Admission, OrdinarySearchesGetASlotWhileHeavyOnesQueue) {
  Admission admission(8, 2);
  Holders heavy(admission);
  heavy.start(Cost::kHeavy, 2 + 10);  // two inside, ten queued behind them
  ASSERT_TRUE(eventually([&] { return admission.heavy_gate().waiting() == 10; }));
  EXPECT_EQ(admission.gate().busy(), 2);  // queued heavy searches take no main slot

  // The six main slots the heavy ones cannot reach are free for ordinary searches, at once.
  std::vector<std::future<Admission::Ticket>> light;
  for (int i = 0; i < 6; ++i)
    light.push_back(std::async(std::launch::async, [&] { return admission.enter(Cost::kLight); }));
  std::vector<Admission::Ticket> held;
  for (auto& f : light) {
    ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
    held.push_back(f.get());
    EXPECT_TRUE(held.back());
  }
  EXPECT_EQ(admission.gate().busy(), 8);
  EXPECT_EQ(heavy.admitted(), 2);
  EXPECT_EQ(heavy.refused(), 0);
}

TEST(Admission, OrdinarySearchesWaitOnlyForTheMainGate) {
  Admission admission(4, 2);
  Holders light(admission);
  light.start(Cost::kLight, 4);
  ASSERT_TRUE(eventually([&] { return admission.gate().busy() == 4; }));
  // A fifth waits (the main gate bounds the work at once) and enters when one leaves.
  auto fifth = std::async(std::launch::async, [&] { return admission.enter(Cost::kLight); });
  ASSERT_TRUE(eventually([&] { return admission.gate().waiting() == 1; }));
  EXPECT_EQ(fifth.wait_for(0s), std::future_status::timeout);
  light.release();
  ASSERT_EQ(fifth.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(fifth.get());
}

TEST(Admission, HeavySearchesPastTheQueueAreRefusedAtOnce) {
  Admission admission(8, 1);
  const int queue = admission.max_heavy_waiting();  // 8
  Holders heavy(admission);
  heavy.start(Cost::kHeavy, 1 + queue);
  ASSERT_TRUE(eventually([&] { return admission.heavy_gate().waiting() == queue; }));
  // The next heavy one is refused without waiting; an ordinary one still gets in.
  auto refused = std::async(std::launch::async, [&] { return admission.enter(Cost::kHeavy); });
  ASSERT_EQ(refused.wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(refused.get());
  auto light = std::async(std::launch::async, [&] { return admission.enter(Cost::kLight); });
  ASSERT_EQ(light.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(light.get());
  // Refused requests hold nothing: once the holders leave, every slot is free again.
  heavy.release();
  EXPECT_EQ(admission.gate().busy(), 0);
  EXPECT_EQ(admission.heavy_gate().busy(), 0);
  EXPECT_EQ(heavy.admitted(), 1 + queue);
}

TEST(Admission, GateAdmitsInArrivalOrder) {
  FairGate gate(1);
  gate.enter();
  std::vector<int> order;
  std::mutex m;
  std::vector<std::thread> threads;
  for (int i = 0; i < 5; ++i) {
    threads.emplace_back([&, i] {
      gate.enter();
      {
        std::lock_guard lock(m);
        order.push_back(i);
      }
      gate.leave();
    });
    // Each one reaches the gate before the next starts.
    ASSERT_TRUE(eventually([&] { return gate.waiting() == i + 1; }));
  }
  gate.leave();
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

}  // namespace
}  // namespace gazette::http
