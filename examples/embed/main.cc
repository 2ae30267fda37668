// SPDX-License-Identifier: GPL-2.0-or-later
// Opens a Gazette database with gazette::Searcher and prints a faceted search as JSON.
// Usage: gazette-embed-example DB QUERY
#include <iostream>

#include <gazette/common/error.h>
#include <gazette/searcher/request_json.h>
#include <gazette/searcher/searcher.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: gazette-embed-example DB QUERY\n";
    return 2;
  }
  try {
    gazette::Searcher searcher(argv[1]);
    gazette::SearchRequest request;
    request.query = argv[2];
    request.limit = 3;
    request.facets = {"people", "places", "source"};
    std::cout << gazette::to_json(searcher.search(request), 2) << '\n';
  } catch (const gazette::InvalidRequest& e) {
    std::cerr << "bad request: " << e.what() << '\n';
    return 2;
  } catch (const gazette::Error& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
  return 0;
}
