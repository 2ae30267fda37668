// SPDX-License-Identifier: GPL-2.0-or-later
// Delivering watch matches to a web hook: one HTTP POST of each match's JSON line.
#pragma once

#include <string>
#include <vector>

namespace gazette::http {

struct HookOptions {
  int timeout_ms = 5000;       // connect, read and write, per attempt
  int attempts = 3;            // per match; waits 0.5 s, then 1 s, ... between them
  int retry_wait_ms = 500;     // the first wait; doubled after each attempt
  double budget_seconds = 60;  // no attempt starts after this long: the rest are left undelivered
};

struct HookReport {
  std::size_t delivered = 0;  // answered with a 2xx status
  std::size_t failed = 0;     // not delivered (the hook down, a non-2xx answer, the budget spent)
  std::string last_error;     // why the last one failed
};

// Checks a hook URL: "http://HOST[:PORT][/PATH]". Throws InvalidRequest naming it otherwise
// (https is not built in: put a local relay in front of an https hook).
void check_hook_url(const std::string& url);

// POSTs each body (Content-Type: application/json) to `url`, in order. After a body fails every
// attempt the hook is taken to be down and the rest are not tried (counted as failed).
HookReport post_to_hook(const std::string& url, const std::vector<std::string>& bodies,
                        const HookOptions& options = {});

}  // namespace gazette::http
