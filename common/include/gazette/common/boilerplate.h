// SPDX-License-Identifier: GPL-2.0-or-later
// What scrapers keep of a page that is not the article: the comment form, share buttons,
// "Related articles", newsletter prompts, cookie notices and copyright lines at the end (or the
// start) of a body. Found one file at a time, from a small set of patterns in several languages.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gazette {

// One stretch taken out of a body: [start, end) in bytes of the body as read, the rule that
// matched ("comment form", "share", "related", "subscribe", "cookies", "copyright", "skip
// link", "after the tail"), the text removed, and why.
struct Removal {
  std::size_t start = 0, end = 0;
  std::string rule;
  std::string text;
  std::string why;
};

// Removes from `body` (paragraphs or lines separated by newlines) the lines at its end that
// make up a page's tail, and those at its start that are page furniture. A tail starts at a
// line that opens one ("Leave a Reply", "Related articles", "Share this:"): that line and
// every line after it go, when all of those lines are patterns or short (a site name, a
// button); a line that carries other text is never cut into, and the article keeps at least
// its first line. Returns what was removed, in body order; `body` is left without trailing
// white space when anything was removed.
std::vector<Removal> remove_page_tails(std::string& body);

}  // namespace gazette
