#!/usr/bin/env bash
# polyphase simulate end to end: the JSON report keys and values (hand
# computed), power-step agreeing with waveform mode, a WAV file, and bad
# input refused with exit status 2 and a specific message.
set -euo pipefail
P=${POLYPHASE:?}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
key() { # key NAME JSON -> first numeric value of "NAME"
  grep -o "\"$1\": [-0-9.e+]*" <<<"$2" | head -1 | awk '{print $2}'
}
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }

# 3 x 230 V x 10 A x PF 1 for 10 s = 6900 W * 10 s = 19.1667 Wh
out=$("$P" simulate --synth "all:i=10" --seconds 10 --report json)
for k in 'A+_Wh' 'A-_Wh' 'R+_varh' 'R-_varh' 'E+_VAh' 'E-_VAh' f_Hz phases U_V I_A P_W Q_var S_VA PF THD_U_pct THD_I_pct; do
  grep -q "\"$k\"" <<<"$out" || fail "key $k missing: $out"
done
near "$(key 'A+_Wh' "$out")" 19.16667 0.0002 || fail "A+ $(key 'A+_Wh' "$out")"
near "$(key f_Hz "$out")" 50 0.001 || fail "f"
near "$(key P_W "$out")" 2300 0.01 || fail "P"
# export at PF 0.5 capacitive in QIII: phi = 240 -> P = -1150 W, Q = -1991.86 var per phase
out=$("$P" simulate --synth "all:i=10,phi=240" --seconds 10)
near "$(key 'A-_Wh' "$out")" 9.58333 0.0002 || fail "A- $out"
near "$(key 'R-_varh' "$out")" 16.59882 0.002 || fail "R- $out"
[ "$(key 'A+_Wh' "$out")" = "0.000000" ] || fail "A+ should be 0 in QIII"
# power-step gives the same registers for the same load
a=$("$P" simulate --synth "all:i=10,pf=0.8ind" --seconds 30)
b=$("$P" simulate --synth "all:i=10,pf=0.8ind" --seconds 30 --powerstep)
near "$(key 'A+_Wh' "$a")" "$(key 'A+_Wh' "$b")" 0.00002 || fail "powerstep A+ $a / $b"
near "$(key 'R+_varh' "$a")" "$(key 'R+_varh' "$b")" 0.0002 || fail "powerstep R+"
# a spec file and the text report
printf 'f=52.5   # grid\nL1:i=5,h5i=40%%\n' > "$dir/spec"
"$P" simulate --synth "@$dir/spec" --seconds 3 --report text | grep -q '^L1 ' || fail "text report"
# a WAV file: 1 s of 16-bit PCM, 6 channels, 4 kHz, constant codes (DC only:
# removed as offset, so no energy)
python3 - "$dir/dc.wav" <<'PY' || { echo "SKIP wav part: no python3"; exit 0; }
import struct, sys
n, ch, rate = 4000, 6, 4000
data = struct.pack('<6h', 100, 100, 100, 10, 10, 10) * n
hdr = b'RIFF' + struct.pack('<I', 36 + len(data)) + b'WAVEfmt ' + struct.pack('<IHHIIHH', 16, 1, ch, rate, rate * ch * 2, ch * 2, 16) + b'data' + struct.pack('<I', len(data))
open(sys.argv[1], 'wb').write(hdr + data)
PY
out=$("$P" simulate --samples "$dir/dc.wav" --u-scale 0.01 --i-scale 0.001)
[ "$(key seconds "$out")" = 1 ] || fail "wav seconds $out"
[ "$(key 'A+_Wh' "$out")" = "0.000000" ] || fail "wav DC registered energy"
# refusals
set +e
msg=$("$P" simulate --samples "$dir/dc.wav" 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "needs --u-scale" <<<"$msg" || fail "PCM without scale: $rc $msg"
msg=$("$P" simulate --synth "L9:i=1" 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "unknown phase" <<<"$msg" || fail "bad spec: $rc $msg"
msg=$("$P" simulate --synth "all:i=1" --report xml 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bad report kind accepted"
msg=$("$P" simulate 2>&1); rc=$?
[ $rc -eq 2 ] || fail "no source accepted"
echo "simulate report: keys, values, power-step equivalence, WAV and refusals ok"
