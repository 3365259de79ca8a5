#!/usr/bin/env bash
# benches/inventory-bench.sh: `atlcheck inventory` against `atlcheck lint` on the same tree (issue 11).
#
# Target: inventory of the 300 MB bench corpus within 2x of lint's time on the same tree.
#
# Steps (each cached under target/bench/ and skipped when already done):
#   1. corpus   the corpus of benches/lint-bench.sh (this crate's vendored dependencies copied
#               until >= MIN_MB MiB, plus 300 planted files). When target/bench/corpus.stamp is
#               missing it runs `TOOLS=atlcheck RUNS=1 benches/lint-bench.sh` once to build it
#               (cargo vendor reaches crates.io once), then reads the corpus as that script left it.
#   2. build    cargo build --release (BUILD=0 skips it); the binary is copied to
#               target/bench/bin/atlcheck-inventory so a rebuild mid-run cannot mix engines.
#   3. timing   alternating rounds: round 0 warms the page cache and is discarded, then RUNS
#               (default 5) rounds each run both commands once, in rotated order:
#                 lint       atlcheck lint --format json --exit-zero --no-ignore CORPUS
#                 inventory  atlcheck inventory --format json --no-ignore CORPUS
#               medians, min and max; the ratio of medians and the median of per-round ratios.
#   4. also     the same pair on a small repository with many integrations
#               (fixtures/inventory/acme-ops), where start-up dominates; and the peak RSS of
#               each full-corpus run (/usr/bin/time -v).
#
# Output: Markdown on stdout and in target/bench/results/inventory-bench.md; raw times in
# target/bench/results/inventory-times.tsv.
# Usage:  benches/inventory-bench.sh            RUNS=7 benches/inventory-bench.sh
# Env:    RUNS (5), BUILD (1), MIN_MB (300, passed to lint-bench.sh when it builds the corpus).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
B=$ROOT/target/bench
RES=$B/results
RUNS=${RUNS:-5}
BUILD=${BUILD:-1}
mkdir -p "$RES" "$B/bin"
log() { printf '== %s\n' "$*" >&2; }

if [ ! -f "$B/corpus.stamp" ]; then
    log "no corpus yet: building it with benches/lint-bench.sh (TOOLS=atlcheck RUNS=1)"
    TOOLS=atlcheck RUNS=1 PRECOMMIT_RUNS=1 BUILD="$BUILD" benches/lint-bench.sh >/dev/null
    BUILD=0
fi
CORPUS=$B/corpus
if [ "$BUILD" = 1 ]; then
    log "cargo build --release"
    cargo build --release --quiet
fi
cp target/release/atlcheck "$B/bin/atlcheck-inventory"
ATL=$B/bin/atlcheck-inventory
BUILD_INFO="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src rules Cargo.toml Cargo.lock || echo ' + uncommitted changes')"

cmd() { # name tree
    case $1 in
        lint) echo "$ATL lint --format json --exit-zero --no-ignore $2" ;;
        inventory) echo "$ATL inventory --format json --no-ignore $2" ;;
    esac
}
TIMES=$RES/inventory-times.tsv
printf 'tree\tround\tcommand\tseconds\texit\tmax_rss_kib\n' >"$TIMES"
time_tree() { # label tree rounds
    local label=$1 tree=$2 rounds=$3
    for ((r = 0; r <= rounds; r++)); do
        for k in 0 1; do
            local names=(lint inventory)
            local n=${names[$(((k + r) % 2))]}
            local s e rc
            s=$EPOCHREALTIME
            set +e; eval "/usr/bin/time -v -o $RES/inv-rss-$n.txt $(cmd "$n" "$tree")" >"$RES/inv-out-$label-$n.json" 2>/dev/null; rc=$?; set -e
            e=$EPOCHREALTIME
            local kib; kib=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$RES/inv-rss-$n.txt")
            [ $r = 0 ] || printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$r" "$n" "$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.6f", e - s }')" "$rc" "$kib" >>"$TIMES"
        done
    done
}
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "timing the corpus: $RUNS rounds after a warm-up round"
time_tree corpus "$CORPUS" "$RUNS"
log "timing fixtures/inventory/acme-ops: 20 rounds"
time_tree acme-ops fixtures/inventory/acme-ops 20

export RES TIMES LOAD_START BUILD_INFO RUNS
export CORPUS_BYTES=$(du -sb "$CORPUS" | cut -f1) CORPUS_FILES=$(find "$CORPUS" -type f | wc -l)
python3 - <<'PY' | tee "$RES/inventory-bench.md"
import json, os, statistics
rows = {}
for line in open(os.environ["TIMES"]).read().splitlines()[1:]:
    tree, r, n, s, rc, kib = line.split("\t")
    rows.setdefault(tree, {}).setdefault(n, []).append((int(r), float(s), int(rc), int(kib or 0)))
print("## atlcheck inventory benchmark\n")
print(f"atlcheck {os.environ['BUILD_INFO']}; {os.cpu_count()} cores, load average at start {os.environ['LOAD_START']}.")
print(f"Corpus: target/bench/corpus, {int(os.environ['CORPUS_BYTES']) / 2**20:.0f} MiB, {os.environ['CORPUS_FILES']} files "
      "(benches/lint-bench.sh). Warm page cache, alternating rounds after a discarded warm-up.\n")
print("| tree | command | median wall | min – max | peak RSS | exit codes |")
print("|---|---|---|---|---|---|")
verdict = None
for tree, cmds in rows.items():
    for n in ("lint", "inventory"):
        t = [s for _, s, _, _ in cmds[n]]
        codes = sorted({rc for _, _, rc, _ in cmds[n]})
        peak = max(k for _, _, _, k in cmds[n]) / 1024
        print(f"| {tree} | {n} | {statistics.median(t):.3f} s | {min(t):.3f} – {max(t):.3f} s | {peak:.1f} MiB | {codes} |")
    lint = {r: s for r, s, _, _ in cmds["lint"]}
    inv = {r: s for r, s, _, _ in cmds["inventory"]}
    q = statistics.median(s for _, s, _, _ in cmds["inventory"]) / statistics.median(s for _, s, _, _ in cmds["lint"])
    pq = statistics.median(inv[r] / lint[r] for r in inv if r in lint)
    rows[tree]["ratio"] = (q, pq)
print()
for tree in rows:
    q, pq = rows[tree]["ratio"]
    print(f"- {tree}: inventory / lint = {q:.2f}x (medians), {pq:.2f}x (median of per-round ratios)")
q, pq = rows["corpus"]["ratio"]
ok = max(q, pq) <= 2.0
print(f"\nTarget (issue 11): inventory within 2x of lint on the corpus: {max(q, pq):.2f}x, **{'met' if ok else 'missed'}**.")
doc = json.load(open(os.path.join(os.environ["RES"], "inv-out-corpus-inventory.json")))
s = doc["summary"]
print(f"\nThe corpus register: {s['integrations']} integrations, {s['findings']} findings, {s['files_scanned']} files read.")
PY
