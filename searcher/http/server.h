// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-search serve: the HTTP/JSON API and the search page, over one gazette::Searcher.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace gazette::http {

// What the server accepts and for how long. Each open connection has a thread of its own, and
// every wait on it has a deadline, so a slow or hostile client holds one thread for a bounded time
// and never delays the others; when every connection thread is taken, a new connection is answered
// at once with 503 and Retry-After instead of queueing.
struct ServerConfig {
  std::string db_path;
  std::string host = "127.0.0.1";
  int port = 8080;                            // 0: any free port (reported through on_listening)
  int threads = 0;                            // connection threads (open connections served); 0: 256
  std::vector<std::string> cors_origins;      // origins allowed to call the API from a browser; empty: CORS off
  std::string www_dir;                        // the search page's files; "" = the installed/build copy
  std::size_t max_header_bytes = 16 * 1024;   // request line + headers; more: 431 (414 past 8 KB of URI)
  std::size_t max_request_bytes = 64 * 1024;  // request body; more: 413
  std::size_t max_params = 64;
  int max_time_limit_ms = 2000;    // the longest a search may match
  int request_timeout_ms = 10000;  // a request must arrive whole (line, headers, body) within this: 408
  int write_timeout_ms = 5000;     // a client that reads nothing for this long is dropped
  int keep_alive_ms = 2000;        // an idle keep-alive connection is closed after this
  int keep_alive_max = 100;        // requests per connection
  int heavy_slots = 0;             // searches with wildcards or many words at once; 0: 1 per core
  bool access_log = true;          // one line per request on stderr
  // The watch API (/api/watches, gazette/searcher/watches.h): "on" lists, adds, removes and marks
  // watches seen; "read" only lists them and their matches; "off" answers none of it (404).
  std::string watches = "on";
};

// Runs the server until `stop` becomes true (checked a few times a second) or the server fails.
// Calls on_listening(port) once it accepts connections. Returns 0 on a clean stop; throws
// gazette::Error when the database cannot be opened or the address cannot be bound.
int serve(const ServerConfig& config, const std::atomic<bool>& stop,
          const std::function<void(int port)>& on_listening = nullptr);

// Whether a search query is heavy: its cost can grow far past an ordinary one's before the time
// limit can cut it (a wildcard expands to many terms; each word adds posting lists to merge).
// Heavy searches first pass a gate of ServerConfig::heavy_slots, so that however many clients send
// them, ordinary searches always find a slot.
inline constexpr int kHeavyQueryWords = 12;  // more words than this: heavy
bool is_heavy_query(const std::string& query);

// Every route the server answers, as "METHOD /path" with {name} for path parameters (the
// OpenAPI document must describe each one; a test checks it).
std::vector<std::string> routes();

// The OpenAPI 3 description served at /api/openapi.json.
const std::string& openapi_json();

}  // namespace gazette::http
