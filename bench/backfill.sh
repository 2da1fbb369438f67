#!/bin/sh
# Benchmark of `pulse-agent backfill` on a generated repository of 100,000
# commits and 500+ release tags, against `git rev-list --branches --tags`
# (the floor: git walking the same commits), the per-tag `git rev-list TAG
# --not EARLIER...` approach, and a full backfill into an outbox; with and
# without a commit-graph; and `backfill --incidents reverts` on the same
# repository seeded with 300 reverts, against `git log --grep='This reverts
# commit'`. Usage: bench/backfill.sh [BUILD_DIR]
# (details and tuning variables: bench/backfill/run.py).
set -eu
exec /usr/bin/python3 "$(dirname "$0")/backfill/run.py" "$@"
