// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of the HTTP server: every route, errors, limits, CORS, the OpenAPI document, picking up
// new commits, and a clean stop.
#include "server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <future>
#include <thread>

#include "indexer.h"
#include "support/temp_index.h"

namespace gazette::http {
namespace {

using gazette::testing::TempDir;
using nlohmann::json;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("news/a.txt", "Title: Harbour reopens\nSource: Harbor Times\nDate: 2024-03-14\nLanguage: en\n\n"
                             "Ships returned to the harbour in Rotterdam on Thursday.\n");
    dir_.write("news/b.txt", "Title: Pay deal for dockworkers\nSource: Northern Ledger\nDate: 2024-04-02\nLanguage: en\n\n"
                             "Crane operators at the harbour won a raise, Elena Marchetti said in Rome.\n");
    index();
    ServerConfig config;
    config.db_path = dir_.str("db");
    config.port = 0;
    config.threads = 4;
    config.cors_origins = {"https://news.example"};
    config.access_log = false;
    std::promise<int> listening;
    thread_ = std::thread([this, config, &listening] {
      result_ = serve(config, stop_, [&listening](int port) { listening.set_value(port); });
    });
    port_ = listening.get_future().get();
  }
  void TearDown() override {
    stop_ = true;
    thread_.join();
    EXPECT_EQ(result_, 0);
  }
  void index() {
    indexer::IndexerConfig c;
    c.db_path = dir_.str("db");
    c.inputs = {dir_.str("news")};
    c.threads = 1;
    c.log = [](std::string_view) {};
    indexer::run_indexer(c);
  }
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
  for (const std::string& route : routes()) {
    std::string method = route.substr(0, route.find(' '));
    std::string path = route.substr(route.find(' ') + 1);
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(doc["paths"].contains(path)) << route;
    EXPECT_TRUE(doc["paths"][path].contains(method)) << route;
  }
  EXPECT_EQ(doc["paths"].size(), routes().size());  // and nothing that is not a route
}

TEST_F(ServerTest, PicksUpNewCommitsWithoutARestart) {
  EXPECT_EQ(get_json("/api/search?q=zebra")["total"]["value"], 0);
  dir_.write("news/c.txt", "Title: Zebra crossing opens\nLanguage: en\n\nA new zebra crossing opened.\n");
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
        if (r && r->status == 200) ++ok;
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok.load(), 160);
}

}  // namespace
}  // namespace gazette::http
