#!/usr/bin/env bash
# Writes the flash/RAM report of the Cortex-M image (arm-none-eabi-size).
set -euo pipefail
elf=$1; out=$2
{
  echo "Polyphase core on Cortex-M4F (arm-none-eabi-gcc -Os, template port)"
  arm-none-eabi-gcc --version | head -1
  arm-none-eabi-size -A "$elf" | grep -E '^(\.text|\.data|\.bss|\.rodata|section)' || true
  arm-none-eabi-size -B "$elf" | awk 'NR==2 {printf "flash %d bytes (text+data), RAM %d bytes (data+bss)\n", $1+$2, $2+$3}'
  echo "largest core symbols:"
  arm-none-eabi-nm --size-sort -S -r "$elf" | awk 'NR <= 15 { print "  " $0 }'
} > "$out"
cat "$out"
