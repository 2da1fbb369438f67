#!/bin/sh
# Benchmark of `outbox list --json`'s memory on a big outbox: see
# bench/outbox_list.py. Usage: bench/outbox-list.sh [BUILD_DIR]
exec python3 "$(dirname "$0")/outbox_list.py" "$@"
