#!/usr/bin/env bash
# benches/worst-case-outputs.sh: the output of every worst-case generator (benches/worst-case.sh),
# in every lint format, as one line and as many lines, plus two real trees (fixtures/corpus and
# fixtures/lint, with a baseline), saved once and compared after each change: a performance
# change must not drop, cap, merge or reorder a finding or change one output byte.
#
# Usage:   benches/worst-case-outputs.sh save DIR     # with the current release build
#          benches/worst-case-outputs.sh check DIR    # cmp against a saved DIR; exit 1 on a difference
# Env:     SIZE (262144), BIN (target/release/atlcheck), ONLY (all generators), FORMATS (all six)
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
mode=${1:?save or check}
dir=${2:?output folder}
SIZE=${SIZE:-262144}
BIN=${BIN:-$ROOT/target/release/atlcheck}
ONLY=${ONLY:-"site gateway http atatt email base64 base distinct hostvar removed basicvar legacy scope"}
FORMATS=${FORMATS:-"concise human json sarif junit github"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$work/out
mkdir -p "$out" "$dir"

lint() { # lint NAME ARGS...: stdout, stderr and exit code of one run, under NAME
  local name=$1; shift
  local rc=0
  (cd "$work" && env -u GITHUB_ACTIONS "$BIN" lint --max-filesize 100000000 "$@") \
    >"$out/$name.out" 2>"$out/$name.err" || rc=$?
  echo "$rc" >"$out/$name.rc"
}

for g in $ONLY; do
  for shape in line lines; do
    [ "$g" = hostvar ] && [ "$shape" = line ] && continue
    f=$work/$g-$shape.sh
    python3 "$ROOT/benches/worst-case-gen.py" "$g" "$SIZE" "$([ "$shape" = lines ] && echo 1 || echo 0)" "$f"
    for fmt in $FORMATS; do
      lint "$g-$shape.$fmt" --format "$fmt" "$(basename "$f")"
    done
  done
done
# Real trees: many files, suppressions, severities; a baseline that accepts part of them.
cp -r "$ROOT/fixtures/corpus" "$ROOT/fixtures/lint" "$work/"
(cd "$work" && env -u GITHUB_ACTIONS "$BIN" lint -q --write-baseline base.json corpus/ >/dev/null 2>&1 || true)
# Keep every other entry: the rest are new findings.
awk '/^#/ || NR % 2 == 0' "$work/base.json" >"$work/half.json" && mv "$work/half.json" "$work/base.json"
# A stale entry too.
echo '{"rule":"AT201","path":"corpus/gone.sh","fingerprint":"0000000000000000"}' >>"$work/base.json"
for fmt in $FORMATS; do
  lint "corpus.$fmt" --format "$fmt" corpus lint
  lint "corpus-baseline.$fmt" --format "$fmt" --baseline base.json corpus lint
  lint "corpus-quiet.$fmt" --format "$fmt" -q corpus
done

if [ "$mode" = save ]; then
  rm -rf "${dir:?}"/*
  cp "$out"/* "$dir/"
  echo "saved $(ls "$dir" | wc -l) files to $dir"
else
  bad=0
  for f in "$dir"/*; do
    n=$(basename "$f")
    if ! cmp -s "$f" "$out/$n"; then
      echo "DIFFERS: $n"; bad=1
    fi
  done
  [ "$(ls "$dir" | wc -l)" = "$(ls "$out" | wc -l)" ] || { echo "file count differs"; bad=1; }
  [ "$bad" = 0 ] && echo "identical: $(ls "$dir" | wc -l) files"
  exit "$bad"
fi
