// SPDX-License-Identifier: GPL-2.0-or-later
// Query construction from analyser tokens (never Xapian's own word splitting).
#include "query_builder.h"

#include <vector>

#include "gazette/common/error.h"
#include "gazette/common/schema.h"

namespace gazette::searcher {

BuiltQuery QueryBuilder::build(const std::string& text, const std::string& lang, const std::string& fallback_lang) {
  BuiltQuery out;
  out.lang = lang;
  if (out.lang.empty()) out.lang = detect_language(text);
  if (out.lang.empty()) out.lang = fallback_lang;

  // Split into quoted phrases and free text. An unterminated quote reads as free text.
  std::vector<std::pair<std::string, bool>> parts;  // (text, quoted)
  std::string cur;
  bool in_quote = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool quote = text[i] == '"';
    // Typographic quotes (U+201C, U+201D) act as plain ones.
    if (!quote && i + 2 < text.size() && text.compare(i, 2, "\xE2\x80") == 0 &&
        (text[i + 2] == '\x9C' || text[i + 2] == '\x9D')) {
      quote = true;
      i += 2;
    }
    if (quote) {
      parts.emplace_back(std::move(cur), in_quote);
      cur.clear();
      in_quote = !in_quote;
    } else {
      cur.push_back(text[i]);
    }
  }
  parts.emplace_back(std::move(cur), false);

  std::vector<Xapian::Query> clauses;
  for (const auto& [part, quoted] : parts) {
    std::vector<Token> tokens = analyzer_.tokenize(part);
    if (tokens.empty()) continue;
    if (quoted) {
      std::vector<Xapian::Query> words;
      for (const Token& t : tokens) {
        words.emplace_back(t.term);
        out.words.insert(t.term);
      }
      clauses.push_back(words.size() == 1 ? words[0]
                                          : Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(), words.end(),
                                                          static_cast<Xapian::termcount>(words.size())));
      continue;
    }
    for (const Token& t : tokens) {
      out.words.insert(t.term);
      std::string stem = analyzer_.stem(t.term, out.lang);
      if (stem.empty()) {
        clauses.emplace_back(t.term);
      } else {
        out.stems.insert(stem);
        clauses.emplace_back(Xapian::Query::OP_OR, Xapian::Query(t.term),
                             Xapian::Query(std::string(schema::kStemPrefix) + stem));
      }
    }
  }
  if (clauses.empty()) throw InvalidRequest("the query has no words to search for");
  out.query = Xapian::Query(Xapian::Query::OP_AND, clauses.begin(), clauses.end());
  return out;
}

}  // namespace gazette::searcher
