# SPDX-License-Identifier: GPL-2.0-or-later
"""The gazette Python package against the binaries: the same answers as gazette-search on the
same database, its exceptions, threads searching while an index run commits, the callbacks.

Run by ctest (tests/CMakeLists.txt) with PYTHONPATH=<build>/python, GAZETTE_SEARCH_BIN and
GAZETTE_SOURCE_DIR set.
"""
import json
import os
import pathlib
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

import gazette

SOURCE = pathlib.Path(os.environ.get("GAZETTE_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
SEARCH_BIN = os.environ.get("GAZETTE_SEARCH_BIN", "gazette-search")
INDEX_BIN = os.environ.get("GAZETTE_INDEX_BIN", "gazette-index")


def cli(*args):
    """gazette-search ARGS... --json, parsed."""
    out = subprocess.run([SEARCH_BIN, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def without_timing(response):
    response = dict(response)
    response.pop("took_ms", None)
    return response


def article(folder, name, title, body, date="2026-11-20"):
    (folder / name).write_text(f"Title: {title}\nDate: {date}\nSource: Test Wire\nLanguage: en\n\n{body}\n")


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("corpus") / "db"
    calls = []
    summary = gazette.index(db, [SOURCE / "corpus"], progress=calls.append)
    return db, summary, calls


def test_index_returns_the_build_summary_and_reports_progress(corpus_db, tmp_path):
    db, summary, calls = corpus_db
    out = subprocess.run([INDEX_BIN, "build", "--db", str(tmp_path / "cli"), "--json", str(SOURCE / "corpus")],
                         check=True, capture_output=True, text=True).stdout
    theirs = json.loads(out)
    assert {k: v for k, v in summary.items() if k not in ("seconds", "problems")} == \
        {k: v for k, v in theirs.items() if k != "seconds"}
    assert summary["indexed"] > 0
    assert summary["errors"] == 0
    assert summary["run"] == 1
    assert isinstance(summary["problems"], list)
    assert calls, "no progress reported"
    last = calls[-1]
    assert last["final"] is True
    assert last["files_done"] == last["files_total"] > 0
    assert last["articles"] >= summary["indexed"]
    assert all(a["articles"] <= b["articles"] for a, b in zip(calls, calls[1:]))
    assert gazette.Searcher(db).article_count() == summary["indexed"]


REQUESTS = [
    {"q": "energy"},
    {"q": "energy prices", "limit": 5, "offset": 2},
    {"q": "minister", "facets": ["people", "organizations", "places", "source", "date:year"], "facet_size": 5},
    {"q": "election", "sort": "newest", "snippet_length": 80},
    {"q": "bank", "recency": 30, "explain": True},
    {"q": "", "filters": ["source:Test"], "limit": 3},
]


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: json.dumps(r))
def test_search_gives_what_the_cli_gives(corpus_db, tmp_path, request_):
    db = corpus_db[0]
    searcher = gazette.Searcher(db)
    q = request_.get("q", "")
    options = {k: v for k, v in request_.items() if k != "q"}
    try:
        mine = searcher.search(q, **options)
    except gazette.RequestError as e:  # the CLI must refuse it the same way
        batch = tmp_path / "q.jsonl"
        batch.write_text(json.dumps(request_) + "\n")
        out = subprocess.run([SEARCH_BIN, "batch", "--db", str(db), str(batch)], capture_output=True, text=True)
        assert str(e) in out.stdout + out.stderr
        return
    batch = tmp_path / "q.jsonl"
    batch.write_text(json.dumps(request_) + "\n")
    out = subprocess.run([SEARCH_BIN, "batch", "--db", str(db), str(batch)], check=True, capture_output=True, text=True)
    theirs = json.loads(out.stdout.splitlines()[0])
    assert without_timing(mine) == without_timing(theirs)


def test_search_with_flags_matches_query_json(corpus_db):
    db = str(corpus_db[0])
    s = gazette.Searcher(db)
    people = s.search("government", facets="people,places", limit=3)
    theirs = cli("query", "--db", db, "--json", "--facets", "people,places", "--limit", "3", "government")
    assert without_timing(people) == without_timing(theirs)
    assert [h["id"] for h in people["hits"]]
    place = people["facets"]["places"][0]["value"]
    filtered = s.search("government", filters=[f"places:{place}"], limit=20)
    theirs = cli("query", "--db", db, "--json", "--filter", f"places:{place}", "--limit", "20", "government")
    assert without_timing(filtered) == without_timing(theirs)
    assert 0 < filtered["total"]["value"] <= people["total"]["value"]


def test_documents_entities_related_suggest_similar(corpus_db):
    db = str(corpus_db[0])
    s = gazette.Searcher(db)
    hit = s.search("energy", limit=1)["hits"][0]
    doc = s.document(hit["id"])
    assert doc == cli("doc", "--db", db, "--json", hit["id"])
    assert doc["title"] == hit["title"]
    assert s.document("no-such-article") is None
    people = s.entities(kind="person", limit=5)
    assert 0 < len(people) <= 5 and all(e["kind"] == "person" for e in people)
    assert people == sorted(people, key=lambda e: -e["count"])
    related = s.related("people:" + people[0]["name"], limit=3)
    assert related["entity"] == "people:" + people[0]["name"] and related["articles"] == people[0]["count"]
    suggestions = s.suggest(people[0]["name"][:4])
    assert any(sg["text"] == people[0]["name"] for sg in suggestions)
    similar = s.similar(hit["id"], limit=3)
    assert hit["id"] not in [h["id"] for h in similar["hits"]]
    assert s.summary()["articles"] == s.article_count() == corpus_db[1]["indexed"]
    assert s.last_run == 1


def test_errors_are_gazette_errors_with_the_librarys_messages(corpus_db, tmp_path):
    s = gazette.Searcher(corpus_db[0])
    with pytest.raises(gazette.RequestError, match="limit") as e:
        s.search("energy", limit=-1)
    assert isinstance(e.value, gazette.Error)
    with pytest.raises(gazette.RequestError, match="colour"):
        s.search("energy", colour="red")
    with pytest.raises(gazette.RequestError, match="sort"):
        s.search("energy", sort="sideways")
    with pytest.raises(gazette.RequestError):
        s.similar("no-such-article")
    with pytest.raises(TypeError, match="facets"):
        s.search("energy", facets=object())
    with pytest.raises(gazette.IndexError) as e:
        gazette.Searcher(tmp_path / "missing")
    assert isinstance(e.value, gazette.Error) and "missing" in str(e.value)
    with pytest.raises(gazette.RequestError, match="batch_size"):
        gazette.index(tmp_path / "db", [SOURCE / "corpus"], batch_size=0)
    with pytest.raises(gazette.RequestError, match="paths"):
        gazette.index(tmp_path / "db", [])
    with pytest.raises(TypeError):
        gazette.index(tmp_path / "db", [SOURCE / "corpus"], colour="red")


def test_log_callback_gets_each_problem_naming_the_file(tmp_path):
    (tmp_path / "in").mkdir()
    article(tmp_path / "in", "good.txt", "Harbour reopens", "Ships returned to the harbour on Thursday.")
    (tmp_path / "in" / "bad.json").write_text('{"title": "cut off", "body": ')
    lines = []
    summary = gazette.index(tmp_path / "db", tmp_path / "in", log=lines.append)
    assert summary["indexed"] == 1 and summary["errors"] == 1
    assert "problems" not in summary
    assert any("bad.json" in line and "error" in line for line in lines), lines
    collected = gazette.index(tmp_path / "db2", [tmp_path / "in"])["problems"]
    assert any("bad.json" in line for line in collected)


def test_a_progress_callback_that_raises_stops_the_run_and_raises(tmp_path):
    (tmp_path / "in").mkdir()
    for i in range(30):
        article(tmp_path / "in", f"a{i}.txt", f"Story {i}", f"Ships and harbours, story number {i}.")

    class Stop(Exception):
        pass

    def stop(progress):
        raise Stop(progress["files_done"])

    with pytest.raises(Stop):
        gazette.index(tmp_path / "db", tmp_path / "in", progress=stop, batch_size=1)
    # What it committed is there and readable.
    assert gazette.Searcher(tmp_path / "db").article_count() <= 30


def test_threads_search_in_parallel_while_an_index_run_commits(tmp_path):
    (tmp_path / "in").mkdir()
    article(tmp_path / "in", "first.txt", "Harbour reopens", "Ships returned to the harbour on Thursday.")
    db = tmp_path / "db"
    gazette.index(db, tmp_path / "in")
    (tmp_path / "more").mkdir()
    for i in range(400):
        article(tmp_path / "more", f"m{i}.txt", f"Ships story {i}",
                f"Ships crowded the harbour again, report {i}, with cargo of kind {i % 17}.")
    searcher = gazette.Searcher(db)  # one Searcher, shared by every thread
    errors, counts, done = [], [], threading.Event()

    def reader():
        seen = 0
        try:
            while not done.is_set():
                r = searcher.search("ships harbour", limit=5, facets=["source"])
                assert r["total"]["value"] >= seen  # commits only add
                seen = r["total"]["value"]
                searcher.reopen()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        counts.append(seen)

    def indexer():
        try:
            gazette.index(db, [tmp_path / "in", tmp_path / "more"], batch_size=20)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    readers = [threading.Thread(target=reader) for _ in range(4)]
    writer = threading.Thread(target=indexer)
    for t in readers:
        t.start()
    writer.start()
    # The GIL is released while Xapian works: this thread keeps running Python meanwhile.
    ticks = 0
    while writer.is_alive():
        ticks += 1
        time.sleep(0.001)
    writer.join()
    done.set()
    for t in readers:
        t.join()
    assert errors == []
    assert ticks > 10
    searcher.reopen()
    assert searcher.search("ships harbour", limit=0)["total"]["value"] == 401
    assert len(counts) == 4 and all(0 < c <= 401 for c in counts)


def test_the_examples_run(tmp_path):
    env = dict(os.environ)
    explore = subprocess.run([sys.executable, str(SOURCE / "examples/python/explore.py"), str(SOURCE / "corpus"),
                              str(tmp_path / "db"), "energy"], check=True, capture_output=True, text=True, env=env)
    assert "articles match 'energy'" in explore.stdout
    assert "kind          entity" in explore.stdout
    backend = subprocess.Popen([sys.executable, str(SOURCE / "examples/python/backend.py"), str(tmp_path / "db"), "0"],
                               stdout=subprocess.PIPE, text=True, env=env)
    try:
        url = backend.stdout.readline().split()[-1].replace("?q=...", "")
        with urllib.request.urlopen(url + "?q=energy&filter=places:Latvia") as r:
            body = json.load(r)
        direct = gazette.Searcher(tmp_path / "db").search("energy", filters=["places:Latvia"], facets=["people", "places"])
        assert [h["id"] for h in body["hits"]] == [h["id"] for h in direct["hits"]] != []
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(url + "?q=energy&filter=planet:Mars")
        assert e.value.code == 400
    finally:
        backend.terminate()
        backend.wait()
