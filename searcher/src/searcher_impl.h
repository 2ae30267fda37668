// SPDX-License-Identifier: GPL-2.0-or-later
// Searcher's private state: its pool of handles (shared by searcher.cc and listings.cc).
#pragma once

#include "gazette/searcher/searcher.h"
#include "handle_pool.h"

namespace gazette {

struct Searcher::Impl : searcher::HandlePool {
  using HandlePool::HandlePool;
};

}  // namespace gazette
