// SPDX-License-Identifier: GPL-2.0-or-later
// Query construction from analyser tokens (never Xapian's own word splitting).
#include "query_builder.h"

#include <vector>

#include "facets.h"
#include "gazette/common/error.h"
#include "gazette/common/schema.h"

namespace gazette::searcher {
namespace {

// Length of a quote character at text[i] (ASCII or typographic), else 0.
std::size_t quote_at(const std::string& text, std::size_t i) {
  if (text[i] == '"') return 1;
  if (i + 2 < text.size() && text.compare(i, 2, "\xE2\x80") == 0 && (text[i + 2] == '\x9C' || text[i + 2] == '\x9D')) {
    return 3;
  }
  return 0;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// True when a closing quote follows position `from`.
bool closed_after(const std::string& text, std::size_t from) {
  for (std::size_t j = from; j < text.size(); ++j) {
    if (quote_at(text, j) != 0) return true;
  }
  return false;
}

}  // namespace

BuiltQuery QueryBuilder::build(const std::string& text, const std::string& lang, const std::string& fallback_lang,
                               bool allow_empty) {
  BuiltQuery out;
  std::vector<Xapian::Query> clauses;

  // Split into free text, "quoted phrases" and field:value filters.
  struct Part {
    std::string text;
    bool quoted;
  };
  std::vector<Part> parts;
  std::string free;
  std::size_t i = 0;
  auto read_quoted = [&](std::size_t& pos) {
    std::string value;
    while (pos < text.size()) {
      std::size_t q = quote_at(text, pos);
      if (q != 0) {
        pos += q;
        break;
      }
      value.push_back(text[pos++]);
    }
    return value;
  };
  while (i < text.size()) {
    if (std::size_t q = quote_at(text, i); q != 0) {
      if (!closed_after(text, i + q)) {  // an unterminated quote reads as plain words
        free.push_back(' ');
        i += q;
        continue;
      }
      parts.push_back({std::move(free), false});
      free.clear();
      i += q;
      parts.push_back({read_quoted(i), true});
      continue;
    }
    // field:value at the start of a word.
    if ((i == 0 || is_space(text[i - 1])) && std::isalpha(static_cast<unsigned char>(text[i]))) {
      std::size_t colon = i;
      while (colon < text.size() && std::isalpha(static_cast<unsigned char>(text[colon]))) ++colon;
      FacetField field;
      if (colon < text.size() && text[colon] == ':' && parse_field(text.substr(i, colon - i), field)) {
        std::size_t pos = colon + 1;
        std::string value;
        if (pos < text.size() && quote_at(text, pos) != 0) {
          pos += quote_at(text, pos);
          value = read_quoted(pos);
        } else {
          while (pos < text.size() && !is_space(text[pos])) value.push_back(text[pos++]);
        }
        Filter filter{field, {canonical_value(field, value, gazetteer_)}};
        if (!filter.values[0].empty()) out.filters.push_back(filter_query(filter));
        i = pos;
        continue;
      }
    }
    free.push_back(text[i++]);
  }
  parts.push_back({std::move(free), false});

  std::string plain;
  for (const Part& p : parts) plain += p.text + " ";
  out.lang = lang;
  if (out.lang.empty()) out.lang = detect_language(plain);
  if (out.lang.empty()) out.lang = fallback_lang;

  for (const Part& part : parts) {
    std::vector<Token> tokens = analyzer_.tokenize(part.text);
    if (tokens.empty()) continue;
    if (part.quoted) {
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
  out.has_text = !clauses.empty();
  if (clauses.empty()) {
    if (!allow_empty && out.filters.empty()) throw InvalidRequest("the query has no words to search for");
    out.query = Xapian::Query::MatchAll;
  } else {
    out.query = Xapian::Query(Xapian::Query::OP_AND, clauses.begin(), clauses.end());
  }
  return out;
}

}  // namespace gazette::searcher
