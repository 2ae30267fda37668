# SPDX-License-Identifier: GPL-2.0-or-later
"""Gazette: full-text news search with people, organisation and place facets, from Python.

The same C++ libraries as gazette-index and gazette-search (no second implementation):

    import gazette
    summary = gazette.index("news.db", ["corpus/"], progress=print)   # like `gazette-index build --json`
    s = gazette.Searcher("news.db")
    r = s.search("energy prices", facets=["people", "places"], filters=["places:Norway"], limit=5)
    for hit in r["hits"]:
        print(hit["rank"], hit["title"], hit["score"])

Searcher.search takes the keys of the JSON request (`gazette-search query --json`, the HTTP
API's POST /api/search) as keyword arguments: limit, offset, lang, snippet_length, facets,
facet_size, filters, sort ("relevance", "newest", "oldest"), recency (half-life in days),
explain, exact_total, collapse, time_limit_ms, ranking (a dict of ranking options). It returns
the response as plain dicts and lists with the keys of the JSON contract ("query", "total",
"hits", "facets", ...). The other methods: document(id), similar(id, limit), entities(kind=,
prefix=, limit=), related(entity, limit), suggest(text, limit), summary(), reopen() (see the
latest commit), article_count().

Xapian works with the GIL released: threads of a web server search in parallel, and one
Searcher may be shared by all of them.

Errors are gazette.Error: RequestError (a bad request or option: the library's message, naming
the field), IndexError (the database is missing, locked, damaged or of another version) and
DataError.
"""

from ._gazette import DataError, Error, IndexError, RequestError, Searcher, index

__all__ = ["Searcher", "index", "Error", "RequestError", "IndexError", "DataError"]
