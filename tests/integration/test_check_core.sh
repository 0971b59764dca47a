#!/usr/bin/env bash
# The core check must reject what the core must never contain; feed it
# archives that break each rule and one that keeps them.
set -euo pipefail
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
check() { bash "$PP_SOURCE_DIR/scripts/check-core.sh" "$1" >/dev/null 2>&1; }
archive() { # name source
  printf '%s\n' "$2" > "$dir/$1.c"; cc -c "$dir/$1.c" -o "$dir/$1.o"; ar rcs "$dir/lib$1.a" "$dir/$1.o"
}
archive good 'static const int pp_table[2] = {1, 2}; int pp_get(int i) { return pp_table[i & 1]; }'
archive global 'int pp_state; int pp_get(void) { return pp_state; }'
archive staticlocal 'int pp_next(void) { static int n; return ++n; }'
archive unprefixed 'int helper(void) { return 1; }'
archive heap '#include <stdlib.h>
void *pp_new(void) { return malloc(4); }'
archive stdio '#include <stdio.h>
void pp_say(void) { puts("hi"); }'
check "$dir/libgood.a" || { echo "FAIL: a clean archive was rejected"; exit 1; }
for bad in global staticlocal unprefixed heap stdio; do
  if check "$dir/lib$bad.a"; then echo "FAIL: check-core accepted '$bad'"; exit 1; fi
done
echo "check-core: rejects globals, static locals, unprefixed exports, heap and stdio; accepts clean code"
