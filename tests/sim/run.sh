#!/bin/sh
# Independent Atlassian Cloud simulation vs `atlcheck doctor`.
# usage: tests/sim/run.sh [--build] [--only NAME] [--verbose]
set -eu
cd "$(dirname "$0")/../.."
if [ "${1:-}" = "--build" ]; then shift; cargo build --release; fi
exec python3 tests/sim/run.py --bin target/release/atlcheck "$@"
