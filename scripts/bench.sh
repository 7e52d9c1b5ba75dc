#!/usr/bin/env bash
# Full-build benchmark on generated knowledge bases (../shared/bench), side
# by side with Hugo when it is installed: wall time, pages per second and
# peak memory at 1,000 and 10,000 pages.
#
#   bash scripts/bench.sh            # 1000 and 10000 pages
#   bash scripts/bench.sh 30000      # other sizes
set -euo pipefail
cd "$(dirname "$0")/.."
bench=../shared/bench
if [ ! -f "$bench/gen_corpus.py" ]; then
  echo "benchmark generator not found at $bench (it sits beside the repository in the project's workspace)" >&2
  exit 1
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
cargo build --release --quiet
fb=$PWD/target/release/faultbook
work=${BENCH_DIR:-/tmp/faultbook-bench}
mkdir -p "$work"
for n in "${sizes[@]}"; do
  python3 "$bench/gen_corpus.py" --tool faultbook --pages "$n" --out "$work/fb-$n" >/dev/null
  echo "== $n error pages ($(find "$work/fb-$n/content" -name '*.md' | wc -l) pages in all)"
  cmds=("$fb build --root $work/fb-$n --output $work/out-fb-$n")
  if command -v hugo >/dev/null; then
    python3 "$bench/gen_corpus.py" --tool hugo --pages "$n" --out "$work/hugo-$n" >/dev/null
    cmds+=("hugo --quiet --source $work/hugo-$n --destination $work/out-hugo-$n")
  fi
  if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs 3 -N "${cmds[@]}"
  fi
  for i in 1 2 3; do
    /usr/bin/time -f "faultbook: %e s wall, %M KB peak RSS" "$fb" build -q --root "$work/fb-$n" --output "$work/out-fb-$n"
  done
done
