#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A notebook-style walk through Gazette from Python: index a folder of articles, run a faceted
search, and tabulate the entities of the results. Each block is a notebook cell.

    PYTHONPATH=build/python python3 examples/python/explore.py [CORPUS] [DB] [QUERY]

(After `cmake --install`, `import gazette` works without PYTHONPATH.)
"""
import collections
import pathlib
import sys
import tempfile

import gazette

corpus = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2] / "corpus")
db = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="gazette-") + "/news.db")
query = sys.argv[3] if len(sys.argv) > 3 else "energy"

# %% 1. Index the corpus, with a progress line.
def progress(p):
    print(f"\r{p['files_done']}/{p['files_total']} files, {p['articles']} articles", end="\n" if p["final"] else "")

summary = gazette.index(db, [corpus], progress=progress)
print(f"indexed {summary['indexed']} articles in {summary['seconds']:.1f} s, {summary['errors']} errors")
for line in summary["problems"][:5]:
    print("  ", line)

# %% 2. A faceted search.
searcher = gazette.Searcher(db)
result = searcher.search(query, limit=10, facets=["people", "organizations", "places", "date:year"], facet_size=5)
print(f"\n{result['total']['value']} articles match {query!r}")
for hit in result["hits"]:
    print(f"{hit['rank']:>3}  {hit['score']:6.2f}  {hit['published'] or '':.10}  {hit['title']}")
for facet, values in result["facets"].items():
    print(f"{facet:>14}: " + ", ".join(f"{v['value']} ({v['count']})" for v in values))

# %% 3. The entities of the results as a table: which articles name whom.
rows = collections.Counter()
for hit in result["hits"]:
    for entity in searcher.document(hit["id"])["entities"]:
        rows[(entity["kind"], entity["name"])] += 1
print(f"\n{'kind':<13} {'entity':<32} articles")
for (kind, name), n in rows.most_common(15):
    print(f"{kind:<13} {name:<32} {n:>8}")

# %% 4. Drill down: the first place's related entities, filtered results.
if result["facets"]["places"]:
    place = result["facets"]["places"][0]["value"]
    narrowed = searcher.search(query, filters=[f"places:{place}"], limit=3)
    print(f"\n{narrowed['total']['value']} of them name {place}:", "; ".join(h["title"] for h in narrowed["hits"]))
    related = searcher.related(f"places:{place}", limit=5)["related"]
    print(f"named with {place}:", ", ".join(f"{r['name']} ({r['kind']})" for r in related))
