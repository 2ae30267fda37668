// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the JSON Lines reader (one object per line, errors with their line), on any bytes as
// a file's contents, encoding detection and repair first.
#include "reader_contract.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gazette::fuzz::check_reader(data, size, "input.jsonl", true);
  return 0;
}
