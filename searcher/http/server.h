// SPDX-License-Identifier: GPL-2.0-or-later
// gazette-search serve: the HTTP/JSON API and the search page, over one gazette::Searcher.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace gazette::http {

struct ServerConfig {
  std::string db_path;
  std::string host = "127.0.0.1";
  int port = 8080;                      // 0: any free port (reported through on_listening)
  int threads = 0;                      // connection threads; 0: 8 per core, at least 64
  std::vector<std::string> cors_origins;  // origins allowed to call the API from a browser; empty: CORS off
  std::string www_dir;                  // the search page's files; "" = the installed/build copy
  std::size_t max_request_bytes = 64 * 1024;
  std::size_t max_params = 64;
  int max_time_limit_ms = 2000;         // the longest a search may run
  int read_timeout_s = 5;               // a slow client is dropped after this
  bool access_log = true;               // one line per request on stderr
};

// Runs the server until `stop` becomes true (checked a few times a second) or the server fails.
// Calls on_listening(port) once it accepts connections. Returns 0 on a clean stop; throws
// gazette::Error when the database cannot be opened or the address cannot be bound.
int serve(const ServerConfig& config, const std::atomic<bool>& stop,
          const std::function<void(int port)>& on_listening = nullptr);

// Every route the server answers, as "METHOD /path" with {name} for path parameters (the
// OpenAPI document must describe each one; a test checks it).
std::vector<std::string> routes();

// The OpenAPI 3 description served at /api/openapi.json.
const std::string& openapi_json();

}  // namespace gazette::http
