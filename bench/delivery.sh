#!/bin/sh
# Benchmark of delivery: `pulse-agent flush` of 10,000 queued events to a Pulse
# API that holds each answer 50 ms, that also caps how many it serves at once,
# and that answers at once (loopback), each against one request at a time;
# one curl process per event; the median time of one `pulse-agent push
# change`; and the peak memory of flushing a million queued events.
# Usage: bench/delivery.sh [BUILD_DIR] (details and tuning variables:
# bench/delivery.py).
set -eu
exec /usr/bin/python3 "$(dirname "$0")/delivery.py" "$@"
