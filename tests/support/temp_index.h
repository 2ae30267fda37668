// SPDX-License-Identifier: GPL-2.0-or-later
// Test support: temporary folders (temp_dir.h), fixture article files, and the test data folders.
// Indexes built from them: test_index.h.
#pragma once

#include <filesystem>
#include <string>
#include <utility>

#include "support/temp_dir.h"

namespace gazette::testing {

// A small article file for the text reader: the header lines given ("Title: ...", then Id,
// Source, Date and Language), a blank line, the body and a newline.
struct TextArticle {
  std::string title{};
  std::string id{};
  std::string source{};
  std::string date{};
  std::string language{};
  std::string body{};
};

inline std::string text_article(const TextArticle& a) {
  std::string text;
  for (const auto& [key, value] : {std::pair{"Title", &a.title}, std::pair{"Id", &a.id}, std::pair{"Source", &a.source},
                                   std::pair{"Date", &a.date}, std::pair{"Language", &a.language}}) {
    if (!value->empty()) text += std::string(key) + ": " + *value + "\n";
  }
  return text + "\n" + a.body + "\n";
}

inline std::string test_data(const std::string& relative) { return std::string(GAZETTE_TEST_DATA) + "/" + relative; }
inline std::string source_dir(const std::string& relative) { return std::string(GAZETTE_SOURCE_DIR) + "/" + relative; }

// The real corpora folder, or "" when it is absent (a user's clone): tests then GTEST_SKIP.
inline std::string shared_data(const std::string& relative) {
  std::filesystem::path p = std::filesystem::path(GAZETTE_SHARED_DATA) / relative;
  return std::filesystem::exists(p) ? p.string() : std::string();
}

}  // namespace gazette::testing
