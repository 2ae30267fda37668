// SPDX-License-Identifier: GPL-2.0-or-later
// The search page in a real browser: Debian's headless Chromium driven through chromedriver
// (WebDriver over HTTP) against gazette-search's server on 127.0.0.1 over the corpus/ index.
// Type a query, see results and facet counts, click a facet, see the filtered results and the
// chip, reload the URL and see the same state; follow a search and open its new matches. A screenshot of each step is
// kept under build/test-artifacts/browser/.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "gazette/searcher/watches.h"
#include "server.h"
#include "support/temp_index.h"
#include "support/test_index.h"

namespace {

using gazette::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kElement = "element-6066-11e4-a52e-4f735466cecf";

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string base64_decode(const std::string& in) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    std::size_t pos = chars.find(c);
    if (pos == std::string::npos) continue;
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

// A minimal WebDriver client.
class Browser {
 public:
  explicit Browser(int port) : client_("127.0.0.1", port) { client_.set_read_timeout(30, 0); }

  json call(const std::string& method, const std::string& path, const json& body = json::object()) {
    httplib::Result r = method == "GET"      ? client_.Get(path.c_str())
                        : method == "DELETE" ? client_.Delete(path.c_str())
                                             : client_.Post(path.c_str(), body.dump(), "application/json");
    if (!r) throw std::runtime_error("webdriver " + path + ": no answer");
    json j = json::parse(r->body);
    if (r->status != 200) throw std::runtime_error("webdriver " + path + ": " + r->body.substr(0, 300));
    return j["value"];
  }
  void start(const std::string& profile) {
    json caps = {{"capabilities",
                  {{"alwaysMatch",
                    {{"browserName", "chrome"},
                     {"goog:chromeOptions",
                      {{"binary", "/usr/bin/chromium"},
                       {"args",
                        {"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                         "--no-first-run", "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + profile}}}}}}}}};
    session_ = "/session/" + call("POST", "/session", caps)["sessionId"].get<std::string>();
  }
  void stop() {
    if (!session_.empty()) call("DELETE", session_);
    session_.clear();
  }
  void go(const std::string& url) { call("POST", session_ + "/url", {{"url", url}}); }
  void refresh() { call("POST", session_ + "/refresh"); }
  std::string url() { return call("GET", session_ + "/url"); }
  std::vector<std::string> find_all(const std::string& css) {
    std::vector<std::string> ids;
    for (const json& e : call("POST", session_ + "/elements", {{"using", "css selector"}, {"value", css}})) {
      ids.push_back(e[kElement]);
    }
    return ids;
  }
  // Waits up to 15 s for `css` to match at least `n` elements.
  std::vector<std::string> wait_for(const std::string& css, std::size_t n = 1) {
    for (int i = 0; i < 150; ++i) {
      std::vector<std::string> found = find_all(css);
      if (found.size() >= n) return found;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("timed out waiting for " + css);
  }
  std::string text(const std::string& el) { return call("GET", session_ + "/element/" + el + "/text"); }
  std::string property(const std::string& el, const std::string& name) {
    json v = call("GET", session_ + "/element/" + el + "/property/" + name);
    return v.is_string() ? v.get<std::string>() : v.dump();
  }
  void click(const std::string& el) { call("POST", session_ + "/element/" + el + "/click"); }
  void type(const std::string& el, const std::string& keys) {
    call("POST", session_ + "/element/" + el + "/value", {{"text", keys}});
  }
  void clear(const std::string& el) { call("POST", session_ + "/element/" + el + "/clear"); }
  void resize(int w, int h) { call("POST", session_ + "/window/rect", {{"width", w}, {"height", h}}); }
  void screenshot(const std::string& path) {
    gazette::testing::write_file(path, base64_decode(call("GET", session_ + "/screenshot").get<std::string>()));
  }

 private:
  httplib::Client client_;
  std::string session_;
};

bool browser_installed() { return fs::exists("/usr/bin/chromium") && fs::exists("/usr/bin/chromedriver"); }

// gazette-search's server over a database on 127.0.0.1, chromedriver, and a headless Chromium
// session on the page; all stopped when it goes.
class PageSession {
 public:
  PageSession(const std::string& db, const std::string& profile) : browser_(start_driver()) {
    gazette::http::ServerConfig config;
    config.db_path = db;
    config.port = 0;
    config.access_log = false;
    std::promise<int> listening;
    server_ = std::thread([this, config, &listening] {
      gazette::http::serve(config, stop_, [&](int port) { listening.set_value(port); });
    });
    site_ = "http://127.0.0.1:" + std::to_string(listening.get_future().get()) + "/";
    for (int i = 0; i < 100; ++i) {  // chromedriver takes a moment to listen
      try {
        if (browser_.call("GET", "/status")["ready"] == true) break;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    browser_.start(profile);
  }
  ~PageSession() {
    try {
      browser_.stop();
    } catch (const std::exception&) {
    }
    kill(driver_, SIGTERM);
    waitpid(driver_, nullptr, 0);
    stop_ = true;
    server_.join();
  }
  PageSession(const PageSession&) = delete;
  PageSession& operator=(const PageSession&) = delete;

  Browser& browser() { return browser_; }
  const std::string& site() const { return site_; }

 private:
  int start_driver() {
    int port = free_port();
    driver_ = fork();
    if (driver_ == 0) {
      std::string arg = "--port=" + std::to_string(port);
      execl("/usr/bin/chromedriver", "chromedriver", arg.c_str(), "--allowed-ips=127.0.0.1",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    return port;
  }

  pid_t driver_ = -1;
  Browser browser_;
  std::atomic<bool> stop_{false};
  std::thread server_;
  std::string site_;
};

fs::path screenshots() {
  fs::path shots = fs::path(GAZETTE_ARTIFACTS_DIR) / "browser";
  fs::create_directories(shots);
  return shots;
}

// Waits up to 5 s for the element's text to contain `part`; returns the text.
std::string wait_for_text(Browser& b, const std::string& css, const std::string& part) {
  std::string last;
  for (int i = 0; i < 50; ++i) {
    std::vector<std::string> found = b.find_all(css);
    if (!found.empty()) {
      last = b.text(found[0]);
      if (last.find(part) != std::string::npos) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return last;
}

TEST(BrowserTest, SearchFacetChipAndReload) {
  if (!browser_installed()) GTEST_SKIP() << "Chromium or chromedriver is not installed (scripts/setup installs them)";
  TempDir dir;
  gazette::testing::build_test_index(dir.str("db"), {gazette::testing::source_dir("corpus")});
  PageSession page(dir.str("db"), dir.str("profile"));
  Browser& b = page.browser();
  fs::path shots = screenshots();
  b.go(page.site());
  b.screenshot((shots / "1-home.png").string());

  // 1. Type a query: results and facet counts.
  b.type(b.wait_for("#q")[0], "energy\n");
  std::vector<std::string> hits = b.wait_for(".hit");
  std::vector<std::string> places = b.wait_for(".facet-value[data-facet='places']");
  EXPECT_NE(b.text(b.wait_for("#status")[0]).find("article"), std::string::npos);
  std::string facet_text = b.text(places[0]);
  EXPECT_NE(facet_text.find_first_of("0123456789"), std::string::npos) << facet_text;
  EXPECT_NE(b.url().find("q=energy"), std::string::npos);
  b.screenshot((shots / "2-results.png").string());

  // 2. Click a facet: filtered results and a chip.
  b.click(places[0]);
  std::vector<std::string> chips = b.wait_for(".chip");
  EXPECT_NE(b.text(chips[0]).find("places"), std::string::npos) << b.text(chips[0]);
  EXPECT_NE(b.url().find("filter=places"), std::string::npos) << b.url();
  b.wait_for(".hit");
  b.screenshot((shots / "3-filtered.png").string());
  std::string status_after = b.text(b.find_all("#status")[0]);

  // 3. Reload the URL: the same state.
  std::string url = b.url();
  b.refresh();
  b.wait_for(".chip");
  b.wait_for(".hit");
  EXPECT_EQ(b.url(), url);
  EXPECT_EQ(b.property(b.find_all("#q")[0], "value"), "energy");
  EXPECT_EQ(wait_for_text(b, "#status", status_after), status_after);
  b.screenshot((shots / "4-reloaded.png").string());

  // 4. A phone-width layout.
  b.resize(390, 844);
  b.screenshot((shots / "5-phone.png").string());
}

// Follow a search from its result page, index a run, and open the watch's new matches from the
// watch list; opening them marks them seen, and "Search it now" runs the watch as a search.
TEST(BrowserTest, FollowASearchAndOpenItsNewMatches) {
  if (!browser_installed()) GTEST_SKIP() << "Chromium or chromedriver is not installed (scripts/setup installs them)";
  using gazette::testing::text_article;
  TempDir dir;
  dir.write("in/a.txt", text_article({.title = "Harbour reopens",
                                      .date = "2026-03-14",
                                      .language = "en",
                                      .body = "Ships returned to the harbour in Rotterdam on Thursday."}));
  dir.write("in/b.txt", text_article({.title = "School budget",
                                      .date = "2026-03-15",
                                      .language = "en",
                                      .body = "The council voted on the school budget in Leeds."}));
  gazette::testing::build_test_index(dir.str("db"), {dir.str("in")});
  PageSession page(dir.str("db"), dir.str("profile"));
  Browser& b = page.browser();
  fs::path shots = screenshots();

  b.go(page.site() + "?q=ships");
  b.wait_for(".hit");
  b.click(b.wait_for("#follow-open")[0]);
  std::string name_field = b.wait_for("#follow-name")[0];
  EXPECT_EQ(b.property(name_field, "value"), "ships");
  b.screenshot((shots / "6-follow.png").string());
  b.click(b.wait_for("#follow-form button[type='submit']")[0]);
  EXPECT_NE(wait_for_text(b, "#follow-msg", "Following").find("Following as “ships”"), std::string::npos);
  std::vector<std::string> listed = b.wait_for(".watch-item[data-watch='ships']");
  EXPECT_EQ(b.text(listed[0]), "ships\n0");
  // The same search again: followed already, no second button.
  b.refresh();
  EXPECT_NE(wait_for_text(b, "#follow-msg", "Followed").find("Followed as “ships”"), std::string::npos);
  EXPECT_EQ(b.property(b.find_all("#follow-open")[0], "hidden"), "true");

  // A name the server refuses: its message, naming the field, on the page.
  b.go(page.site() + "?q=budget");
  b.wait_for(".hit");
  b.click(b.wait_for("#follow-open")[0]);
  std::string field = b.wait_for("#follow-name")[0];
  EXPECT_EQ(b.property(field, "value"), "budget");
  b.clear(field);
  b.type(field, "ships");
  b.click(b.wait_for("#follow-form button[type='submit']")[0]);
  std::string refused = wait_for_text(b, "#follow-msg", "Not saved");
  EXPECT_NE(refused.find("Not saved: name"), std::string::npos) << refused;
  EXPECT_EQ(b.find_all(".watch-item").size(), 1u);

  // An index run with a new article about ships: the list counts it, a click opens it.
  dir.write("in/c.txt", text_article({.title = "More ships in Rotterdam",
                                      .date = "2026-05-01",
                                      .language = "en",
                                      .body = "Ships crowded the port of Rotterdam again on Monday."}));
  gazette::testing::build_test_index(dir.str("db"), {dir.str("in")});
  ASSERT_EQ(gazette::run_watches(dir.str("db"), 1).matches.size(), 1u);
  b.go(page.site());
  EXPECT_EQ(wait_for_text(b, ".watch-item[data-watch='ships']", "new"), "ships\n1 new");
  b.click(b.wait_for(".watch-item[data-watch='ships']")[0]);
  std::vector<std::string> matches = b.wait_for(".match");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_NE(b.text(matches[0]).find("More ships in Rotterdam"), std::string::npos) << b.text(matches[0]);
  EXPECT_EQ(b.find_all(".match .fresh-label").size(), 1u);  // marked new
  EXPECT_NE(b.url().find("watch=ships"), std::string::npos) << b.url();
  EXPECT_NE(b.text(b.find_all("#status")[0]).find("1 match, 1 new"), std::string::npos);
  b.screenshot((shots / "7-watch-matches.png").string());
  // Opened: seen, in the list and for every reader of the database.
  EXPECT_EQ(wait_for_text(b, ".watch-item[data-watch='ships']", "ships\n1"), "ships\n1");
  EXPECT_EQ(gazette::WatchStore(dir.str("db")).get("ships")->new_matches, 0u);

  // The watch as a search.
  b.click(b.wait_for(".watch-search")[0]);
  b.wait_for(".hit", 2);
  EXPECT_NE(b.url().find("q=ships"), std::string::npos) << b.url();
  EXPECT_EQ(b.url().find("watch="), std::string::npos) << b.url();
}

}  // namespace
