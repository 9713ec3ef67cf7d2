#!/usr/bin/env bash
# Real speech for the voice tests (Debian packages, fetched with apt-get download):
#   pocketsphinx-testdata         LibriVox clips, 16 kHz, with `transcription`
#   asterisk-core-sounds-ru-wav   Russian prompts, 8 kHz wav (CC-BY-3.0)
#   asterisk-core-sounds-ru       their transcripts, core-sounds-ru.txt.gz (`name: text`)
# Unpacked into $DEST/audio/<package>/ with `dpkg -x`. Idempotent: a package whose
# folder is already complete is skipped. See tests/data/SOURCES.md.
set -euo pipefail
DEST="${DEST:-$(cd "$(dirname "$0")/../.." && pwd)/tests/.data}"
out="$DEST/audio"
mkdir -p "$out"
for pkg in pocketsphinx-testdata asterisk-core-sounds-ru-wav asterisk-core-sounds-ru; do
  if [ -f "$out/$pkg/.done" ]; then continue; fi
  work="$(mktemp -d)"
  (cd "$work" && apt-get download -q "$pkg")
  rm -rf "$out/$pkg"
  mkdir -p "$out/$pkg"
  dpkg -x "$work"/"$pkg"_*.deb "$out/$pkg"
  rm -rf "$work"
  touch "$out/$pkg/.done"
done
# Fail loudly when a package changed its layout: the tests rely on these paths.
test -f "$out/pocketsphinx-testdata/usr/share/pocketsphinx/test/data/librivox/transcription"
test -f "$out/asterisk-core-sounds-ru/usr/share/doc/asterisk-core-sounds-ru/core-sounds-ru.txt.gz"
test -d "$out/asterisk-core-sounds-ru-wav/usr/share/asterisk/sounds/ru_RU_f_IvrvoiceRU"
