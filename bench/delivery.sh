#!/bin/sh
# Benchmark of delivery: `pulse-agent flush` of 10,000 queued events to a
# loopback Pulse API against one curl process per event, and the median time
# of one `pulse-agent push change`. Usage: bench/delivery.sh [BUILD_DIR]
# (details and tuning variables: bench/delivery.py).
set -eu
exec /usr/bin/python3 "$(dirname "$0")/delivery.py" "$@"
