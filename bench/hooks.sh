#!/bin/sh
# Benchmark of the post-receive hook: how much longer a real `git push` over
# file:// takes with the hook installed than without it.
#
#   - pushes of 1 and of 10 new commits to a bare repository with 10,000 refs
#     (9,000 branches, 1,000 release tags, packed), hook and no hook
#     alternating, RUNS times each: medians, the added ms and the ratio;
#   - a push of 100,000 commits (generated with git fast-import) to an empty
#     repository, with and without the hook, the hook's own time and peak
#     memory for that push, and those of the background process that derives
#     its 100,000 events.
#
# The hook runs as installed by `install-hooks`, with its defaults
# (hook.deliver: background) against a loopback Pulse API, so the detached
# process that derives and delivers the events is started as in production.
# The target is checked on all four medians (1 and 10 commits, with and
# without a commit-graph).
#
# Usage: bench/hooks.sh [BUILD_DIR]     (default: build)
# Environment: RUNS (default 15), BIG (default 100000), KEEP=1 keeps the
# scratch folder.
set -eu

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$source_dir/build}
agent=$(cd "$build_dir" && pwd)/pulse-agent
runs=${RUNS:-15}
big=${BIG:-100000}
[ -x "$agent" ] || { echo "bench/hooks.sh: no pulse-agent in $build_dir (build it first)" >&2; exit 2; }

scratch=$(mktemp -d /tmp/pulse-hook-bench.XXXXXX)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    # A background process may still be writing its log there: retry once.
    [ "${KEEP:-0}" = 1 ] && echo "kept $scratch" ||
        rm -rf "$scratch" 2>/dev/null || { sleep 2; rm -rf "$scratch"; }
}
trap cleanup EXIT INT TERM

# A clean, fixed environment for git and the hook.
export GIT_CONFIG_NOSYSTEM=1 HOME="$scratch/home" LANG=C
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
export PULSE_OUTBOX="$scratch/outbox.db" PULSE_CONFIG="$scratch/config.yaml"
mkdir -p "$HOME"
: >"$PULSE_CONFIG"

now_ns() { date +%s%N; }

# Print the median of the numbers on stdin.
median() { sort -n | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); printf "%d\n", (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'; }

# Print a fast-import stream of $1 commits on refs/heads/$2, the first one a
# root unless $3 names a parent; each changes one of 50 files unless
# FILES=0 (then they all share the empty tree, so that only commits travel).
commit_stream() {
    awk -v n="$1" -v branch="$2" -v parent="${3:-}" -v t="$(date +%s)" -v files="${FILES:-1}" 'BEGIN {
        for (i = 1; i <= n; i++) {
            data = "commit " i "\n"
            printf "commit refs/heads/%s\nmark :%d\n", branch, i
            printf "committer Bench <bench@example.com> %d +0000\n", t - n + i
            printf "data %d\n%s", length(data), data
            if (i == 1 && parent != "") printf "from %s\n", parent
            if (files) printf "M 644 inline f%d\ndata %d\n%s\n", i % 50, length(data), data
        }
    }'
}

# Start the loopback Pulse API so that background deliveries have somewhere to go.
start_api() {
    /usr/bin/python3 "$source_dir/tests/e2e/pulse_server.py" >"$scratch/api.port" 2>/dev/null &
    server_pid=$!
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        grep -q port "$scratch/api.port" 2>/dev/null && break
        sleep 0.1
    done
    export PULSE_BASE_URL="http://127.0.0.1:$(awk '{ print $2 }' "$scratch/api.port")"
    export PULSE_API_KEY=bench-key
}

# Make the 10,000-ref repository: 2,000 commits, 9,000 branches and 1,000
# release tags spread over them, refs packed as a server's would be.
make_base() {
    git init -q --bare -b main "$scratch/base.git"
    commit_stream 2000 main | git -C "$scratch/base.git" fast-import --quiet
    git -C "$scratch/base.git" rev-list main >"$scratch/ids"
    awk '{ id[NR] = $1 } END {
        for (i = 0; i < 9000; i++) printf "create refs/heads/b%04d %s\n", i, id[1 + (i * 7) % NR]
        for (i = 0; i < 1000; i++) printf "create refs/tags/v%d.%d.0 %s\n", int(i / 100), i % 100, id[NR - i]
    }' "$scratch/ids" | git -C "$scratch/base.git" update-ref --stdin
    git -C "$scratch/base.git" pack-refs --all
    git -C "$scratch/base.git" repack -q -a -d
}

# Make the two servers (copies of base) and a clone that pushes to both.
make_servers() {
    for name in hook plain; do
        cp -R "$scratch/base.git" "$scratch/$name.git"
    done
    "$agent" install-hooks "$scratch/hook.git" >/dev/null
    git clone -q --bare "$scratch/base.git" "$scratch/clone.git"
    git -C "$scratch/clone.git" remote add hook "file://$scratch/hook.git"
    git -C "$scratch/clone.git" remote add plain "file://$scratch/plain.git"
}

# Print the milliseconds one push of the clone's main to remote $1 takes.
push_ms() {
    start=$(now_ns)
    git -C "$scratch/clone.git" push -q "$1" main 2>>"$scratch/push.log"
    end=$(now_ns)
    echo $(((end - start) / 1000))
}

# Push `runs` rounds of $1 new commits to both servers, alternating which
# goes first; print "hook_median plain_median" in ms.
bench_pushes() {
    : >"$scratch/hook.times"
    : >"$scratch/plain.times"
    round=0
    while [ "$round" -lt "$runs" ]; do
        round=$((round + 1))
        tip=$(git -C "$scratch/clone.git" rev-parse main)
        commit_stream "$1" main "$tip" | git -C "$scratch/clone.git" fast-import --quiet
        if [ $((round % 2)) = 0 ]; then order="hook plain"; else order="plain hook"; fi
        for remote in $order; do
            push_ms "$remote" >>"$scratch/$remote.times"
        done
    done
    echo "$(median <"$scratch/hook.times") $(median <"$scratch/plain.times")"
}

# Run the hook alone `runs` times on the last small push (it records the
# push and starts the background process, as in a real push; 0.3 s apart,
# so that each run meets the outbox as a push would, the previous push's
# background process done, rather than competing with it), and then
# `pulse-agent version` (process start-up alone): median wall ms and mean CPU
# ms, a view that the machine's load blurs less than a whole push.
bench_hook_alone() {
    old=$(git -C "$scratch/hook.git" rev-parse main~10)
    new=$(git -C "$scratch/hook.git" rev-parse main)
    printf '%s %s refs/heads/main\n' "$old" "$new" >"$scratch/alone.line"
    for what in "hook post-receive" version; do
        : >"$scratch/alone.times"
        cat >"$scratch/alone.sh" <<LOOP
i=0
while [ \$i -lt $runs ]; do
    i=\$((i + 1))
    start=\$(date +%s%N)
    "$agent" $what <"$scratch/alone.line" >/dev/null 2>&1
    end=\$(date +%s%N)
    echo \$(((end - start) / 1000)) >>"$scratch/alone.times"
    sleep 0.3
done
LOOP
        (cd "$scratch/hook.git" && PULSE_API_KEY= /usr/bin/time -o "$scratch/alone.cpu" \
            -f "%U %S" sh "$scratch/alone.sh")
        wall=$(median <"$scratch/alone.times")
        awk -v l="'pulse-agent $what':" -v w="$wall" -v n="$runs" '{
            printf "  %-32s wall %6.1f ms (median)   cpu %6.1f ms (mean)\n", l, w / 1000, ($1 + $2) * 1000 / n
        }' "$scratch/alone.cpu"
    done
}

# Push rounds of $2 new commits to both servers, print the line labelled $1,
# and keep the microseconds the hook added for the verdict.
all_added=
measure() {
    set -- "$1" $(bench_pushes "$2")
    report "$1" "$2" "$3" ms
    all_added="$all_added $(($2 - $3))"
}

report() {
    awk -v what="$1" -v hook="$2" -v plain="$3" -v unit="$4" 'BEGIN {
        d = (unit == "s") ? 1000000 : 1000
        printf "%-22s no hook %8.1f %s   hook %8.1f %s   added %7.1f %s   ratio %.2fx\n",
            what, plain / d, unit, hook / d, unit, (hook - plain) / d, unit, hook / plain
    }'
}

# Push `big` generated commits to an empty repository with and without the
# hook (queueing only: delivering 100,000 events is bench/delivery.sh's
# subject); then time the hook alone on that push, with its peak memory, and
# the background derivation of its events (`hook deliver`), with its own.
bench_big() {
    git init -q --bare -b main "$scratch/big-src.git"
    FILES=0 commit_stream "$big" main | git -C "$scratch/big-src.git" fast-import --quiet
    export PULSE_API_KEY= PULSE_OUTBOX="$scratch/big.db"
    for name in big-hook big-plain; do
        git init -q --bare -b main "$scratch/$name.git"
    done
    "$agent" install-hooks "$scratch/big-hook.git" >/dev/null
    for name in big-plain big-hook; do
        start=$(now_ns)
        git -C "$scratch/big-src.git" push -q "file://$scratch/$name.git" main 2>>"$scratch/push.log"
        end=$(now_ns)
        echo $(((end - start) / 1000)) >"$scratch/$name.time"
    done
    report "push of $big commits:" "$(cat "$scratch/big-hook.time")" \
        "$(cat "$scratch/big-plain.time")" s
    tip=$(git -C "$scratch/big-hook.git" rev-parse main)
    alone="$scratch/big-alone.db"
    mkdir -p "$scratch/big-spool"
    # Hold the derivation lock of the hook's outbox so that the process it
    # starts waits; take the spooled push into another outbox and derive it
    # in the foreground.
    (
        flock 9
        printf '%s %s refs/heads/main\n' 0000000000000000000000000000000000000000 "$tip" |
            (cd "$scratch/big-hook.git" && PULSE_OUTBOX="$alone" PULSE_SPOOL="$scratch/big-spool" \
                /usr/bin/time -f "%e %M" "$agent" hook post-receive 2>"$scratch/big-alone.time")
        PULSE_OUTBOX="$scratch/big-derive.db" PULSE_SPOOL="$scratch/big-spool" \
            /usr/bin/time -f "%e %M" "$agent" hook deliver 2>"$scratch/big-derive.time"
    ) 9>"$alone.derive.lock"
    awk '/^pulse-agent/ { print "  the hook said: " $0 }' "$scratch/big-alone.time"
    awk '/^[0-9.]+ [0-9]+$/ { printf "  the hook alone on that push: %.2f s, peak memory %.0f MB\n", $1, $2 / 1024 }' \
        "$scratch/big-alone.time"
    awk '/^[0-9.]+ [0-9]+$/ { printf "  its events derived in the background (hook deliver): %.2f s, peak memory %.0f MB\n", $1, $2 / 1024 }' \
        "$scratch/big-derive.time"
    PULSE_OUTBOX="$scratch/big-derive.db" "$agent" outbox | awk '/^queued:/ { print "  events queued by it: " $2 }'
}

# Wait until every push recorded (in the spool beside the outbox, or in it)
# has been derived.
wait_for_derivation() {
    for _ in $(seq 200); do
        spooled=$(find "$(dirname "$PULSE_OUTBOX")/spool" -name '*.push' 2>/dev/null | wc -l)
        [ "$spooled" -eq 0 ] && "$agent" outbox 2>/dev/null |
            grep -q '^recorded pushes: 0 waiting' && return 0
        sleep 0.1
    done
    echo "bench/hooks.sh: recorded pushes still waiting after 20 s" >&2
}

echo "pulse-agent hook bench: $agent"
echo "  $(git --version), $(nproc) cpus, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "$runs pushes of each kind per server"
start_api
make_base
make_servers
measure "push of 1 commit:" 1
measure "push of 10 commits:" 10
bench_hook_alone
# Servers that run `git gc` (gc.writeCommitGraph is git's default) have a
# commit-graph: the hook then reads the 10,000 tips without inflating them.
for name in hook plain; do
    git -C "$scratch/$name.git" commit-graph write --reachable 2>/dev/null
done
measure "  with commit-graph, 1:" 1
measure "  with commit-graph, 10:" 10
bench_hook_alone
wait_for_derivation
sleep 1
queued=$("$agent" outbox | awk '/^queued:/ { print $2 }')
delivered=$("$agent" outbox | awk '/^delivered:/ { print $2 }')
echo "  (the detached deliveries sent $delivered events to the loopback API; $queued still queued)"
bench_big
worst=0
for added in $all_added; do
    [ "$added" -gt "$worst" ] && worst=$added
done
if [ "$worst" -le 15000 ]; then verdict=met; else verdict=MISSED; fi
echo "target (the hook adds at most 15 ms, median): $verdict" \
    "(load average now $(cut -d' ' -f1-3 /proc/loadavg))"
