"""Update the translation sources and compile them: ``python -m app.ui.i18n_build``.

1. ``lupdate`` (from the PySide6 package) scans every module under ``app/ui`` and
   merges new strings into ``resources/translations/sova_<lang>.ts``; existing
   translations are kept, vanished strings dropped.
2. English is the source language: its untranslated entries get the source text.
3. ``lrelease`` compiles each ``.ts`` into the ``.qm`` the app loads.

Idempotent and fast when nothing changed: it does nothing when every ``.qm`` is newer
than its ``.ts`` and every ``.ts`` newer than the sources, and files are only rewritten
when their content changes. ``--check`` exits 1 if a Russian string is untranslated.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from app.resources import resource_path

LANGS = ("en", "ru")
UI_DIR = Path(__file__).resolve().parent


def _tool(name: str) -> str:
    import PySide6

    bundled = Path(PySide6.__file__).parent / name
    if bundled.exists():
        return str(bundled)
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if not found:
        raise SystemExit(f"i18n_build: cannot find {name} (install PySide6)")
    return found


def sources() -> list[Path]:
    """Every UI module, including other features' panels (app/ui/**/*.py)."""
    return sorted(p for p in UI_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def ts_path(lang: str) -> Path:
    return resource_path("translations", f"sova_{lang}.ts")


def qm_path(lang: str) -> Path:
    return resource_path("translations", f"sova_{lang}.qm")


def up_to_date() -> bool:
    newest_source = max(p.stat().st_mtime for p in sources())
    for lang in LANGS:
        ts, qm = ts_path(lang), qm_path(lang)
        if not ts.exists() or not qm.exists():
            return False
        if ts.stat().st_mtime < newest_source or qm.stat().st_mtime < ts.stat().st_mtime:
            return False
    return True


def _replace_if_changed(new: Path, target: Path) -> bool:
    if target.exists() and target.read_bytes() == new.read_bytes():
        new.unlink()
        return False
    os.replace(new, target)
    return True


def update_ts(lang: str) -> bool:
    """Merge the sources' strings into sova_<lang>.ts; True if the file changed."""
    target = ts_path(lang)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / target.name
        if target.exists():
            shutil.copy2(target, work)
        cmd = [_tool("lupdate"), "-silent", "-no-obsolete", "-locations", "none",
               "-source-language", "en", "-target-language", {"en": "en_US", "ru": "ru_RU"}[lang],
               *map(str, sources()), "-ts", str(work)]
        subprocess.run(cmd, check=True, capture_output=True, text=True)
        if lang == "en":
            _fill_english(work)
        fresh = Path(tmp) / "out.ts"
        shutil.copy2(work, fresh)
        return _replace_if_changed(fresh, target)


def _fill_english(ts: Path) -> None:
    # English is the source language: an untranslated entry means "use the source".
    text = ts.read_text(encoding="utf-8")
    tree = ET.ElementTree(ET.fromstring(text))
    changed = False
    for message in tree.getroot().iter("message"):
        source = message.find("source")
        tr = message.find("translation")
        if source is None or tr is None or message.get("numerus") == "yes":
            continue
        if tr.get("type") == "unfinished" or not (tr.text or ""):
            tr.text = source.text
            tr.attrib.pop("type", None)
            changed = True
    if changed:
        body = ET.tostring(tree.getroot(), encoding="unicode")
        ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def release(lang: str) -> bool:
    """Compile sova_<lang>.ts into sova_<lang>.qm; True if the .qm changed."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.qm"
        subprocess.run([_tool("lrelease"), "-silent", str(ts_path(lang)), "-qm", str(out)],
                       check=True, capture_output=True, text=True)
        return _replace_if_changed(out, qm_path(lang))


def untranslated(lang: str) -> list[str]:
    """Source strings without a finished translation."""
    root = ET.parse(ts_path(lang)).getroot()
    out = []
    for message in root.iter("message"):
        tr = message.find("translation")
        if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete"):
            src = message.find("source")
            out.append(src.text if src is not None and src.text else "")
    return out


def build(force: bool = False) -> list[str]:
    """Bring .ts and .qm up to date; returns the files that changed."""
    if not force and up_to_date():
        return []
    changed = []
    for lang in LANGS:
        if update_ts(lang):
            changed.append(ts_path(lang).name)
        if release(lang):
            changed.append(qm_path(lang).name)
        # Mark as fresh even when the content was identical, so the next run is a no-op.
        os.utime(ts_path(lang))
        os.utime(qm_path(lang))
    return changed


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m app.ui.i18n_build", description=__doc__.split("\n")[0])
    p.add_argument("--force", action="store_true", help="run lupdate/lrelease even if up to date")
    p.add_argument("--check", action="store_true", help="fail if a Russian string is untranslated")
    args = p.parse_args(argv)
    changed = build(force=args.force)
    print("translations: " + (", ".join(changed) + " updated" if changed else "up to date"))
    if args.check:
        missing = untranslated("ru")
        if missing:
            print(f"{len(missing)} Russian strings untranslated:", *missing[:20], sep="\n  ", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
