#!/usr/bin/env bash
# polyphase config: output, exit codes and messages of decode, encode, tables
# and check; the README/doc examples decode; JSON round trips exactly; the
# tables in docs/configuration.md are the program's own output.
set -uo pipefail
P=${POLYPHASE:?set POLYPHASE to the polyphase binary}
SRC=${PP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# run EXPECTED_RC CMD... : runs, keeps stdout/stderr in $tmp/out, $tmp/err
run() {
  local want=$1; shift
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  [ "$rc" -eq "$want" ] || fail "exit $rc (want $want): $* -- $(head -c 400 "$tmp/err")"
}
has() { grep -qF -- "$1" "$tmp/$2" || fail "'$1' not in $2 of the last command"; }

TYPE="68 4-1 1 3 1-B N 1 4-3 1 1-1 010"
SW="3-1-00-2 000-01-01-1 000-0-01-00 000-000-001-000-000-001-1-000"

run 0 "$P" config --help; has "usage: polyphase config decode" out
run 2 "$P" config; has "usage:" err
run 2 "$P" config frobnicate; has "unknown subcommand 'frobnicate'" err

# decode: every field with the data sheet's words
run 0 "$P" config decode "$TYPE"
for w in "type number: $TYPE" "X5       current_range       1    5-100A" "Class B" \
         "A+/A-/R+/R-" "Standard breaker" "RF 2.0" "Supercap + battery" "S0 output" \
         "X14-X16  country             010  Denmark (DK)"; do has "$w" out; done
run 0 "$P" config decode "$TYPE" "$SW"
for w in "software code: $SW" "7.2" "15 min" "Monthly" "+ 1 Hour (DK/NO/SE/DE/FR/ES)" \
         "Mode A and C, UD1" "Connected" "disconnect control  yes"; do has "$w" out; done
# unquoted words: split after 68 + 16 characters
run 0 "$P" config decode $TYPE $SW; has "software code: $SW" out
run 0 "$P" config decode 6841131bn143111010; has "type number: $TYPE" out

# the task's error example, exactly
run 2 "$P" config decode "68 4-1 1 3 1-7 N 1 4-3 1 1-1 010"
[ "$(cat "$tmp/err")" = "polyphase config decode: invalid type number: X6 (accuracy class) is '7'; allowed: A (Class A), B (Class B), 2 (Class 2), 1 (Class 1)" ] \
  || fail "X6 message: $(cat "$tmp/err")"
run 2 "$P" config decode "68 4-1 1 3 1-B N 1 4-3 1 1-1 01"
has "too short: 15 of 16 characters after 68; missing: X14-X16 (country code)" err
run 2 "$P" config decode "$TYPE" "3-1-00-2 000-01-01-1 000-0-01-00 000-000-001-000-000-001-1-0000"
has "too long: 44 characters, 43 expected; extra '0' after Z20 (calendar setup)" err
run 2 "$P" config decode "$TYPE" "3-1-24-2 000-01-01-1 000-0-01-00 000-000-001-000-000-001-1-000"
has "Z3 (primary module configuration) is '24'; allowed: 00 (No function)" err
run 2 "$P" config decode; has "missing TYPE" err
run 2 "$P" config decode "$TYPE" --yaml; has "unknown option '--yaml'" err
# a conflict between the codes
run 2 "$P" config decode "68 4-1 1 3 1-B N 1 4-0 1 1-1 010" "$SW"
has "X10 (breaker) is '0' (No breaker) but Z19 (breaker position) is '1' (Connected)" err
# single-phase: decodes, says the meter will not run it; refused with a software code
run 0 "$P" config decode "68 6-1 1 1 1-A N 1 1-0 0 0-0 010"
has "OMNIPOWER Single-phase" out; has "note: unsupported meter" err
run 2 "$P" config decode "68 6-1 1 1 1-A N 1 1-0 0 0-0 010" "$SW"
has "cannot run as a single-phase meter" err

# JSON: valid, stable keys, exact round trip through encode --from-json
run 0 "$P" config decode "$TYPE" "$SW" --json; cp "$tmp/out" "$tmp/d.json"
has '"accuracy_class": {"position": "X6", "code": "B", "meaning": "Class B"}' out
has '"country": {"position": "X14-X16", "code": "010", "meaning": "Denmark", "iso": "DK"}' out
has '"ok": true' out
if command -v python3 >/dev/null; then
  python3 -m json.tool "$tmp/d.json" >/dev/null || fail "decode --json is not valid JSON"
fi
for pair in "$TYPE|$SW" \
            "68 4-1 1 1 6-2 N 1 1-0 0 0-2 084|1-2-05-1 123-28-24-3 000-0-13-03 000-042-000-379-555-077-0-999" \
            "68 4-1 1 2 8-A N 1 2-2 0 1-0 059|4-1-16-4 000-15-07-1 001-0-23-00 000-001-001-348-000-002-2-000"; do
  t=${pair%%|*}; s=${pair#*|}
  run 0 "$P" config decode "$t" "$s" --json; cp "$tmp/out" "$tmp/rt.json"
  run 0 "$P" config encode --from-json "$tmp/rt.json"
  [ "$(cat "$tmp/out")" = "$t"$'\n'"$s" ] || fail "round trip of $t / $s gave: $(cat "$tmp/out")"
done
# an edited field in the JSON wins over the printed code
sed 's/"energy_type": {"position": "X9", "code": "4"/"energy_type": {"position": "X9", "code": "2"/' \
  "$tmp/d.json" > "$tmp/e.json"
run 0 "$P" config encode --from-json "$tmp/e.json"; has "68 4-1 1 3 1-B N 1 2-3 1 1-1 010" out
echo '{"type_number": {"code": "68 4-1"' > "$tmp/bad.json"
run 2 "$P" config encode --from-json "$tmp/bad.json"; has "not valid JSON" err
run 1 "$P" config encode --from-json "$tmp/missing.json"; has "cannot read" err

# encode from options: codes, data sheet words or aliases
run 0 "$P" config encode
[ "$(cat "$tmp/out")" = "$TYPE"$'\n'"$SW" ] || fail "encode defaults: $(cat "$tmp/out")"
run 0 "$P" config encode --energy-type A+/A- --breaker none --breaker-position 0 --country DK \
  --accuracy-class "Class A" --gmt UTC-5 --z4 "60 min" --tariff-tables=012
[ "$(head -1 "$tmp/out")" = "68 4-1 1 3 1-A N 1 2-0 1 1-1 010" ] || fail "encode type: $(cat "$tmp/out")"
[ "$(tail -1 "$tmp/out")" = "3-1-00-4 000-01-01-1 000-0-19-00 012-000-001-000-000-001-0-000" ] \
  || fail "encode sw: $(cat "$tmp/out")"
run 2 "$P" config encode --breaker triple
has "X10 (breaker) is 'triple'; allowed: 0 (No breaker), 2 (Dual breaker), 3 (Standard breaker)" err
run 2 "$P" config encode --colour red; has "unknown option '--colour'" err
run 2 "$P" config encode --breaker; has "needs a value" err
run 2 "$P" config encode --breaker none; has "a meter without breaker has breaker position 0" err
run 0 "$P" config encode --type "68 4-1 1 3 1-B N 1 4-0 1 1-1 010" --z19 0
has "68 4-1 1 3 1-B N 1 4-0 1 1-1 010" out
run 0 "$P" config encode --config "$SRC/etc/polyphase.conf" --json; has '"tariff_source": "table"' out

# tables: the markdown in docs/configuration.md is this output
run 0 "$P" config tables --markdown; cp "$tmp/out" "$tmp/tables.md"
has "| 059 | Switzerland (Italian part) | CH (IT) |" out
has "| 28 | Pulse in / Toggle Load control 1 & 2 |  |" out
doc="$SRC/docs/configuration.md"
if [ -f "$doc" ]; then
  sed -n '/<!-- BEGIN config tables -->/,/<!-- END config tables -->/p' "$doc" | sed '1d;$d' > "$tmp/doc_tables.md"
  diff -u "$tmp/doc_tables.md" "$tmp/tables.md" > "$tmp/diff" || fail "docs/configuration.md tables differ from 'polyphase config tables --markdown': $(head -20 "$tmp/diff")"
else
  fail "docs/configuration.md missing"
fi
run 0 "$P" config tables; has "X10 breaker (--breaker)" out
run 2 "$P" config tables --html; has "unknown argument '--html'" err

# check: the shipped file, a broken one, a missing one
run 0 "$P" config check "$SRC/etc/polyphase.conf"; has "presets   1 display, 1 tariff, 0 other" out
printf '[meter]\nnumber = 12\n[ports]\nwrapper_tcp = 99999\n' > "$tmp/bad.conf"
run 2 "$P" config check "$tmp/bad.conf"
has "$tmp/bad.conf:4: wrapper_tcp = '99999' is invalid; allowed: a TCP port 1..65535, or 0 for off" err
run 1 "$P" config check "$tmp/none.conf"; has "cannot read" err

# Examples in README.md and the doc: 'polyphase config decode "68 ..."' in
# prose must succeed; a '$ polyphase config ...' line followed by an error line
# must fail with exactly that error.
: > "$tmp/ex_fails"
for f in "$SRC/README.md" "$doc"; do
  [ -f "$f" ] || continue
  grep -v '^\$ ' "$f" | grep -oE 'polyphase config decode +"68[^"]*"( +"[^"]+")*( +--json)?' |
  while read -r line; do
    eval "set -- ${line#polyphase }"
    "$P" "$@" >/dev/null 2>"$tmp/ex_err" || echo "example in $(basename "$f"): $line: $(cat "$tmp/ex_err")"
  done >> "$tmp/ex_fails"
  grep -A1 '^\$ polyphase config ' "$f" | grep -v '^--$' | paste - - |
  while IFS=$'\t' read -r cmd want; do
    case "$want" in "polyphase config "*) ;; *) continue ;; esac
    eval "set -- ${cmd#\$ polyphase }"
    got=$("$P" "$@" 2>&1 >/dev/null)
    [ "$got" = "$want" ] || echo "error example in $(basename "$f"): $cmd: got '$got'"
  done >> "$tmp/ex_fails"
done
[ -s "$tmp/ex_fails" ] && fail "$(cat "$tmp/ex_fails")"
grep -q 'polyphase config decode "68' "$doc" 2>/dev/null || fail "no decode example in docs/configuration.md"

[ "$fails" -eq 0 ] && echo "test_cli_config: ok" || { echo "test_cli_config: $fails failure(s)"; exit 1; }
