#!/bin/sh
# Benchmark of the post-receive hook's memory on a huge push: see
# bench/hook_input.py. Usage: bench/hook-input.sh [BUILD_DIR]
exec python3 "$(dirname "$0")/hook_input.py" "$@"
