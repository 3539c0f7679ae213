#!/usr/bin/env bash
# Writes packaging/symbol-order.txt: the functions of the release binary that `chemgate run` executes
# while it starts, polls, stores, uploads and serves its status (as callgrind lists them; those only a
# full log runs last). The release build (make release, make package, make bench) compiles every function into its
# own section and has lld put these first (RELEASE_FLAGS in the Makefile), so that the code the
# gateway runs sits together in a few megabytes of the binary's text instead of being spread over
# all of it, where the kernel maps it 64 KiB at a time (docs/operations.md, "Memory and CPU").
#
# Run it after changes that move much of what runs at start or on every cycle (a new dependency, a
# new service), then `make release` again. A stale list costs memory, never correctness: a function
# missing from it is placed after the listed ones, a name the binary no longer has is ignored.
#
#   scripts/symbol-order.sh [SECONDS]     (seconds of each of its two runs, default 120; needs a release
#                                          build, and valgrind, which it installs when missing)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${CHEMGATE_RELEASE_BIN:-.build/release/chemgate}
seconds=${1:-120}
out=packaging/symbol-order.txt
[ -x "$BIN" ] || { echo "symbol-order: no release build at $BIN; run 'make release'" >&2; exit 1; }
if ! command -v valgrind >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then as_root=(); else as_root=(sudo); fi
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends valgrind >/dev/null
fi

. scripts/scratch-dir.sh symbol-order
fail() { echo "symbol-order: $*" >&2; exit 1; }

# valgrind cannot read the release binary's DWARF ("Possibly corrupted debuginfo file"): it runs a
# copy without it. The function names are the same.
cp "$BIN" "$work/chemgate"
strip --strip-debug "$work/chemgate"

"$work/chemgate" simulate --tcp 127.0.0.1:0 --units 1-12 --fault 12:no-reply >"$work/sim.log" 2>&1 &
"$work/chemgate" receive --listen 127.0.0.1:0 --database "$work/received.sqlite" >"$work/receive.log" 2>&1 &
for _ in $(seq 200); do
    grep -q "listening on" "$work/sim.log" && grep -q "listening on" "$work/receive.log" && break
    sleep 0.05
done
plc=$(sed -n 's/^listening on \(tcp:[^ ]*\).*/\1/p' "$work/sim.log")
platform=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/receive.log")
[ -n "$plc" ] && [ -n "$platform" ] || fail "the simulator or the receiver did not start"
status_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
closed_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# Ten devices of 104 points: four that change every cycle (the simulator's ramp, sine, noise and
# step) and 100 that do not; a small one with only the four (a short list of points is sorted by
# other code); one that never answers and one behind a closed port (what a site with a device down
# runs). A snapshot every 10 s. A device map: the four, then holding 10 to $2 (none when $2 is 9).
device_map() {
    echo "vendor: chemgate"
    echo "model: symbol-order run, $1"
    echo "source: { document: scripts/symbol-order.sh }"
    echo "points:"
    echo "  - { id: ramp, table: holding, address: 1, type: uint16, category: other }"
    echo "  - { id: sine, table: holding, address: 2, type: uint16, category: other }"
    echo "  - { id: noise, table: holding, address: 3, type: uint16, category: other }"
    echo "  - { id: step, table: holding, address: 4, type: uint16, category: other }"
    for address in $(seq 10 "$2"); do
        echo "  - { id: p$address, table: holding, address: $address, type: uint16, category: other }"
    done
}
device_map small 9 >"$work/order-run-small.yaml"
device_map large 109 >"$work/order-run.yaml"

# One run of the gateway under callgrind: `phase NAME MAX_SIZE` writes $work/NAME.names (the functions
# it executed) and checks that it delivered records and, when asked, reached the size cap.
phase() {
    local name=$1 max_size=$2 dir="$work/$1"
    mkdir -p "$dir"
    {
        echo "gateway: { id: GW-SYMBOL-ORDER, enterprise: E-SYMBOL-ORDER }"
        echo "devices_path: $work"
        echo "scan_classes: { fast: 1s }"
        echo "default_scan: fast"
        echo "polling: { snapshot_interval: 10s }"
        echo "storage: { path: $dir/log.sqlite, max_size: $max_size }"
        echo "status: { listen: \"127.0.0.1:$status_port\" }"
        echo "uplinks:"
        echo "  - { id: park, url: \"$platform\" }"
        echo "links:"
        echo "  - { id: plc, endpoint: \"$plc\", timeout: 1s }"
        echo "  - { id: closed, endpoint: \"tcp://127.0.0.1:$closed_port\", timeout: 1s }"
        echo "devices:"
        for unit in $(seq 1 10); do echo "  - { id: d$unit, link: plc, unit: $unit, map: order-run }"; done
        echo "  - { id: small, link: plc, unit: 11, map: order-run-small }"
        echo "  - { id: silent, link: plc, unit: 12, map: order-run-small }"
        echo "  - { id: unreachable, link: closed, unit: 1, map: order-run-small }"
    } >"$dir/site.yaml"
    "$work/chemgate" check "$dir/site.yaml" >/dev/null || fail "the generated site does not validate"
    local before
    before=$(python3 -c "import json, urllib.request; print(json.load(urllib.request.urlopen('$platform/counts'))['records'])")
    valgrind --tool=callgrind --demangle=no --dump-instr=no --callgrind-out-file="$dir/callgrind.out" \
        "$work/chemgate" run --config "$dir/site.yaml" >"$dir/run.log" 2>&1 &
    local run_pid=$! end=$((SECONDS + seconds))
    # The operator's side too: the status page, /status and /metrics, every few seconds.
    while [ $SECONDS -lt $end ]; do
        sleep 5
        kill -0 "$run_pid" 2>/dev/null || fail "the gateway stopped under valgrind: $(tail -5 "$dir/run.log")"
        for path in / /status /healthz; do
            python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$status_port$path').read()" \
                2>/dev/null || true
        done
        python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$status_port/metrics').read().decode())" \
            >"$dir/metrics.txt" 2>/dev/null || true
    done
    kill -TERM "$run_pid"
    wait "$run_pid" || fail "the gateway did not stop cleanly under valgrind: $(tail -5 "$dir/run.log")"
    local records dropped
    records=$(python3 -c "import json, urllib.request; print(json.load(urllib.request.urlopen('$platform/counts'))['records'])")
    dropped=$(awk '/^chemgate_outbox_dropped_records_total\{.*size_cap_/ { n += $2 } END { print n + 0 }' "$dir/metrics.txt")
    [ "$records" -gt "$before" ] || fail "$name: the receiver got no records: the run did not exercise the uplink"
    if [ "$max_size" = 1MB ]; then
        [ "$dropped" -gt 0 ] || fail "$name: the log did not reach its size cap in $seconds s: run it longer"
    fi
    echo "symbol-order: $name: $((records - before)) records delivered, $dropped rows dropped by the size cap"
    # The names callgrind saw (its `fn=(id) name` and `cfn=(id) name` lines, a recursion depth
    # suffix such as '2 removed).
    sed -n "s/^c\{0,1\}fn=([0-9]*) \(.*\)$/\1/p" "$dir/callgrind.out" | sed "s/'[0-9]*$//" >"$dir.names"
}

# First a log well under its cap (what every gateway runs), then one at a 1 MB cap (what a full log
# adds: new segments, the oldest dropped). The second run's functions are listed after the first's,
# so that a gateway whose log is not full does not map them.
phase under-the-cap 2GB
phase at-the-cap 1MB

# Kept when the binary defines them as a function, each once, in that order.
nm --defined-only "$work/chemgate" | awk '$2 ~ /^[tTwW]$/ { print $3 }' | sort -u >"$work/defined.txt"
{
    echo "# The functions chemgate run executes at start and on every cycle, listed first in the release"
    echo "# binary's text by lld (--symbol-ordering-file, Makefile RELEASE_FLAGS): those of a log under"
    echo "# its size cap, then those a full log adds. Written by scripts/symbol-order.sh from two"
    echo "# ${seconds}-second valgrind runs; do not edit by hand."
    cat "$work/under-the-cap.names" "$work/at-the-cap.names" \
        | awk 'NR == FNR { defined[$0] = 1; next } ($0 in defined) && !seen[$0]++' "$work/defined.txt" -
} >"$out.new"
count=$(grep -vc '^#' "$out.new")
[ "$count" -gt 1000 ] || fail "only $count functions seen: the run did too little"
mv "$out.new" "$out"
echo "symbol-order: $count functions written to $out"
