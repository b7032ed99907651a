#!/usr/bin/env bash
# Search index benchmark: generates synthetic archives, builds their search index, and reports
# the index size (total and per bulletin), the build time, and what typical queries download.
#
#   bench/search.sh [N ...]          # default: 10000 100000
#
# Environment: WORK (default /tmp/bantin-search-bench) holds the archives and indexes;
# GEN_CORPUS is bench/gen_corpus.py of this repository;
# BROWSER=1 also times the page in headless Chromium (needs `chromium` and node 20).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=${WORK:-/tmp/bantin-search-bench}
gen=${GEN_CORPUS:-$repo/bench/gen_corpus.py}
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000 100000)
# Phrases and single words, without and with diacritics (exact forms rank first).
queries=("thu ngan sach" "nong thon moi" "ty le ho ngheo" "dong" "Đồng Tháp" "ngan" "thu ngân sách" "bí thư" "thư")

mkdir -p "$work"
cargo build --release --quiet --example search_bench
bench=$repo/target/release/examples/search_bench

for n in "${sizes[@]}"; do
  corpus=$work/c$n
  if [ ! -f "$corpus/bantin/site.toml" ]; then
    echo "== generating $n bulletins in $corpus"
    python3 "$gen" "$n" "$corpus" >/dev/null
  fi
  out=$work/idx$n
  echo "== $n bulletins"
  SEARCH_BENCH_REPEAT=${REPEAT:-2} "$bench" "$corpus/bantin" "$out"
  echo "-- what a query downloads (fresh cache; first page of 20 results)"
  node bench/search_queries.mjs "$out/tim-kiem/index" "${queries[@]}"
  if [ "${BROWSER:-0}" = 1 ]; then
    echo "-- headless Chromium, file://, ms from query start to first result (firstMs), to 20 shown (ms), to the full count (completeMs); index KB loaded by then (pageKB) and in all (allKB); the page's script time (scriptMs), all measured from outside the page"
    node --experimental-websocket bench/search_chromium.mjs "$out" "${queries[@]}"
  fi
done
