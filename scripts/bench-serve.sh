#!/usr/bin/env bash
# Dev-server latency benchmark: how long from saving a file to `serve`
# answering with the change, for each kind of edit, on a generated
# knowledge base with the built-in theme (the template edit uses the
# bench's bare templates, which have a template file to edit).
#
#   bash scripts/bench-serve.sh            # 10,000 pages, 5 runs per edit
#   bash scripts/bench-serve.sh 1000 3     # other size, other number of runs
#
# Needs python3 and the bench folder of the project (../shared/bench beside
# the repository, or FAULTBOOK_BENCH=DIR): gen_corpus.py and
# measure_incremental.py. Sites go to BENCH_DIR (default /tmp/faultbook-bench).
# Prints one JSON line per edit kind (median_s, latencies_s, rss_*_kb).
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${FAULTBOOK_BENCH:-../shared/bench}
missing=()
for f in gen_corpus.py measure_incremental.py; do
  [ -f "$bench/$f" ] || missing+=("$f in $bench (set FAULTBOOK_BENCH to the bench folder)")
done
command -v python3 >/dev/null || missing+=("python3")
if [ ${#missing[@]} -gt 0 ]; then
  echo "scripts/bench-serve.sh needs:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi
n=${1:-10000}
runs=${2:-5}
cargo build --release --quiet
fb=$PWD/target/release/faultbook
work=${BENCH_DIR:-/tmp/faultbook-bench}
mkdir -p "$work"
bare=$work/serve-bare-$n theme=$work/serve-theme-$n
python3 "$bench/gen_corpus.py" --tool faultbook --pages "$n" --out "$bare" >/dev/null
# Copies, not hard links: the edits write the files in place.
rm -rf "$theme" && cp -a "$bare" "$theme" && rm -rf "$theme/templates"

# A page that other pages list, in the first provider folder.
folders=("$theme"/content/errors/*/)
provider=$(basename "${folders[0]}")
files=("$theme/content/errors/$provider"/*.md)
page=content/errors/$provider/$(basename "${files[0]}")
slug=$(basename "$page" .md)
port=$((20000 + RANDOM % 20000))
url=http://127.0.0.1:$port
measure() {
  local site=$1 label=$2
  shift 2
  python3 "$bench/measure_incremental.py" --cwd "$site" --runs "$runs" --label "$label" "$@" \
    -- "$fb" serve --root . --port "$port" --bind 127.0.0.1
}
echo "== serve at $n error pages: $page"
measure "$theme" body --page "$page" --url "$url/errors/$provider/$slug/" --edit body
measure "$theme" title --page "$page" --url "$url/errors/$provider/$slug/" \
  --check-url "$url/providers/$provider/" --edit title
measure "$theme" new-page --page "$page" --url "$url/errors/$provider/$slug/" \
  --check-url "$url/errors/$provider/benchnew{n}/" --edit new-page
template=templates/error.html
measure "$bare" template --page "$template" --url "$url/errors/$provider/$slug/" --edit template
