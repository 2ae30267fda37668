// SPDX-License-Identifier: GPL-2.0-or-later
// Hostile input files: a generated corpus of more than 1,000 bad files (empty, binary, NUL
// bytes, broken and mixed encodings, UTF-16, truncated and 100,000-deep JSON, huge lines, deep
// HTML, FIFOs, sockets, symlink loops, odd names, folders named like files) mixed with good
// articles, indexed by the real gazette-index binary: the run ends in bounded time, names every
// bad file, indexes every good article, exits 1; `inspect` on bad files alone never crashes or hangs.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "support/process.h"
#include "support/temp_index.h"

namespace {

using gazette::testing::TempDir;
namespace fs = std::filesystem;

using gazette::testing::Process;

Process run(const std::string& binary, const std::vector<std::string>& args, int timeout_s) {
  return gazette::testing::run_process(binary, args, timeout_s);
}

// What printable_path makes of a name: control characters, backslashes and bytes that are not
// UTF-8 as \xNN. (The test's own copy: its names are ASCII but for the deliberately odd ones.)
std::string printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F || c == '\\' || c >= 0x80) {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

class HostileCorpus {
 public:
  explicit HostileCorpus(const TempDir& dir) : root_(dir.path() / "corpus") {
    fs::create_directories(root_);
    std::mt19937 rng(20261201);
    auto bytes = [&rng](std::size_t n) {
      std::string s(n, '\0');
      for (char& c : s) c = static_cast<char>(rng() & 0xFF);
      return s;
    };
    const char* exts[] = {".txt", ".json", ".jsonl", ".html"};
    // Empty and whitespace-only files.
    for (const char* e : exts) {
      bad("empty/empty" + std::string(e), "");
      bad("empty/blank" + std::string(e), "   \n\n\t\n");
    }
    // Random bytes of every size up to 4 KB, and NUL-laden text.
    for (int i = 0; i < 800; ++i) {
      std::size_t n = 1 + rng() % (i < 100 ? 3 : 4096);
      std::string content = bytes(n);
      if (i < 100) content[0] = '\x01';           // a tiny file of printable bytes would be an article
      if (i % 3 == 0) content[rng() % n] = '\0';  // surely binary
      bad("binary/b" + std::to_string(i) + exts[i % 4], content);
    }
    for (int i = 0; i < 40; ++i) {
      std::string t = "Title " + std::to_string(i) + "\n\nSome text";
      t.insert(t.begin() + 3, '\0');
      bad("nul/n" + std::to_string(i) + exts[i % 4], t);
    }
    // Broken, mixed and legacy encodings; UTF-16 with and without a byte-order mark.
    for (int i = 0; i < 60; ++i) {
      std::string t = "Encoding test " + std::to_string(i) + "\n\nCaf\xc3\xa9 and caf\xe9 and \xff\xfe half \xe2\x82";
      t += bytes(8);
      bad("encoding/mixed" + std::to_string(i) + ".txt", t);
    }
    for (int i = 0; i < 20; ++i) {
      std::string utf16;
      std::string text = "UTF-16 title " + std::to_string(i) + "\n\nBody in UTF-16.";
      for (char c : text) {
        utf16 += c;
        utf16 += '\0';
      }
      bad("utf16/bom" + std::to_string(i) + ".txt", "\xFF\xFE" + utf16);
      bad("utf16/nobom" + std::to_string(i) + ".txt", utf16);
    }
    // Truncated and deep JSON; bad JSON Lines.
    for (int i = 0; i < 60; ++i) {
      std::string good = R"({"id":"t)" + std::to_string(i) + R"(","title":"Truncated","body":"Some body text here"})";
      bad("json/truncated" + std::to_string(i) + ".json", good.substr(0, 1 + rng() % (good.size() - 1)));
    }
    bad("json/deep-array.json", std::string(100000, '[') + std::string(100000, ']'));
    bad("json/deep-object.json", [] {
      std::string s;
      for (int i = 0; i < 100000; ++i) s += "{\"a\":";
      s += "1";
      s += std::string(100000, '}');
      return s;
    }());
    bad("json/deep-open.jsonl", std::string(100000, '['));
    bad("json/not-object.json", "[1, 2, 3]");
    bad("json/controls.jsonl", std::string("\x01\x02\x03\x04\x05\x06\n", 7));
    // Huge strings and lines (over the test's --max-file-size of 2 MB).
    bad("huge/one-line.txt", std::string(3u << 20, 'a'));
    bad("huge/record.jsonl", R"({"id":"huge","title":"x","body":")" + std::string(3u << 20, 'b') + "\"}\n");
    bad("huge/page.html", "<html><body><p>" + std::string(3u << 20, 'c') + "</p></body></html>");
    // Deep HTML.
    for (std::size_t depth : {5000, 20000, 100000, 500000}) {
      std::string h = "<html><body>";
      for (std::size_t d = 0; d < depth; ++d) h += "<div>";
      h += "deep";
      bad("html/div-" + std::to_string(depth) + ".html", h);
    }
    {
      std::string h = "<html><body>";
      for (int d = 0; d < 40000; ++d) h += "<article>";
      bad("html/article-40000.html", h + "text");
      std::string b = "<html><body>";
      for (int d = 0; d < 40000; ++d) b += "<b><i>";
      bad("html/formatting-40000.html", b + "text");
    }
    bad("html/no-text.html", "<html><head><script>var x = 1;</script></head><body></body></html>");
    // Things that are not regular files. A FIFO must never block a run.
    for (int i = 0; i < 10; ++i) {
      std::string p = (root_ / ("special/fifo" + std::to_string(i) + exts[i % 4])).string();
      fs::create_directories(fs::path(p).parent_path());
      if (::mkfifo(p.c_str(), 0644) == 0) names_.push_back(p);
    }
    {
      std::string p = (root_ / "special/socket.txt").string();
      int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
      sockaddr_un addr{};
      addr.sun_family = AF_UNIX;
      if (fd >= 0 && p.size() < sizeof addr.sun_path) {
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", p.c_str());
        if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) names_.push_back(p);
      }
      if (fd >= 0) ::close(fd);
    }
    fs::create_directories(root_ / "links");
    fs::create_symlink(root_ / "links", root_ / "links/self");         // a folder loop
    fs::create_symlink(root_ / "links/b.txt", root_ / "links/a.txt");  // a -> b -> a
    fs::create_symlink(root_ / "links/a.txt", root_ / "links/b.txt");
    names_.push_back((root_ / "links/a.txt").string());
    names_.push_back((root_ / "links/b.txt").string());
    fs::create_symlink(root_ / "links/missing.txt", root_ / "links/dangling.txt");
    names_.push_back((root_ / "links/dangling.txt").string());
    // Folders named like files, one holding a bad file.
    fs::create_directories(root_ / "dirs/folder.txt");
    fs::create_directories(root_ / "dirs/folder.json");
    bad("dirs/inner.html/bad.json", "{");

    // Good articles, some with odd names: each must be indexed (and fetchable by its id).
    for (int i = 0; i < 40; ++i) {
      std::string name = "good/article-" + std::to_string(i) + ".txt";
      if (i == 1) name = "good/new\nline.txt";
      if (i == 2) name = "good/escape\x1b[31mred.txt";
      if (i == 3) name = std::string("good/latin1-\xe9t\xe9.txt");
      if (i == 4) name = "good/space and 'quote'.txt";
      std::string body = "Harbour workers in Port Velmar report on shipment " + std::to_string(i) + ". The goodword" +
                         std::to_string(i) + " appears once.";
      write(name,
            "Title: Good article " + std::to_string(i) + "\nId: good-" + std::to_string(i) + "\n\n" + body + "\n");
      good_ids_.push_back("good-" + std::to_string(i));
    }
    // A good line among bad ones in a JSON Lines file.
    write("good/mixed.jsonl", std::string(R"({"id":"mixed-a","title":"good one","body":"good text here"})") +
                                  std::string("\n\x00\x01\x02\n", 5) +
                                  R"({"id":"mixed-b","title":"good two","body":"more text"})" + "\n");
    good_ids_.push_back("mixed-a");
    good_ids_.push_back("mixed-b");
    names_.push_back((root_ / "good/mixed.jsonl").string());
    // An article with an odd name and no id: its id comes from the name and must be fetchable.
    write(std::string("good/odd-\xff-name.txt"), "Odd name\n\nAn article whose file name is not UTF-8.\n");
  }

  const fs::path& root() const { return root_; }
  const std::vector<std::string>& bad_files() const { return names_; }
  const std::vector<std::string>& good_ids() const { return good_ids_; }

 private:
  void write(const std::string& relative, const std::string& content) {
    gazette::testing::write_file(root_ / relative, content);
  }
  void bad(const std::string& relative, const std::string& content) {
    write(relative, content);
    names_.push_back((root_ / relative).string());
  }

  fs::path root_;
  std::vector<std::string> names_;
  std::vector<std::string> good_ids_;
};

TEST(HostileFilesTest, RunFinishesNamesEveryBadFileAndIndexesEveryGoodArticle) {
  TempDir dir;
  HostileCorpus corpus(dir);
  ASSERT_GE(corpus.bad_files().size(), 1000u);
  std::string db = dir.str("db");
  Process r = run(GAZETTE_INDEX_BIN,
                  {"build", "--db", db, "--json", "--max-file-size", "2000000", corpus.root().string()}, 600);
  ASSERT_NE(r.status, 128 + 9) << "gazette-index was killed by the timeout: it hung (" << r.seconds << " s)";
  EXPECT_EQ(r.status, 1) << r.err.substr(0, 4000);
  RecordProperty("seconds", std::to_string(r.seconds));
  // Every bad file is named on stderr, printably (no raw newline or escape from a file name).
  std::set<std::string> lines;
  std::istringstream err(r.err);
  for (std::string line; std::getline(err, line);) {
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
    lines.insert(line);
  }
  std::size_t unnamed = 0;
  for (const std::string& f : corpus.bad_files()) {
    std::string name = printable(f);
    bool named = r.err.find(name + ":") != std::string::npos;
    if (!named && ++unnamed <= 20) ADD_FAILURE() << "not reported: " << name;
  }
  EXPECT_EQ(unnamed, 0u);
  // Every good article is there, and fetchable by id.
  for (const std::string& id : corpus.good_ids()) {
    Process d = run(GAZETTE_SEARCH_BIN, {"doc", "--db", db, "--json", id}, 60);
    EXPECT_EQ(d.status, 0) << id << ": " << d.err;
  }
  Process odd = run(GAZETTE_SEARCH_BIN, {"doc", "--db", db, "--json", "corpus/good/odd-%FF-name.txt"}, 60);
  EXPECT_EQ(odd.status, 0) << "an id from a file name that is not UTF-8 must be fetchable: " << odd.err;
  // A second run over the same corpus changes nothing and still ends.
  Process again = run(GAZETTE_INDEX_BIN,
                      {"build", "--db", db, "--json", "--max-file-size", "2000000", corpus.root().string()}, 600);
  EXPECT_EQ(again.status, 1);
  auto summary = nlohmann::json::parse(again.out, nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << again.out;
  EXPECT_EQ(summary.value("indexed", -1), 0);
  EXPECT_EQ(summary.value("updated", -1), 0);
}

TEST(HostileFilesTest, InspectOnEachBadFileGivesAnErrorNeverACrashOrHang) {
  TempDir dir;
  HostileCorpus corpus(dir);
  // Every kind, not every copy: a sample keeps the sanitizer build fast.
  std::size_t n = 0;
  for (std::size_t i = 0; i < corpus.bad_files().size(); i += (i < 900 && i > 40 ? 23 : 1)) {
    const std::string& f = corpus.bad_files()[i];
    Process r = run(GAZETTE_INDEX_BIN, {"inspect", "--json", "--max-file-size", "2000000", f}, 60);
    ++n;
    EXPECT_LT(r.status, 128) << f << " crashed or hung inspect: status " << r.status << "\n" << r.err.substr(0, 2000);
    EXPECT_FALSE(r.err.empty() && r.out.find("\"problems\"") == std::string::npos) << f << ": no problem reported";
  }
  EXPECT_GE(n, 80u);
}

}  // namespace
