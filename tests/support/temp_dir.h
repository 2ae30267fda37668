// SPDX-License-Identifier: GPL-2.0-or-later
// Test support: temporary folders and the files written into and read from them. Needs no test data macros, so
// the fuzz targets use it too.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace gazette::testing {

// Writes `content` (bytes, as is) to `path`, creating its folders.
inline void write_file(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

// The bytes of the file at `path`; "" when it cannot be read.
inline std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

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
    write_file(path_ / relative, content);
    return (path_ / relative).string();
  }

 private:
  std::filesystem::path path_;
};

}  // namespace gazette::testing
