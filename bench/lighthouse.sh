#!/usr/bin/env bash
# Lighthouse (mobile) on a generated archive: generates N bulletins (default 10,000) with
# bench/gen_corpus.py, builds them with the release binary for http://127.0.0.1:PORT/, and
# runs bench/lighthouse.mjs: the home page, the largest bulletin, the largest locality × term
# page, the largest indicator page and the search page with a query, each scored for
# performance, accessibility, best practices and SEO (a Markdown table on stdout).
#
#   bench/lighthouse.sh [N]
#
# Needs node 20, Chromium (CHROME_PATH, default /usr/bin/chromium) and Lighthouse 12
# (installed here from bench/package-lock.json on first run). WORK (default
# /tmp/bantin-lighthouse) holds the archive, the build and the reports; PORT defaults to 8377.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
work=${WORK:-/tmp/bantin-lighthouse}
port=${PORT:-8377}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

[ -d bench/node_modules/lighthouse ] || npm ci --prefix bench --no-audit --no-fund --ignore-scripts
cargo build --release --quiet
if [ ! -f "$work/c$n/bantin/site.toml" ]; then
  python3 bench/gen_corpus.py "$n" "$work/c$n" --only bantin >/dev/null
fi
rm -rf "$work/site"
./target/release/bantin build --root "$work/c$n/bantin" --output "$work/site" \
  --base-url "http://127.0.0.1:$port/"
echo "Lighthouse $(node -p 'require("./bench/node_modules/lighthouse/package.json").version'), mobile, $n bulletins, $(date -u +%Y-%m-%d)"
node bench/lighthouse.mjs "$work/site" "$port"
