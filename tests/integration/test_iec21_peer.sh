#!/usr/bin/env bash
# Interoperability of the optical port (IEC 62056-21) with an independent
# reader: the npm package smartmeter-obis reads the virtual meter
# (`polyphase run`) over a pty that socat bridges to its TCP optical port, in
# mode C (option select, 9600 baud) and mode A (no option select, 300 baud).
# Its parsed values must equal what our own BCC-checking reader gets, and
# the energy must be the hand-computed 5.4 kW x 1 h = 5.40 kWh.
set -euo pipefail
P=${POLYPHASE:?}; src=${PP_SOURCE_DIR:?}
peers=$src/tests/peers
for tool in node npm socat python3; do
  command -v "$tool" >/dev/null || { echo "test_iec21_peer: FAIL: $tool not installed (scripts/install-deps.sh)"; exit 1; }
done
if [ ! -d "$peers/node_modules/smartmeter-obis" ]; then
  (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error) ||
    { echo "test_iec21_peer: FAIL: npm ci in tests/peers"; exit 1; }
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# ports stay below 32768, where the kernel picks client (ephemeral) ports
off=$(( 10000 + RANDOM % 18000 )); port=$((4061 + off))
"$P" run --config "$src/etc/polyphase.conf" --nvm "$work/m.nvm" --no-pty --no-live \
    --port-offset "$off" --speed 5000 --duration 3600 --scenario constant:5400 >/dev/null
"$P" run --config "$src/etc/polyphase.conf" --nvm "$work/m.nvm" --no-pty --no-live \
    --port-offset "$off" --scenario idle >"$work/meter.log" 2>&1 &
pids+=($!)
python3 "$peers/readout_raw.py" "$port" >"$work/expected.json"
python3 - "$work/expected.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["1-1:1.8.0"] == {"value": "5.40", "unit": "kWh", "value2": ""}, d["1-1:1.8.0"]
assert d["1-1:0.0.1"]["value"] == "12345678"
PY
read_with() { # mode: C (option select, 9600) or A (no option select, 300)
  local mode=$1 rc=0
  socat pty,raw,echo=0,link="$work/optical" "tcp:127.0.0.1:$port" 2>"$work/socat.log" &
  local socat_pid=$!
  pids+=($socat_pid)
  for _ in $(seq 50); do [ -e "$work/optical" ] && break; sleep 0.1; done
  (cd "$peers" && IEC21_MODE=$mode timeout 90 node read_iec21.js "$work/optical" 30000) \
    >"$work/peer.json" 2>"$work/peer.err" || rc=$?
  kill "$socat_pid" 2>/dev/null || true
  wait "$socat_pid" 2>/dev/null || true
  if [ $rc -ne 0 ]; then
    echo "test_iec21_peer: FAIL: smartmeter-obis (mode $mode) did not read the meter (rc $rc)"
    cat "$work/peer.err" "$work/meter.log" "$work/socat.log"
    exit 1
  fi
  cp "$work/meter.log" "$work/meter-$mode.log" # what the peer's reading logged
  if ! python3 "$peers/compare_iec21.py" "$work/expected.json" "$work/peer.json" >"$work/cmp.txt"; then
    # a tariff switch between the two readings? read the meter again: each
    # value must then equal the one before or the one after the peer's
    sleep 2
    python3 "$peers/readout_raw.py" "$port" >"$work/after.json"
    python3 "$peers/compare_iec21.py" "$work/expected.json" "$work/peer.json" "$work/after.json" ||
      { echo "test_iec21_peer: FAIL (mode $mode)"; cat "$work/cmp.txt" "$work/peer.json"; exit 1; }
    echo "test_iec21_peer: mode $mode: values changed between the readouts, the peer's match the later one"
    cp "$work/after.json" "$work/expected.json"
  fi
}
read_with C
grep -q "optical: line [0-9]* at 9600 baud" "$work/meter-C.log" ||
  { echo "test_iec21_peer: FAIL: no mode C baud change"; cat "$work/meter.log"; exit 1; }
sleep 2 # the meter returns to 300 baud and idles
: >"$work/meter.log"
read_with A
if grep -q "at 9600 baud" "$work/meter-A.log"; then
  echo "test_iec21_peer: FAIL: mode A reading changed the rate"; cat "$work/meter-A.log"; exit 1
fi
echo "test_iec21_peer: ok (smartmeter-obis read the virtual meter in mode C at 9600 and mode A at 300 baud)"
