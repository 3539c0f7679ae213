#!/usr/bin/env bash
# chemgate demo on an embedded default: examples/tank-farm.yaml against simulators — the PLC's tank
# block on Modbus TCP and twelve gas detectors on two RS-485 stand-ins (socat pty pairs) — polled
# by `chemgate run`.
# The demo checks what it shows: it fails loudly if chemgate misbehaves.
#   DEMO_SECONDS  how long `chemgate run` polls (default 15)
set -euo pipefail

BIN=${CHEMGATE_BIN:-.build/debug/chemgate}
SECONDS_TO_RUN=${DEMO_SECONDS:-15}
ROOT=$(pwd)
. "$(dirname "$0")/scratch-dir.sh" demo
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }
fail() { echo "demo: $*" >&2; exit 1; }

wait_for() { # FILE PATTERN
    for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    echo "demo: timed out waiting for '$2' in $1:" >&2
    cat "$1" >&2
    exit 1
}

say "Simulated devices for examples/tank-farm.yaml"
# The PLC's tank block on Modbus TCP; eight combustible detectors on one RS-485 line (GD-103 sees
# gas, GD-104 is in calibration, GD-106 is dead); four H2S detectors on a second line.
"$BIN" simulate --tcp 127.0.0.1:0 --device "1:$ROOT/Devices/siemens/s7-mb-server-tank-farm.yaml" >"$work/plc.log" 2>&1 &
wait_for "$work/plc.log" "listening on"
plc=$(sed -n 's/^listening on \(tcp:[^ ]*\).*/\1/p' "$work/plc.log")
for bus in gas toxic; do
    socat -d -d pty,raw,echo=0,link="$work/$bus-device" pty,raw,echo=0,link="$work/$bus-gateway" 2>"$work/socat-$bus.log" &
    wait_for "$work/socat-$bus.log" "starting data transfer loop"
done
"$BIN" simulate --rtu "rtu://$work/gas-device?baud=19200&parity=E" \
    --device "1-8:$ROOT/Devices/generic/combustible-gas-detector.yaml" \
    --state 3:alarm1 --state 4:calibration --fault 6:no-reply >"$work/gas.log" 2>&1 </dev/null &
wait_for "$work/gas.log" "listening on"
"$BIN" simulate --rtu "rtu://$work/toxic-device?baud=9600&parity=N" \
    --device "9-12:$ROOT/Devices/generic/electrochemical-gas-module.yaml" >"$work/toxic.log" 2>&1 </dev/null &
wait_for "$work/toxic.log" "listening on"
cat "$work/plc.log" "$work/gas.log" "$work/toxic.log"

# The example site with the simulators' endpoints in place of the plant's.
sed -e "s|tcp://192.168.10.5:502|$plc|" \
    -e "s|rtu:///dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K1-if00-port0?baud=19200|rtu://$work/gas-gateway?baud=19200|" \
    -e "s|rtu:///dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K2-if00-port0?baud=9600|rtu://$work/toxic-gateway?baud=9600|" \
    -e "s|^devices_path: .*|devices_path: $ROOT/Devices|" \
    "$ROOT/examples/tank-farm.yaml" >"$work/chemgate.yaml"

# --- Serial device server and 4G DTU (docs/serial-servers-and-dtus.md) ----------------------------
# GD-301 sits behind a serial device server in TCP-server mode (RTU frames over TCP: rtu+tcp://),
# GD-401 at a remote valve station behind a 4G DTU that connects in to the gateway's dtu_listen
# port, registers as ST7 and sends a heartbeat every 2 s and in the middle of every reply.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
nport_port=$(free_port)
dtu_port=$(free_port)
"$BIN" simulate --rtu-tcp "127.0.0.1:$nport_port" --device "21:$ROOT/Devices/generic/combustible-gas-detector.yaml" \
    >"$work/nport.log" 2>&1 </dev/null &
wait_for "$work/nport.log" "listening on"
"$BIN" simulate --dtu "127.0.0.1:$dtu_port" --registration ST7 --heartbeat HB-ST7 --every 2s --heartbeat-in-replies \
    --device "31:$ROOT/Devices/generic/combustible-gas-detector.yaml" >"$work/dtu.log" 2>&1 </dev/null &
wait_for "$work/dtu.log" "connecting to"
cat "$work/nport.log" "$work/dtu.log"
python3 - "$work/chemgate.yaml" "$nport_port" "$dtu_port" <<'PY'
import sys
path, nport, dtu = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()
links = (f"links:\n"
         f"  - {{ id: nport-bus, description: 'serial device server, TCP-server mode', endpoint: 'rtu+tcp://127.0.0.1:{nport}?baud=9600&parity=N', timeout: 300ms }}\n"
         f"  - {{ id: valve-station-7, description: '4G DTU', endpoint: 'dtu://ST7?baud=9600&parity=N', timeout: 500ms, round_trip: 50ms, heartbeat: HB-ST7 }}\n")
devices = ("devices:\n"
           "  - { id: gd-301, name: 'NPort GD-301', link: nport-bus, unit: 21, map: generic/combustible-gas-detector }\n"
           "  - { id: gd-401, name: 'valve station 7 GD-401', link: valve-station-7, unit: 31, map: generic/combustible-gas-detector }\n")
assert text.count("\nlinks:\n") == 1 and text.count("\ndevices:\n") == 1
text = text.replace("\nlinks:\n", "\n" + links, 1).replace("\ndevices:\n", "\n" + devices, 1)
# At the top: later steps append uplinks to the end of the file.
open(path, "w").write(f"dtu_listen: 127.0.0.1:{dtu}\n" + text)
PY
# --- end of serial device server and DTU ----------------------------------------------------------

say "chemgate check (validates the site and prints the RS-485 bus time of each line)"
"$BIN" check "$work/chemgate.yaml" || fail "check failed"

say "chemgate read --map: the PLC's tank block, every point decoded once"
"$BIN" read "$plc" --unit 1 --map "$ROOT/Devices/siemens/s7-mb-server-tank-farm.yaml" >"$work/read.txt" || fail "read --map failed"
sed -n '1,14p' "$work/read.txt"

say "chemgate run for ${SECONDS_TO_RUN} s (readings and events as JSON lines)"
"$BIN" run --config "$work/chemgate.yaml" --output jsonl >"$work/run.jsonl" 2>"$work/run.log" &
run_pid=$!
sleep "$SECONDS_TO_RUN"
kill -TERM "$run_pid"
wait "$run_pid" || fail "chemgate run did not stop cleanly on SIGTERM: $(cat "$work/run.log")"

python3 - "$work/run.jsonl" <<'PY'
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
readings = [l for l in lines if l["type"] == "reading"]
events = [l for l in lines if l["type"] == "event"]
print(f"{len(readings)} readings and {len(events)} events")
for event in events:
    where = ".".join(x for x in (event.get("device"), event.get("point")) if x) or event.get("link", "")
    print(f"  {event['ts']}  {event['event']:<17} {where:<26} {event.get('level', ''):<13} {event['reason']}")
latest = {}
for reading in readings:
    latest[(reading["device"], reading["point"])] = reading
print("latest values:")
for (device, point), reading in sorted(latest.items()):
    if point == "concentration" or (point.startswith("level_") and point[6:].isdigit()):
        quality = reading["quality"] + (f" ({reading['reason']})" if reading.get("reason") else "")
        value = reading.get("value", "-")
        print(f"  {device:<10} {point:<14} {str(value):>8} {reading.get('unit', ''):<5} {quality}")
problems = []
devices = {r["device"] for r in readings}
expected = ["plc-tanks"] + [f"gd-{n}" for n in range(101, 109)] + [f"gt-{n}" for n in range(201, 205)]
expected += ["gd-301", "gd-401"]  # behind the serial device server and the DTU
for device in expected:
    if device not in devices: problems.append(f"no readings from {device}")
def concentration(device):
    return [r for r in readings if r["device"] == device and r["point"] == "concentration"]
if not any(e["event"] == "alarm_raised" and e.get("device") == "gd-103" and e.get("level") == "level1" for e in events):
    problems.append("GD-103's gas did not raise its first-level alarm")
if not any(e["event"] == "device_demoted" and e.get("device") == "gd-106" for e in events):
    problems.append("the dead detector GD-106 was not demoted")
if not any(r.get("reason") == "inhibited" for r in concentration("gd-104")):
    problems.append("GD-104 in calibration does not read inhibited")
if any(e["event"] == "alarm_raised" and e.get("device") == "gd-104" for e in events):
    problems.append("an alarm of a detector in calibration was not suppressed")
if any(e["event"] == "alarm_raised" and e.get("device") == "plc-tanks" for e in events):
    problems.append("a tank in normal operation raised an alarm")
for device in ("gd-101", "gt-201", "plc-tanks"):
    if any(r["quality"] != "good" for r in readings if r["device"] == device):
        problems.append(f"{device} has readings that are not good")
# Behind the serial device server and the DTU (which needs a moment to connect in and register).
for device in ("gd-301", "gd-401"):
    if not concentration(device) or concentration(device)[-1]["quality"] != "good":
        problems.append(f"{device}'s latest concentration is not good")
seqs = [l["seq"] for l in lines]
if seqs != sorted(seqs) or len(set(seqs)) != len(seqs): problems.append("sequence numbers do not rise")
for problem in problems: print("demo: " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY

say "The whole path: chemgate run → durable log → uplink → chemgate receive (the park platform's stand-in)"
export CHEMGATE_DEMO_TOKEN=demo-token
"$BIN" receive --listen 127.0.0.1:0 --database "$work/receiver.sqlite" --token-env CHEMGATE_DEMO_TOKEN >"$work/receive.log" 2>&1 &
wait_for "$work/receive.log" "listening on"
receiver=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/receive.log")
status_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s|^  path: /var/lib/chemgate/chemgate.sqlite|  path: $work/chemgate.sqlite|" \
    -e "s|^  listen: 127.0.0.1:8080|  listen: 127.0.0.1:$status_port|" \
    -e "s|url: https://park-platform.example/api/chemgate|url: $receiver|" \
    -e "s|token_env: CHEMGATE_PARK_TOKEN|token_env: CHEMGATE_DEMO_TOKEN|" \
    -e "s|heartbeat: 30s|heartbeat: 2s|" \
    "$work/chemgate.yaml" >"$work/chemgate-log.yaml"
"$BIN" run --config "$work/chemgate-log.yaml" >"$work/run-log.out" 2>&1 &
run_pid=$!
sleep 8
kill -0 "$run_pid" 2>/dev/null || fail "chemgate run (log and uplink) stopped early: $(tail -5 "$work/run-log.out")"

# --- status: the three truths of this gateway, then the fleet view of it and a second gateway ---
say "chemgate status: this gateway's three truths (monitoring, alarms, detectors not protecting)"
status_out=$("$BIN" status --url "http://127.0.0.1:$status_port") && status_rc=0 || status_rc=$?
sed -n '1,12p' <<<"$status_out"
# GD-106 is dead (CRITICAL: a detector not protecting); GD-103 in alarm; GD-104 in calibration.
[ "$status_rc" = 2 ] || fail "chemgate status exited $status_rc; expected 2 (CRITICAL): $status_out"
grep -q "gd-106 (not answering)" <<<"$status_out" || fail "chemgate status does not list GD-106 as not protecting"
grep -q "gd-104 (calibration or inhibit)" <<<"$status_out" || fail "chemgate status does not list GD-104 in calibration"
grep -q "alarms: level 2 0, level 1 [1-9]" <<<"$status_out" || fail "chemgate status does not count GD-103's alarm"
say "chemgate status --fleet: this gateway and a second one (the PLC alone), checked in parallel"
second_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/second.yaml" <<YAML
gateway: { id: GW-DEMO-PLC, enterprise: 91340100MA2XXXXX0X, name: 罐区A 控制室 PLC 网关 }
devices_path: $ROOT/Devices
links: [ { id: plc, endpoint: "$plc", timeout: 300ms } ]
scan_classes: { normal: 1s }
default_scan: normal
status: { listen: "127.0.0.1:$second_port" }
devices:
  - { id: plc-tanks, name: 罐区A PLC 储罐参数, link: plc, unit: 1, map: siemens/s7-mb-server-tank-farm }
YAML
"$BIN" run --config "$work/second.yaml" --output jsonl >/dev/null 2>"$work/second.log" &
second_pid=$!
cat >"$work/fleet.txt" <<FLEET
# name        status endpoint                      token variable
tank-farm     http://127.0.0.1:$status_port
control-room  http://127.0.0.1:$second_port
FLEET
for _ in $(seq 50); do
    "$BIN" status --url "http://127.0.0.1:$second_port" --timeout 1 2>/dev/null | grep -q "devices: 1/1 answering" && break
    sleep 0.1
done
fleet_out=$("$BIN" status --fleet "$work/fleet.txt") && fleet_rc=0 || fleet_rc=$?
echo "$fleet_out"
[ "$fleet_rc" = 2 ] || fail "chemgate status --fleet exited $fleet_rc; expected 2 (CRITICAL: GD-106)"
grep -q "^control-room" <<<"$fleet_out" || fail "the fleet view lacks the second gateway"
grep -q "^total 2" <<<"$fleet_out" || fail "the fleet view has no totals"
"$BIN" status --fleet "$work/fleet.txt" --nagios || true
kill -TERM "$second_pid"
wait "$second_pid" || fail "the second gateway did not stop cleanly: $(tail -5 "$work/second.log")"
# --- end of the status part ---

kill -TERM "$run_pid"
wait "$run_pid" || fail "chemgate run (log and uplink) did not stop cleanly: $(tail -5 "$work/run-log.out")"
python3 - "$receiver" "$work/receiver.sqlite" <<'PY'
import json, sqlite3, sys, urllib.request
counts = json.load(urllib.request.urlopen(sys.argv[1] + "/counts"))
latest = json.load(urllib.request.urlopen(sys.argv[1] + "/latest"))
print(f"the receiver holds {counts['batches']} batches: {counts['records']} readings, {counts['events']} events, "
      f"{counts['heartbeats']} heartbeats; gaps in the sequence numbers: {counts['gaps'] or 'none'}; duplicates: {counts['duplicates']}")
by_point = {(p["device"], p["point"]): p for p in latest}
# What each detector must read at the platform: the demo's simulated states, one by one.
expected = {f"gd-{n}": ("good", None) for n in (101, 102, 105, 107, 108)}
expected.update({f"gt-{n}": ("good", None) for n in range(201, 205)})
expected["gd-103"] = ("good", None)            # sees gas: good reading, alarm raised
expected["gd-104"] = ("uncertain", "inhibited")  # in calibration
expected["gd-106"] = ("bad", None)             # dead
expected["gd-301"] = ("good", None)            # behind the serial device server (rtu+tcp://)
expected["gd-401"] = ("good", None)            # behind the 4G DTU (dtu://)
problems = []
for device, (quality, reason) in sorted(expected.items()):
    point = by_point.get((device, "concentration"))
    if point is None:
        problems.append(f"no concentration of {device} reached the receiver")
        continue
    shown = point["quality"] + (f" ({point['reason']})" if point.get("reason") else "")
    print(f"  latest {device:<8} concentration: {point.get('value', '-'):>5} {point.get('unit', ''):<5} {shown}")
    if point["quality"] != quality or (reason is not None and point.get("reason") != reason):
        problems.append(f"{device} reads {shown} at the receiver; expected {quality}" + (f" ({reason})" if reason else ""))
for n in range(1, 5):
    point = by_point.get(("plc-tanks", f"level_{n}"))
    if point is None or point["quality"] != "good":
        problems.append(f"plc-tanks level_{n} is not good at the receiver: {point}")
with sqlite3.connect(sys.argv[2]) as db:
    alarms = db.execute("SELECT count(*) FROM events WHERE event = 'alarm_raised' AND device = 'gd-103' "
                        "AND level = 'level1'").fetchone()[0]
if alarms == 0: problems.append("GD-103's first-level alarm did not reach the receiver")
if counts["records"] == 0: problems.append("no reading reached the receiver")
if counts["heartbeats"] == 0: problems.append("no heartbeat reached the receiver")
if counts["rejected"] != 0: problems.append(f"the receiver rejected {counts['rejected']} requests")
if counts["gaps"]: problems.append(f"gaps in the sequence numbers: {counts['gaps']}")
for problem in problems: print("demo: " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
dead=$("$BIN" dead-letters --config "$work/chemgate-log.yaml")
echo "$dead"
[ "$dead" = "no dead letters" ] || fail "the platform refused batches (dead letters above)"
"$BIN" history --config "$work/chemgate-log.yaml" --device gd-103 --point concentration --hours 1 | sed -n '1,6p'

# ---- MQTT (issue 13): the same readings through a mosquitto broker ---------------------------------
say "The same path over MQTT: chemgate run → mosquitto → chemgate receive --mqtt, beside the HTTP uplink"
mqtt_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/mosquitto"
printf '%s\n' "listener $mqtt_port 127.0.0.1" "user $(id -un)" "allow_anonymous true" "persistence true" \
    "persistence_location $work/mosquitto/" "autosave_interval 1" "autosave_on_changes true" \
    "log_dest stderr" >"$work/mosquitto.conf"
/usr/sbin/mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
wait_for "$work/mosquitto.log" "running"
"$BIN" receive --listen 127.0.0.1:0 --database "$work/receiver-mqtt.sqlite" \
    --mqtt "mqtt://127.0.0.1:$mqtt_port" --topic 'chemgate/#' >"$work/receive-mqtt.log" 2>&1 &
wait_for "$work/receive-mqtt.log" "subscribed to"
mqtt_receiver=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/receive-mqtt.log")
mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -t 'chemgate/+/status' -v >"$work/status-topic.log" 2>&1 &
cp "$work/chemgate-log.yaml" "$work/chemgate-mqtt.yaml"
printf '%s\n' "  - id: park-mqtt" "    url: mqtt://127.0.0.1:$mqtt_port" '    topic: "chemgate/{gateway}/{lane}"' \
    "    heartbeat: 2s" >>"$work/chemgate-mqtt.yaml"
"$BIN" check "$work/chemgate-mqtt.yaml" >/dev/null || fail "check of the site with the MQTT uplink failed"
"$BIN" run --config "$work/chemgate-mqtt.yaml" >"$work/run-mqtt.out" 2>&1 &
run_pid=$!
sleep 8
kill -0 "$run_pid" 2>/dev/null || fail "chemgate run (MQTT uplink) stopped early: $(tail -5 "$work/run-mqtt.out")"
kill -TERM "$run_pid"
wait "$run_pid" || fail "chemgate run (MQTT uplink) did not stop cleanly: $(tail -5 "$work/run-mqtt.out")"
sleep 0.5
echo "the broker's status topic (retained birth message, then the graceful stop):"
sed 's/^/  /' "$work/status-topic.log"
python3 - "$receiver" "$mqtt_receiver" <<'PY'
import json, sys, urllib.request
http, mqtt = (json.load(urllib.request.urlopen(url + "/counts")) for url in sys.argv[1:3])
for name, counts in (("HTTP", http), ("MQTT", mqtt)):
    print(f"over {name}: {counts['batches']} batches, {counts['records']} readings, {counts['events']} events, "
          f"{counts['heartbeats']} heartbeats; gaps: {counts['gaps'] or 'none'}; duplicates: {counts['duplicates']}")
latest = {(p["device"], p["point"]): p for p in json.load(urllib.request.urlopen(sys.argv[2] + "/latest"))}
problems = []
if mqtt["records"] == 0: problems.append("no reading arrived over MQTT")
if mqtt["events"] == 0: problems.append("no event arrived over MQTT")
if mqtt["gaps"]: problems.append(f"gaps in the sequence numbers over MQTT: {mqtt['gaps']}")
if mqtt["out_of_order"]: problems.append(f"{mqtt['out_of_order']} readings out of order over MQTT")
if mqtt["rejected"]: problems.append(f"the MQTT receiver rejected {mqtt['rejected']} messages")
for device in ("gd-103", "gd-104", "gd-106", "gt-201"):
    point = latest.get((device, "concentration"))
    if point is None:
        problems.append(f"no concentration of {device} arrived over MQTT")
        continue
    shown = point["quality"] + (f" ({point['reason']})" if point.get("reason") else "")
    print(f"  latest over MQTT {device:<8} concentration: {point.get('value', '-'):>5} {point.get('unit', ''):<5} {shown}")
for problem in problems: print("demo: " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
grep -q '"status":"online"' "$work/status-topic.log" || fail "no retained online status on the broker"
grep -q '"status":"offline"' "$work/status-topic.log" || fail "the gateway's stop did not publish its offline status"
# ---- end of the MQTT block ------------------------------------------------------------------------

# ---- Platform profile (issue 14): mem-iot-sm4 over HTTP, SM4-CBC encrypted, into receive --profile --
say "A platform profile: mem-iot-sm4 (appid + SM4-CBC data, appsecret header) over HTTP into chemgate receive --profile"
# The platform's keys: issued by the authority in real life, demo values here (32 hex digits each).
export DEMO_MEM_SM4_KEY=0123456789abcdeffedcba9876543210 DEMO_MEM_SM4_IV=00112233445566778899aabbccddeeff
export DEMO_MEM_APP_SECRET=demo-app-secret
"$BIN" receive --listen 127.0.0.1:0 --database "$work/receiver-mem.sqlite" --profile "$ROOT/profiles/mem-iot-sm4.yaml" \
    --secret key=env:DEMO_MEM_SM4_KEY --secret iv=env:DEMO_MEM_SM4_IV --secret app_secret=env:DEMO_MEM_APP_SECRET \
    >"$work/receive-mem.log" 2>&1 &
wait_for "$work/receive-mem.log" "listening on"
mem_receiver=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/receive-mem.log")
cp "$work/chemgate-log.yaml" "$work/chemgate-mem.yaml"
printf '%s\n' "  - id: mem" "    url: $mem_receiver/api/v1/realtime" "    profile: $ROOT/profiles/mem-iot-sm4.yaml" \
    "    heartbeat: 2s" "    profile_values: { app_id: demo-app-0001 }" \
    '    profile_secrets: { key: "env:DEMO_MEM_SM4_KEY", iv: "env:DEMO_MEM_SM4_IV", app_secret: "env:DEMO_MEM_APP_SECRET" }' \
    >>"$work/chemgate-mem.yaml"
"$BIN" check "$work/chemgate-mem.yaml" >/dev/null || fail "check of the site with the mem-iot-sm4 uplink failed"
"$BIN" preview-payload --config "$work/chemgate-mem.yaml" --uplink mem --decrypt | cut -c1-160 | sed -n '1,6p'
"$BIN" run --config "$work/chemgate-mem.yaml" >"$work/run-mem.out" 2>&1 &
run_pid=$!
sleep 8
kill -0 "$run_pid" 2>/dev/null || fail "chemgate run (mem-iot-sm4 uplink) stopped early: $(tail -5 "$work/run-mem.out")"
kill -TERM "$run_pid"
wait "$run_pid" || fail "chemgate run (mem-iot-sm4 uplink) did not stop cleanly: $(tail -5 "$work/run-mem.out")"
grep -q "point catalogue accepted" "$work/run-mem.out" || fail "the mem-iot-sm4 catalogue was not accepted: $(grep -i mem "$work/run-mem.out" | tail -3)"
for point in "plc-tanks level_1 T101_LT" "gd-103 concentration GD103_LEL" "gt-201 concentration GT201_H2S"; do
    set -- $point
    "$BIN" history --config "$work/chemgate-mem.yaml" --device "$1" --point "$2" --hours 1 --limit 100000 --csv \
        >"$work/history-$3.csv" || fail "history of $1.$2 failed"
done
python3 - "$mem_receiver" "$work" <<'PY'
import csv, json, sys, urllib.request
from datetime import datetime
url, work = sys.argv[1:3]
counts = json.load(urllib.request.urlopen(url + "/counts"))
items = json.load(urllib.request.urlopen(url + "/items"))
print(f"decrypted at the platform: {counts['messages']} messages, {counts['readings']} readings, "
      f"{counts['points']} catalogue points, {counts['heartbeats']} heartbeats; undecodable: {counts['rejected']}")
problems = []
if counts["readings"] == 0: problems.append("no reading arrived through mem-iot-sm4")
if counts["points"] == 0: problems.append("no point catalogue arrived through mem-iot-sm4")
if counts["heartbeats"] == 0: problems.append("no heartbeat arrived through mem-iot-sm4")
if counts["rejected"]: problems.append(f"{counts['rejected']} messages could not be decrypted or decoded")
first_point = next((i for i, item in enumerate(items) if item["kind"] == "point"), None)
first_reading = next((i for i, item in enumerate(items) if item["kind"] == "reading"), None)
if first_point is None or first_reading is None or first_point > first_reading:
    problems.append("the point catalogue did not arrive before the first reading")
for indicator in ("T101_LT", "GD103_LEL", "GT201_H2S"):
    with open(f"{work}/history-{indicator}.csv") as file:
        logged = [row for row in csv.DictReader(file) if row["kind"] == "reading"]
    # The profile writes times to the second (yyyy-MM-dd HH:mm:ss, China time): compare seconds.
    logged_seconds = sorted({int(datetime.fromisoformat(row["time"].replace("Z", "+00:00")).timestamp()) for row in logged})
    received = [item for item in items if item["kind"] == "reading" and item.get("indicator") == indicator]
    received_seconds = sorted({item["ts"] // 1000 for item in received if item.get("ts") is not None})
    missing = sorted(set(logged_seconds) - set(received_seconds))
    shown = received[-1].get("value") if received else "-"
    print(f"  {indicator:<10} logged {len(logged):>4} readings, received {len(received):>4}; latest value {shown}; "
          f"missing seconds: {len(missing)}")
    if not logged: problems.append(f"the gateway logged no reading of {indicator}")
    if missing: problems.append(f"{indicator}: {len(missing)} logged seconds never reached the platform, first {missing[:3]}")
for problem in problems: print("demo: " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
# ---- end of the platform profile block ---------------------------------------------------------------

printf '\ndemo: all steps behaved as expected\n'
