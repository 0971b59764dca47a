#!/usr/bin/env bash
# docs/object-list.md must be exactly what the object table generates.
set -euo pipefail
if ! diff -u "$PP_SOURCE_DIR/docs/object-list.md" <("$POLYPHASE" objects --markdown); then
  echo "docs/object-list.md is stale: run 'polyphase objects --markdown > docs/object-list.md'"
  exit 1
fi
"$POLYPHASE" objects --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d) > 60, len(d)'
echo "object list: docs match the table"
