"""A real microphone for tests: a private PulseAudio server with a FIFO-fed source.

`PulseMic` starts `pulseaudio` in a temporary runtime dir (so parallel runs never
collide and the user's own server is untouched), loads module-pipe-source on a FIFO
(s16le, 16 kHz, mono) as the default source, and kills the server on exit.
`feed()` writes PCM into the FIFO at real-time pace: a bulk write overruns the source,
and Qt's PulseAudio input drops bursts longer than ~50 ms, so 20 ms are written every 20 ms.

Run as a script (`python tests/gui/voice_driver.py WAV OUT.json [--screenshot DIR]`)
inside a PulseMic environment, it drives the real VoiceButton: press, speak the WAV,
release, wait for the text in the input box; results go to OUT.json. The GUI test and
the latency benchmark run it in a subprocess because Qt connects to PulseAudio once per
process, at the first device query.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

CHUNK_MS = 20


class PulseMic:
    """Context manager: a running PulseAudio server whose default source is a FIFO."""

    def __init__(self, rate: int = 16000) -> None:
        self.rate = rate
        self.dir = Path(tempfile.mkdtemp(prefix="sova-pulse-"))
        self.fifo = self.dir / "mic.fifo"
        self.pid: int | None = None
        self.module_id: str | None = None

    @property
    def env(self) -> dict[str, str]:
        run = self.dir / "run"
        return {
            "XDG_RUNTIME_DIR": str(run),
            "PULSE_RUNTIME_PATH": str(run / "pulse"),
            "PULSE_STATE_PATH": str(self.dir / "state"),
            "PULSE_SERVER": f"unix:{run / 'pulse' / 'native'}",
            "HOME": str(self.dir / "home"),
            "QT_LOGGING_RULES": "qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg=false",
        }

    def _env(self) -> dict[str, str]:
        return {**os.environ, **self.env}

    def pactl(self, *args: str) -> str:
        return subprocess.run(["pactl", *args], env=self._env(), check=True, capture_output=True, text=True, timeout=20).stdout.strip()

    def __enter__(self) -> "PulseMic":
        for sub in ("run", "run/pulse", "state", "home"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir / "run", 0o700)
        env = self._env()
        env.pop("PULSE_SERVER")  # the daemon itself must not try to connect anywhere
        subprocess.run(
            ["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n", "--use-pid-file=yes",
             "--load=module-native-protocol-unix", "--load=module-null-sink",
             f"--log-target=file:{self.dir / 'pulse.log'}"],
            env=env, check=True, timeout=30, capture_output=True,
        )
        pidfile = self.dir / "run" / "pulse" / "pid"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if pidfile.exists():
                try:
                    self.pactl("info")
                    break
                except subprocess.CalledProcessError:
                    pass
            time.sleep(0.1)
        self.pid = int(pidfile.read_text().split()[0])
        self.module_id = self.pactl(
            "load-module", "module-pipe-source", "source_name=sova_mic", f"file={self.fifo}",
            "format=s16le", f"rate={self.rate}", "channels=1",
        )
        self.pactl("set-default-source", "sova_mic")
        return self

    def unplug(self) -> None:
        """Remove the virtual microphone (as if its USB cable were pulled)."""
        if self.module_id:
            self.pactl("unload-module", self.module_id)
            self.module_id = None

    def __exit__(self, *exc: object) -> None:
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGTERM)
                for _ in range(50):
                    os.kill(self.pid, 0)
                    time.sleep(0.1)
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


def read_wav_s16(path: Path) -> bytes:
    """PCM of a 16 kHz mono 16-bit WAV file."""
    with wave.open(str(path)) as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2, path
        return w.readframes(w.getnframes())


def feed(fifo: Path, pcm: bytes, rate: int = 16000, stop: threading.Event | None = None) -> int:
    """Write PCM into the FIFO at real-time pace; returns the bytes written."""
    step = rate * 2 * CHUNK_MS // 1000
    fd = os.open(str(fifo), os.O_WRONLY)
    written = 0
    t0 = time.monotonic()
    try:
        for i in range(0, len(pcm), step):
            if stop is not None and stop.is_set():
                break
            written += os.write(fd, pcm[i : i + step])
            time.sleep(max(0.0, t0 + written / (rate * 2) - time.monotonic()))
    finally:
        os.close(fd)
    return written


def drive(wav: Path, fifo: Path, out: Path, typed: str = "Note: ", screenshot_dir: Path | None = None,
          unplug_after: float | None = None, main_window: bool = False) -> None:
    """Press the real VoiceButton, speak `wav` into the FIFO, release, wait for the text."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QHBoxLayout, QPlainTextEdit, QWidget

    from app.core.assistant import Assistant
    from app.ui.voice import VoiceButton

    app = QApplication.instance() or QApplication([])
    assistant = Assistant()
    assistant.settings.speech.language = os.environ.get("SOVA_TEST_LANGUAGE", "en")  # type: ignore[assignment]
    sent: list[str] = []
    if main_window:  # the real window (screenshots): its input box and voice button
        from app.ui.main_window import MainWindow

        window = MainWindow(assistant)
        window.resize(1100, 720)
        editor, voice = window.chat.input, window.chat.voice
    else:
        window = QWidget()
        window.setWindowTitle("Sova voice")
        editor = QPlainTextEdit(window)
        voice = VoiceButton(assistant, editor, lambda: sent.append(editor.toPlainText()), window)
        lay = QHBoxLayout(window)
        lay.addWidget(editor, 1)
        lay.addWidget(voice)
        window.resize(720, 140)
    window.show()
    editor.setPlainText(typed)
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    result: dict[str, object] = {"enabled": voice.button.isEnabled(), "tooltip": voice.button.toolTip()}

    def pump(ms: int = 10) -> None:
        # An event loop, not processEvents()/qWait(): in PySide6 6.12 each of those calls
        # leaks a reference to None, and a polling loop soon crashes the interpreter.
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait(cond, timeout: float) -> bool:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not cond() and time.monotonic() < deadline:
            pump()
        return bool(cond())

    if not wait(lambda: voice.button.isEnabled(), 10):
        result["error"] = "button never enabled"
        out.write_text(json.dumps(result))
        return
    assistant.speech.prepare()  # a warm model, as after the first use in a session
    pcm = read_wav_s16(wav)
    done: list[str] = []
    voice.sig_done.connect(done.append)
    segments: list[tuple[float, str]] = []
    voice.sig_segment.connect(lambda s: segments.append((time.monotonic(), s.text)))
    levels: list[float] = []
    written: list[int] = []
    stop = threading.Event()

    QTest.mousePress(voice.button, Qt.MouseButton.LeftButton)
    pressed_at = time.monotonic()
    writer = threading.Thread(target=lambda: written.append(feed(fifo, pcm, stop=stop)), daemon=True)
    writer.start()  # the user starts speaking right at the press
    shot_taken = False
    streamed_shot = False
    unplugged = False
    while writer.is_alive():
        pump()
        levels.append(voice.meter.fraction)
        now = time.monotonic() - pressed_at
        if screenshot_dir is not None and not shot_taken and now > 1.5 and voice.meter.fraction > 0.3:
            window.grab().save(str(screenshot_dir / "voice-recording.png"))
            shot_taken = True
        if screenshot_dir is not None and not streamed_shot and segments and voice.recording:
            window.grab().save(str(screenshot_dir / "voice-streaming.png"))  # text while still speaking
            streamed_shot = True
        if unplug_after is not None and not unplugged and now > unplug_after:
            unplugged = True
            PulseUnplug.run()
            stop.set()
    writer.join()
    if unplugged:  # the user still holds the button for a moment after the cable is pulled
        result["detected_by_qt"] = wait(lambda: not voice.recording, 1.5)
        if voice.recording:
            # Qt 6.12 on PulseAudio 16 does not report the removed source (PulseAudio
            # moves the stream to another source); deliver the device-list change the
            # way QMediaDevices does on systems that report it.
            import app.ui.voice_capture as capture_mod

            capture_mod.audio_inputs = lambda: []  # type: ignore[assignment]
            voice.recorder._media.audioInputsChanged.emit()
            wait(lambda: not voice.recording, 1.0)
        result["stopped_before_release"] = not voice.recording
    QTest.mouseRelease(voice.button, Qt.MouseButton.LeftButton)
    released_at = time.monotonic()
    ok = wait(lambda: bool(done), 120)
    final_at = time.monotonic()
    first_segment_at = segments[0][0] if segments else None
    if screenshot_dir is not None:
        window.grab().save(str(screenshot_dir / "voice-transcript.png"))
        # A dropped file mid-way: progress bar, cancel button, streamed text.
        import numpy as np

        from app.core import audio as core_audio

        long = np.concatenate([core_audio.decode_file(p) for p in sorted(wav.parent.glob("*.wav"))] * 3)
        long_path = screenshot_dir / ".lecture.wav"
        with wave.open(str(long_path), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
            w.writeframes((long * 32767).astype("<i2").tobytes())
        editor.setPlainText("Summarise this lecture:")
        seen: list[object] = []
        voice.sig_segment.connect(seen.append)
        voice.transcribe_file(long_path)
        wait(lambda: len(seen) >= 4, 120)
        window.grab().save(str(screenshot_dir / "voice-file.png"))
        voice.cancel_files()
        wait(lambda: not voice.busy, 60)
        long_path.unlink()
        # A whole (short) file: the transcript, then the offer to add it to the documents.
        editor.setPlainText("")
        finished: list[str] = []
        voice.sig_done.connect(finished.append)
        voice.transcribe_file(wav)
        wait(lambda: bool(finished), 120)
        window.grab().save(str(screenshot_dir / "voice-file-done.png"))
    rec = voice.last_recording
    result.update(
        finished=ok,
        text=editor.toPlainText(),
        transcript=done[0] if done else None,
        written_samples=(written[0] if written else 0) // 2,
        captured_samples=int(len(rec)) if rec is not None else 0,
        max_level=max(levels) if levels else 0.0,
        release_to_text_s=final_at - released_at,
        release_to_first_segment_s=(first_segment_at - released_at) if first_segment_at else None,
        segments_before_release=sum(1 for t, _ in segments if t < released_at),
        segment_times=[(t - pressed_at, text) for t, text in segments],
        released_after_s=released_at - pressed_at,
        message=voice.status.text(),
        sent=sent,
        audio_seconds=len(pcm) / 32000,
    )
    out.write_text(json.dumps(result))
    window.close()
    assistant.close()


class PulseUnplug:
    """Unplug the default source from inside the driver (pactl, same environment)."""

    @staticmethod
    def run() -> None:
        mods = subprocess.run(["pactl", "list", "short", "modules"], capture_output=True, text=True, check=True).stdout
        for line in mods.splitlines():
            if "module-pipe-source" in line:
                subprocess.run(["pactl", "unload-module", line.split()[0]], check=True)


if __name__ == "__main__":
    import argparse

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from app.main import offline_environment

    offline_environment()
    ap = argparse.ArgumentParser()
    ap.add_argument("wav", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--fifo", type=Path, required=True)
    ap.add_argument("--typed", default="Note: ")
    ap.add_argument("--screenshot-dir", type=Path)
    ap.add_argument("--unplug-after", type=float)
    ap.add_argument("--main-window", action="store_true")
    a = ap.parse_args()
    drive(a.wav, a.fifo, a.out, a.typed, a.screenshot_dir, a.unplug_after, a.main_window)
