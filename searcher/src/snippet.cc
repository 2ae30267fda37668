// SPDX-License-Identifier: GPL-2.0-or-later
// Passage selection and highlighting over analyser tokens, so highlights agree with matching.
#include "snippet.h"

#include <vector>

namespace gazette::searcher {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\n':
        out += ' ';
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

namespace {

// Runs of whitespace (paragraph breaks included) between words become one space.
std::string squeeze_space(std::string_view gap) {
  std::string out;
  bool space = false;
  for (char c : gap) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  if (space) out.push_back(' ');
  return out;
}

}  // namespace

namespace {

// Which query word (index into keys) each token matches, or -1.
struct Matches {
  std::vector<std::string> keys;
  std::vector<int> of_token;
  bool any = false;
};

Matches match_tokens(Analyzer& analyzer, const std::vector<Token>& tokens, const std::unordered_set<std::string>& words,
                     const std::unordered_set<std::string>& stems, const std::string& lang) {
  Matches m;
  m.of_token.assign(tokens.size(), -1);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string key;
    if (words.count(tokens[i].term) != 0) {
      key = tokens[i].term;
    } else if (!stems.empty()) {
      std::string s = analyzer.stem(tokens[i].term, lang);
      if (!s.empty() && stems.count(s) != 0) key = "\x01" + s;  // stems and words kept apart
    }
    if (key.empty()) continue;
    m.any = true;
    std::size_t k = 0;
    while (k < m.keys.size() && m.keys[k] != key) ++k;
    if (k == m.keys.size()) m.keys.push_back(key);
    m.of_token[i] = static_cast<int>(k);
  }
  return m;
}

struct Window {
  std::size_t first = 0, last = 0;  // tokens
};

// Best window of tokens that fits max_chars: most distinct matches, then most matches.
Window best_window(const std::vector<Token>& tokens, const Matches& m, std::size_t max_chars) {
  Window best;
  long best_score = -1;
  for (std::size_t first = 0; first < tokens.size(); ++first) {
    if (m.of_token[first] < 0) continue;
    std::vector<bool> distinct(m.keys.size(), false);
    long n_distinct = 0, n = 0;
    std::size_t last = first;
    for (std::size_t j = first; j < tokens.size() && tokens[j].end - tokens[first].start <= max_chars; ++j) {
      last = j;
      if (m.of_token[j] < 0) continue;
      ++n;
      if (!distinct[static_cast<std::size_t>(m.of_token[j])]) {
        distinct[static_cast<std::size_t>(m.of_token[j])] = true;
        ++n_distinct;
      }
    }
    long score = n_distinct * 1000 + n;
    if (score > best_score) {
      best_score = score;
      best = {first, last};
    }
  }
  return best;
}

// Gives the passage some lead-in context when there is room left, back to a sentence start.
void add_lead_in(std::string_view text, const std::vector<Token>& tokens, std::size_t max_chars, Window& w) {
  std::size_t used = tokens[w.last].end - tokens[w.first].start;
  while (w.first > 0 && used + (tokens[w.first].start - tokens[w.first - 1].start) <= max_chars &&
         tokens[w.first].start - tokens[w.first - 1].start < max_chars / 3) {
    if (text.substr(tokens[w.first - 1].end, tokens[w.first].start - tokens[w.first - 1].end).find_first_of(".!?") !=
        std::string_view::npos) {
      break;  // start at a sentence
    }
    used += tokens[w.first].start - tokens[w.first - 1].start;
    --w.first;
  }
}

// The window as HTML: matches in <mark>, ellipses where text was cut.
std::string render(std::string_view text, const std::vector<Token>& tokens, const Matches& m, const Window& w) {
  std::string out;
  if (tokens[w.first].start > 0) out += "\xE2\x80\xA6 ";
  std::size_t pos = tokens[w.first].start;
  for (std::size_t i = w.first; i <= w.last; ++i) {
    out += html_escape(squeeze_space(text.substr(pos, tokens[i].start - pos)));
    std::string word = html_escape(text.substr(tokens[i].start, tokens[i].end - tokens[i].start));
    out += m.of_token[i] >= 0 ? "<mark>" + word + "</mark>" : word;
    pos = tokens[i].end;
  }
  // Keep closing punctuation right after the last word (". ), ...").
  std::size_t tail = pos;
  while (tail < text.size() && tail - pos < 3 &&
         std::string_view(".,;:!?)\"'").find(text[tail]) != std::string_view::npos)
    ++tail;
  out += html_escape(text.substr(pos, tail - pos));
  if (tail < text.size()) out += " \xE2\x80\xA6";
  return out;
}

}  // namespace

std::string make_snippet(Analyzer& analyzer, std::string_view text, const std::unordered_set<std::string>& words,
                         const std::unordered_set<std::string>& stems, const std::string& lang, std::size_t max_chars) {
  std::vector<Token> tokens = analyzer.tokenize(text);
  if (tokens.empty()) return {};
  Matches m = match_tokens(analyzer, tokens, words, stems, lang);
  Window w;
  if (m.any) {
    w = best_window(tokens, m, max_chars);
    add_lead_in(text, tokens, max_chars, w);
  } else {
    while (w.last + 1 < tokens.size() && tokens[w.last + 1].end - tokens[0].start <= max_chars) ++w.last;
  }
  return render(text, tokens, m, w);
}

std::string highlight(Analyzer& analyzer, std::string_view text, const std::unordered_set<std::string>& words,
                      const std::unordered_set<std::string>& stems, const std::string& lang) {
  std::string out;
  std::size_t pos = 0;
  for (const Token& t : analyzer.tokenize(text)) {
    bool hit = words.count(t.term) != 0;
    if (!hit && !stems.empty()) {
      std::string s = analyzer.stem(t.term, lang);
      hit = !s.empty() && stems.count(s) != 0;
    }
    out += html_escape(text.substr(pos, t.start - pos));
    std::string word = html_escape(text.substr(t.start, t.end - t.start));
    out += hit ? "<mark>" + word + "</mark>" : word;
    pos = t.end;
  }
  out += html_escape(text.substr(pos));
  return out;
}

}  // namespace gazette::searcher
