// SPDX-License-Identifier: GPL-2.0-or-later
// The search page in a real browser: Debian's headless Chromium driven through chromedriver
// (WebDriver over HTTP) against gazette-search's server on 127.0.0.1 over the corpus/ index.
// Type a query, see results and facet counts, click a facet, see the filtered results and the
// chip, reload the URL and see the same state. A screenshot of each step is kept under
// build/test-artifacts/browser/.
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
  void resize(int w, int h) { call("POST", session_ + "/window/rect", {{"width", w}, {"height", h}}); }
  void screenshot(const std::string& path) {
    gazette::testing::write_file(path, base64_decode(call("GET", session_ + "/screenshot").get<std::string>()));
  }

 private:
  httplib::Client client_;
  std::string session_;
};

TEST(BrowserTest, SearchFacetChipAndReload) {
  if (!fs::exists("/usr/bin/chromium") || !fs::exists("/usr/bin/chromedriver")) {
    GTEST_SKIP() << "Chromium or chromedriver is not installed (scripts/setup installs them)";
  }
  TempDir dir;
  gazette::testing::build_test_index(dir.str("db"), {gazette::testing::source_dir("corpus")});

  std::atomic<bool> stop{false};
  std::promise<int> listening;
  gazette::http::ServerConfig config;
  config.db_path = dir.str("db");
  config.port = 0;
  config.access_log = false;
  std::thread server([&] { gazette::http::serve(config, stop, [&](int port) { listening.set_value(port); }); });
  int port = listening.get_future().get();
  std::string site = "http://127.0.0.1:" + std::to_string(port) + "/";

  int driver_port = free_port();
  pid_t driver = fork();
  if (driver == 0) {
    std::string arg = "--port=" + std::to_string(driver_port);
    execl("/usr/bin/chromedriver", "chromedriver", arg.c_str(), "--allowed-ips=127.0.0.1", static_cast<char*>(nullptr));
    _exit(127);
  }
  fs::path shots = fs::path(GAZETTE_ARTIFACTS_DIR) / "browser";
  fs::create_directories(shots);
  Browser b(driver_port);
  std::string failure;
  try {
    for (int i = 0; i < 100; ++i) {  // chromedriver takes a moment to listen
      try {
        if (b.call("GET", "/status")["ready"] == true) break;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    b.start(dir.str("profile"));
    b.go(site);
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
    std::string place = b.property(places[0], "dataset") == "" ? "" : b.text(places[0]);
    std::string status_before = b.text(b.find_all("#status")[0]);
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
    for (int i = 0; i < 50 && b.text(b.find_all("#status")[0]) != status_after; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(b.text(b.find_all("#status")[0]), status_after);
    b.screenshot((shots / "4-reloaded.png").string());

    // 4. A phone-width layout.
    b.resize(390, 844);
    b.screenshot((shots / "5-phone.png").string());
    (void)place;
    (void)status_before;
  } catch (const std::exception& e) {
    failure = e.what();
  }
  try {
    b.stop();
  } catch (const std::exception&) {
  }
  kill(driver, SIGTERM);
  waitpid(driver, nullptr, 0);
  stop = true;
  server.join();
  EXPECT_EQ(failure, "");
}

}  // namespace
