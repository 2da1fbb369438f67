#!/bin/sh
# Benchmark of the spool hand-over in the server layout: push end to the
# service queueing the push, median and max over PUSHES (default 20) pushes,
# against the 1 s target. See bench/pickup.py.
#
# Usage: bench/pickup.sh [BUILD_DIR]     (default: build)
set -eu
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$source_dir/build}
[ -x "$build_dir/pulse-agent" ] || { echo "bench/pickup.sh: no pulse-agent in $build_dir (build it first)" >&2; exit 2; }
exec python3 "$source_dir/bench/pickup.py" "$build_dir/pulse-agent"
