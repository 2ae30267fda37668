// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the synonyms file parser (parse_synonyms, behind gazette-index --synonyms).
// Contract: it throws nothing but DataError, whose message names the file and a line of it; every
// group has two or more members; a member is its analysed terms joined by spaces (the key the query
// builder looks up), never empty, without separators. Analysing a member again need not give it
// back ("Kim's's" -> "kim's" -> "kim"): queries are analysed from their own text.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "gazette/common/analyzer.h"
#include "gazette/common/error.h"
#include "index_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using gazette::fuzz::check;
  using gazette::fuzz::fail;
  static gazette::Analyzer analyzer;
  const std::string path = "fuzz/synonyms.txt";
  std::string text = gazette::fuzz::as_string(data, size);
  std::vector<std::vector<std::string>> groups;
  try {
    groups = gazette::indexer::parse_synonyms(text, path, analyzer);
  } catch (const gazette::DataError& e) {
    std::string msg = e.what();
    check(msg.rfind(path + ":", 0) == 0, "a synonyms error without the file name", msg);
    int line = std::atoi(msg.c_str() + path.size() + 1);
    int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    check(line >= 1 && line <= lines, "a synonyms error without a line of the file", msg);
    return 0;
  } catch (const std::exception& e) {
    fail("parse_synonyms threw something other than DataError", e.what());
  } catch (...) {
    fail("parse_synonyms threw a non-standard exception");
  }
  for (const std::vector<std::string>& group : groups) {
    check(group.size() >= 2, "a synonym group of fewer than two members");
    for (const std::string& member : group) {
      // Not "no double spaces": the analyser folds U+037A to " \xCE\xB9", a term with a space in it
      // (regressions/synonyms/ypogegrammeni-folds-to-a-space).
      check(!member.empty(), "an empty synonym member");
      check(member.find_first_of(",#\n") == std::string::npos, "a synonym member holds a separator", member);
    }
  }
  return 0;
}
