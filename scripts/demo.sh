#!/usr/bin/env bash
# chemgate demo on an embedded default: a simulated PLC on Modbus TCP and four simulated gas
# detectors on an RS-485 stand-in (a socat pty pair; one detector dead), polled by `chemgate run`.
# The demo checks what it shows: it fails loudly if chemgate misbehaves.
#   DEMO_SECONDS  how long `chemgate run` polls (default 15)
set -euo pipefail

BIN=${CHEMGATE_BIN:-.build/debug/chemgate}
SECONDS_TO_RUN=${DEMO_SECONDS:-15}
ROOT=$(pwd)
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

say() { printf '\n== %s\n' "$*"; }
fail() { echo "demo: $*" >&2; exit 1; }

wait_for() { # FILE PATTERN
    for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    echo "demo: timed out waiting for '$2' in $1:" >&2
    cat "$1" >&2
    exit 1
}

say "Simulated devices"
"$BIN" simulate --tcp 127.0.0.1:0 --units 1-2 >"$work/tcp.log" 2>&1 &
wait_for "$work/tcp.log" "listening on"
tcp=$(sed -n 's/^listening on \(tcp:[^ ]*\).*/\1/p' "$work/tcp.log")
socat -d -d pty,raw,echo=0,link="$work/bus-device" pty,raw,echo=0,link="$work/bus-gateway" 2>"$work/socat.log" &
wait_for "$work/socat.log" "starting data transfer loop"
"$BIN" simulate --rtu "rtu://$work/bus-device?baud=19200&parity=E" --units 1-4 --fault 3:no-reply >"$work/rtu.log" 2>&1 &
wait_for "$work/rtu.log" "listening on"
cat "$work/tcp.log" "$work/rtu.log"

# The embedded default site: two process units on the PLC, four detectors on the RS-485 line.
cat >"$work/chemgate.yaml" <<YAML
gateway: { id: GW-DEMO, enterprise: DEMO-91340100 }
devices_path: $ROOT/Devices
links:
  - { id: plc, endpoint: "$tcp", timeout: 300ms }
  - { id: bus1, endpoint: "rtu://$work/bus-gateway?baud=19200&parity=E&data=8&stop=1", timeout: 200ms }
scan_classes: { fast: 1s, slow: 10s }
default_scan: fast
polling: { snapshot_interval: 10s }
devices:
  - { id: tank-a, name: 罐区A 储罐工艺参数, link: plc, unit: 1, map: chemgate/simulator, points: { pressure: { indicator: TK-A-PT01 }, level: { indicator: TK-A-LT01 } } }
  - { id: tank-b, name: 罐区B 储罐工艺参数, link: plc, unit: 2, map: chemgate/simulator, points: { temperature: { scan: slow } } }
  - { id: gd-101, name: 可燃气体探测器 GD-101, link: bus1, unit: 1, map: chemgate/simulator, points: { gas: { indicator: GD101_LEL } } }
  - { id: gd-102, name: 可燃气体探测器 GD-102, link: bus1, unit: 2, map: chemgate/simulator }
  - { id: gd-103, name: 可燃气体探测器 GD-103 (dead), link: bus1, unit: 3, map: chemgate/simulator }
  - { id: gd-104, name: 可燃气体探测器 GD-104 (maintenance), link: bus1, unit: 4, map: chemgate/simulator, maintenance: true }
YAML

say "chemgate check (validates the site and prints the plan and RS-485 bus time)"
"$BIN" check "$work/chemgate.yaml" || fail "check failed"

say "chemgate read --map: one device, every point decoded once"
"$BIN" read "$tcp" --unit 1 --map "$ROOT/Devices/chemgate/simulator.yaml" || fail "read --map failed"

say "chemgate run for ${SECONDS_TO_RUN} s (readings and events as JSON lines; the gas step and the pressure sine raise alarms)"
"$BIN" run --config "$work/chemgate.yaml" --output jsonl >"$work/run.jsonl" 2>"$work/run.log" &
run_pid=$!
sleep "$SECONDS_TO_RUN"
kill -TERM "$run_pid"
wait "$run_pid" || fail "chemgate run did not stop cleanly on SIGTERM: $(cat "$work/run.log")"

python3 - "$work/run.jsonl" <<'PY'
import collections, json, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
readings = [l for l in lines if l["type"] == "reading"]
events = [l for l in lines if l["type"] == "event"]
print(f"{len(readings)} readings and {len(events)} events")
for event in events:
    where = ".".join(x for x in (event.get("device"), event.get("point")) if x) or event.get("link", "")
    print(f"  {event['ts']}  {event['event']:<17} {where:<20} {event.get('level', ''):<7} {event['reason']}")
latest = {}
for reading in readings:
    latest[(reading["device"], reading["point"])] = reading
print("latest values:")
for (device, point), reading in sorted(latest.items()):
    if point in ("gas", "pressure", "level"):
        quality = reading["quality"] + (f" ({reading['reason']})" if reading.get("reason") else "")
        print(f"  {device:<8} {point:<9} {str(reading.get('value', '-')):>7} {reading.get('unit', ''):<5} {quality}")
problems = []
devices = {r["device"] for r in readings}
for device in ("tank-a", "tank-b", "gd-101", "gd-102", "gd-103", "gd-104"):
    if device not in devices: problems.append(f"no readings from {device}")
if not any(e["event"] == "alarm_raised" for e in events): problems.append("no alarm was raised")
if not any(e["event"] == "device_demoted" and e.get("device") == "gd-103" for e in events): problems.append("the dead detector was not demoted")
if any(r["device"] == "gd-104" and r["quality"] == "good" for r in readings): problems.append("a device in maintenance read good")
if not any(r["device"] == "gd-104" and r.get("reason") == "maintenance" for r in readings): problems.append("maintenance not marked")
if any(e["event"] == "alarm_raised" and e.get("device") == "gd-104" for e in events): problems.append("an alarm of a device in maintenance was not suppressed")
seqs = [l["seq"] for l in lines]
if seqs != sorted(seqs) or len(set(seqs)) != len(seqs): problems.append("sequence numbers do not rise")
for problem in problems: print("demo: " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY

printf '\ndemo: all steps behaved as expected\n'
