#!/bin/sh
# Benchmark of retention: the outbox's size after 1,000,000 events delivered
# and pruned (`pulse-agent outbox prune`) against the same outbox unpruned.
# Usage: bench/outbox-retention.sh [BUILD_DIR] (details: bench/outbox_retention.py).
set -eu
exec /usr/bin/python3 "$(dirname "$0")/outbox_retention.py" "$@"
