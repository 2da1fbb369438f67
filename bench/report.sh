#!/bin/sh
# Benchmark of `pulse-agent report` on the 100,000-commit repository of
# bench/backfill.sh (made and cached the same way): over an outbox holding
# its events, and straight from the repository with --repo, each against the
# backfill dry run on the same repository, measured in the same run.
# Target: at most 2x the dry run. Usage: bench/report.sh [BUILD_DIR]
# (details and tuning variables: bench/report.py).
set -eu
exec /usr/bin/python3 "$(dirname "$0")/report.py" "$@"
