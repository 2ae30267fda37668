// SPDX-License-Identifier: GPL-2.0-or-later
// What scrapers keep of a page that is not the article, and clean_article() takes out: page tails
// (the comment form, share buttons, "Related articles", newsletter prompts, cookie notices and
// copyright lines, from patterns in several languages), lead furniture (section label, repeated
// headline, byline; the dateline is kept apart), lines that recur across a source's articles
// (RecurringLines) and, for HTML, paragraphs that are mostly links.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gazette/common/article.h"

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

// Which site an article's recurring lines are counted for: its source ("source:harbor times",
// lower case), else its URL's host ("site:example.com", without "www."), else the folder its
// file is in, by its last two names ("folder:bbc/business").
std::string source_key(const Article& article);

// The lines that recur in many articles of the same source: newsletter prompts, share labels,
// copyright lines, "Read more" links a site puts in every article. A line is counted once per
// article, normalised (case, runs of digits, white space), by a 64-bit hash; lines of more than
// kMaxLineWords words are never counted (a long paragraph that recurs is a republished story,
// not a template). A line recurs when it is in at least kMinArticles articles of its source and
// in at least kMinShare of them.
class RecurringLines {
 public:
  static constexpr std::uint32_t kMinArticles = 4;
  static constexpr double kMinShare = 0.02;
  static constexpr std::size_t kMaxLineWords = 80;

  // The distinct signatures of the countable lines of a body.
  static std::vector<std::uint64_t> signatures(std::string_view body);
  // The signature of one line (as signatures() computes it).
  static std::uint64_t signature(std::string_view line);

  // Counts one article of `key`'s source with the lines of `signatures`.
  void add(const std::string& key, const std::vector<std::uint64_t>& signatures);
  void merge(const RecurringLines& other);
  // In how many articles of `key`'s source the line is, and how many articles were counted.
  std::uint32_t count(const std::string& key, std::uint64_t signature) const;
  std::uint32_t articles(const std::string& key) const;
  bool recurs(const std::string& key, std::uint64_t signature) const;
  // How many (source, line) pairs recur now.
  std::size_t recurring() const;
  bool empty() const { return sources_.empty(); }

  // The stored form, one record per source: (key, record). Lines seen in one article only are
  // left out (most lines of every article): a line then counts from its second article on.
  std::vector<std::pair<std::string, std::string>> records() const;
  // Adds a record of records(). Throws DataError when it is not one.
  void add_record(std::string_view record);

 private:
  struct Source {
    std::uint32_t articles = 0;
    std::unordered_map<std::uint64_t, std::uint32_t> lines;
  };
  std::unordered_map<std::string, Source> sources_;
};

// Cleans an article's body for indexing and storage, and says what it took out (spans of the
// body as given, in body order):
// - the page's tail and head furniture (remove_page_tails);
// - its lead's furniture: a section label and the headline repeated before the text ("section
//   label", "title repeat"), and a byline ("By Maris Kalnins · 10 July 2025", "byline"), whose
//   names become the authors when the article has none;
// - a dateline opening the first paragraph ("RIGA (Meridian Wire) —", "SEOUL, Jan 4 (Reuters)
//   -"): moved to article.dateline (indexed, not in the body's first words);
// - lines that recur in many articles of the source, when `recurring` is given ("recurring
//   line"), unless they make up half of what is left (then the article itself recurs: a
//   republished story);
// - the paragraphs of `link_lists` (a reader's finding: lines that are mostly links, "link
//   list"), unless one is the only line left.
std::vector<Removal> clean_article(Article& article, const RecurringLines* recurring = nullptr,
                                   const std::vector<std::string>& link_lists = {});

}  // namespace gazette
