#!/usr/bin/env bash
# Installs what chemgate needs to build, test and run its demo, when it is missing:
#   apt:  libmodbus-dev (the Modbus protocol), pkg-config (finds it), socat (RS-485 stand-in),
#         mbpoll (an independent Modbus client for interop tests)
#   PyPI: pymodbus 3.16 and pyserial (an independent Modbus server for interop tests), jsonschema
#         (tests validate uplink payloads against docs/*.schema.json)
#   apt:  zlib1g-dev and libsqlite3-dev (gzip bodies and the SQLite log), openssl (tests make a
#         throwaway CA for the uplink's TLS)
#   apt:  binutils (strip, objcopy, readelf: the package's stripped binary and its debug file),
#         systemd (systemd-analyze verify checks the service unit)
#   apt:  libmosquitto-dev (the MQTT uplink), mosquitto and mosquitto-clients (a real broker and
#         mosquitto_sub for tests and the demo), chromium (headless checks of the status page)
#   apt:  libssl-dev (OpenSSL libcrypto: SM4 and AES payload encryption, HMAC-SM3)
#   apt:  sqlite3 (tests read what `chemgate receive` stored, digit for digit)
#   PyPI: prometheus_client (an independent parser of /metrics in tests)
# Safe to run again: it only installs what is absent. Needs root or sudo for apt.
set -euo pipefail

APT_PACKAGES=(libmodbus-dev pkg-config socat mbpoll zlib1g-dev libsqlite3-dev openssl binutils systemd
    libmosquitto-dev mosquitto mosquitto-clients chromium libssl-dev sqlite3)
PIP_PACKAGES=("pymodbus==3.16.*" "pyserial==3.5" "jsonschema>=4.18" "prometheus_client>=0.17")

log() { printf 'install-deps: %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
command -v python3 >/dev/null || missing+=(python3)
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)

if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! python3 - <<'PY' 2>/dev/null
import importlib.metadata as m
assert m.version("pymodbus").startswith("3.16.")
assert m.version("pyserial") == "3.5"
import jsonschema
import prometheus_client
PY
then
    log "pip install ${PIP_PACKAGES[*]}"
    # Debian's own Python refuses pip installs outside a venv (PEP 668); a pyenv Python does not.
    python3 -m pip install --quiet --disable-pip-version-check "${PIP_PACKAGES[@]}" 2>/dev/null \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${PIP_PACKAGES[@]}"
fi

log "libmodbus $(pkg-config --modversion libmodbus), $(socat -V | sed -n 's/^socat version \([^ ]*\).*/socat \1/p'), pymodbus $(python3 -c 'import pymodbus; print(pymodbus.__version__)')"
