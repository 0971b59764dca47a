#!/usr/bin/env bash
# polyphase run end to end: starts, lists its ports, runs a constant load on an
# accelerated clock, stops cleanly with the NVM committed, and a second run on
# the same image reads back the energy through the optical port (IEC 62056-21
# mode C readout over TCP). 3.6 kW for one hour of meter time = 3.60 kWh.
set -euo pipefail
P=${POLYPHASE:?}; SRC=${PP_SOURCE_DIR:?}
pid=""
dir=$(mktemp -d); trap 'if [ -n "$pid" ]; then kill $pid 2>/dev/null || true; fi; rm -rf "$dir"' EXIT
# ports stay below 32768, where the kernel picks client (ephemeral) ports
off=$(( 20000 + RANDOM % 8000 ))
if ! out=$("$P" run --config "$SRC/etc/polyphase.conf" --nvm "$dir/m.nvm" --no-pty --no-live \
      --port-offset "$off" --speed 2000 --duration 3600 --scenario constant:3600 2>&1); then
  echo "first run failed: $out"; exit 1
fi
grep -q "tcp 127.0.0.1:$((4059 + off)) *DLMS/COSEM TCP-UDP wrapper" <<<"$out"
grep -q "stopped; 3600 frames, NVM committed" <<<"$out"

"$P" run --config "$SRC/etc/polyphase.conf" --nvm "$dir/m.nvm" --no-pty --no-live \
    --port-offset "$off" --scenario idle > "$dir/run2.out" &
pid=$!
readout=$(python3 - "$((4061 + off))" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
for _ in range(50):
    try:
        s = socket.create_connection(("127.0.0.1", port)); break
    except OSError:
        time.sleep(0.1)
s.settimeout(5)
s.sendall(b"/?!\r\n")
ident = s.recv(64)
assert ident.startswith(b"/PPH") and ident.endswith(b"\r\n"), ident
s.sendall(b"\x06050\r\n")
data = b""
while not data.endswith(b"\x03") and b"\x03" not in data[-2:]:
    chunk = s.recv(4096)
    if not chunk: break
    data += chunk
    if b"\x03" in data and len(data) > data.index(b"\x03") + 1: break
stx, etx = data.index(b"\x02"), data.index(b"\x03")
bcc = 0
for b in data[stx + 1:etx + 1]: bcc ^= b
assert data[etx + 1] == bcc, "BCC"
print(data[stx + 1:etx].decode())
PY
)
kill -INT $pid; wait $pid
grep -q "1-1:1.8.0(3.60\*kWh)" <<<"$readout" || { echo "readout: $readout"; exit 1; }
grep -q "NVM committed" "$dir/run2.out"
"$P" run --speed 0.5 >/dev/null 2>"$dir/err" && exit 1
grep -q "speed '0.5': a number from 1 to 1000000" "$dir/err"
echo "run: ports listed, 3600 frames committed, restart reads 3.60 kWh over the optical port"
