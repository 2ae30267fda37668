// SPDX-License-Identifier: GPL-2.0-or-later
// Web hook delivery (cpp-httplib's client) with timeouts, retries and a time budget.
#include "watch_hook.h"

#include <chrono>
#include <thread>

#include <httplib.h>

#include "gazette/common/error.h"

namespace gazette::http {

namespace {

struct HookUrl {
  std::string host;
  int port = 80;
  std::string path = "/";
};

HookUrl parse_hook_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) {
    throw InvalidRequest("--watch-hook \"" + url + "\": an http:// URL is expected (https is not built in)");
  }
  HookUrl u;
  std::string rest = url.substr(scheme.size());
  std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) u.path = rest.substr(slash);
  std::size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    std::string port = authority.substr(colon + 1);
    authority.resize(colon);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
      throw InvalidRequest("--watch-hook \"" + url + "\": bad port \"" + port + "\"");
    }
    u.port = std::stoi(port);
  }
  if (authority.empty()) throw InvalidRequest("--watch-hook \"" + url + "\": no host");
  u.host = authority;
  return u;
}

}  // namespace

void check_hook_url(const std::string& url) { parse_hook_url(url); }

HookReport post_to_hook(const std::string& url, const std::vector<std::string>& bodies, const HookOptions& options) {
  HookReport report;
  if (bodies.empty()) return report;
  const HookUrl u = parse_hook_url(url);
  const auto t0 = std::chrono::steady_clock::now();
  auto spent = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  httplib::Client client(u.host, u.port);
  const auto timeout = std::chrono::milliseconds(options.timeout_ms);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  client.set_keep_alive(true);
  bool down = false;
  for (const std::string& body : bodies) {
    if (down || spent() > options.budget_seconds) {
      ++report.failed;
      continue;
    }
    bool ok = false;
    int wait_ms = options.retry_wait_ms;
    for (int attempt = 0; attempt < std::max(1, options.attempts) && !ok; ++attempt) {
      if (attempt > 0) {
        if (spent() + wait_ms / 1000.0 > options.budget_seconds) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
        wait_ms *= 2;
      }
      httplib::Result res = client.Post(u.path, body, "application/json");
      if (res && res->status >= 200 && res->status < 300) {
        ok = true;
      } else if (res) {
        report.last_error = "HTTP " + std::to_string(res->status);
      } else {
        report.last_error = httplib::to_string(res.error());
      }
    }
    if (ok) {
      ++report.delivered;
    } else {
      ++report.failed;
      down = true;
    }
  }
  return report;
}

}  // namespace gazette::http
