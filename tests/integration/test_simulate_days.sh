#!/usr/bin/env bash
# simulate --days: the whole meter on a virtual clock.
# 1. Hand-computed: 3.6 kW for 2026-01-01 (Thursday, but a special day "flat"
#    in tariff preset 001 of etc/polyphase.conf: T2 00-06, T1 06-22, T2 22-24):
#    A+ = 86.40 kWh, T1 = 16 h x 3.6 = 57.60 kWh, T2 = 8 h x 3.6 = 28.80 kWh,
#    P+max = 3600 W, hour counter 24.
# 2. The same household hour through waveforms + metrology and through power
#    steps registers the same energy within the metrology tolerance.
set -euo pipefail
P=${POLYPHASE:?}; SRC=${PP_SOURCE_DIR:?}
cfg=$SRC/etc/polyphase.conf
"$P" simulate --days 1 --scenario constant:3600 --config "$cfg" --report json --no-progress > /tmp/sd.$$.json
python3 - /tmp/sd.$$.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["objects"]
def v(ln): return d[ln]["value"]
assert abs(v("1-1:1.8.0*255") - 86400) < 1e-6, v("1-1:1.8.0*255")   # Wh
assert abs(v("1-1:1.8.1*255") - 57600) < 1e-6, v("1-1:1.8.1*255")
assert abs(v("1-1:1.8.2*255") - 28800) < 1e-6, v("1-1:1.8.2*255")
assert v("1-1:1.8.3*255") == 0 and v("1-1:1.8.4*255") == 0
assert v("1-1:1.6.0*255") == 3600 and v("0-1:96.8.0*255") == 24
assert v("1-1:2.8.0*255") == 0
PY
rm -f /tmp/sd.$$.json
a=$("$P" simulate --days 0.0417 --start 2026-01-12 --scenario household --config "$cfg" --report json --no-progress)
b=$("$P" simulate --days 0.0417 --start 2026-01-12 --scenario household --config "$cfg" --report json --no-progress --waveform)
python3 - "$a" "$b" <<'PY'
import json, sys
ps, wf = (json.loads(x)["objects"] for x in sys.argv[1:3])
for ln in ("1-1:1.8.0*255", "1-1:21.8.0*255", "1-1:41.8.0*255", "1-1:61.8.0*255"):
    x, y = ps[ln]["value"], wf[ln]["value"]
    # 0.1 % of the energy plus one register step (10 Wh) of truncation
    assert abs(x - y) <= 0.001 * x + 10, (ln, x, y)
print("power-step %s Wh, waveform %s Wh" % (ps["1-1:1.8.0*255"]["value"], wf["1-1:1.8.0*255"]["value"]))
PY
"$P" simulate --days 0 2>/dev/null && exit 1
echo "simulate --days: hand-computed tariffs and maxima; waveform = power-step"
