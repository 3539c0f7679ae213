#!/usr/bin/env bash
# Installs the .deb that `make package` built on this machine (root needed), checks what it
# installed, runs the installed gateway as its system user against the installed simulator for a
# few seconds (systemd's notification socket stood in for by a Unix datagram socket), then removes
# and purges the package. Fails loudly on anything off. Run by `make package-test` (and CI).
set -euo pipefail
cd "$(dirname "$0")/.."

deb=$(ls -t .build/package/chemgate_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "package-test: no .deb in .build/package; run 'make package'" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "package-test: needs root (dpkg -i)" >&2; exit 1; }
command -v chemgate >/dev/null && [ "$(command -v chemgate)" != /usr/bin/chemgate ] \
    && { echo "package-test: another chemgate is on PATH" >&2; exit 1; }

work=$(mktemp -d /tmp/chemgate-package.XXXXXX)
chmod 0755 "$work"
cleanup() {
    local pids
    pids=$(jobs -p)
    [ -n "$pids" ] && kill $pids 2>/dev/null
    wait 2>/dev/null || true
    dpkg -P chemgate >/dev/null 2>&1 || true
    rm -rf "$work" /var/lib/chemgate/package-test.sqlite*
}
trap cleanup EXIT
fail() { echo "package-test: $*" >&2; exit 1; }
say() { printf '== %s\n' "$*"; }

say "dpkg -i $deb ($(du -h "$deb" | cut -f1))"
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || fail "dpkg -i failed: $(cat "$work/dpkg.log")"
for file in /usr/bin/chemgate /lib/systemd/system/chemgate.service /etc/chemgate/chemgate.yaml \
    /usr/share/chemgate/Devices/generic/combustible-gas-detector.yaml /usr/share/doc/chemgate/operations.md; do
    [ -e "$file" ] || fail "$file is not installed"
done
dpkg-query -W -f='${Conffiles}\n' chemgate | grep -q /etc/chemgate/chemgate.yaml || fail "the site file is not a conffile"
id chemgate | grep -q dialout || fail "the chemgate user is not in dialout: $(id chemgate)"
[ "$(stat -c %U /var/lib/chemgate)" = chemgate ] || fail "/var/lib/chemgate is not the chemgate user's"
/usr/bin/chemgate --version | tee "$work/version"
grep -Eq '^chemgate [0-9.]+ \(commit [0-9a-f]{12}(-modified)?, built [0-9T:Z-]+\)$' "$work/version" \
    || fail "--version does not name the commit and the build date"
if ldd /usr/bin/chemgate | grep -q swift; then fail "the binary needs Swift runtime libraries: $(ldd /usr/bin/chemgate)"; fi
readelf -S /usr/bin/chemgate | grep -q '\.debug_info' && fail "the installed binary is not stripped"
say "the code chemgate run executes laid out first (packaging/symbol-order.txt, packaging/text-layout.ld)"
# The symbols are in the debug file beside the package (the installed binary has none).
python3 - "${deb%.deb}.debug" packaging/symbol-order.txt <<'PY' || fail "the release build's code layout is off (above)"
import subprocess, sys
debug, order = sys.argv[1], sys.argv[2]
sections = subprocess.run(["readelf", "-SW", debug], capture_output=True, text=True, check=True).stdout
text = [line.split("]", 1)[1].split() for line in sections.splitlines() if "] .text " in line]
if " .text.private " not in sections or not text:
    sys.exit("no .text.private section: the release build did not use packaging/text-layout.ld")
start, size = int(text[0][2], 16), int(text[0][4], 16)
symbols = {}
for line in subprocess.run(["nm", "--defined-only", debug], capture_output=True, text=True, check=True).stdout.splitlines():
    fields = line.split()
    if len(fields) == 3 and fields[1] in "tTwW":
        symbols[fields[2]] = int(fields[0], 16)
listed = [name.strip() for name in open(order) if name.strip() and not name.startswith("#")]
found = [symbols[name] for name in listed if name in symbols]
print(f"{len(found)} of the {len(listed)} listed functions are in the binary; .text is {size / 1e6:.1f} MB")
if len(found) < 0.8 * len(listed):
    sys.exit("packaging/symbol-order.txt is stale (fewer than 80 % of its functions are in the binary): "
             "run scripts/symbol-order.sh after make release")
# The first listed function's section starts .text (a C function may sit inside its file's section).
if min(found[:20]) - start >= 64 << 10:
    sys.exit(f"none of the first listed functions is in the first 64 KiB of .text (at {start:#x}; the "
             f"nearest is at {min(found[:20]):#x}): the release build did not use packaging/symbol-order.txt")
middle = sorted(found)[len(found) // 2] - start
if middle > size // 3:
    sys.exit(f"half the listed functions lie beyond {middle / 1e6:.1f} MB into .text: they are not together")
print(f"the first listed functions start .text; half of them lie within its first {middle / 1e6:.1f} MB")
PY
say "systemd-analyze verify"
systemd-analyze verify /lib/systemd/system/chemgate.service 2>&1 | tee "$work/verify"
[ ! -s "$work/verify" ] || fail "systemd-analyze verify reported problems"
say "chemgate check (the installed default site)"
chemgate check /etc/chemgate/chemgate.yaml || fail "the installed default site does not validate"

say "the installed gateway, as its system user, against the installed simulator"
chemgate simulate --tcp 127.0.0.1:0 --device "1:/usr/share/chemgate/Devices/generic/combustible-gas-detector.yaml" \
    >"$work/sim.log" 2>&1 &
for _ in $(seq 100); do grep -q "listening on" "$work/sim.log" && break; sleep 0.05; done
plc=$(sed -n 's/^listening on \(tcp:[^ ]*\).*/\1/p' "$work/sim.log")
[ -n "$plc" ] || fail "the simulator did not start: $(cat "$work/sim.log")"
status_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/site.yaml" <<YAML
gateway: { id: GW-PACKAGE-TEST, enterprise: "000000000000000000" }
devices_path: /usr/share/chemgate/Devices
links: [{ id: plc, endpoint: "$plc", timeout: 500ms }]
scan_classes: { fast: 1s }
default_scan: fast
devices:
  - { id: gd-1, link: plc, unit: 1, map: generic/combustible-gas-detector }
storage: { path: /var/lib/chemgate/package-test.sqlite }
status: { listen: "127.0.0.1:$status_port" }
YAML
chmod 0644 "$work/site.yaml"
python3 - "$work/notify" >"$work/notify.log" 2>&1 <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
while True:
    print(s.recv(4096).decode().replace("\n", " "), flush=True)
PY
for _ in $(seq 100); do [ -S "$work/notify" ] && break; sleep 0.05; done
NOTIFY_SOCKET="$work/notify" WATCHDOG_USEC=1000000 setpriv --reuid=chemgate --regid=chemgate --init-groups /usr/bin/chemgate run --config "$work/site.yaml" \
    >"$work/run.log" 2>&1 &
run_pid=$!
sleep 5
kill -0 "$run_pid" 2>/dev/null || fail "the installed gateway stopped: $(tail -5 "$work/run.log")"
python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$status_port/healthz')" \
    || fail "the status endpoint does not answer"
kill -TERM "$run_pid"
wait "$run_pid" || fail "the installed gateway did not stop cleanly: $(tail -5 "$work/run.log")"
sleep 0.2
cat "$work/notify.log" | sort | uniq -c
grep -q '^READY=1' "$work/notify.log" || fail "no READY=1 on the notification socket"
grep -q '^WATCHDOG=1' "$work/notify.log" || fail "no WATCHDOG=1 on the notification socket"
grep -q '^STOPPING=1' "$work/notify.log" || fail "no STOPPING=1 on the notification socket"
chemgate history --config "$work/site.yaml" --device gd-1 --point concentration --hours 1 >"$work/history.txt" \
    || fail "chemgate history failed"
head -3 "$work/history.txt"
grep -q ' good ' "$work/history.txt" || fail "the installed gateway stored no good reading"

say "dpkg -r, then dpkg -P"
dpkg -r chemgate >/dev/null
[ ! -e /usr/bin/chemgate ] || fail "dpkg -r left /usr/bin/chemgate"
[ -e /etc/chemgate/chemgate.yaml ] || fail "dpkg -r removed the site file (a conffile stays until purge)"
dpkg -P chemgate >/dev/null
[ ! -e /etc/chemgate/chemgate.yaml ] || fail "dpkg -P left the site file"
! getent passwd chemgate >/dev/null || fail "dpkg -P left the chemgate user"
[ -e /var/lib/chemgate/package-test.sqlite ] || fail "dpkg -P deleted the log (it must stay)"
echo "package-test: installed, ran, removed and purged $(basename "$deb")"
