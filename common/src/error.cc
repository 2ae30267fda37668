// SPDX-License-Identifier: GPL-2.0-or-later
// The exit statuses of Gazette's programs.
#include <cstdio>
#include <exception>

#include "gazette/common/error.h"

namespace gazette {

int report_failure(const char* program) noexcept {
  try {
    throw;
  } catch (const InvalidRequest& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return 2;
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: internal error: %s\n", program, e.what());
    return 70;
  } catch (...) {
    std::fprintf(stderr, "%s: internal error\n", program);
    return 70;
  }
}

}  // namespace gazette
