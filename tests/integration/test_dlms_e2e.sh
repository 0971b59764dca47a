#!/usr/bin/env bash
# DLMS/COSEM end to end: the virtual meter (`polyphase run`) read over the
# TCP wrapper and over HDLC-in-TCP by the test client (bench_dlms --probe,
# tests/support/dlms_client.c), with every association: public, reader (LLS)
# and management (HLS-GMAC with suite 0 ciphering).
#
# The history comes from `polyphase simulate`: two days of constant 3.6 kW
# from local midnight S, kept in the NVM image, then `run` continues from it
# with no load. Hand-computed expectations:
#   A+ total = 3.6 kW x 48 h = 172.8 kWh = 17280 in 10 Wh (scaler 1, Wh)
#   load profile, range [S+12 h, S+36 h] inclusive at 15 min: 97 rows;
#   A+ column 43.2 kWh (4320) in the first row, 129.6 kWh (12960) in the last.
set -euo pipefail
P=${POLYPHASE:?}; src=${PP_SOURCE_DIR:?}; build=${PP_BUILD_DIR:?}
B=$build/bench/bench_dlms
[ -x "$B" ] || { echo "test_dlms_e2e: FAIL: $B not built"; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "test_dlms_e2e: FAIL: $*"; [ -f "$work/out" ] && cat "$work/out"; exit 1; }

conf=$src/etc/polyphase.conf
day=$(TZ=Europe/Berlin date -d '2 days ago' +%F)
start=$(TZ=Europe/Berlin date -d "$day 00:00" +%s)
utc() { date -u -d "@$1" +%Y-%m-%dT%H:%M; }
from=$(utc $((start + 12 * 3600))); to=$(utc $((start + 36 * 3600)))
"$P" simulate --config "$conf" --days 2 --start "$day" --nvm "$work/m.nvm" \
    --scenario constant:3600 --report json >"$work/sim.json" || fail "simulate"

# ports stay below 32768, where the kernel picks client (ephemeral) ports
off=$(( 10000 + RANDOM % 18000 )); wport=$((4059 + off)); hport=$((4060 + off))
"$P" run --config "$conf" --nvm "$work/m.nvm" --no-pty --no-live --port-offset "$off" \
    --scenario idle >"$work/meter.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  "$B" --probe 127.0.0.1 "$wport" --no-assoc >/dev/null 2>&1 && break
  sleep 0.1
done

probe() { "$B" --probe "$@" >"$work/out" 2>&1; }
has() { grep -qF -- "$1" "$work/out" || fail "expected '$1'"; }
LP=1.1.99.1.0.255

# Public client (SAP 16, no authentication): identity and clock yes, energy
# no (not in its object list: object-undefined), clock read-only.
probe 127.0.0.1 "$wport" get 1 0.0.42.0.0.255 2 get 8 0.1.1.0.0.255 2 \
    get 3 1.1.1.8.0.255 2 get 3 1.1.1.8.0.254 2 set 8 0.1.1.0.0.255 3 10FFC4 release ||
    [ $? -eq 3 ] || fail "public"
has "get 1 0.0.42.0.0.255 2: OK 0x5050483132333435363738"   # "PPH" "12345678"
grep -qE "^get 8 0.1.1.0.0.255 2: OK 20[0-9-]+ [0-9:]+ dev -60 st 00$" "$work/out" || fail "clock"
has "get 3 1.1.1.8.0.255 2: ERR 4 "
has "read-write-denied (3)"
has "object-undefined (4)"
has "release: OK"

# Reader (SAP 17, LLS) on both transports: the same answers byte for byte.
for t in wrapper hdlc; do
  if [ $t = wrapper ]; then args=(127.0.0.1 "$wport"); else args=(127.0.0.1 "$hport" --hdlc --physical 5694); fi
  probe "${args[@]}" --sap 17 --password 12345678 get 3 1.1.1.8.0.255 2 get 3 1.1.1.8.0.255 3 \
      range $LP "$from" "$to" entry $LP 1 2 release || fail "reader over $t"
  has "get 3 1.1.1.8.0.255 2: OK 17280"
  has "get 3 1.1.1.8.0.255 3: OK {1, enum 30}"
  has "entry $LP 1 2: OK [{"
  has "release: OK"
  python3 - "$work/out" <<'PY' || fail "profile range over $t"
import re, sys
line = [l for l in open(sys.argv[1]) if l.startswith("range ")][0]
rows = re.findall(r"\{([^{}]*)\}", line)
assert len(rows) == 97, len(rows)
a_plus = [int(r.split(", ")[2]) for r in rows]
assert a_plus[0] == 4320 and a_plus[-1] == 12960, (a_plus[0], a_plus[-1])
assert all(b - a == 90 for a, b in zip(a_plus, a_plus[1:]))  # 900 Wh per quarter hour
PY
  grep -v "^associate" "$work/out" >"$work/$t.txt"
done
cmp -s "$work/wrapper.txt" "$work/hdlc.txt" || fail "wrapper and HDLC answers differ"

# HDLC with 128-byte information fields: the 3.7 kB range comes in segments.
probe 127.0.0.1 "$hport" --hdlc --physical 5694 --max-info 128 --sap 17 --password 12345678 \
    rows $LP "$from" "$to" release || fail "HDLC segmented"
has "OK 97 rows"

# Wrong password: refused with the diagnostic.
probe 127.0.0.1 "$wport" --sap 17 --password 87654321 && fail "wrong password accepted"
has "authentication-failure"

# Management (SAP 1, HLS-GMAC, glo-ciphered APDUs): read and set the time zone.
probe 127.0.0.1 "$wport" --sap 1 --hls get 3 1.1.1.8.0.255 2 get 8 0.1.1.0.0.255 3 \
    set 8 0.1.1.0.0.255 3 10FFC4 release || fail "management"
has "get 3 1.1.1.8.0.255 2: OK 17280"
has "get 8 0.1.1.0.0.255 3: OK -60"
has "set 8 0.1.1.0.0.255 3 10FFC4: OK"
# The power threshold (W) is a management setting; the reader sees it.
probe 127.0.0.1 "$wport" --sap 1 --hls --ic-from-meter set 3 1.1.1.35.0.255 2 06000003E8 release ||
    fail "management sets the power threshold"
probe 127.0.0.1 "$wport" --sap 17 --password 12345678 get 3 1.1.1.35.0.255 2 \
    set 3 1.1.1.35.0.255 2 0600000000 release || [ $? -eq 1 ] || fail "reader threshold"
has "get 3 1.1.1.35.0.255 2: OK 1000"
has "set 3 1.1.1.35.0.255 2 0600000000: ERR 3 "
# A new session must continue above the counters the meter accepted (replays
# are refused across associations): read it as a head-end does, then go on.
probe 127.0.0.1 "$hport" --hdlc --physical 5694 --sap 1 --hls get 8 0.1.1.0.0.255 2 release &&
    fail "management replaying old invocation counters was accepted"
probe 127.0.0.1 "$hport" --hdlc --physical 5694 --sap 1 --hls --ic-from-meter \
    get 8 0.1.1.0.0.255 2 release || fail "management over HDLC"

# 64 reader sessions at once, each with its own association.
for i in $(seq 64); do
  "$B" --probe 127.0.0.1 "$wport" --sap 17 --password 12345678 get 3 1.1.1.8.0.255 2 release \
      >"$work/many.$i" 2>&1 &
done
wait_ok=0
for job in $(jobs -p); do
  [ "$job" = "${pids[0]}" ] && continue
  wait "$job" || wait_ok=1
done
[ $wait_ok -eq 0 ] || { cat "$work"/many.*; fail "one of 64 sessions failed"; }
[ "$(cat "$work"/many.* | grep -c ': OK 17280')" -eq 64 ] || fail "64 sessions: not all read A+"
kill -0 "${pids[0]}" || fail "meter died"
# Tariff tables (class 20, 0.0.13.0.0.255): management writes a passive
# calendar attribute by attribute (hand-built A-XDR: one day profile, id 1,
# T3 from 00:00 via the tariff script table 0.0.10.0.100.255; week "W" all
# id 1; season "S" from 1 January every year; name "NEW"), a client cannot
# activate an inconsistent one, then activates it: the current tariff
# becomes 3. Special days (class 11): insert 25 December of every year
# as entry 9 (the configured holidays stay).
CAL=0.0.13.0.0.255
DAYS=01010202110101010203090400000000090600000A0064FF120003
WEEKS=010102080901571101110111011101110111011101
SEASONS=01010203090153090CFFFF0101FF000000FF8000FF090157
BAD_SEASONS=01010203090153090CFFFF0101FF000000FF8000FF090158   # week "X": none
XMAS=02031200090905FFFF0C19FF1101                               # {9, *-12-25, day 1}
probe 127.0.0.1 "$wport" --sap 1 --hls --ic-from-meter get 20 $CAL 2 \
    set 20 $CAL 9 $DAYS set 20 $CAL 8 $WEEKS set 20 $CAL 7 $BAD_SEASONS action 20 $CAL 1 0F00 \
    set 20 $CAL 7 $SEASONS set 20 $CAL 6 09034E4557 action 20 $CAL 1 0F00 get 20 $CAL 2 \
    action 11 0.0.11.0.0.255 1 $XMAS release || [ $? -eq 1 ] ||
    fail "management writes the tariff table"
has "set 20 $CAL 7 $BAD_SEASONS: OK"           # kept as written ...
grep -q "^action 20 $CAL 1 0F00: ERR 250" "$work/out" || fail "inconsistent calendar activated"
has "set 20 $CAL 6 09034E4557: OK"
has "get 20 $CAL 2: OK 0x4E4557"
has "action 11 0.0.11.0.0.255 1 $XMAS: OK"
for i in $(seq 20); do   # the tariff follows at the next second the meter measures
  probe 127.0.0.1 "$wport" --sap 17 --password 12345678 get 1 0.1.96.14.0.255 2 release || true
  grep -q "0.1.96.14.0.255 2: OK 3" "$work/out" && break
  sleep 0.5
done
probe 127.0.0.1 "$wport" --sap 17 --password 12345678 get 1 0.1.96.14.0.255 2 get 20 $CAL 5 \
    get 11 0.0.11.0.0.255 2 set 20 $CAL 6 09034E4557 release || [ $? -eq 1 ] ||
    fail "reader reads the tariff table"
has "get 1 0.1.96.14.0.255 2: OK 3"
has "get 20 $CAL 5: OK [{1, [{0x00000000, 0x00000A0064FF, 3}]}]"
grep -q "^get 11 0.0.11.0.0.255 2: OK \[{0, .*, {9, 0xFFFF0C19FF, 1}\]$" "$work/out" ||
    fail "special day inserted after the configured ones"
has "set 20 $CAL 6 09034E4557: ERR 3 "

# Management changes the reader's password (attribute 7 of its association
# object, write-only); the old one is refused from then on.
probe 127.0.0.1 "$wport" --sap 1 --hls --ic-from-meter get 15 0.0.40.0.2.255 7 \
    set 15 0.0.40.0.2.255 7 09087365637265743939 release || [ $? -eq 1 ] ||
    fail "management sets the reader password"
has "get 15 0.0.40.0.2.255 7: ERR 3 "                       # never readable
has "set 15 0.0.40.0.2.255 7 09087365637265743939: OK"
probe 127.0.0.1 "$wport" --sap 17 --password secret99 get 3 1.1.1.8.0.255 2 release ||
    fail "reader with the new password"
probe 127.0.0.1 "$wport" --sap 17 --password 12345678 && fail "old reader password accepted"
has "authentication-failure"
echo "test_dlms_e2e: PASS (public, LLS, HLS; wrapper and HDLC; 97-row range; 64 sessions)"
