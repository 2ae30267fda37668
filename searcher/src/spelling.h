// SPDX-License-Identifier: GPL-2.0-or-later
// Did you mean: spelling fixes for the words of a query that finds few articles.
#pragma once

#include <string>
#include <vector>

#include <xapian.h>

namespace gazette::searcher {

// Rebuilds the query text with the spelling fixes, or "" when nothing was fixed. Each fix
// replaces the word where it was typed (mapped through the folding), never elsewhere. Unknown
// words are fixed; words that match articles only by a far more frequent word
// (kKnownWordRatio); words of unspellable scripts never.
std::string spelling_suggestion(Xapian::Database& db, const std::string& query, const std::vector<std::string>& words);

}  // namespace gazette::searcher
