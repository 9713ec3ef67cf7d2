"""Translations: the committed .ts/.qm cover the window's strings; the build is idempotent."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from app.resources import resource_path
from app.ui import i18n, i18n_build

# Contexts (classes) of the window's own modules; other features' panels add theirs.
WINDOW_CONTEXTS = {
    "Banner", "BubbleDelegate", "ChatInput", "ChatPanel", "ChatView", "ConversationList",
    "MainWindow", "SettingsDialog", "SourcePanel", "Codes", "DiagnosticsPage", "AnswerDetails",
    "AnswerDetailsDialog", "Rating", "RatingDialog", "StarPicker", "FeedbackPage", "QualityTab",
    "TrainingTab", "TrainingWords", "VersionsBox", "LearningSettingsBox", "TrainingNotice", "TrainingTrigger",
}


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            out[(name, m.findtext("source") or "")] = m.find("translation")
    return out


def test_every_window_string_has_a_russian_translation() -> None:
    messages = _messages(resource_path("translations", "sova_ru.ts"))
    mine = {k: v for k, v in messages.items() if k[0] in WINDOW_CONTEXTS}
    assert len(mine) > 60
    missing = [src for (_, src), tr in mine.items() if tr is None or tr.get("type") or not (tr.text or "").strip()]
    assert missing == []
    # Real Russian, not copies of the English.
    cyrillic = [tr.text for (_, src), tr in mine.items() if any("а" <= c <= "я" for c in (tr.text or "").lower())]
    assert len(cyrillic) > 0.9 * len(mine)


def test_ts_files_match_the_sources_and_build_is_idempotent(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Work on a copy so the test never rewrites the committed files.
    copy = tmp_path / "resources"
    shutil.copytree(resource_path("translations"), copy / "translations")
    monkeypatch.setattr(i18n_build, "resource_path", lambda *parts: copy.joinpath(*parts))
    before = {p.name: p.read_bytes() for p in (copy / "translations").iterdir()}
    changed = i18n_build.build(force=True)
    mine_changed = [n for n in changed if n.endswith(".ts")]
    # A .ts that changes here means a string in app/ui is not in the committed sources.
    after = _messages(copy / "translations" / "sova_ru.ts")
    new = [src for (ctx, src) in after if ctx in WINDOW_CONTEXTS and (ctx, src) not in
           _messages(resource_path("translations", "sova_ru.ts"))]
    assert new == [], "run `python -m app.ui.i18n_build` and translate: " + ", ".join(new)
    assert i18n_build.build() == []  # up to date: nothing to do
    assert i18n_build.build(force=True) == []  # and running again changes nothing
    for name, data in before.items():
        if name.endswith(".qm") and not mine_changed:
            assert (copy / "translations" / name).read_bytes() == data


def test_installed_russian_translator_translates(qapp) -> None:  # type: ignore[no-untyped-def]
    try:
        assert i18n.install("ru") == "ru"
        assert QCoreApplication.translate("MainWindow", "New chat") == "Новый чат"
        assert QCoreApplication.translate("BubbleDelegate", "Regenerate") == "Ответить заново"
        assert i18n.install("en") == "en"
        assert QCoreApplication.translate("MainWindow", "New chat") == "New chat"
    finally:
        i18n.install("en")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_compiled_files_exist_for_frozen_builds(lang: str) -> None:
    qm = resource_path("translations", f"sova_{lang}.qm")
    assert qm.exists() and qm.stat().st_size > 1000
