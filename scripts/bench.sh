#!/usr/bin/env bash
# Full-build benchmark on generated knowledge bases. For each size: one
# hyperfine run with the bench's bare templates, the built-in theme (the same
# site without templates/), the markdown-only floor and Hugo when installed,
# side by side; then wall time and peak memory of single builds with the
# built-in theme (/usr/bin/time), where the time went (--timings), and the
# same site in two languages, half of it translated, beside it.
#
#   bash scripts/bench.sh                  # 1,000 and 10,000 pages
#   bash scripts/bench.sh 30000 100000     # other sizes (100,000 takes ~1 GB of disk)
#
# Needs python3, hyperfine and GNU time (Debian: apt-get install hyperfine
# time), and the knowledge-base generator gen_corpus.py of the project's
# bench folder: ../shared/bench beside the repository, or FAULTBOOK_BENCH=DIR.
# Generated sites and outputs go to BENCH_DIR (default /tmp/faultbook-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${FAULTBOOK_BENCH:-../shared/bench}
missing=()
[ -f "$bench/gen_corpus.py" ] || missing+=("gen_corpus.py in $bench (set FAULTBOOK_BENCH to the bench folder)")
command -v python3 >/dev/null || missing+=("python3")
command -v hyperfine >/dev/null || missing+=("hyperfine (apt-get install hyperfine)")
[ -x /usr/bin/time ] || missing+=("GNU time at /usr/bin/time (apt-get install time)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "scripts/bench.sh needs:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
cargo build --release --quiet
fb=$PWD/target/release/faultbook
work=${BENCH_DIR:-/tmp/faultbook-bench}
mkdir -p "$work"

floor=""
if [ -f "$bench/floor/Cargo.toml" ]; then
  CARGO_TARGET_DIR="$work/floor-target" cargo build --release --quiet --manifest-path "$bench/floor/Cargo.toml"
  floor="$work/floor-target/release/floor"
fi

for n in "${sizes[@]}"; do
  bare=$work/fb-$n theme=$work/theme-$n
  python3 "$bench/gen_corpus.py" --tool faultbook --pages "$n" --out "$bare" >/dev/null
  # The built-in theme: the same content, without the bench's templates.
  rm -rf "$theme" && cp -al "$bare" "$theme" && rm -rf "$theme/templates"
  echo "== $n error pages ($(find "$bare/content" -name '*.md' | wc -l) pages in all)"
  cmds=("$fb build -q --root $bare --output $work/out-bare-$n"
        "$fb build -q --root $theme --output $work/out-theme-$n")
  [ -n "$floor" ] && cmds+=("$floor $bare/content $work/out-floor-$n")
  if command -v hugo >/dev/null; then
    python3 "$bench/gen_corpus.py" --tool hugo --pages "$n" --out "$work/hugo-$n" >/dev/null
    cmds+=("hugo --quiet --source $work/hugo-$n --destination $work/out-hugo-$n")
  fi
  runs=3
  [ "$n" -ge 30000 ] && runs=2
  hyperfine --warmup 1 --runs "$runs" -N "${cmds[@]}"
  for i in 1 2 3; do
    /usr/bin/time -f "built-in theme: %e s wall, %M KB peak RSS" \
      "$fb" build -q --root "$theme" --output "$work/out-theme-$n" 2>&1 | grep -v '^warning'
  done
  "$fb" build -q --timings --root "$theme" --output "$work/out-theme-$n" 2>&1 | grep -v '^warning'
  # Two languages: the same site with half of its pages translated (the
  # built-in theme), against the one-language build.
  two=$work/theme-fr-$n
  rm -rf "$two" && cp -a "$theme" "$two"
  python3 scripts/translate-corpus.py "$two" --lang fr --every 2
  hyperfine --warmup 1 --runs "$runs" -N \
    "$fb build -q --root $theme --output $work/out-theme-$n" \
    "$fb build -q --root $two --output $work/out-theme-fr-$n"
done
