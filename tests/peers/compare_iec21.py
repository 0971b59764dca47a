#!/usr/bin/env python3
"""Compares the OBIS values a peer parsed (JSON from read_iec21.js) with the
data sets the meter served (JSON from readout_raw.py); exit 1 on a mismatch.
Time and date lines are only checked for presence: the clock ticks between
the two readings.

    compare_iec21.py EXPECTED PEER [EXPECTED_AFTER]

With a second readout of the meter taken after the peer's, a value may equal
either: a tariff switch between the readings changes the tariff in force and
what hangs on it, and each reading is then right for its own moment."""
import json
import sys


def same(expected, got):
    if isinstance(got, (int, float)) and not isinstance(got, bool):
        return float(expected) == float(got)
    return str(got) == expected


def equal(reg, vals):
    ok = same(reg["value"], vals[0]["value"]) and vals[0]["unit"] == reg["unit"]
    if reg["value2"]:
        ok = ok and len(vals) > 1 and same(reg["value2"], vals[1]["value"])
    return ok


def main():
    want = json.load(open(sys.argv[1]))
    got = json.load(open(sys.argv[2]))
    after = json.load(open(sys.argv[3])) if len(sys.argv) > 3 else {}
    if after and set(after) != set(want):
        print(f"the meter's two readouts differ in their items: {sorted(set(after) ^ set(want))}")
        return 1
    bad = 0
    for obis, reg in want.items():
        vals = got.get(obis)
        if obis.endswith(":0.9.1") or obis.endswith(":0.9.2"):
            want[obis]["value"] = vals[0]["value"] if vals else None  # the clock ticks
            reg = want[obis]
        if not vals:
            print(f"missing {obis}")
            bad += 1
            continue
        if not equal(reg, vals) and not (obis in after and equal(after[obis], vals)):
            print(f"mismatch {obis}: meter {reg}{' / ' + str(after[obis]) if obis in after else ''} peer {vals}")
            bad += 1
    extra = set(got) - set(want)
    for obis in sorted(extra):
        print(f"unexpected {obis}: {got[obis]}")
        bad += 1
    print(f"{len(want) - bad} of {len(want)} registers equal; {len(extra)} unexpected")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
