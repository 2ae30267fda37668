#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/cluster end to end: a kept-shards build of corpus/, the cluster started on free
# loopback ports, a faceted search over HTTP equal to the merged database's, then stopped by pid.
# Usage: cluster.sh SOURCE_DIR BUILD_DIR. Exit 77 (skipped) without xapian-tcpsrv.
set -euo pipefail
src="$1" build="$2"
command -v xapian-tcpsrv > /dev/null || { echo "xapian-tcpsrv not installed: skipped"; exit 77; }
work="$(mktemp -d)"
db="$work/news.db"
cleanup() { GAZETTE_SEARCH_BIN="$build/searcher/gazette-search" "$src/scripts/cluster" stop "$db" > /dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
"$build/indexer/gazette-index" build --db "$db" --keep-shards --shards 3 "$src/corpus" > /dev/null 2>&1 || true
"$build/indexer/gazette-index" build --db "$work/merged.db" "$src/corpus" > /dev/null 2>&1 || true
test -f "$db/XAPIANDB"
# Free ports: the kernel's pick for the HTTP one, and a run of three from a pid-spread base.
base=$((20000 + ($$ * 13) % 30000))
http=$((base + 10))
GAZETTE_SEARCH_BIN="$build/searcher/gazette-search" "$src/scripts/cluster" start "$db" --port "$base" --http "$http"
test "$(grep -c '^remote 127.0.0.1:' "$db.cluster/remote.stub")" = 3
get() {  # PATH -> the response body, over bash's /dev/tcp (no curl needed)
  exec 3<>"/dev/tcp/127.0.0.1/$http"
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
  sed '1,/^\r$/d' <&3
  exec 3>&-
}
body="$(get '/api/search?q=energy&facets=people,places&snippet_length=0')"
want="$("$build/searcher/gazette-search" query --db "$work/merged.db" --json --facets people,places --snippet-length 0 energy)"
norm() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"], d["facets"], sorted((round(h["score"], 6), h["id"]) for h in d["hits"]))'; }
if command -v python3 > /dev/null; then
  test "$(echo "$body" | norm)" = "$(echo "$want" | norm)" || { echo "cluster: $body"; echo "merged: $want"; exit 1; }
else
  echo "$body" | grep -q '"total":{"exact":true,"value":8}'
fi
mapfile -t pids < "$db.cluster/pids"
test "${#pids[@]}" = 4
GAZETTE_SEARCH_BIN="$build/searcher/gazette-search" "$src/scripts/cluster" stop "$db" > /dev/null
sleep 0.5
for pid in "${pids[@]}"; do
  if kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
    echo "pid $pid still running"; exit 1
  fi
done
echo "cluster: ok"
