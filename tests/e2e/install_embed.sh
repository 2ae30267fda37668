#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs Gazette into a temporary prefix, builds examples/embed against it (CMake package and
# pkg-config), indexes corpus/ and runs the example: the embedding contract, end to end; and
# imports the installed Python package.
# Usage: install_embed.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src="$1" build="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/gazette/searcher/searcher.h"
test -f "$work/prefix/share/gazette/gazetteer.tsv"
cmake -S "$src/examples/embed" -B "$work/embed" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/embed" >/dev/null
# The same program through pkg-config (the .pc file is relocatable: paths from its own place).
pc_dir="$(dirname "$(find "$work/prefix" -name gazette.pc | head -1)")"
c++ -std=c++20 "$src/examples/embed/main.cc" -o "$work/embed-pc" $(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs gazette)
"$work/prefix/bin/gazette-index" build --db "$work/db" "$src/corpus" >/dev/null
libdir="$(dirname "$(find "$work/prefix" -name 'libgazette_search.so*' | head -1)")"
out="$(LD_LIBRARY_PATH="$libdir" GAZETTE_DATA_DIR="$work/prefix/share/gazette" "$work/embed/gazette-embed-example" "$work/db" energy)"
echo "$out" | grep -q '"facets"'
echo "$out" | grep -q '"hits"'
LD_LIBRARY_PATH="$libdir" "$work/embed-pc" "$work/db" 'place:Italy' | grep -q '"total"'
# The Python package, when it was built (GAZETTE_PYTHON): imported from the prefix.
module="$(find "$work/prefix" -name '_gazette*.so' | head -1)"
if [ -n "$module" ]; then
  test -f "$(dirname "$module")/__init__.py"
  PYTHONPATH="$(dirname "$(dirname "$module")")" GAZETTE_DATA_DIR="$work/prefix/share/gazette" \
    /usr/bin/python3 -c "import gazette, sys; r = gazette.Searcher(sys.argv[1]).search('energy'); assert r['hits'], r" "$work/db"
  echo "python package from the prefix: ok"
fi
echo "install + embed: ok"
