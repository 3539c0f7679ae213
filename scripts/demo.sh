#!/usr/bin/env bash
# chemgate demo on an embedded default: simulated devices over Modbus TCP and over an RS-485
# stand-in (a socat pty pair), read with `chemgate read`, including the faults a plant sees
# (a dead detector, noise on the line, a wrong register address).
# Every step checks its exit code, so the demo fails loudly if chemgate misbehaves.
set -euo pipefail

BIN=${CHEMGATE_BIN:-.build/debug/chemgate}
work=$(mktemp -d /tmp/chemgate-demo.XXXXXX)
cleanup() {
    local pids
    pids=$(jobs -p)
    [ -n "$pids" ] && kill $pids 2>/dev/null
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s\n$ %s\n' "$1" "${*:2}"; }

# run EXPECTED_EXIT DESCRIPTION COMMAND...: runs chemgate and checks its exit code.
run() {
    local expected=$1 description=$2
    shift 2
    step "$description" "chemgate $*"
    set +e
    "$BIN" "$@"
    local status=$?
    set -e
    if [ "$status" -ne "$expected" ]; then
        echo "demo: expected exit $expected, got $status" >&2
        exit 1
    fi
}

wait_for() { # FILE PATTERN
    for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    echo "demo: timed out waiting for '$2' in $1:" >&2
    cat "$1" >&2
    exit 1
}

# A PLC-like TCP device with three units, one of which answers exception 02 for 200..209.
"$BIN" simulate --tcp 127.0.0.1:0 --units 1-3 --fault '2:exception=2@200-209' >"$work/tcp.log" 2>&1 &
wait_for "$work/tcp.log" "listening on"
tcp=$(sed -n 's/^listening on \(tcp:[^ ]*\).*/\1/p' "$work/tcp.log")

# An RS-485 line at 19200 8E1 with four gas detectors: unit 3 is dead, unit 4 has a noisy cable.
socat -d -d pty,raw,echo=0,link="$work/bus-device" pty,raw,echo=0,link="$work/bus-gateway" 2>"$work/socat.log" &
wait_for "$work/socat.log" "starting data transfer loop"
"$BIN" simulate --rtu "rtu://$work/bus-device?baud=19200&parity=E" --units 1-4 \
    --fault 3:no-reply --fault 4:corrupt-crc >"$work/rtu.log" 2>&1 &
wait_for "$work/rtu.log" "listening on"
rtu="rtu://$work/bus-gateway?baud=19200&parity=E&data=8&stop=1"

cat "$work/tcp.log" "$work/rtu.log"

run 0 "Live signals of unit 1 over TCP (unit id, ramp, sine, noise, step)" read "$tcp" --unit 1 --address 0 --count 5
sleep 1
run 0 "The same registers a second later: the ramp and the sine have moved" read "$tcp" --unit 1 --address 0 --count 5
run 0 "Unit 2, holding registers 100..104 over the same TCP connection" read "$tcp" --unit 2 --address 100 --count 5
run 0 "Coils of unit 3" read "$tcp" --unit 3 --table coil --address 0 --count 4
run 1 "A wrong register address: the device answers exception 02" read "$tcp" --unit 2 --address 200 --count 10
run 0 "Gas detector unit 1 on the RS-485 line (input registers)" read "$rtu" --unit 1 --table input --address 0 --count 3
run 0 "Gas detector unit 2 on the same line" read "$rtu" --unit 2 --table input --address 0 --count 3
run 2 "Unit 3 is dead: no reply within the timeout" read "$rtu" --unit 3 --timeout 300
run 2 "Unit 4's replies are corrupted on the line: CRC error" read "$rtu" --unit 4
run 0 "Its neighbours still answer" read "$rtu" --unit 1 --count 1
run 64 "A request over the protocol limit is refused before it is sent" read "$tcp" --count 126

printf '\ndemo: all steps behaved as expected\n'
