// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of the HTTP server: every route, errors, limits, CORS, the OpenAPI document, picking up
// new commits, a clean stop, and hostile clients (slowloris, huge headers, long paths, invalid
// UTF-8, too many connections).
#include "server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "gazette/common/error.h"
#include "gazette/searcher/searcher.h"
#include "gazette/searcher/watches.h"
#include "support/temp_index.h"
#include "support/test_index.h"
#include "watch_hook.h"

namespace gazette::http {
namespace {

using gazette::testing::TempDir;
using gazette::testing::text_article;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// A raw TCP client, for requests httplib::Client will not send (half-sent, trickled, malformed).
class RawClient {
 public:
  explicit RawClient(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool send(const std::string& data) {
    return connected_ && ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // Everything the server sends until it closes, or until timeout_ms pass.
  std::string read_all(int timeout_ms = 5000) {
    std::string out;
    auto until = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  // Sends nothing more (the server sees the end of the stream after the request).
  void finish() { ::shutdown(fd_, SHUT_WR); }
  bool connected() const { return connected_; }

 private:
  int fd_;
  bool connected_ = false;
};

// The status of a raw HTTP response, or 0 when there is none.
int status_of(const std::string& response) {
  std::smatch m;
  static const std::regex status_line(R"(^HTTP/1\.1 (\d{3}) )");
  return std::regex_search(response, m, status_line) ? std::stoi(m[1]) : 0;
}
// The JSON body of a raw response (after the blank line), or null.
json body_of(const std::string& response) {
  std::size_t b = response.find("\r\n\r\n");
  if (b == std::string::npos) return json();
  std::smatch m;
  std::size_t length = std::string::npos;
  if (std::regex_search(response, m, std::regex("Content-Length: (\\d+)"))) length = std::stoul(m[1]);
  return json::parse(response.substr(b + 4, length), nullptr, false);
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("news/a.txt", text_article({.title = "Harbour reopens",
                                           .source = "Harbor Times",
                                           .date = "2024-03-14",
                                           .language = "en",
                                           .body = "Ships returned to the harbour in Rotterdam on Thursday."}));
    dir_.write("news/b.txt",
               text_article({.title = "Pay deal for dockworkers",
                             .source = "Northern Ledger",
                             .date = "2024-04-02",
                             .language = "en",
                             .body = "Crane operators at the harbour won a raise, Elena Marchetti said in Rome."}));
    index();
    ServerConfig config;
    config.db_path = dir_.str("db");
    config.port = 0;
    config.threads = 16;
    config.cors_origins = {"https://news.example"};
    config.access_log = false;
    configure(config);
    config_ = config;
    std::promise<int> listening;
    thread_ = std::thread([this, config, &listening] {
      result_ = serve(config, stop_, [&listening](int port) { listening.set_value(port); });
    });
    port_ = listening.get_future().get();
  }
  virtual void configure(ServerConfig&) {}
  void TearDown() override {
    stop_ = true;
    thread_.join();
    EXPECT_EQ(result_, 0);
  }
  void index() { gazette::testing::build_test_index(dir_.str("db"), {dir_.str("news")}); }
  httplib::Result get(const std::string& path, const httplib::Headers& headers = {}) {
    httplib::Client client("127.0.0.1", port_);
    return client.Get(path.c_str(), headers);
  }
  json get_json(const std::string& path, int status = 200) {
    auto r = get(path);
    EXPECT_TRUE(r) << path;
    if (!r) return json();
    EXPECT_EQ(r->status, status) << path << ": " << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type").rfind("application/json", 0), 0u) << path;
    return json::parse(r->body);
  }

  TempDir dir_;
  ServerConfig config_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  int port_ = 0;
  int result_ = -1;
};

TEST_F(ServerTest, SearchReturnsTheCliDocument) {
  json j = get_json("/api/search?q=harbour&facets=source,places&filter=source:Harbor%20Times&limit=5");
  EXPECT_EQ(j["query"], "harbour");
  ASSERT_EQ(j["hits"].size(), 1u);
  EXPECT_EQ(j["hits"][0]["title"], "Harbour reopens");
  EXPECT_EQ(j["facets"]["source"].size(), 2u);  // disjunctive: both sources stay visible
  json dated = get_json("/api/search?q=harbour&from=2024-04&to=2024");
  ASSERT_EQ(dated["hits"].size(), 1u);
  EXPECT_EQ(dated["hits"][0]["title"], "Pay deal for dockworkers");
}

TEST_F(ServerTest, ArticlesSimilarSuggestEntitiesStatsHealth) {
  json hit = get_json("/api/search?q=crane")["hits"][0];
  std::string id = hit["id"];
  json article = get_json("/api/articles/" + httplib::detail::encode_query_param(id));
  EXPECT_EQ(article["id"], id);
  EXPECT_TRUE(article.contains("entities"));
  json similar = get_json("/api/articles/" + httplib::detail::encode_query_param(id) + "/similar?limit=3");
  for (const auto& h : similar["hits"]) EXPECT_NE(h["id"], id);
  EXPECT_EQ(get_json("/api/articles/nope", 404)["error"]["code"], "not_found");
  EXPECT_EQ(get_json("/api/articles/nope/similar", 404)["error"]["code"], "not_found");
  json suggest = get_json("/api/suggest?q=har");
  ASSERT_FALSE(suggest["suggestions"].empty());
  EXPECT_EQ(suggest["suggestions"][0]["text"].get<std::string>().rfind("har", 0), 0u);
  EXPECT_TRUE(get_json("/api/entities?kind=place")["entities"].is_array());
  EXPECT_EQ(get_json("/api/stats")["articles"], 2);
  EXPECT_EQ(get_json("/healthz")["status"], "ok");
  auto page = get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
}

TEST_F(ServerTest, BadParametersNameThemselves) {
  struct Case {
    const char* path;
    const char* names;
  };
  const std::vector<Case> cases = {
      {"/api/search?q=x&limit=abc", "\"limit\""},
      {"/api/search?q=x&limit=5000", "\"limit\""},
      {"/api/search?q=x&offset=9995&limit=10", "offset + limit"},
      {"/api/search?q=x&sort=sideways", "\"sort\""},
      {"/api/search?q=x&from=yesterday", "\"from\""},
      {"/api/search?q=x&recency=soon", "\"recency\""},
      {"/api/search?q=x&facets=colour", "colour"},
      {"/api/search?q=x&filter=nocolon", "nocolon"},
      {"/api/search?q=x&explain=maybe", "\"explain\""},
      {"/api/entities?kind=planet", "\"kind\""},
      {"/api/suggest", "\"q\""},
      // Invalid UTF-8 reached CLD2 and crashed the server; refused before any route sees it.
      {"/api/search?q=%FF%FE", "parameter \"q\" is not valid UTF-8"},
      {"/api/search?q=harbour%C3", "parameter \"q\" is not valid UTF-8"},
      {"/api/search?q=%ED%A0%80", "parameter \"q\" is not valid UTF-8"},  // a UTF-16 surrogate
      {"/api/search?q=%C0%AF", "parameter \"q\" is not valid UTF-8"},     // overlong "/"
      {"/api/search?q=x&filter=source:%F4%90%80%80", "parameter \"filter\" is not valid UTF-8"},
      {"/api/search?q=x&lang=e%80", "parameter \"lang\" is not valid UTF-8"},
      {"/api/suggest?q=%E2%82", "parameter \"q\" is not valid UTF-8"},
      {"/api/entities?prefix=%FF", "parameter \"prefix\" is not valid UTF-8"},
      {"/api/search?q=x&%FF=1", "parameter name is not valid UTF-8"},
      {"/api/articles/%FF", "path is not valid UTF-8"},
      // The id is checked after the limit: a bad limit is named whatever the id.
      {"/api/articles/nope/similar?limit=-1", "\"limit\""},
  };
  for (const Case& c : cases) {
    json j = get_json(c.path, 400);
    EXPECT_EQ(j["error"]["code"], "invalid_request") << c.path;
    EXPECT_NE(j["error"]["message"].get<std::string>().find(c.names), std::string::npos) << c.path << ": " << j.dump();
  }
  std::string many = "/api/search?q=x";
  for (int i = 0; i < 70; ++i) many += "&filter=people:" + std::to_string(i);
  EXPECT_NE(get_json(many, 400)["error"]["message"].get<std::string>().find("too many parameters"), std::string::npos);
  EXPECT_EQ(get_json("/no/such/route", 404)["error"]["code"], "not_found");
  // A malformed query is not an error: it is searched as words, with a warning.
  EXPECT_FALSE(get_json("/api/search?q=harbour%20AND%20(")["warnings"].empty());
}

TEST_F(ServerTest, CorsOnlyForNamedOrigins) {
  auto plain = get("/api/search?q=harbour", {{"Origin", "https://evil.example"}});
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->has_header("Access-Control-Allow-Origin"));
  auto allowed = get("/api/search?q=harbour", {{"Origin", "https://news.example"}});
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->get_header_value("Access-Control-Allow-Origin"), "https://news.example");
  httplib::Client client("127.0.0.1", port_);
  auto preflight = client.Options("/api/search", {{"Origin", "https://news.example"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  auto refused = client.Options("/api/search", {{"Origin", "https://evil.example"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
}

TEST_F(ServerTest, OpenApiDescribesEveryRoute) {
  json doc = get_json("/api/openapi.json");
  EXPECT_EQ(doc["openapi"].get<std::string>().rfind("3.", 0), 0u);
  std::set<std::string> paths;
  std::size_t operations = 0;
  for (const std::string& route : routes()) {
    std::string method = route.substr(0, route.find(' '));
    std::string path = route.substr(route.find(' ') + 1);
    paths.insert(path);
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(doc["paths"].contains(path)) << route;
    EXPECT_TRUE(doc["paths"][path].contains(method)) << route;
  }
  // And nothing that is not a route.
  EXPECT_EQ(doc["paths"].size(), paths.size());
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) operations += method == "parameters" ? 0 : 1;
  }
  EXPECT_EQ(operations, routes().size());
}

TEST_F(ServerTest, PicksUpNewCommitsWithoutARestart) {
  EXPECT_EQ(get_json("/api/search?q=zebra")["total"]["value"], 0);
  dir_.write("news/c.txt",
             text_article({.title = "Zebra crossing opens", .language = "en", .body = "A new zebra crossing opened."}));
  index();  // a concurrent gazette-index build
  EXPECT_EQ(get_json("/api/search?q=zebra")["total"]["value"], 1);
}

TEST_F(ServerTest, ServesManyClientsAtOnce) {
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([this, &ok] {
      httplib::Client client("127.0.0.1", port_);
      for (int i = 0; i < 20; ++i) {
        auto r = client.Get("/api/search?q=harbour&facets=source");
        if (r && r->status == 200) {
          ++ok;
        } else {
          ADD_FAILURE() << (r ? "status " + std::to_string(r->status) + " " + r->body : httplib::to_string(r.error()));
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok.load(), 160);
}

TEST_F(ServerTest, LongPathsAreRefusedBeforeRouting) {
  // GET /api/articles/ID/similar?limit=-1 with a long ID killed the server (SIGSEGV): the
  // router's std::regex recurses once per character of the path and overflowed the stack
  // (at ~6,000 characters with 2 MB stacks, ~8,000 under ASan).
  std::string id = httplib::detail::encode_query_param(get_json("/api/search?q=crane")["hits"][0]["id"]);
  EXPECT_NE(get_json("/api/articles/" + id + "/similar?limit=-1", 400)["error"]["message"].get<std::string>().find(
                "\"limit\""),
            std::string::npos);
  json j = get_json("/api/articles/" + std::string(7000, 'a') + "/similar?limit=-1", 414);
  EXPECT_EQ(j["error"]["code"], "uri_too_long");
  EXPECT_EQ(get_json("/api/articles/" + std::string(2000, 'a') + "/similar", 404)["error"]["code"], "not_found");
  EXPECT_EQ(get_json("/healthz")["status"], "ok");
}

TEST_F(ServerTest, ExpensiveSearchesAreTold) {
  struct Case {
    const char* query;
    bool heavy;
  };
  const std::vector<Case> cases = {
      {"harbour", false},
      {"harbour strike rotterdam", false},
      {"one two three four five six seven eight nine ten eleven twelve", false},
      {"one two three four five six seven eight nine ten eleven twelve thirteen", true},
      {"harb*", true},
      {"a* OR b* OR c*", true},
      {"\"harbour*\"", true},
  };
  for (const Case& c : cases) EXPECT_EQ(is_heavy_query(c.query), c.heavy) << c.query;
  // Heavy or not, they are served.
  EXPECT_EQ(get_json("/api/search?q=harb*%20OR%20cran*")["total"]["value"], 2);
}

// A server whose page is a folder with a secret beside it.
class ServerFilesTest : public ServerTest {
 protected:
  void configure(ServerConfig& config) override {
    dir_.write("www/index.html", "<!doctype html><title>page</title>");
    dir_.write("secret.txt", "must not be served");
    config.www_dir = dir_.str("www");
  }
};

TEST_F(ServerFilesTest, HostileRequestsGetJsonErrorsNeverFiles) {
  struct Case {
    std::string request;
    int status;
  };
  const std::string long_q(5000, 'a');
  const std::vector<Case> cases = {
      {"GET /../../../../etc/passwd HTTP/1.1\r\n\r\n", 404},
      {"GET /%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\n\r\n", 404},
      {"GET /..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\n\r\n", 404},
      {"GET /..%5c..%5csecret.txt HTTP/1.1\r\n\r\n", 404},
      {"GET /../secret.txt HTTP/1.1\r\n\r\n", 404},
      {"GET //etc/passwd HTTP/1.1\r\n\r\n", 404},
      {"GET /index.html%00.txt HTTP/1.1\r\n\r\n", 404},
      {"GET ../secret.txt HTTP/1.1\r\n\r\n", 404},
      {"DELETE /api/search HTTP/1.1\r\n\r\n", 405},
      {"POST /api/search HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 405},
      {"BREW /api/search HTTP/1.1\r\n\r\n", 400},
      {"GET /api/search?q=%ZZ%&limit=% HTTP/1.1\r\n\r\n", 400},
      {"GET /api/search?q=" + long_q + " HTTP/1.1\r\n\r\n", 400},
      {"GET /api/search?q=" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n", 414},
      // A GET's body is never read: refused, or it would be parsed as the next request.
      {"GET /api/search HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 400},
      {"GET /api/search HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n" + std::string(100000, 'x'), 400},
      {"GET /api/search?q=harbour HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 200},
      {"GET /api/search?q=harbour HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"OPTIONS /api/search HTTP/1.1\r\nOrigin: https://evil.example\r\n\r\n", 403},
      {"GET /api/search?q=harbour HTTP/1.1\r\nRange: bytes=0-0,1-1,2-2\r\n\r\n", 200},
  };
  for (const Case& c : cases) {
    RawClient client(port_);
    ASSERT_TRUE(client.connected());
    client.send(c.request);
    client.finish();
    std::string response = client.read_all(3000);
    std::string shown = c.request.substr(0, 60);
    EXPECT_EQ(status_of(response), c.status) << shown << "\n" << response.substr(0, 300);
    EXPECT_EQ(response.find("must not be served"), std::string::npos) << shown;
    EXPECT_EQ(response.find("root:"), std::string::npos) << shown;
    if (c.status >= 400) {
      EXPECT_TRUE(body_of(response).contains("error")) << shown << "\n" << response.substr(0, 300);
    }
  }
  EXPECT_EQ(get_json("/healthz")["status"], "ok");
  auto page = get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->body, "<!doctype html><title>page</title>");
}

// A server with small limits, as a slow or hostile client meets them.
class ServerLimitsTest : public ServerTest {
 protected:
  void configure(ServerConfig& config) override {
    config.threads = 120;
    config.request_timeout_ms = 3000;
    config.keep_alive_ms = 500;
    config.max_header_bytes = 8 * 1024;
  }
};

TEST_F(ServerLimitsTest, TricklingClientsDoNotDelayOthers) {
  // 100 connections trickling a header byte every 100 ms kept a new client waiting 30 s: each held
  // a thread and a per-recv timeout never expired. Now each request has one deadline.
  std::vector<std::unique_ptr<RawClient>> tricklers;
  for (int i = 0; i < 100; ++i) {
    tricklers.push_back(std::make_unique<RawClient>(port_));
    tricklers.back()->send("GET /api/search?q=harbour HTTP/1.1\r\n");
  }
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    while (!done) {
      for (auto& t : tricklers) t->send("X");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int i = 0; i < 5; ++i) {
    auto t0 = Clock::now();
    EXPECT_EQ(get_json("/api/search?q=harbour")["hits"].size(), 2u);
    EXPECT_LT(ms_since(t0), 1000);
  }
  // The trickled requests end at their deadline, with 408.
  std::string answer = tricklers.front()->read_all(5000);
  done = true;
  trickle.join();
  EXPECT_EQ(status_of(answer), 408) << answer;
  EXPECT_EQ(body_of(answer)["error"]["code"], "request_timeout");
}

TEST_F(ServerLimitsTest, ConnectionsPastTheLimitAreRefusedAtOnce) {
  // 120 half-sent requests hold every connection thread; the next client is told at once
  // (they waited in httplib's unbounded queue before).
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 120; ++i) {
    idle.push_back(std::make_unique<RawClient>(port_));
    idle.back()->send("GET /healthz HTTP/1.1\r\n");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto t0 = Clock::now();
  RawClient late(port_);
  late.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string response = late.read_all(3000);
  EXPECT_LT(ms_since(t0), 500);
  EXPECT_EQ(status_of(response), 503) << response;
  EXPECT_NE(response.find("Retry-After: 1"), std::string::npos);
  EXPECT_EQ(body_of(response)["error"]["code"], "overloaded");
  // While threads run short (fewer than a quarter free), a request has a fifth of its time:
  // 600 ms here, not 3000. Most held connections are dropped by then.
  int dropped = 0;
  for (auto& c : idle) dropped += status_of(c->read_all(std::max(1, 1500 - static_cast<int>(ms_since(t0))))) == 408;
  EXPECT_GE(dropped, 60);
  idle.clear();  // their threads are free again
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(get_json("/healthz")["status"], "ok");
}

TEST_F(ServerLimitsTest, HugeHeadersAreRefused) {
  // 20 MB of headers were read and kept (RSS +400 MB). Now 8 KB (here) is the budget.
  RawClient client(port_);
  client.send("GET /api/search?q=harbour HTTP/1.1\r\n");
  std::string line = "X-Filler: " + std::string(1000, 'y') + "\r\n";
  for (int i = 0; i < 1000 && client.send(line); ++i) {
  }
  std::string response = client.read_all(3000);
  EXPECT_EQ(status_of(response), 431) << response.substr(0, 200);
  EXPECT_EQ(body_of(response)["error"]["code"], "header_too_large");
  // A request line past the budget, before httplib has parsed anything.
  RawClient long_line(port_);
  long_line.send("GET /" + std::string(20000, 'a'));
  std::string r2 = long_line.read_all(3000);
  EXPECT_EQ(status_of(r2), 431) << r2.substr(0, 200);
  EXPECT_EQ(get_json("/healthz")["status"], "ok");
}

// The access log, captured.
class ServerLogTest : public ServerTest {
 protected:
  void configure(ServerConfig& config) override {
    config.request_timeout_ms = 500;
    config.access_log = true;
  }
};

TEST_F(ServerLogTest, RequestsThatTimeOutAreLoggedWithTheirDuration) {
  // They were logged as "GET /api/search 400 5354028.6ms": the start was stamped in the
  // pre-routing handler, which never ran for them.
  ::testing::internal::CaptureStderr();
  get_json("/healthz");
  {
    RawClient client(port_);
    client.send("GET /api/search?q=x HTTP/1.1\r\nHost: x\r\n");  // no blank line: never complete
    EXPECT_EQ(status_of(client.read_all(3000)), 408);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::string log = ::testing::internal::GetCapturedStderr();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(log, m, std::regex(R"(GET /api/search 408 ([0-9.]+)ms)"))) << log;
  EXPECT_GT(std::stod(m[1]), 400);
  EXPECT_LT(std::stod(m[1]), 2000) << log;
  EXPECT_NE(log.find("GET /healthz 200 "), std::string::npos) << log;
}

// The watch API: add (201), list, show, matches after an indexing run, seen, remove; errors name
// the field.
TEST_F(ServerTest, WatchApiAddsListsEvaluatesAndRemoves) {
  httplib::Client client("127.0.0.1", port_);
  auto added = client.Post("/api/watches", R"({"name":"ships","query":"ships","filters":["places:Rotterdam"]})",
                           "application/json");
  ASSERT_TRUE(added);
  ASSERT_EQ(added->status, 201) << added->body;
  EXPECT_EQ(added->get_header_value("Location"), "/api/watches/ships");
  EXPECT_EQ(json::parse(added->body)["name"], "ships");
  struct Bad {
    std::string body, field;
  };
  for (const Bad& b : {Bad{R"({"name":"x","min_score":"high"})", "min_score"},
                       Bad{R"({"name":"ships","query":"again"})", "name"}, Bad{R"({"name":"a b","query":"q"})", "name"},
                       Bad{R"({"name":"y","colour":"red"})", "colour"}, Bad{"not json", "JSON"}}) {
    auto r = client.Post("/api/watches", b.body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << b.body;
    EXPECT_NE(json::parse(r->body)["error"]["message"].get<std::string>().find(b.field), std::string::npos)
        << b.body << " -> " << r->body;
  }
  json list = get_json("/api/watches");
  EXPECT_EQ(list["changes"], true);
  ASSERT_EQ(list["watches"].size(), 1u);
  EXPECT_EQ(list["watches"][0]["new_matches"], 0);
  EXPECT_EQ(get_json("/api/watches/ships")["query"], "ships");
  EXPECT_EQ(get_json("/api/watches/nope", 404)["error"]["code"], "not_found");

  dir_.write("news/c.txt", text_article({.title = "More ships in Rotterdam",
                                         .date = "2024-05-01",
                                         .language = "en",
                                         .body = "Ships crowded the port of Rotterdam again on Monday."}));
  index();
  WatchRun run = run_watches(dir_.str("db"), 1);
  ASSERT_EQ(run.matches.size(), 1u);
  json matches = get_json("/api/watches/ships/matches");
  ASSERT_EQ(matches["matches"].size(), 1u);
  EXPECT_EQ(matches["matches"][0]["title"], "More ships in Rotterdam");
  EXPECT_EQ(get_json("/api/watches/ships/matches?since=2000-01-01")["matches"].size(), 1u);
  EXPECT_EQ(get_json("/api/watches/ships/matches?since=2999-01-01")["matches"].size(), 0u);
  EXPECT_NE(get_json("/api/watches/ships/matches?since=soon", 400)["error"]["message"].get<std::string>().find("since"),
            std::string::npos);
  EXPECT_EQ(get_json("/api/watches")["watches"][0]["new_matches"], 1);
  auto seen = client.Post("/api/watches/ships/seen", "", "application/json");
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->status, 200);
  EXPECT_EQ(get_json("/api/watches")["watches"][0]["new_matches"], 0);
  auto removed = client.Delete("/api/watches/ships");
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 200);
  EXPECT_EQ(get_json("/api/watches/ships", 404)["error"]["code"], "not_found");
  auto again = client.Delete("/api/watches/ships");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
}

class ServerWatchesReadTest : public ServerTest {
 protected:
  void configure(ServerConfig& config) override { config.watches = "read"; }
};

TEST_F(ServerWatchesReadTest, ListsWatchesButRefusesChanges) {
  Watch w;
  w.name = "harbour";
  w.query = "harbour";
  WatchStore(dir_.str("db")).add(w, Searcher(dir_.str("db")));
  EXPECT_EQ(get_json("/api/watches")["watches"].size(), 1u);
  EXPECT_EQ(get_json("/api/watches")["changes"], false);
  httplib::Client client("127.0.0.1", port_);
  auto post = client.Post("/api/watches", R"({"name":"x","query":"y"})", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  auto del = client.Delete("/api/watches/harbour");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);
  EXPECT_EQ(get_json("/api/watches")["watches"].size(), 1u);
}

class ServerWatchesOffTest : public ServerTest {
 protected:
  void configure(ServerConfig& config) override { config.watches = "off"; }
};

TEST_F(ServerWatchesOffTest, AnswersNoWatchRoute) {
  EXPECT_EQ(get_json("/api/watches", 404)["error"]["code"], "not_found");
  EXPECT_EQ(get_json("/api/search?q=harbour")["hits"].size(), 2u);
}

// A web hook on loopback: matches delivered in order, a 500 retried, a hook that is down fails
// within the time budget.
TEST(WatchHookTest, DeliversRetriesAndGivesUp) {
  httplib::Server hook;
  std::mutex mu;
  std::vector<std::string> received;
  int calls = 0;
  hook.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    if (++calls == 2) {
      res.status = 500;  // the second request fails once
      return;
    }
    received.push_back(req.body);
    res.status = 204;
  });
  int port = hook.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread t([&hook] { hook.listen_after_bind(); });
  // Bound and listening: connections wait in the backlog until listen_after_bind accepts them.
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  EXPECT_NO_THROW(check_hook_url(url));
  EXPECT_THROW(check_hook_url("ftp://example/hook"), InvalidRequest);
  HookOptions fast;
  fast.retry_wait_ms = 10;
  HookReport ok = post_to_hook(url, {R"({"id":"a"})", R"({"id":"b"})", R"({"id":"c"})"}, fast);
  EXPECT_EQ(ok.delivered, 3u);
  EXPECT_EQ(ok.failed, 0u);
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(received, (std::vector<std::string>{R"({"id":"a"})", R"({"id":"b"})", R"({"id":"c"})"}));
    EXPECT_EQ(calls, 4);
  }
  hook.stop();
  t.join();
  // Down: every attempt refused; the rest are not tried.
  fast.timeout_ms = 500;
  auto t0 = Clock::now();
  HookReport down = post_to_hook(url, {"{}", "{}", "{}"}, fast);
  EXPECT_EQ(down.delivered, 0u);
  EXPECT_EQ(down.failed, 3u);
  EXPECT_FALSE(down.last_error.empty());
  EXPECT_LT(ms_since(t0), 5000);
}

}  // namespace
}  // namespace gazette::http
