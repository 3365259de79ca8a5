#!/usr/bin/env bash
# Test .pre-commit-hooks.yaml with the real pre-commit tool, the way a user installs it: a
# consumer repository whose .pre-commit-config.yaml points at a local clone of this repository
# (its committed HEAD), then real `git commit`s through the installed hook.
#
#   scripts/test-pre-commit.sh            # both hooks: atlcheck-system, then atlcheck (language: rust)
#   scripts/test-pre-commit.sh system     # only atlcheck-system
#   scripts/test-pre-commit.sh rust       # only atlcheck
#   ATLCHECK_BIN=target/debug/atlcheck scripts/test-pre-commit.sh system   # reuse a build
#
# Needs git, cargo and pre-commit (pip install pre-commit). The `atlcheck` hook makes pre-commit
# run `cargo install` from the clone: it downloads crates from crates.io and builds a release
# binary (minutes), which is why this is a script and not a cargo test. Everything happens in a
# temporary folder (PRE_COMMIT_HOME included); nothing outside it is changed. Exits non-zero on
# the first expectation that fails.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
which_hooks="${1:-all}"
command -v pre-commit >/dev/null || { echo "pre-commit is not installed: pip install pre-commit" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/pre-commit-home"
# Keep the toolchain and the crate cache while HOME points at a scratch folder.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home"
mkdir -p "$HOME"
git config --global user.name test
git config --global user.email test@example.com
git config --global init.defaultBranch main
echo "pre-commit $(pre-commit --version | cut -d' ' -f2), hook repository $repo @ $(git -C "$repo" rev-parse --short HEAD)"

git clone --quiet "$repo" "$work/atlcheck"
rev="$(git -C "$work/atlcheck" rev-parse HEAD)"

pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

run_case() {
  local hook="$1" project="$work/project-$1"
  git init --quiet "$project"
  cd "$project"
  cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $work/atlcheck
    rev: $rev
    hooks:
      - id: $hook
YAML
  printf 'exclude = ["vendor"]\n' > .atlcheck.toml
  git add .pre-commit-config.yaml .atlcheck.toml
  pre-commit install >/dev/null
  git commit --quiet -m "config" || fail "$hook: committing the config failed"

  # 1. A staged finding blocks the commit and is reported with its code.
  printf 'curl http://acme.atlassian.net/rest/api/3/myself\n' > sync.sh
  git add sync.sh
  if git commit -m "bad" > "$work/out.txt" 2>&1; then
    cat "$work/out.txt"; fail "$hook: a commit with findings went through"
  fi
  grep -q "AT205" "$work/out.txt" || { cat "$work/out.txt"; fail "$hook: AT205 not reported"; }
  grep -q "sync.sh:1:6" "$work/out.txt" || { cat "$work/out.txt"; fail "$hook: no location"; }
  pass "$hook: a finding blocks the commit ($(grep -c '^error\|^warning' "$work/out.txt") findings shown)"

  # 2. Fixed: the commit goes through.
  printf 'curl https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/myself\n' > sync.sh
  git add sync.sh
  git commit --quiet -m "good" > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "$hook: a clean commit was blocked"; }
  pass "$hook: a clean commit goes through"

  # 3. A file the config excludes is passed by name, and --force-exclude skips it.
  mkdir -p vendor
  printf 'curl http://acme.atlassian.net/rest/api/3/myself\n' > vendor/lib.sh
  git add vendor/lib.sh
  git commit --quiet -m "vendored" > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "$hook: an excluded file blocked the commit"; }
  pass "$hook: config excludes apply to files pre-commit names (--force-exclude)"

  # 4. Binary files are not passed (types: [text]).
  printf 'http://acme.atlassian.net/\0\1\2' > blob.bin
  git add blob.bin
  git commit --quiet -m "binary" > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "$hook: a binary file blocked the commit"; }
  pass "$hook: binary files are skipped"

  # 5. pre-commit run --all-files sees the whole tree the same way.
  pre-commit run --all-files > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "$hook: run --all-files failed on a clean tree"; }
  pass "$hook: pre-commit run --all-files passes on the clean tree"
  cd "$work"
}

if [[ "$which_hooks" == all || "$which_hooks" == system ]]; then
  if [[ -n "${ATLCHECK_BIN:-}" ]]; then
    bin_dir="$(cd "$(dirname "$ATLCHECK_BIN")" && pwd)"
  else
    echo "building the clone for the atlcheck-system hook..."
    (cd "$work/atlcheck" && CARGO_TARGET_DIR="$work/target" cargo build --quiet --locked)
    bin_dir="$work/target/debug"
  fi
  mkdir -p "$work/bin"
  ln -s "$bin_dir/atlcheck" "$work/bin/atlcheck"
  PATH="$work/bin:$PATH" run_case atlcheck-system
fi
if [[ "$which_hooks" == all || "$which_hooks" == rust ]]; then
  echo "atlcheck hook (language: rust): pre-commit runs cargo install from the clone; this takes minutes..."
  # No atlcheck on PATH: the hook must use the binary pre-commit built.
  if PATH="$PATH" command -v atlcheck >/dev/null; then
    echo "note: an atlcheck is on PATH ($(command -v atlcheck)); pre-commit puts its own build first"
  fi
  run_case atlcheck
fi
echo "all pre-commit hook checks passed"
