// SPDX-License-Identifier: GPL-2.0-or-later
// The gazette::Error hierarchy: every error our libraries throw derives from it.
#pragma once

#include <stdexcept>
#include <string>

namespace gazette {

// Base of all Gazette errors. Front ends catch it, print what() and exit non-zero.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The caller's fault: bad query syntax, unknown option value, page too big (HTTP 400, exit 2).
class InvalidRequest : public Error {
 public:
  using Error::Error;
};

// The index is missing, corrupt, locked or of another schema version (HTTP 503/500, exit 1).
class IndexError : public Error {
 public:
  using Error::Error;
};

// A bad article or input file: unreadable, malformed, binary, too big. Indexing logs and goes on.
// With a line, what() is "line N: reason"; line() and reason() give the parts.
class DataError : public Error {
 public:
  explicit DataError(const std::string& reason) : Error(reason), reason_(reason) {}
  DataError(int line, const std::string& reason)
      : Error("line " + std::to_string(line) + ": " + reason), line_(line), reason_(reason) {}
  int line() const { return line_; }  // 1-based line of the input; 0 when unknown
  const std::string& reason() const { return reason_; }

 private:
  int line_ = 0;
  std::string reason_;
};

// For a program's main(), called inside `catch (...)`: prints "PROGRAM: message" on stderr and
// returns the exit status: 2 for InvalidRequest (the caller's fault), 1 for any other Error, 70
// (EX_SOFTWARE) for anything else. The one mapping of errors to exit statuses.
int report_failure(const char* program) noexcept;

}  // namespace gazette
