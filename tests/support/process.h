// SPDX-License-Identifier: GPL-2.0-or-later
// Test support: runs a program (the real binaries, in end-to-end tests) and captures its output.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace gazette::testing {

struct Process {
  int status = -1;  // exit status; 128 + the signal when killed (137: SIGKILL, from the timeout too)
  std::string out;  // stdout
  std::string err;  // stderr
  double seconds = 0;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `binary args...` with stdin from /dev/null, killed after `timeout_s` seconds (coreutils'
// timeout) so that a hang fails the test instead of stalling it.
inline Process run_process(const std::string& binary, const std::vector<std::string>& args, int timeout_s = 600) {
  static int n = 0;
  std::string err_file = std::filesystem::temp_directory_path() /
                         ("gazette-run-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".err");
  std::string cmd = "timeout -s KILL " + std::to_string(timeout_s) + " " + shell_quote(binary);
  for (const std::string& a : args) cmd += " " + shell_quote(a);
  cmd += " 2>" + shell_quote(err_file) + " </dev/null";
  Process r;
  auto t0 = std::chrono::steady_clock::now();
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t got = 0;
  while ((got = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), got);
  int status = pclose(p);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = file_bytes(err_file);
  std::filesystem::remove(err_file);
  return r;
}

}  // namespace gazette::testing
