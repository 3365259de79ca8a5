#!/usr/bin/env bash
# benches/worst-case.sh: lint and inventory time on generated worst-case inputs (issue 12,
# class 5: linear time in the size of the input).
#
# For each generator, a file of SIZE bytes and one of 2*SIZE bytes (default 4 and 8 MiB), as
# one single line and as many lines; each is linted with a release build (`--format concise`,
# and `--format human`, which also masks a code frame per finding), and the inventory reads the
# CI generators. The table shows CPU seconds (user + system) and the ratio of the two sizes: linear time means a
# ratio near 2 (the issue asks for under 2 s at 8 MiB and at most double for double the size).
#
# Generators (one per detector family, plus the shapes that were quadratic before):
#   site     `curl https://acme.atlassian.net/rest/api/3/myself ` repeated (AT201)
#   gateway  `https://api.atlassian.com/ex/jira/<id>/rest/api/3/myself ` with a bad id (AT203)
#   http     `http://acme.atlassian.net/rest ` (AT205)
#   atatt    `ATATT3 ` prefixes (AT102/AT103 candidates)
#   email    `jane.doe@acme.com ` (AT101), after a first line that calls a Cloud site with a
#            user's email (without it the file does not talk to Atlassian and is passed over)
#   base64   `echo "$U:$T" | base64 ` (AT301), after the same first line
#   base     `JIRA_URL=https://sN.atlassian.net ` (AT201 base URLs: look-back per match)
#   distinct `curl https://acme.atlassian.net/rest/api/3/issue/K-N ` (one key per finding)
#   hostvar  `JIRA_DN=sN.atlassian.net` assignments (AT201 host variables)
#   hostjson `"host": "sN.atlassian.net",` (AT201: what the file does with a host variable is
#            asked once per name, not once per assignment; 6 s at 8 MiB before)
#   removed  `curl "${BN}/rest/api/3/search" ` (AT207: base variables resolved once each, at most 16)
#   basicvar `-H "Authorization: Basic ${CN}" ` (Basic values through variables, at most 16 looked up)
#   legacy   `JIRA_TOKEN="<24 random characters>"`, a different token each (AT102 legacy tokens)
#   scope    `scope=manage:jira-user` (AT405)
#   assigned `vN = "https://acme.atlassian.net"` with a REST path in the file (AT201: how each
#            variable is joined is looked up once, at most 16 names)
#   argcall  `JiraClient("https://acme.atlassian.net", "a@b.com", tokenN)` (AT201: a client call's
#            arguments, at most 400 bytes each way)
#   colonpair `"jane@acme.com:s3cr3tpw"` (AT101/AT104 literal `email:secret` strings, each asking
#            whether its line or the two after say Basic auth; 220 s at 8 MiB on one line before
#            session 7), after the same first line
#   joined   `a + ":" + b` (AT104 Basic pairs given as variables, each asking the same; 6.5 s)
#   words    `auth(pass key= login( basic` (the words where the rare AT104 patterns can start)
#   pwslot   `password = "Summer#24x"` (AT104 password slots, each reading the four lines around it;
#            about 200 s at 8 MiB on one line before session 7)
#   inventory  a workflow whose `run:` block names N scripts and modules (inventory; at half
#              the sizes, 2 and 4 MiB: inventory skips files over 8 MiB)
#
# Usage:   benches/worst-case.sh                  # builds release, then about 5 minutes
#          SIZE=1048576 ONLY="site base" benches/worst-case.sh
#          FORMATS="sarif junit github" SHAPES=line ONLY="http legacy" benches/worst-case.sh
#          BIN=/tmp/atlcheck-before BUILD=0 benches/worst-case.sh   # time another build
# Env:     SIZE (4194304), ONLY (all generators), FORMATS (concise human json), SHAPES (line
#          lines), BUILD (1), BIN (target/release/atlcheck), TIMEOUT (120 s per run)
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
SIZE=${SIZE:-4194304}
ONLY=${ONLY:-"site gateway http atatt email base64 base distinct hostvar hostjson removed basicvar legacy scope assigned argcall colonpair joined words pwslot inventory"}
FORMATS=${FORMATS:-"concise human json"}
SHAPES=${SHAPES:-"line lines"}
BUILD=${BUILD:-1}
TIMEOUT=${TIMEOUT:-120}
OUT=$ROOT/target/bench/worst-case
FROM=${BIN:-$ROOT/target/release/atlcheck}
BIN=$OUT/atlcheck
mkdir -p "$OUT"
if [ "$BUILD" = 1 ]; then
  cargo build --release --locked --quiet
fi
cp "$FROM" "$BIN"

gen() { # gen NAME BYTES LINES(0|1) FILE
  python3 "$ROOT/benches/worst-case-gen.py" "$@"
}

run() { # run FILE-or-DIR ARGS...: CPU seconds (user + system), or "timeout"
  # CPU time, not wall time: on a shared machine the wall clock measures the neighbours.
  local target=$1; shift
  local tf=$OUT/time.txt rc=0
  /usr/bin/time -o "$tf" -f "%U %S" timeout "$TIMEOUT" "$BIN" "$@" "$target" >/dev/null 2>&1 || rc=$?
  if [ "$rc" -le 2 ]; then
    awk 'END { printf "%.2f\n", $1 + $2 }' "$tf"
  else
    echo "timeout"
  fi
}

ratio() { python3 -c "
a, b = '$1', '$2'
print('-' if 'timeout' in (a, b) or float(a) < 0.05 else f'{float(b)/float(a):.2f}')"; }

echo "| generator | shape | format | $((SIZE / 1048576)) MiB (CPU s) | $((2 * SIZE / 1048576)) MiB (CPU s) | ratio |"
echo "|---|---|---|---|---|---|"
for g in $ONLY; do
  shapes=$SHAPES
  [ "$g" = hostvar ] && shapes="lines"
  [ "$g" = inventory ] && shapes="block"
  for shape in $shapes; do
    declare -A t=()
    for mult in 1 2; do
      bytes=$((SIZE * mult))
      if [ "$g" = inventory ]; then
        # inventory reads files up to 8 MiB: its sizes are half the others' (2 and 4 MiB).
        bytes=$((bytes / 2))
        dir=$OUT/$g-$mult
        mkdir -p "$dir/.github/workflows"
        gen "$g" "$bytes" 1 "$dir/.github/workflows/refs.yml"
        t[inventory$mult]=$(run "$dir" inventory --format json)
      else
        f=$OUT/$g-$shape-$mult.sh
        gen "$g" "$bytes" "$([ "$shape" = lines ] && echo 1 || echo 0)" "$f"
        for fmt in $FORMATS; do
          t[$fmt$mult]=$(run "$f" lint --exit-zero -q --max-filesize 100000000 --format "$fmt")
        done
      fi
    done
    if [ "$g" = inventory ]; then
      echo "| $g | $shape | json | ${t[inventory1]} | ${t[inventory2]} | $(ratio "${t[inventory1]}" "${t[inventory2]}") |"
    else
      for fmt in $FORMATS; do
        echo "| $g | $shape | $fmt | ${t[${fmt}1]} | ${t[${fmt}2]} | $(ratio "${t[${fmt}1]}" "${t[${fmt}2]}") |"
      done
    fi
    unset t
  done
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
