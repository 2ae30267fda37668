// SPDX-License-Identifier: GPL-2.0-or-later
// The HTTP server (cpp-httplib): routes, parameter parsing, errors, limits, CORS, access log.
// This is the only file that sees the HTTP library.
#include "server.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <httplib.h>

#include "gazette/common/entities.h"
#include "gazette/common/error.h"
#include "gazette/searcher/request_json.h"
#include "gazette/searcher/searcher.h"
#include "openapi_json.h"

namespace gazette::http {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A bad request parameter: the message names it.
struct BadParameter : InvalidRequest {
  using InvalidRequest::InvalidRequest;
};

void send_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  send_json(res, status, error_json(code, message));
}

int int_param(const httplib::Request& req, const char* name, int fallback, int lo, int hi) {
  if (!req.has_param(name)) return fallback;
  const std::string v = req.get_param_value(name);
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < lo || n > hi) {
    throw BadParameter("parameter \"" + std::string(name) + "\" must be an integer from " + std::to_string(lo) +
                       " to " + std::to_string(hi) + ", not \"" + v + "\"");
  }
  return static_cast<int>(n);
}

bool bool_param(const httplib::Request& req, const char* name, bool fallback) {
  if (!req.has_param(name)) return fallback;
  const std::string v = req.get_param_value(name);
  if (v == "true" || v == "1" || v.empty()) return true;
  if (v == "false" || v == "0") return false;
  throw BadParameter("parameter \"" + std::string(name) + "\" must be true or false, not \"" + v + "\"");
}

std::string date_param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return {};
  std::string v = req.get_param_value(name);
  bool ok = v.size() == 4 || v.size() == 7 || v.size() == 10;
  for (std::size_t i = 0; ok && i < v.size(); ++i) {
    ok = (i == 4 || i == 7) ? v[i] == '-' : (v[i] >= '0' && v[i] <= '9');
  }
  if (!ok) throw BadParameter("parameter \"" + std::string(name) + "\" must be YYYY, YYYY-MM or YYYY-MM-DD, not \"" + v + "\"");
  return v;
}

double half_life_param(const httplib::Request& req) {
  if (!req.has_param("recency")) return 0;
  try {
    return parse_half_life(req.get_param_value("recency"));
  } catch (const InvalidRequest& e) {
    throw BadParameter(std::string("parameter \"recency\": ") + e.what());
  }
}

SearchRequest search_request(const httplib::Request& req, const ServerConfig& config) {
  SearchRequest r;
  r.query = req.has_param("q") ? req.get_param_value("q") : "";
  r.limit = int_param(req, "limit", 10, 0, kMaxLimit);
  r.offset = int_param(req, "offset", 0, 0, kMaxResultWindow);
  if (req.has_param("sort")) r.sort = req.get_param_value("sort");
  if (r.sort != "relevance" && r.sort != "newest" && r.sort != "oldest") {
    throw BadParameter("parameter \"sort\" must be relevance, newest or oldest, not \"" + r.sort + "\"");
  }
  if (req.has_param("facets")) {
    std::string list = req.get_param_value("facets");
    for (std::size_t b = 0; b <= list.size();) {
      std::size_t e = list.find(',', b);
      std::string name = list.substr(b, e == std::string::npos ? std::string::npos : e - b);
      if (!name.empty()) r.facets.push_back(name);
      if (e == std::string::npos) break;
      b = e + 1;
    }
  }
  r.facet_size = int_param(req, "facet_size", 10, 1, kMaxLimit);
  for (std::size_t i = 0; i < req.get_param_value_count("filter"); ++i) r.filters.push_back(req.get_param_value("filter", i));
  std::string from = date_param(req, "from"), to = date_param(req, "to");
  if (!from.empty() || !to.empty()) r.query += " date:" + from + ".." + to;
  if (req.has_param("lang")) r.lang = req.get_param_value("lang");
  r.recency_half_life_days = half_life_param(req);
  r.explain = bool_param(req, "explain", false);
  r.collapse = bool_param(req, "collapse", true);
  r.exact_total = bool_param(req, "exact_total", false);
  r.snippet_chars = int_param(req, "snippet_length", 240, 0, 2000);
  r.time_limit_ms = config.max_time_limit_ms;
  return r;
}

// The id in /api/articles/{id}[/similar], URL-decoded by the HTTP library.
std::string article_id(const httplib::Request& req) { return req.matches.size() > 1 ? std::string(req.matches[1]) : ""; }

std::string default_www_dir() {
  std::string data = default_data_dir();
  if (!data.empty() && fs::exists(fs::path(data) / "www" / "index.html")) return (fs::path(data) / "www").string();
  return {};
}

// First come, first served admission of at most `slots` requests at a time (4 per core).
// Searches are CPU bound: past a few per core, more at once only makes some of them wait very
// long (64 clients on 2 cores: p99 1.2 s and client timeouts without the gate, 130 ms with it).
class FairGate {
 public:
  explicit FairGate(int slots) : slots_(slots) {}
  void enter() {
    std::unique_lock lock(mutex_);
    std::uint64_t ticket = next_++;
    ready_.wait(lock, [&] { return ticket == head_ && busy_ < slots_; });
    ++head_;
    ++busy_;
    ready_.notify_all();  // the next ticket may fit too
  }
  void leave() {
    std::lock_guard lock(mutex_);
    --busy_;
    ready_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::uint64_t next_ = 0, head_ = 0;
  int busy_ = 0;
  const int slots_;
};

}  // namespace

std::vector<std::string> routes() {
  return {"GET /api/search",   "GET /api/articles/{id}", "GET /api/articles/{id}/similar", "GET /api/suggest",
          "GET /api/entities", "GET /api/stats",         "GET /api/openapi.json",          "GET /healthz",
          "GET /"};
}

const std::string& openapi_json() {
  static const std::string doc = kOpenApiJson;
  return doc;
}

int serve(const ServerConfig& config, const std::atomic<bool>& stop, const std::function<void(int port)>& on_listening) {
  Searcher searcher(config.db_path);  // throws IndexError with the path when unusable
  httplib::Server server;
  // cpp-httplib gives each open connection a worker thread while it is served, keep-alive
  // included: more workers than cores, and connections recycled after 100 requests or 2 s idle,
  // keep busy clients from starving the rest.
  int threads = config.threads > 0 ? config.threads
                                   : std::max(64, 8 * static_cast<int>(std::thread::hardware_concurrency()));
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  server.set_payload_max_length(config.max_request_bytes);
  // Small JSON answers must not wait for the peer's delayed ACK (Nagle): that alone cost 40 ms.
  server.set_tcp_nodelay(true);
  server.set_read_timeout(config.read_timeout_s, 0);
  server.set_write_timeout(config.read_timeout_s, 0);
  server.set_keep_alive_timeout(2);
  server.set_keep_alive_max_count(100);

  FairGate gate(std::max(4, 4 * static_cast<int>(std::thread::hardware_concurrency())));
  // Every handler runs through here: admission, limits, CORS, error mapping.
  auto handle = [&config, &searcher, &gate](auto&& body) {
    return [&config, &searcher, &gate, body](const httplib::Request& req, httplib::Response& res) {
      gate.enter();
      struct Leave {
        FairGate& g;
        ~Leave() { g.leave(); }
      } leave{gate};
      std::string origin = req.get_header_value("Origin");
      if (!origin.empty() &&
          std::find(config.cors_origins.begin(), config.cors_origins.end(), origin) != config.cors_origins.end()) {
        res.set_header("Access-Control-Allow-Origin", origin);
        res.set_header("Vary", "Origin");
      }
      try {
        if (req.params.size() > config.max_params) {
          throw BadParameter("too many parameters (at most " + std::to_string(config.max_params) + ")");
        }
        // Pick up commits made by a concurrent gazette-index without a restart.
        searcher.reopen();
        body(req, res);
      } catch (const InvalidRequest& e) {
        send_error(res, 400, "invalid_request", e.what());
      } catch (const IndexError& e) {
        send_error(res, 503, "index_unavailable", e.what());
      } catch (const std::exception& e) {
        send_error(res, 500, "internal_error", e.what());
      }
    };
  };

  server.Get("/api/search", handle([&config, &searcher](const httplib::Request& req, httplib::Response& res) {
    send_json(res, 200, to_json(searcher.search(search_request(req, config))));
  }));
  server.Get(R"(/api/articles/(.+)/similar)", handle([&searcher](const httplib::Request& req, httplib::Response& res) {
    std::string id = article_id(req);
    if (!searcher.document(id)) return send_error(res, 404, "not_found", "no article with id \"" + id + "\"");
    send_json(res, 200, to_json(searcher.similar(id, int_param(req, "limit", 10, 1, kMaxLimit))));
  }));
  server.Get(R"(/api/articles/(.+))", handle([&searcher](const httplib::Request& req, httplib::Response& res) {
    std::string id = article_id(req);
    std::optional<Article> a = searcher.document(id);
    if (!a) return send_error(res, 404, "not_found", "no article with id \"" + id + "\"");
    send_json(res, 200, to_json(*a));
  }));
  server.Get("/api/suggest", handle([&searcher](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_param("q")) throw BadParameter("parameter \"q\" is required");
    send_json(res, 200, to_json(searcher.suggest(req.get_param_value("q"), int_param(req, "limit", 8, 1, 50))));
  }));
  server.Get("/api/entities", handle([&searcher](const httplib::Request& req, httplib::Response& res) {
    EntityListRequest r;
    if (req.has_param("kind")) r.kind = req.get_param_value("kind");
    if (req.has_param("prefix")) r.prefix = req.get_param_value("prefix");
    r.limit = int_param(req, "limit", 20, 1, kMaxLimit);
    if (!r.kind.empty()) {
      EntityKind k;
      if (!parse_kind(r.kind, k)) throw BadParameter("parameter \"kind\" must be person, organization or place");
    }
    send_json(res, 200, to_json(searcher.entities(r)));
  }));
  server.Get("/api/stats", handle([&searcher](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, to_json(searcher.summary()));
  }));
  server.Get("/api/openapi.json", handle([](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, openapi_json());
  }));
  server.Get("/healthz", handle([&searcher](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, "{\"status\":\"ok\",\"articles\":" + std::to_string(searcher.article_count()) + "}");
  }));
  server.Options(R"(/api/.*)", [&config](const httplib::Request& req, httplib::Response& res) {
    std::string origin = req.get_header_value("Origin");
    if (std::find(config.cors_origins.begin(), config.cors_origins.end(), origin) == config.cors_origins.end()) {
      res.status = 403;
      return;
    }
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Access-Control-Allow-Methods", "GET, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Content-Type");
    res.set_header("Vary", "Origin");
    res.status = 204;
  });
  std::string www = config.www_dir.empty() ? default_www_dir() : config.www_dir;
  if (!www.empty()) server.set_mount_point("/", www);
  if (www.empty()) {
    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("<!doctype html><title>Gazette</title><p>The search page is not installed; the API is at /api/search.",
                      "text/html; charset=utf-8");
    });
  }
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) {
      send_error(res, res.status, res.status == 404 ? "not_found" : "http_error",
                 "HTTP " + std::to_string(res.status));
    }
  });
  if (config.access_log) {
    // A request is handled on one worker thread from routing to logging: stamp its start there.
    static thread_local Clock::time_point started;
    server.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
      started = Clock::now();
      return httplib::Server::HandlerResponse::Unhandled;
    });
    server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
      std::fprintf(stderr, "%s %s %d %.1fms\n", req.method.c_str(), req.path.c_str(), res.status, ms);
    });
  }

  int port = config.port;
  if (port == 0) {
    port = server.bind_to_any_port(config.host);
    if (port < 0) throw Error("cannot bind " + config.host + " to any port");
  } else if (!server.bind_to_port(config.host, port)) {
    throw Error("cannot listen on " + config.host + ":" + std::to_string(port) + " (in use, or not allowed)");
  }
  std::atomic<bool> finished{false};
  std::thread watcher([&server, &stop, &finished] {
    while (!stop.load() && !finished.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server.stop();
  });
  if (on_listening) on_listening(port);
  bool ok = server.listen_after_bind();
  finished = true;
  watcher.join();
  return ok ? 0 : 1;
}

}  // namespace gazette::http
