#!/usr/bin/env bash
# Checks the core archive for what the core must never contain:
#  - calls into the heap, stdio, or the OS (the core is bare-metal C);
#  - exported symbols without the pp_ prefix;
#  - writable globals or static locals (.data/.bss/common): all state lives in
#    caller-owned structs so several meters and sessions can coexist.
set -euo pipefail
lib=${1:?usage: check-core.sh libpolyphase_core.a}
NM=${NM:-nm}
fail=0
forbidden='^(malloc|calloc|realloc|free|printf|fprintf|sprintf|snprintf|vsnprintf|puts|putchar|fputs|fwrite|fread|fopen|fclose|perror|exit|abort|time|clock|clock_gettime|gettimeofday|getenv|rand|srand|random|sleep|usleep|open|read|write|close|signal|raise|pthread_.*)$'
undefined=$($NM -u "$lib" 2>/dev/null | awk 'NF==2 && $1=="U" {print $2}' | sort -u)
bad=$(grep -E "$forbidden" <<<"$undefined" || true)
if [ -n "$bad" ]; then
  echo "check-core: the core calls forbidden functions:"; sed 's/^/  /' <<<"$bad"; fail=1
fi
exported=$($NM -g --defined-only "$lib" 2>/dev/null | awk 'NF==3 {print $3}' | sort -u)
unprefixed=$(grep -Ev '^pp_' <<<"$exported" || true)
if [ -n "$unprefixed" ]; then
  echo "check-core: exported symbols without the pp_ prefix:"; sed 's/^/  /' <<<"$unprefixed"; fail=1
fi
# Section names, not nm letters: const tables holding pointers live in
# .data.rel.ro under PIE, which nm reports like writable data.
OBJDUMP=${OBJDUMP:-objdump}
writable=$($OBJDUMP -t "$lib" 2>/dev/null \
           | awk '$NF !~ /^\./ && NF >= 5 { for (i = 1; i <= NF; i++) if ($i ~ /^(\.data|\.bss|\*COM\*|\.sdata|\.sbss)/ && $i !~ /^\.data\.rel\.ro/) { print $NF; break } }' \
           | grep -Ev '^(__sancov|__asan|__ubsan|\.L)' | sort -u || true)
if [ -n "$writable" ]; then
  echo "check-core: writable globals or static locals in the core:"; sed 's/^/  /' <<<"$writable"; fail=1
fi
n=$(wc -w <<<"$exported")
[ $fail -eq 0 ] && echo "check-core: ok ($n exported symbols, all pp_-prefixed; no heap, stdio, OS calls or writable globals)"
exit $fail
