// SPDX-License-Identifier: GPL-2.0-or-later
// Test support: temporary folders, fixture files, and throw-away indexes built from them.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace gazette::testing {

// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("gazette-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str(const std::string& child = "") const {
    return child.empty() ? path_.string() : (path_ / child).string();
  }

  // Writes `content` (bytes, as is) to `relative`, creating folders; returns the full path.
  std::string write(const std::string& relative, const std::string& content) const {
    std::filesystem::path p = path_ / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << content;
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

inline std::string test_data(const std::string& relative) { return std::string(GAZETTE_TEST_DATA) + "/" + relative; }
inline std::string source_dir(const std::string& relative) { return std::string(GAZETTE_SOURCE_DIR) + "/" + relative; }

// The real corpora folder, or "" when it is absent (a user's clone): tests then GTEST_SKIP.
inline std::string shared_data(const std::string& relative) {
  std::filesystem::path p = std::filesystem::path(GAZETTE_SHARED_DATA) / relative;
  return std::filesystem::exists(p) ? p.string() : std::string();
}

}  // namespace gazette::testing
