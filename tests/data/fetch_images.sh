#!/usr/bin/env bash
# Fetch real pictures into $DEST/images: photos with known content from the wheels of
# scikit-image 0.26.0 (skimage/data) and matplotlib (sample_data), and Pillow's own test
# images (the sdist's Tests/images: odd formats, modes and broken files) as the bad-input
# corpus. Idempotent (a marker per part). Provenance: SOURCES.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
DEST="${DEST:-$(cd "$here/.." && pwd)/.data}"
PY="${PY:-$(cd "$here/../.." && pwd)/.venv/bin/python}"
img="$DEST/images"
mkdir -p "$img"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ ! -f "$img/photos/.done" ]; then
  rm -rf "$img/photos"; mkdir -p "$img/photos"
  "$PY" -m pip download -q --no-deps --only-binary=:all: -d "$work" scikit-image==0.26.0 matplotlib==3.11.2
  (cd "$work" && unzip -q -o scikit_image-*.whl 'skimage/data/*' && unzip -q -o matplotlib-*.whl \
    'matplotlib/mpl-data/sample_data/grace_hopper.jpg')
  for f in astronaut.png camera.png chelsea.png clock_motion.png coffee.png coins.png motorcycle_left.png \
           page.png rocket.jpg text.png; do
    cp "$work/skimage/data/$f" "$img/photos/"
  done
  cp "$work/matplotlib/mpl-data/sample_data/grace_hopper.jpg" "$img/photos/"
  touch "$img/photos/.done"
fi

if [ ! -f "$img/pillow/.done" ]; then
  rm -rf "$img/pillow"; mkdir -p "$img/pillow"
  "$PY" -m pip download -q --no-deps --no-binary=:all: -d "$work" pillow==12.0.0
  tar -xzf "$work"/pillow-12.0.0.tar.gz -C "$work"
  cp -r "$work"/pillow-12.0.0/Tests/images/. "$img/pillow/"
  touch "$img/pillow/.done"
fi

# OCR pages with their text: ocrmypdf's linn.png (the same page as linn.pdf, whose text is
# linn.txt) and its typewriter scan.
if [ ! -f "$img/ocr/.done" ]; then
  rm -rf "$img/ocr"; mkdir -p "$img/ocr"
  "$PY" -m pip download -q --no-deps --no-binary=:all: -d "$work" ocrmypdf==17.13.0
  tar -xzf "$work"/ocrmypdf-17.13.0.tar.gz -C "$work"
  for f in linn.png linn.txt typewriter.png; do cp "$work/ocrmypdf-17.13.0/tests/resources/$f" "$img/ocr/"; done
  touch "$img/ocr/.done"
fi
