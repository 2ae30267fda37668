// SPDX-License-Identifier: GPL-2.0-or-later
// A recursive-descent parser for the query language; words go through the shared analyser.
#include "query_builder.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

#include "facets.h"
#include "gazette/common/dates.h"
#include "gazette/common/error.h"
#include "gazette/common/schema.h"
#include "gazette/common/text.h"
#include "gazette/searcher/request.h"

namespace gazette::searcher {
namespace {

// A syntax error: caught by build(), which falls back to reading plain words.
struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class T { kWord, kPhrase, kLParen, kRParen, kAnd, kOr, kNot, kNear, kAdj, kPlus, kMinus, kField, kEnd };

struct Tok {
  Tok(T t = T::kEnd) : type(t) {}  // NOLINT(google-explicit-constructor): {T::kAnd} reads well
  T type;
  std::string text;     // word, phrase text, or field value
  std::string field;    // for kField
  bool quoted = false;  // field value was quoted
  bool wildcard = false;
  int window = 0;  // NEAR/n, ADJ/n
};

// Bytes of the quotation mark at s[i], or 0: the ASCII quote and the typographic and national
// double quotes a phrase may be typed with ("..." “...” „...“ ‟...” «...» ‹...› 「...」
// 『...』 ＂...＂). A phrase opened with any of them closes with any. (Single quotes are
// apostrophes too, "don’t": they stay in the words.)
std::size_t quote_at(const std::string& s, std::size_t i) {
  static const char* const kQuotes[] = {
      "\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x9E", "\xE2\x80\x9F",  // “ ” „ ‟
      "\xC2\xAB",     "\xC2\xBB",                                      // « »
      "\xE2\x80\xB9", "\xE2\x80\xBA",                                  // ‹ ›
      "\xE3\x80\x8C", "\xE3\x80\x8D", "\xE3\x80\x8E", "\xE3\x80\x8F",  // 「 」 『 』
      "\xEF\xBC\x82",                                                  // ＂
  };
  if (s[i] == '"') return 1;
  if (static_cast<unsigned char>(s[i]) < 0xC2) return 0;
  for (const char* q : kQuotes) {
    std::size_t n = std::char_traits<char>::length(q);
    if (s.compare(i, n, q) == 0) return n;
  }
  return 0;
}

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The query text as tokens: brackets, phrases, +/- signs, operators, field:value and words.
class Lexer {
 public:
  explicit Lexer(const std::string& s) : s_(s) {}

  std::vector<Tok> tokens() {
    while (i_ < s_.size()) {
      if (space(s_[i_])) {
        ++i_;
      } else if (s_[i_] == '(' || s_[i_] == ')') {
        out_.push_back({s_[i_++] == '(' ? T::kLParen : T::kRParen});
      } else if (std::size_t q = quote_at(s_, i_); q != 0) {
        i_ += q;
        Tok t{T::kPhrase};
        t.text = read_quoted();
        out_.push_back(t);
      } else if ((s_[i_] == '+' || s_[i_] == '-') && i_ + 1 < s_.size() && !space(s_[i_ + 1]) && s_[i_ + 1] != ')') {
        out_.push_back({s_[i_++] == '+' ? T::kPlus : T::kMinus});
      } else {
        bare(next_bare());
      }
    }
    out_.push_back({T::kEnd});
    return std::move(out_);
  }

 private:
  // Up to the closing quote (any of quote_at's), which is consumed.
  std::string read_quoted() {
    std::string value;
    while (i_ < s_.size()) {
      if (std::size_t q = quote_at(s_, i_); q != 0) {
        i_ += q;
        return value;
      }
      value.push_back(s_[i_++]);
    }
    throw ParseError("unterminated quote");
  }

  std::string next_bare() {
    std::size_t b = i_;
    while (i_ < s_.size() && !space(s_[i_]) && s_[i_] != '(' && s_[i_] != ')' && quote_at(s_, i_) == 0) ++i_;
    return s_.substr(b, i_ - b);
  }

  // A run without spaces, brackets or quotes: an operator, field:value, or a word.
  void bare(const std::string& w) {
    if (w == "AND" || w == "OR" || w == "NOT") {
      out_.push_back({w == "AND" ? T::kAnd : w == "OR" ? T::kOr : T::kNot});
    } else if (!proximity(w) && !field(w)) {
      Tok t{T::kWord};
      t.text = w;
      if (w.size() > 1 && w.back() == '*') {
        t.wildcard = true;
        t.text.pop_back();
      }
      out_.push_back(t);
    }
  }

  // NEAR, NEAR/n, ADJ, ADJ/n.
  bool proximity(const std::string& w) {
    if (w.rfind("NEAR", 0) != 0 && w.rfind("ADJ", 0) != 0) return false;
    bool near = w[0] == 'N';
    std::string rest = w.substr(near ? 4 : 3);
    if (!rest.empty() && !(rest[0] == '/' && rest.size() > 1 && std::isdigit(static_cast<unsigned char>(rest[1])))) {
      return false;
    }
    Tok t{near ? T::kNear : T::kAdj};
    t.window = rest.empty() ? (near ? 10 : 1) : std::atoi(rest.c_str() + 1);
    if (t.window < 1 || t.window > 100) throw ParseError("proximity window must be 1..100");
    out_.push_back(t);
    return true;
  }

  // field:value or field:"quoted value", for a known field name.
  bool field(const std::string& w) {
    std::size_t colon = w.find(':');
    if (colon == std::string::npos || colon == 0) return false;
    std::string name = ascii_lower(w.substr(0, colon));
    FacetField f;
    if (name != "title" && name != "author" && !parse_field(name, f)) return false;
    Tok t{T::kField};
    t.field = name;
    if (colon + 1 == w.size() && i_ < s_.size() && quote_at(s_, i_) != 0) {
      i_ += quote_at(s_, i_);
      t.text = read_quoted();
      t.quoted = true;
    } else {
      t.text = w.substr(colon + 1);
    }
    if (t.text.empty()) throw ParseError("empty value for " + name + ":");
    out_.push_back(t);
    return true;
  }

  const std::string& s_;
  std::size_t i_ = 0;
  std::vector<Tok> out_;
};

std::vector<Tok> lex(const std::string& s) { return Lexer(s).tokens(); }

// Weightless: a filter inside the query contributes no score.
Xapian::Query boolean(const Xapian::Query& q) { return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, 0.0); }

// Seconds of the first instant of a date prefix, and of the first instant after it.
std::pair<std::int64_t, std::int64_t> period(const std::string& v) {
  std::optional<std::int64_t> start;
  std::string next;
  if (v.size() == 4 && std::isdigit(static_cast<unsigned char>(v[0]))) {
    start = parse_date(v + "-01-01");
    next = std::to_string(std::atoi(v.c_str()) + 1) + "-01-01";
  } else if (v.size() == 7) {
    start = parse_date(v + "-01");
    int y = std::atoi(v.c_str()), m = std::atoi(v.c_str() + 5);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
    next = buf;
  } else if (v.size() == 10) {
    start = parse_date(v);
    if (start) return {*start, *start + 86400};
  }
  std::optional<std::int64_t> end = next.empty() ? std::nullopt : parse_date(next);
  if (!start || !end) throw InvalidRequest("bad date \"" + v + "\" (YYYY, YYYY-MM or YYYY-MM-DD)");
  return {*start, *end};
}

class Parser {
 public:
  Parser(std::vector<Tok> toks, Analyzer& analyzer, const Gazetteer* gazetteer, const Xapian::Database* db,
         const EntityAliases* aliases, BuiltQuery& out, bool default_or, int max_all_words = 0,
         double exact_scale = 1.0)
      : toks_(std::move(toks)),
        analyzer_(analyzer),
        gazetteer_(gazetteer),
        db_(db),
        aliases_(aliases),
        out_(out),
        default_or_(default_or),
        max_all_words_(max_all_words),
        exact_scale_(exact_scale) {}

  std::optional<Xapian::Query> parse() {
    std::optional<Xapian::Query> q = parse_or(true);
    if (peek().type != T::kEnd) throw ParseError(peek().type == T::kRParen ? "unbalanced )" : "unexpected token");
    return q;
  }

 private:
  // The lexer ends every token list with kEnd, and reading never moves past it: an operator that
  // wants a word after it may "consume" the end (fuzzing found peek() reading past the vector
  // for queries ending in NOT, -, +, NEAR or ADJ).
  const Tok& peek() const { return toks_[std::min(pos_, toks_.size() - 1)]; }
  const Tok& next() {
    const Tok& t = peek();
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }

  std::optional<Xapian::Query> parse_or(bool top) {
    std::vector<Xapian::Query> alternatives;
    std::optional<Xapian::Query> left = parse_and(top);
    bool any_or = false;
    while (peek().type == T::kOr) {
      next();
      any_or = true;
      std::optional<Xapian::Query> right = parse_and(false);
      if (!left || !right) throw ParseError("OR needs something on both sides");
      alternatives.push_back(*right);
    }
    if (!any_or) return left;
    alternatives.insert(alternatives.begin(), *left);
    if (top) out_.relaxable = false;
    return Xapian::Query(Xapian::Query::OP_OR, alternatives.begin(), alternatives.end());
  }

  // Each clause of an AND: required, or optional (the relaxed reading's bare words); a bare word
  // (no +, no AND, no filter, at the top) keeps its word, for its frequency ("" for a phrase),
  // and its label.
  struct Clause {
    Xapian::Query query;
    bool required;
    bool bare;
    bool filter;
    std::string term, label;
  };
  struct AndClauses {
    std::vector<Clause> clauses;
    std::vector<Xapian::Query> excluded;  // NOT and - clauses
    bool explicit_and = false;
  };

  std::optional<Xapian::Query> parse_and(bool top) {
    AndClauses a = read_and(top);
    settle_requirements(top, a);
    return combine(a);
  }

  // The clauses up to the end, a ")" or an OR.
  AndClauses read_and(bool top) {
    AndClauses a;
    while (true) {
      T t = peek().type;
      if (t == T::kEnd || t == T::kRParen || t == T::kOr) break;
      if (t == T::kAnd) {
        next();
        a.explicit_and = true;
        if (peek().type == T::kEnd || peek().type == T::kRParen || peek().type == T::kOr) {
          throw ParseError("AND needs something on both sides");
        }
        continue;
      }
      if (t == T::kNot || t == T::kMinus) {
        next();
        std::optional<Xapian::Query> q = parse_near();
        if (!q) throw ParseError(t == T::kNot ? "NOT needs something after it" : "nothing after -");
        a.excluded.push_back(*q);
        continue;
      }
      bool must = t == T::kPlus;
      if (must) next();
      std::size_t before = out_.clauses.size();
      std::size_t words_before = out_.plain_words.size();
      last_filter_ = false;
      std::optional<Xapian::Query> q = parse_near();
      if (!q) {
        if (must) throw ParseError("nothing after +");
        continue;  // punctuation only
      }
      bool one_word = out_.plain_words.size() == words_before + 1;
      a.clauses.push_back({*q, must || !default_or_ || last_filter_, top && !must && !last_filter_, last_filter_,
                           one_word ? out_.plain_words.back() : std::string(), last_label_});
      if (top && out_.clauses.size() == before && !last_filter_) {
        out_.clauses.push_back(*q);
        out_.clause_labels.push_back(last_label_);
      }
    }
    return a;
  }

  // Filters always hold; in the relaxed (OR) reading only bare words are optional. With an
  // explicit AND every clause is required. A question of more than max_all_words bare words is
  // not an AND of them all: each is optional, and articles with more of them (and of the rarer
  // ones) rank first.
  void settle_requirements(bool top, AndClauses& a) {
    if (a.explicit_and) {
      for (Clause& c : a.clauses) c.required = true;
    }
    std::size_t words_required = 0, bare = 0;
    for (const Clause& c : a.clauses) {
      words_required += c.required && !c.filter ? 1 : 0;
      bare += c.bare ? 1 : 0;
    }
    if (top && words_required >= 2 && !a.explicit_and) out_.relaxable = true;
    if (top && !default_or_ && !a.explicit_and && max_all_words_ > 0 &&
        bare > static_cast<std::size_t>(max_all_words_)) {
      for (Clause& c : a.clauses) {
        if (!c.bare) continue;
        c.required = false;
        out_.optional_words.push_back(c.label);
      }
      out_.relaxable = false;
    }
  }

  // Words in a large share of the articles ("the", "what", "of": stop words, found from the
  // collection, in any language) do not decide what matches, only how it ranks: an article must
  // have one of the other words (as Lucene's common terms query), when one of those is in some
  // article at all.
  bool common_word(const Clause& c, bool& rare_word_matches) const {
    Xapian::doccount tf = db_ != nullptr && !c.term.empty() ? db_->get_termfreq(c.term) : 0;
    bool is_common = db_ != nullptr && !c.term.empty() && db_->get_doccount() > 0 &&
                     static_cast<double>(tf) > kCommonWordShare * db_->get_doccount();
    rare_word_matches = rare_word_matches || (!is_common && tf > 0);
    return is_common;
  }

  // Required clauses AND-ed; optional ones ranking them (rare words before common ones); the
  // excluded ones taken out.
  std::optional<Xapian::Query> combine(AndClauses& a) const {
    std::vector<Xapian::Query> required, rare, common;
    bool rare_word_matches = false;  // one of the rare words is in some article
    for (const Clause& c : a.clauses) {
      if (c.required) {
        required.push_back(c.query);
      } else {
        (common_word(c, rare_word_matches) ? common : rare).push_back(c.query);
      }
    }
    if (!rare_word_matches) {
      rare.insert(rare.end(), common.begin(), common.end());
      common.clear();
    }
    std::optional<Xapian::Query> positive;
    if (!required.empty()) positive = Xapian::Query(Xapian::Query::OP_AND, required.begin(), required.end());
    if (!rare.empty() || !common.empty()) {
      Xapian::Query any;
      if (rare.empty() || common.empty()) {
        std::vector<Xapian::Query>& all = rare.empty() ? common : rare;
        any = Xapian::Query(Xapian::Query::OP_OR, all.begin(), all.end());
      } else {
        any = Xapian::Query(Xapian::Query::OP_AND_MAYBE, Xapian::Query(Xapian::Query::OP_OR, rare.begin(), rare.end()),
                            Xapian::Query(Xapian::Query::OP_OR, common.begin(), common.end()));
      }
      positive = positive ? Xapian::Query(Xapian::Query::OP_AND_MAYBE, *positive, any) : any;
    }
    if (a.excluded.empty()) return positive;
    Xapian::Query not_these(Xapian::Query::OP_OR, a.excluded.begin(), a.excluded.end());
    return Xapian::Query(Xapian::Query::OP_AND_NOT, positive ? *positive : Xapian::Query::MatchAll, not_these);
  }

  std::optional<Xapian::Query> parse_near() {
    std::vector<std::string> terms;
    std::optional<Xapian::Query> first = parse_primary(&terms);
    T t = peek().type;
    if (t != T::kNear && t != T::kAdj) return first;
    // NEAR/ADJ work on word positions: each operand must be one word.
    std::vector<Xapian::Query> operands;
    int window = 0;
    bool ordered = t == T::kAdj;
    auto add_operand = [&](const std::optional<Xapian::Query>& q, const std::vector<std::string>& words) {
      if (!q || words.size() != 1) throw ParseError("NEAR and ADJ join single words");
      operands.emplace_back(words[0]);
    };
    add_operand(first, terms);
    while (peek().type == T::kNear || peek().type == T::kAdj) {
      const Tok& op = next();
      ordered = ordered && op.type == T::kAdj;
      window = std::max(window, op.window);
      std::vector<std::string> more;
      std::optional<Xapian::Query> q = parse_primary(&more);
      add_operand(q, more);
    }
    auto n = static_cast<Xapian::termcount>(operands.size());
    Xapian::termcount w = static_cast<Xapian::termcount>(window) + n - 1;
    last_label_ = std::string(ordered ? "ADJ" : "NEAR") + " " + std::to_string(window);
    return Xapian::Query(ordered ? Xapian::Query::OP_PHRASE : Xapian::Query::OP_NEAR, operands.begin(), operands.end(),
                         w);
  }

  // A word: exact form OR stem (plus synonyms); several tokens ("state-run", CJK) a phrase.
  std::optional<Xapian::Query> word_query(const std::string& text, std::string_view prefix,
                                          std::vector<std::string>* positional) {
    std::vector<Token> tokens = analyzer_.tokenize(text);
    if (tokens.empty()) return std::nullopt;
    std::string p(prefix);
    last_label_ = p.empty() ? text : "title:" + text;
    if (tokens.size() > 1) {
      std::vector<Xapian::Query> ts;
      for (const Token& t : tokens) {
        ts.emplace_back(p + t.term);
        out_.words.insert(t.term);
        out_.plain_words.push_back(t.term);
      }
      return Xapian::Query(Xapian::Query::OP_PHRASE, ts.begin(), ts.end(), static_cast<Xapian::termcount>(ts.size()));
    }
    const std::string& term = tokens[0].term;
    out_.words.insert(term);
    out_.plain_words.push_back(term);
    if (positional != nullptr) positional->push_back(p + term);
    std::vector<Xapian::Query> forms{Xapian::Query(p + term)};
    std::string stem = analyzer_.stem(term, out_.lang);
    if (!stem.empty()) {
      out_.stems.insert(stem);
      forms.emplace_back(schema::stem_term(stem, p));
      // In a long question the exact form counts half: the stem decides (measured: +1.7% MAP
      // on average over the four ircoll collections, every one up; stems alone: +0.8%, MED down).
      if (exact_scale_ != 1.0) forms[0] = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, forms[0], exact_scale_);
    }
    if (p.empty()) add_synonyms(term, forms);
    // OP_OR: an article with the exact form scores above one with another form of the word.
    // (Measured with scripts/eval-ranking: OP_SYNONYM lost 2% MAP on average over the four
    // ircoll collections; OP_MAX crashed Xapian 1.4.22 inside OP_AND_MAYBE.)
    Xapian::Query q = forms.size() == 1 ? forms[0] : Xapian::Query(Xapian::Query::OP_OR, forms.begin(), forms.end());
    return q;
  }

  // Synonyms stored in the database (gazette-index build --synonyms): each a word or phrase.
  void add_synonyms(const std::string& term, std::vector<Xapian::Query>& forms) {
    if (db_ == nullptr) return;
    for (auto s = db_->synonyms_begin(term); s != db_->synonyms_end(term); ++s) {
      std::vector<Token> tokens = analyzer_.tokenize(*s);
      if (tokens.empty()) continue;
      std::vector<Xapian::Query> ts;
      for (const Token& t : tokens) ts.emplace_back(t.term);
      forms.push_back(ts.size() == 1 ? ts[0]
                                     : Xapian::Query(Xapian::Query::OP_PHRASE, ts.begin(), ts.end(),
                                                     static_cast<Xapian::termcount>(ts.size())));
    }
  }

  std::optional<Xapian::Query> phrase_query(const std::string& text, std::string_view prefix) {
    std::vector<Token> tokens = analyzer_.tokenize(text);
    if (tokens.empty()) return std::nullopt;
    std::string p(prefix);
    std::vector<Xapian::Query> ts;
    for (const Token& t : tokens) {
      ts.emplace_back(p + t.term);
      out_.words.insert(t.term);
      out_.plain_words.push_back(t.term);
    }
    last_label_ = (p.empty() ? "\"" : "title:\"") + text + "\"";
    if (ts.size() == 1) return ts[0];
    Xapian::Query phrase(Xapian::Query::OP_PHRASE, ts.begin(), ts.end(), static_cast<Xapian::termcount>(ts.size()));
    // Synonyms of a whole phrase ("North Korea" -> "DPRK").
    if (p.empty() && db_ != nullptr) {
      std::string key;
      for (const Token& t : tokens) key += (key.empty() ? "" : " ") + t.term;
      std::vector<Xapian::Query> forms{phrase};
      add_synonyms(key, forms);
      if (forms.size() > 1) return Xapian::Query(Xapian::Query::OP_OR, forms.begin(), forms.end());
    }
    return phrase;
  }

  std::optional<Xapian::Query> parse_primary(std::vector<std::string>* positional) {
    const Tok& t = next();
    switch (t.type) {
      case T::kLParen: {
        std::optional<Xapian::Query> q = parse_or(false);
        if (next().type != T::kRParen) throw ParseError("missing )");
        last_label_ = "( ... )";
        return q;
      }
      case T::kPhrase:
        return phrase_query(t.text, "");
      case T::kWord:
        if (t.wildcard && ++wildcards_ > kMaxWildcards) {
          // Each wildcard scans every term with its prefix before matching starts, where no
          // time limit reaches it: past the budget, the word is searched as it is.
          if (wildcards_ == kMaxWildcards + 1) {
            out_.warnings.push_back("only the first " + std::to_string(kMaxWildcards) +
                                    " wildcards are expanded; the others are searched as words");
          }
        } else if (t.wildcard) {
          std::vector<Token> tokens = analyzer_.tokenize(t.text);
          if (tokens.size() != 1) throw ParseError("a wildcard needs one word before *");
          last_label_ = t.text + "*";
          return Xapian::Query(Xapian::Query::OP_WILDCARD, tokens[0].term, 100,
                               Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
        }
        return word_query(t.text, "", positional);
      case T::kField:
        return field_query(t);
      case T::kRParen:
        throw ParseError("unbalanced )");
      case T::kEnd:
        return std::nullopt;
      default:
        throw ParseError("operator in the wrong place");
    }
  }

  std::optional<Xapian::Query> field_query(const Tok& t) {
    if (t.field == "title") {
      last_filter_ = false;
      if (t.quoted) return phrase_query(t.text, schema::kTitlePrefix);
      return word_query(t.text, schema::kTitlePrefix, nullptr);
    }
    last_filter_ = true;
    if (t.field == "author") {
      last_label_ = "author:" + t.text;
      return boolean(Xapian::Query(schema::author_term(t.text)));
    }
    FacetField field;
    parse_field(t.field, field);
    last_label_ = t.field + ":" + t.text;
    if (field == FacetField::kDate && t.text.find("..") != std::string::npos) {
      try {
        return boolean(date_range_query(t.text));
      } catch (const InvalidRequest& e) {
        throw ParseError(e.what());
      }
    }
    Filter filter{field, {canonical_value(field, t.text, gazetteer_)}};
    if (field == FacetField::kDate && filter.values[0].size() != 4 && filter.values[0].size() != 7 &&
        filter.values[0].size() != 10) {
      throw ParseError("bad date \"" + t.text + "\"");
    }
    return boolean(filter_query(resolve_aliases(filter, aliases_), aliases_));
  }

  std::vector<Tok> toks_;
  std::size_t pos_ = 0;
  Analyzer& analyzer_;
  const Gazetteer* gazetteer_;
  const Xapian::Database* db_;
  const EntityAliases* aliases_;
  BuiltQuery& out_;
  bool default_or_;
  int max_all_words_;
  double exact_scale_;
  std::string last_label_;
  bool last_filter_ = false;
  int wildcards_ = 0;
};

constexpr double kLongQuestionExactScale = 0.5;

// Everything but the words: operators, brackets, quotes, field names, +/-, wildcards.
std::string plain_words(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::size_t q = quote_at(text, i); q != 0) {
      out.push_back(' ');
      i += q - 1;
      continue;
    }
    char c = text[i];
    out.push_back(c == '(' || c == ')' || c == '*' || c == ':' ? ' ' : c);
  }
  std::string cleaned;
  std::size_t i = 0;
  while (i < out.size()) {
    std::size_t b = out.find_first_not_of(" \t\r\n", i);
    if (b == std::string::npos) break;
    std::size_t e = out.find_first_of(" \t\r\n", b);
    std::string w = out.substr(b, e == std::string::npos ? std::string::npos : e - b);
    i = e == std::string::npos ? out.size() : e;
    while (!w.empty() && (w[0] == '+' || w[0] == '-')) w.erase(0, 1);
    if (w == "AND" || w == "OR" || w == "NOT" || w.rfind("NEAR", 0) == 0 || w.rfind("ADJ", 0) == 0 || w.empty())
      continue;
    cleaned += w + " ";
  }
  return cleaned;
}

}  // namespace

Xapian::Query date_range_query(const std::string& range) {
  std::size_t dots = range.find("..");
  if (dots == std::string::npos) throw InvalidRequest("bad date range \"" + range + "\": expected FROM..TO");
  std::string from = range.substr(0, dots), to = range.substr(dots + 2);
  if (from.empty() && to.empty()) throw InvalidRequest("bad date range \"" + range + "\": give at least one end");
  std::optional<std::int64_t> lo, hi;
  if (!from.empty()) lo = period(from).first;
  if (!to.empty()) hi = period(to).second - 1;
  if (lo && hi && *lo > *hi) throw InvalidRequest("bad date range \"" + range + "\": it ends before it starts");
  if (lo && hi) {
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kPublishedSlot, schema::encode_published(*lo),
                         schema::encode_published(*hi));
  }
  if (lo) return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kPublishedSlot, schema::encode_published(*lo));
  return Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::kPublishedSlot, schema::encode_published(*hi));
}

BuiltQuery QueryBuilder::build(const std::string& text, const QueryOptions& options) {
  BuiltQuery out;
  out.lang = options.lang;
  if (out.lang.empty()) out.lang = detect_language(plain_words(text));
  if (out.lang.empty()) out.lang = options.fallback_lang;

  std::optional<Xapian::Query> q;
  try {
    Parser parser(lex(text), analyzer_, gazetteer_, db_, aliases_, out, options.default_or, options.max_all_words);
    q = parser.parse();
    if (!out.optional_words.empty()) {
      // A long question: read again with the exact forms at half weight.
      BuiltQuery again;
      again.lang = out.lang;
      Parser reread(lex(text), analyzer_, gazetteer_, db_, aliases_, again, options.default_or, options.max_all_words,
                    kLongQuestionExactScale);
      q = reread.parse();
      out = std::move(again);
    }
  } catch (const ParseError& e) {
    // Never fail on syntax: search the words, and say what happened.
    BuiltQuery plain;
    plain.lang = out.lang;
    plain.warnings.push_back(std::string("could not parse the query (") + e.what() +
                             "); searched for its words instead");
    out = std::move(plain);
    try {
      Parser parser(lex(plain_words(text)), analyzer_, gazetteer_, db_, aliases_, out, options.default_or,
                    options.max_all_words);
      q = parser.parse();
    } catch (const ParseError&) {
      // The words themselves still read as syntax: search the analyser's words, which cannot.
      std::string words;
      for (const Token& t : analyzer_.tokenize(text)) words += t.term + " ";
      Parser parser(lex(words), analyzer_, gazetteer_, db_, aliases_, out, options.default_or);
      q = parser.parse();
    }
  }
  out.has_text = !out.words.empty() || !out.clauses.empty();
  if (!q) {
    if (!options.allow_empty) throw InvalidRequest("the query has no words to search for");
    out.query = Xapian::Query::MatchAll;
    out.relaxable = false;
    return out;
  }
  out.query = *q;
  return out;
}

}  // namespace gazette::searcher
