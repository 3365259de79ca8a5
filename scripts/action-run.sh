#!/usr/bin/env bash
# Entry point of the composite action (action.yml): runs `atlcheck lint` with the action's
# inputs, writes a findings table to the step summary, optionally a SARIF file, and exits with
# atlcheck's exit code (0 clean, 1 findings, 2 usage or I/O error).
#
# Inputs arrive only through the environment (never interpolated into the script):
#   INPUT_ARGS        extra arguments, split on whitespace, no shell evaluation (paths, --select, ...)
#   INPUT_FORMAT      report format for the log (default github: annotations)
#   INPUT_SARIF_FILE  also write SARIF here, for github/codeql-action/upload-sarif
#   INPUT_FAIL_ON     lowest failing severity: info, warning or error
# and GitHub's own GITHUB_STEP_SUMMARY and GITHUB_OUTPUT (optional when run by hand).
set -uo pipefail

ATLCHECK="${ATLCHECK:-atlcheck}"
read -r -a extra <<< "${INPUT_ARGS:-}"
common=()
if [[ -n "${INPUT_FAIL_ON:-}" ]]; then
  common+=(--fail-on "$INPUT_FAIL_ON")
fi

format="${INPUT_FORMAT:-github}"
"$ATLCHECK" lint --format "$format" "${common[@]}" "${extra[@]}"
code=$?

if [[ $code -eq 2 ]]; then
  echo "::error title=atlcheck::atlcheck could not run (exit code 2): see the messages above"
  exit 2
fi

if [[ -n "${INPUT_SARIF_FILE:-}" ]]; then
  mkdir -p "$(dirname -- "$INPUT_SARIF_FILE")"
  "$ATLCHECK" lint --quiet --format sarif --output-file "$INPUT_SARIF_FILE" --exit-zero \
    "${common[@]}" "${extra[@]}" || exit 2
fi

report="$(mktemp)"
trap 'rm -f "$report"' EXIT
"$ATLCHECK" lint --quiet --format json --output-file "$report" --exit-zero \
  "${common[@]}" "${extra[@]}" >/dev/null 2>&1
findings=0
if command -v jq >/dev/null 2>&1 && [[ -s "$report" ]]; then
  findings="$(jq '.findings | length' "$report")"
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "findings=$findings" >> "$GITHUB_OUTPUT"
fi

if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  {
    echo "### atlcheck"
    echo
    if ! command -v jq >/dev/null 2>&1; then
      echo "Exit code $code (install jq for a findings table)."
    elif [[ "$findings" -eq 0 ]]; then
      echo "No findings in $(jq '.summary.files_scanned' "$report") files."
    else
      jq -r '"\(.summary.findings) findings (\(.summary.by_severity.error) errors, \(.summary.by_severity.warning) warnings, \(.summary.by_severity.info) info) in \(.summary.files_scanned) files.\n"' "$report"
      echo "| Severity | Rule | Location | Message |"
      echo "| --- | --- | --- | --- |"
      # Messages are already masked by atlcheck. Paths and messages come from the scanned
      # files (a file may be named "x`[fix](http:evil)<img src=x>@someone|.sh"): every
      # character Markdown or a GitHub table acts on is backslash-escaped, `:` too (no
      # autolink), and no code span is used (a backtick in a path would close it).
      jq -r 'def md: tostring | gsub("\n"; " ") | gsub("(?<c>[\\\\`*_{}\\[\\]<>()#+!|@~&:])"; "\\\(.c)");
        .findings[] | "| \(.severity) | [\(.rule) \(.name)](https://github.com/atlcheck/atlcheck/blob/main/rules/\(.rule)-\(.name).toml) | \(.path | md)\\:\(.line)\\:\(.column) | \(.message | md) |"' "$report" | head -n 200
      if [[ "$findings" -gt 200 ]]; then
        echo
        echo "... and $((findings - 200)) more: see the log or the SARIF upload."
      fi
    fi
  } >> "$GITHUB_STEP_SUMMARY"
fi

exit "$code"
