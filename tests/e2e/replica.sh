#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A read replica by Xapian's replication: the master built with --changesets, served by
# xapian-replicate-server; a replica made by xapian-replicate answers searches through
# gazette-search serve while the master indexes more, and catches up (a changeset, not a copy).
# Usage: replica.sh SOURCE_DIR BUILD_DIR. Exit 77 (skipped) without xapian-replicate.
set -euo pipefail
src="$1" build="$2"
command -v xapian-replicate > /dev/null || { echo "xapian-replicate not installed: skipped"; exit 77; }
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/root" "$work/in"
cp "$src"/corpus/world/* "$work/in/"
index() { "$build/indexer/gazette-index" build --db "$work/root/news.db" --shards 1 --changesets 10 "$work/in" > /dev/null 2>&1 || true; }
index
port=$((20000 + ($$ * 17) % 30000)); http=$((port + 1))
# setsid: these servers signal their whole process group when they stop.
setsid xapian-replicate-server -I 127.0.0.1 -p "$port" "$work/root" > "$work/replicate.log" 2>&1 &
pids+=($!)
replicate() {
  for _ in $(seq 50); do
    if xapian-replicate -o -q -h 127.0.0.1 -p "$port" -m news.db "$work/replica" 2>> "$work/replicate.log"; then return 0; fi
    sleep 0.1
  done
  cat "$work/replicate.log"; return 1
}
replicate
setsid "$build/searcher/gazette-search" serve --db "$work/replica" --port "$http" > "$work/serve.log" 2>&1 &
pids+=($!)
get() {  # PATH -> the response body, over bash's /dev/tcp
  exec 3<>"/dev/tcp/127.0.0.1/$http"
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
  sed '1,/^\r$/d' <&3
  exec 3>&-
}
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$http") 2>/dev/null && break; sleep 0.1; done
total() { get "/api/search?q=$1&snippet_length=0" | grep -o '"total":{[^}]*}' | grep -o '"value":[0-9]*' | cut -d: -f2; }
before_world=$(total energy)
before_all=$(get /api/stats | grep -o '"articles":[0-9]*' | cut -d: -f2)
test "$before_all" -gt 0
# The master indexes more while the replica serves.
cp "$src"/corpus/business/* "$work/in/"
index &
indexer=$!
test "$(total energy)" = "$before_world"   # the replica answers meanwhile, as it was
wait "$indexer"
replicate
after_all=$(get /api/stats | grep -o '"articles":[0-9]*' | cut -d: -f2)
master_all=$("$build/indexer/gazette-index" stats --db "$work/root/news.db" --json | grep -o '"articles": *[0-9]*' | grep -o '[0-9]*$')
test "$after_all" = "$master_all" || { echo "replica has $after_all articles, master $master_all"; exit 1; }
test "$after_all" -gt "$before_all"
# Caught up by a changeset: the replica is still its first copy.
grep -q "auto replica_" "$work/replica/XAPIANDB"
test "$(ls -d "$work"/replica/replica_* | wc -l)" = 1
echo "replica: ok ($before_all -> $after_all articles)"
