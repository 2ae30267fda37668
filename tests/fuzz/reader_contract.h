// SPDX-License-Identifier: GPL-2.0-or-later
// The contract of the corpus readers, shared by the .txt, .json, .jsonl and .html targets: bytes as
// a file's contents in, articles and problems out, never an exception.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "corpus_reader.h"
#include "fuzz_support.h"
#include "gazette/common/article.h"
#include "gazette/common/boilerplate.h"
#include "gazette/common/encoding.h"

namespace gazette::fuzz {

inline bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; });
}

inline void check_article_text(const Article& a) {
  const std::pair<const char*, const std::string*> fields[] = {
      {"id", &a.id},         {"url", &a.url},         {"title", &a.title}, {"body", &a.body},
      {"source", &a.source}, {"section", &a.section}, {"lang", &a.lang}};
  for (const auto& [name, value] : fields) {
    check(is_valid_utf8(*value), std::string("the article's ") + name + " is not valid UTF-8", *value);
  }
  for (const std::string& au : a.authors) check(is_valid_utf8(au), "an author is not valid UTF-8", au);
}

// Reads `data` as a file named `name` and checks: no exception; every problem has a message in
// valid UTF-8 and a line within the file (0: the whole file); with `lines_per_record` (JSON Lines)
// every error but a whole-file one names its line; every article has an id, some text, valid UTF-8
// fields, a valid date, the file's path and a start line within the file, and its stored record
// round-trips.
inline void check_reader(const std::uint8_t* data, std::size_t size, const std::string& name, bool lines_per_record) {
  std::string bytes = as_string(data, size);
  indexer::SourceFile file;
  file.path = file.id_base = "fuzz/" + name;
  indexer::FileContents out;
  try {
    out = indexer::read_file_bytes(file, bytes);
  } catch (const std::exception& e) {
    fail("a reader threw", e.what());
  } catch (...) {
    fail("a reader threw a non-standard exception");
  }
  // Lines as the readers count them: of the decoded text (UTF-16 has other line bytes), ended by
  // "\n", "\r\n" or a lone "\r".
  std::string text = decode_to_utf8(bytes).text;
  int lines = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) ++lines;
  }
  for (const indexer::Problem& p : out.problems) {
    check(!p.message.empty(), "a problem without a message");
    check(is_valid_utf8(p.message), "a problem message is not valid UTF-8", p.message);
    check(p.line >= 0 && p.line <= lines, "a problem's line is outside the file", p.message);
    if (lines_per_record && p.error && p.line == 0) {
      check(p.message == "empty file" || p.message == "binary file, not text",
            "a JSON Lines record error without its line", p.message);
    }
  }
  for (const indexer::ReadArticle& r : out.articles) {
    const Article& a = r.article;
    check(!a.id.empty(), "an article without an id");
    check(!blank(a.title) || !blank(a.body), "an article without text");
    check_article_text(a);
    check(!a.published || valid_time(*a.published), "an article date that is no valid time");
    check(!a.path.empty() && a.path.find(name) != std::string::npos, "an article without its file's path", a.path);
    check(r.line >= 1 && r.line <= lines, "an article's line is outside the file");
    Article back = deserialize_article(serialize_article(a));
    check(back.id == a.id && back.title == a.title && back.body == a.body && back.published == a.published &&
              back.authors == a.authors && back.url == a.url && back.lang == a.lang,
          "a read article does not round-trip through its stored record");
    // Cleaning, as indexing does it (page tails, the lead's furniture, the dateline, lines that
    // recur: here the article's own lines, as if five articles of its source had them): every
    // removal names whole bytes of the body as read and says why; what is left is valid UTF-8
    // and never longer; the dateline and the authors a byline gave are valid UTF-8.
    for (const std::string& l : r.link_lists) check(is_valid_utf8(l), "a link list that is not valid UTF-8", l);
    RecurringLines recurring;
    for (int k = 0; k < 5; ++k) recurring.add(source_key(a), RecurringLines::signatures(a.body));
    for (const RecurringLines* lines :
         {static_cast<const RecurringLines*>(nullptr), static_cast<const RecurringLines*>(&recurring)}) {
      Article cleaned = a;
      std::vector<Removal> removed = clean_article(cleaned, lines, r.link_lists);
      for (const Removal& x : removed) {
        check(x.start <= x.end && x.end <= a.body.size() && a.body.compare(x.start, x.end - x.start, x.text) == 0,
              "a removal does not name bytes of the body", x.text);
        check(!x.rule.empty() && !x.why.empty(), "a removal without its rule", x.text);
      }
      check(cleaned.body.size() <= a.body.size() && is_valid_utf8(cleaned.body),
            "the body left by clean_article is not valid", cleaned.body);
      check(removed.empty() == (cleaned.body == a.body), "clean_article changed the body without saying so",
            cleaned.body);
      check(is_valid_utf8(cleaned.dateline) && cleaned.dateline.size() <= a.body.size(), "a dateline that is not valid",
            cleaned.dateline);
      for (const std::string& au : cleaned.authors)
        check(is_valid_utf8(au), "an author from a byline is not valid UTF-8", au);
    }
  }
  if (bytes.empty()) check(out.articles.empty() && !out.problems.empty(), "an empty file is not an error");
}

}  // namespace gazette::fuzz
