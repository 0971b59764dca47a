#!/usr/bin/env bash
# Interoperability of the optical port (IEC 62056-21 mode C data readout)
# with an independent reader: the npm package smartmeter-obis reads the
# meter over a pty that socat bridges to the meter's TCP optical port, and
# the OBIS values it parses must equal the meter's registers.
# Until the virtual meter's optical TCP port is wired, the meter side is
# tests/peers/iec21_server_main.c compiled here against the core library.
set -euo pipefail
src=${PP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${PP_BUILD_DIR:-$src/build}
peers=$src/tests/peers
lib=$build/libpolyphase_core.a

for tool in node npm socat python3 cc; do
  command -v "$tool" >/dev/null || { echo "test_iec21_peer: SKIP: $tool not installed"; exit 0; }
done
[ -f "$lib" ] || { echo "test_iec21_peer: FAIL: no $lib (build first)"; exit 1; }
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

# Same compiler and sanitizers as the library under test.
cache=$build/CMakeCache.txt
compiler=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$cache" 2>/dev/null || true)
flags=()
grep -q '^PP_SANITIZE:BOOL=ON' "$cache" 2>/dev/null && flags=(-fsanitize=address,undefined)
"${compiler:-cc}" -std=c11 -O1 -D_POSIX_C_SOURCE=200809L "${flags[@]}" -I"$src/include" \
   "$peers/iec21_server_main.c" "$lib" -o "$work/iec21_server"

"$work/iec21_server" "$work/port" "$work/expected.json" 2>>"$work/server.log" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")

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
    cat "$work/peer.err" "$work/server.log" "$work/socat.log"
    exit 1
  fi
  if ! python3 "$peers/compare_iec21.py" "$work/expected.json" "$work/peer.json"; then
    echo "test_iec21_peer: FAIL (mode $mode)"; cat "$work/peer.json"; exit 1
  fi
}

read_with C
grep -q "baud 9600" "$work/server.log" ||
  { echo "test_iec21_peer: FAIL: no mode C baud change"; cat "$work/server.log"; exit 1; }
sleep 2 # let the meter return to 300 baud and idle
: >"$work/server.log"
read_with A
if grep -q "baud 9600" "$work/server.log"; then
  echo "test_iec21_peer: FAIL: mode A reading changed the rate"; cat "$work/server.log"; exit 1
fi
echo "test_iec21_peer: ok (smartmeter-obis read mode C at 9600 baud and mode A at 300 baud)"
