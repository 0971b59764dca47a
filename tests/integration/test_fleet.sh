#!/usr/bin/env bash
# polyphase fleet: three meters in one process, each with its own number, NVM
# image and ports; every meter answers its own optical port with its own number.
set -euo pipefail
P=${POLYPHASE:?}; SRC=${PP_SOURCE_DIR:?}
dir=$(mktemp -d); trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
base=$(( 20000 + RANDOM % 12000 ))   # below the ephemeral ports (32768+) clients use
"$P" fleet --config "$SRC/etc/polyphase.conf" --count 3 --dir "$dir" --port-base "$base" \
    --first-number 5550001 > "$dir/out" &
pid=$!
for _ in $(seq 50); do [ -s "$dir/ports.csv" ] && grep -q 5550003 "$dir/ports.csv" && break; sleep 0.1; done
python3 - "$dir/ports.csv" <<'PY'
import csv, socket, sys, time
rows = list(csv.DictReader(open(sys.argv[1])))
assert [r["meter"] for r in rows] == ["5550001", "5550002", "5550003"], rows
for r in rows:
    for _ in range(50):
        try:
            s = socket.create_connection(("127.0.0.1", int(r["optical_tcp"]))); break
        except OSError:
            time.sleep(0.1)
    s.settimeout(5)
    s.sendall(b"/?!\r\n"); s.recv(64); s.sendall(b"\x06050\r\n")
    data = b""
    while b"\x03" not in data:
        data += s.recv(4096)
    assert ("0.0.1(%s)" % r["meter"]).encode() in data, data[:80]
PY
kill -INT $pid; wait $pid
grep -q "stopped; 3 meters" "$dir/out"
ls "$dir"/555000{1,2,3}.nvm >/dev/null
"$P" fleet --count 0 2>"$dir/err" && exit 1
grep -q "a number from 1 to" "$dir/err"
echo "fleet: 3 meters, own numbers, images and ports"
