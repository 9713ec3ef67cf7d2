"""Voice input in the window: real Whisper model, real recordings, and a real audio device.

The capture tests start a private PulseAudio server with a FIFO microphone
(tests/gui/voice_driver.py) and drive the real VoiceButton in a subprocess: Qt connects
to PulseAudio once per process, so the device must exist before Qt first looks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jiwer
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from app.core import audio
from app.ui import voice_capture
from app.ui.voice import VoiceButton

ROOT = Path(__file__).resolve().parents[2]
LIBRIVOX = "audio/pocketsphinx-testdata/usr/share/pocketsphinx/test/data/librivox"
CLIP_0870 = "sense_and_sensibility_01_austen_64kb-0870.wav"
REF_0870 = "and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them"
CLIP_0880 = "sense_and_sensibility_01_austen_64kb-0880.wav"


def normalise(text: str) -> str:
    text = re.sub(r"\bmr\b\.?", "mister", text.lower())
    return " ".join(re.sub(r"[^\w\s']", " ", text).split())


@pytest.fixture
def real_speech(assistant):  # type: ignore[no-untyped-def]
    """The GUI assistant with the real speech model (shared assembled models)."""
    assistant.settings.speech.model = "whisper-base"
    assistant.settings.speech.language = "en"
    assistant.speech.prepare()
    return assistant


@pytest.fixture
def box(qtbot, real_speech):  # type: ignore[no-untyped-def]
    """A standalone input box + VoiceButton; `sent` records send() calls."""
    host = QWidget()
    editor = QPlainTextEdit(host)
    sent: list[str] = []
    button = VoiceButton(real_speech, editor, lambda: sent.append(editor.toPlainText()), host)
    qtbot.addWidget(host)
    host.show()
    yield editor, button, sent
    from app.ui import workers

    assert workers.shutdown(10000)


def test_no_microphone_disables_the_button_and_says_why(qtbot, assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(voice_capture, "audio_inputs", lambda: [])
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    b = VoiceButton(assistant, editor, lambda: None)
    qtbot.addWidget(b)
    assert not b.button.isEnabled()
    assert "No microphone found" in b.button.toolTip()
    b.start_recording()  # e.g. via the shortcut: a message, no crash
    assert not b.recording and "No microphone" in b.status.text()


def test_dropped_file_streams_into_the_box_after_typed_text(qtbot, window, real_speech, fetched) -> None:  # type: ignore[no-untyped-def]
    chat = window.chat
    qtbot.waitUntil(lambda: chat.voice.isVisible())  # placed after the window shows
    chat.input.setPlainText("Summarise this:")
    wav = fetched / LIBRIVOX / CLIP_0870
    segments: list[object] = []
    chat.voice.sig_segment.connect(segments.append)
    with qtbot.waitSignal(chat.voice.sig_done, timeout=180_000) as done:
        window.open_paths([wav])
        assert chat.voice.progress.isVisible()
    text = chat.input.toPlainText()
    assert text.startswith("Summarise this: ")
    assert jiwer.wer(REF_0870, normalise(text[len("Summarise this:"):])) <= 0.10
    assert normalise(done.args[0]) == normalise(text[len("Summarise this:"):])
    assert segments and not chat.voice.progress.isVisible()


def test_recording_inserts_at_the_cursor_and_sends_on_release(qtbot, box, fetched) -> None:  # type: ignore[no-untyped-def]
    editor, button, sent = box
    editor.setPlainText("Before  after")
    cursor = editor.textCursor()
    cursor.setPosition(len("Before "))
    editor.setTextCursor(cursor)
    button.assistant.settings.speech.send_on_release = True
    samples = audio.decode_file(fetched / LIBRIVOX / CLIP_0880)
    with qtbot.waitSignal(button.sig_done, timeout=120_000):
        button.transcribe_samples(samples)
        editor.appendPlainText("typed while transcribing")  # the user keeps typing
    text = editor.toPlainText()
    assert normalise(text).startswith("before he was not an ill disposed young man after")
    assert text.startswith("Before He") and text.endswith("typed while transcribing")
    assert sent == [text]


def test_file_transcript_can_be_added_to_the_documents_with_times(qtbot, box, fetched, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.core.rag.library import DocumentLibrary
    from tests.fakes.embedder import FakeEmbedder

    editor, button, _ = box
    assistant = button.assistant
    # A hashing embedder keeps this GUI test fast; tests/integration covers the real e5.
    assistant._documents = DocumentLibrary(assistant.paths, assistant.settings, embedder_factory=lambda _name: FakeEmbedder())
    assert not button.add_docs_button.isVisible()
    wav = tmp_path / "interview.wav"
    wav.write_bytes((fetched / LIBRIVOX / CLIP_0880).read_bytes())
    with qtbot.waitSignal(button.sig_done, timeout=120_000):
        button.transcribe_file(wav)
    assert button.add_docs_button.isVisible() and button.add_docs_button.text() == "Add to documents"
    with qtbot.waitSignal(button.sig_added_to_documents, timeout=60_000) as added:
        qtbot.mouseClick(button.add_docs_button, Qt.MouseButton.LeftButton)
    assert added.args == [str(wav)] and not button.add_docs_button.isVisible()
    assert "interview.wav" in button.status.text()
    [rec] = assistant.documents.files()
    assert rec.path == str(wav) and rec.chunks == 1
    [cite] = assistant.documents.retrieve("ill disposed young man", (), 3)
    assert cite.start_seconds == 0.0 and cite.heading == "00:00:00" and "young man" in cite.text
    assistant.documents.close()


def test_silent_recording_says_no_speech_and_keeps_the_text(qtbot, box) -> None:  # type: ignore[no-untyped-def]
    editor, button, sent = box
    editor.setPlainText("my question")
    with qtbot.waitSignal(button.sig_done, timeout=30_000) as done:
        button.transcribe_samples(np.zeros(16000 * 2, np.float32))
    assert done.args == [""]
    assert editor.toPlainText() == "my question" and sent == []
    assert button.status.text() == "No speech detected."


def test_bad_and_silent_files_show_a_message_and_keep_the_text(qtbot, box, tmp_path) -> None:  # type: ignore[no-untyped-def]
    editor, button, _ = box
    editor.setPlainText("draft")
    bad = tmp_path / "meeting.m4a"
    bad.write_text("not audio " * 100)
    with qtbot.waitSignal(button.sig_done, timeout=30_000):
        button.transcribe_file(bad)
    assert "meeting.m4a" in button.status.text() and editor.toPlainText() == "draft"
    import wave

    silent = tmp_path / "empty-room.wav"
    with wave.open(str(silent), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes(b"\0\0" * 16000 * 3)
    with qtbot.waitSignal(button.sig_done, timeout=30_000):
        button.transcribe_file(silent)
    assert button.status.text() == "No speech detected in empty-room.wav."
    assert editor.toPlainText() == "draft"


def test_cancel_a_long_file_keeps_the_text_so_far(qtbot, box, fetched, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import wave

    editor, button, _ = box
    clips = [audio.decode_file(p) for p in sorted((fetched / LIBRIVOX).glob("*.wav"))]
    long = np.concatenate(clips * 3)
    path = tmp_path / "long.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes((long * 32767).astype("<i2").tobytes())
    with qtbot.waitSignal(button.sig_segment, timeout=120_000):
        button.transcribe_file(path)
    assert button.cancel_button.isVisible()
    with qtbot.waitSignal(button.sig_done, timeout=60_000):
        button.cancel_button.click()
    kept = editor.toPlainText()
    assert kept and len(kept.split()) < 150  # part of it, not all
    assert "Stopped transcribing" in button.status.text()


def test_files_queue_a_dictation_goes_first_and_cancel_drops_the_queue(qtbot, assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Through the job runner's speech lane, with a scripted transcriber (no model)."""
    import threading

    from app.core.speech import Segment

    monkeypatch.setattr(voice_capture, "audio_inputs", lambda: [])
    gates = {name: threading.Event() for name in ("one", "two", "three")}  # a file's second segment waits
    started: list[str] = []

    def fake_file(path, progress, cancel):  # type: ignore[no-untyped-def]
        started.append(path.name)
        progress(0.1, "Transcribing")
        yield Segment(0.0, 1.0, f"{path.stem} first")
        while not gates[path.stem].wait(0.01):
            cancel.raise_if_cancelled()
        yield Segment(1.0, 2.0, f"{path.stem} second")

    def fake_pcm(samples, progress, cancel):  # type: ignore[no-untyped-def]
        yield Segment(0.0, 1.0, "dictated words")

    monkeypatch.setattr(assistant.speech, "transcribe_file", fake_file)
    monkeypatch.setattr(assistant.speech, "transcribe_pcm", fake_pcm)
    host = QWidget()
    editor = QPlainTextEdit(host)
    b = VoiceButton(assistant, editor, lambda: None, host)
    qtbot.addWidget(host)
    host.show()
    done: list[str] = []
    b.sig_done.connect(done.append)

    b.transcribe_file(Path("/audio/one.wav"))
    assert b.progress.isVisible() and b.cancel_button.isVisible() and b.busy
    b.transcribe_file(Path("/audio/two.wav"))
    assert b.status.text() == "Queued two.wav"
    qtbot.waitUntil(lambda: "one first" in editor.toPlainText(), timeout=10_000)
    # A dictation overtakes the file at its next segment; the second file keeps waiting.
    b.transcribe_samples(np.ones(16000, np.float32))
    gates["one"].set()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=10_000)
    assert done == ["dictated words", "one first one second"]
    qtbot.waitUntil(lambda: "two first" in editor.toPlainText(), timeout=10_000)
    b.transcribe_file(Path("/audio/three.wav"))  # queued behind two
    b.cancel_button.click()
    qtbot.waitUntil(lambda: not b.busy, timeout=10_000)
    assert done[-1] == "two first" and len(done) == 3  # the dropped file never started
    assert started == ["one.wav", "two.wav"]
    assert b.status.text() == "Stopped transcribing two.wav."
    assert not b.progress.isVisible() and not b.cancel_button.isVisible()
    assert "three" not in editor.toPlainText()


def test_voice_button_speaks_russian_and_switches_at_run_time(qtbot, assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.ui import i18n

    monkeypatch.setattr(voice_capture, "audio_inputs", lambda: [])
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    b = VoiceButton(assistant, editor, lambda: None)
    qtbot.addWidget(b)
    assert b.button.toolTip().startswith("No microphone found")
    try:
        assert i18n.install("ru") == "ru"
        # LanguageChange events are posted: the button re-reads its texts when they arrive.
        qtbot.waitUntil(lambda: b.button.toolTip().startswith("Микрофон не найден"), timeout=5_000)
        assert b.button.accessibleName() == "Записать вопрос голосом"
        b.start_recording()
        assert b.status.text() == "Микрофон не найден."
        b.transcribe_samples(np.zeros(16000, np.float32))  # silence: no model run
        qtbot.waitUntil(lambda: b.status.text() == "Речь не обнаружена.", timeout=10_000)
        qtbot.waitUntil(lambda: not b.busy, timeout=10_000)
    finally:
        i18n.install("en")
    qtbot.waitUntil(lambda: b.button.toolTip().startswith("No microphone found"), timeout=5_000)


def test_ctrl_space_is_push_to_talk_and_types_no_space(qtbot, assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(voice_capture, "audio_inputs", lambda: ["a microphone"])
    host = QWidget()
    editor = QPlainTextEdit(host)
    b = VoiceButton(assistant, editor, lambda: None, host)
    qtbot.addWidget(host)
    calls: list[str] = []
    monkeypatch.setattr(b, "start_recording", lambda: calls.append("start"))
    monkeypatch.setattr(b, "stop_recording", lambda: calls.append("stop"))
    host.show()
    editor.setFocus()
    qtbot.keyPress(editor, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyRelease(editor, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert calls == ["start", "stop"] and editor.toPlainText() == ""
    assistant.settings.speech.mode = "toggle"
    qtbot.keyPress(editor, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyRelease(editor, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert calls == ["start", "stop", "start"]  # toggle: release does not stop
    qtbot.keyClick(editor, Qt.Key.Key_Space)  # a plain space is still typed
    assert editor.toPlainText() == " "


def test_settings_page_applies_and_saves(qtbot, assistant) -> None:  # type: ignore[no-untyped-def]
    from app.core.config import load_settings
    from app.ui.voice_settings import VoiceSettingsPage

    page = VoiceSettingsPage(assistant)
    qtbot.addWidget(page)
    assert page.device.itemData(0) == ""  # system default is always offered
    page.mode.setCurrentIndex(page.mode.findData("toggle"))
    page.language.setCurrentIndex(page.language.findData("ru"))
    page.model.setCurrentIndex(page.model.findData("whisper-tiny.en"))
    page.max_seconds.setValue(30)
    page.send_on_release.setChecked(True)
    page.apply()
    saved = load_settings(assistant.paths).speech
    assert (saved.mode, saved.language, saved.model, saved.max_seconds, saved.send_on_release) == (
        "toggle", "ru", "whisper-tiny.en", 30, True)


# ---- through a real audio device (PulseAudio + FIFO microphone) -----------------------------


def _drive(fetched: Path, tmp_path: Path, *extra: str, clip: str | Path = CLIP_0870) -> dict:  # type: ignore[type-arg]
    assert shutil.which("pulseaudio") and shutil.which("pactl"), "Debian pulseaudio + pulseaudio-utils are required"
    sys.path.insert(0, str(Path(__file__).parent))
    from voice_driver import PulseMic

    out = tmp_path / "result.json"
    wav = clip if isinstance(clip, Path) else fetched / LIBRIVOX / clip
    with PulseMic() as mic:
        env = {**os.environ, **mic.env, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
        r = subprocess.run(
            [sys.executable, str(Path(__file__).parent / "voice_driver.py"), str(wav), str(out),
             "--fifo", str(mic.fifo), *extra],
            env=env, capture_output=True, text=True, timeout=400,
        )
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(out.read_text())


def test_real_microphone_capture_to_text(fetched, tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = _drive(fetched, tmp_path)
    assert res["enabled"] and res["finished"], res
    assert res["text"].startswith("Note: ")  # typed text kept, transcript after it
    words = normalise(res["text"][len("Note: "):])
    wer = jiwer.wer(REF_0870, words)
    print(f"\nreal device: WER {wer:.3f}, written {res['written_samples']} captured {res['captured_samples']}, "
          f"release->text {res['release_to_text_s']:.2f}s")
    assert wer <= 0.10, words
    # Nothing dropped at the start or the end: first and last words, and the sample count.
    assert words.split()[:3] == ["and", "mister", "john"] and words.split()[-2:] == ["for", "them"]
    assert abs(res["captured_samples"] - res["written_samples"]) <= 0.1 * 16000, res
    assert res["max_level"] > 0.3  # the meter moved while "speaking"
    assert res["message"] == ""


def test_microphone_unplugged_while_recording_keeps_what_was_said(fetched, tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = _drive(fetched, tmp_path, "--unplug-after", "3.5")
    assert res["finished"], res
    assert "transcribing what was recorded" in res["message"].lower()
    words = normalise(res["text"][len("Note: "):]).split()
    assert words[:3] == ["and", "mister", "john"] and "them" not in words
    assert 2.5 * 16000 < res["captured_samples"] < 6.5 * 16000
    print(f"\nunplug reported by Qt itself: {res['detected_by_qt']}")


def test_long_dictation_streams_phrases_while_speaking(fetched, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Three sentences with pauses (~17 s): the first ones appear before the button is
    released, nothing is lost at the cuts, and release -> final text stays short."""
    import wave

    names = [CLIP_0870, CLIP_0880, "sense_and_sensibility_01_austen_64kb-0890.wav"]
    refs = {}
    for line in (fetched / LIBRIVOX / "transcription").read_text().splitlines():
        m = re.match(r"<s> (.*) </s> \((.*)\)", line.strip())
        if m:
            refs[m.group(2) + ".wav"] = m.group(1)
    pause = np.zeros(int(0.7 * 16000), np.float32)
    speech = np.concatenate([x for n in names for x in (audio.decode_file(fetched / LIBRIVOX / n), pause)][:-1])
    wav = tmp_path / "dictation.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes((speech * 32767).astype("<i2").tobytes())
    res = _drive(fetched, tmp_path, clip=wav)
    assert res["finished"], res
    words = normalise(res["text"][len("Note: "):])
    ref = normalise(" ".join(refs[n] for n in names))
    wer = jiwer.wer(ref, words)
    print(f"\nlong dictation: WER {wer:.3f}, {res['segments_before_release']} segment(s) before release, "
          f"release->text {res['release_to_text_s']:.2f}s, segments at {res['segment_times']}")
    assert wer <= 0.10, words
    assert res["segments_before_release"] >= 1  # streamed while speaking
    assert words.split()[:3] == ["and", "mister", "john"] and words.split()[-2:] == ["ill", "disposed"]
    assert abs(res["captured_samples"] - res["written_samples"]) <= 0.1 * 16000, res
    assert res["release_to_text_s"] < 5.0  # generous on a loaded CI machine; see bench_release_latency.py
