// SPDX-License-Identifier: GPL-2.0-or-later
// Snippets: the best passage of a text for a query, HTML-escaped, matches in <mark>.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

#include "gazette/common/analyzer.h"

namespace gazette::searcher {

// The passage of about `max_chars` bytes of `text` holding the most distinct query words
// (matched by exact form in `words` or by stem in `stems`, stemmed in `lang`), cut at word
// boundaries, with "…" where text was cut. With no match, the start of the text.
std::string make_snippet(Analyzer& analyzer, std::string_view text, const std::unordered_set<std::string>& words,
                         const std::unordered_set<std::string>& stems, const std::string& lang, std::size_t max_chars);

// The whole of a short text (a title), HTML-escaped, with query words in <mark>.
std::string highlight(Analyzer& analyzer, std::string_view text, const std::unordered_set<std::string>& words,
                      const std::unordered_set<std::string>& stems, const std::string& lang);

// Escapes &, <, >, " and ' for HTML.
std::string html_escape(std::string_view text);

}  // namespace gazette::searcher
