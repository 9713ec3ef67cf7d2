"""Audio decoding and conversion to what Whisper wants: float32, 16 kHz, mono.

Files are decoded with PyAV (FFmpeg; faster-whisper already depends on it) as a
stream of windows, so a two-hour recording never sits in memory at once. Microphone
buffers in any sample format and rate are converted with the same resampler.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from app.core.types import SovaError

SAMPLE_RATE = 16_000  # what Whisper was trained on
AUDIO_EXTENSIONS = (".wav", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".flac", ".webm", ".wma")

# 10 minutes of float32 at 16 kHz = 38 MB: a window is transcribed, then dropped.
WINDOW_SECONDS = 600.0
# Windows are cut at the quietest 100 ms within this many seconds before the limit,
# so a word is not split in two between windows.
_CUT_SEARCH_SECONDS = 8.0
_CUT_FRAME = SAMPLE_RATE // 10


@dataclass(frozen=True)
class AudioWindow:
    """A piece of a file: samples (float32, 16 kHz, mono) starting at `offset` seconds."""

    offset: float
    samples: np.ndarray

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def is_audio_file(path: Path) -> bool:
    """True for names Sova treats as audio (drop target filter); content is checked later."""
    return path.suffix.lower() in AUDIO_EXTENSIONS


def _unreadable(path: Path, reason: str) -> SovaError:
    return SovaError(f"Cannot read audio file {path.name}: {reason}")


def probe_duration(path: Path) -> float | None:
    """Duration in seconds from the container header; None when unknown. Raises SovaError."""
    import av

    try:
        with av.open(str(path)) as container:
            stream = _audio_stream(container, path)
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
            if container.duration is not None:
                return container.duration / 1_000_000  # AV_TIME_BASE
    except av.FFmpegError as exc:
        raise _unreadable(path, _reason(exc)) from exc
    return None


def _audio_stream(container: "object", path: Path) -> "object":
    streams = [s for s in container.streams if s.type == "audio"]  # type: ignore[attr-defined]
    if not streams:
        raise _unreadable(path, "it has no audio track")
    return streams[0]


def _reason(exc: Exception) -> str:
    # FFmpeg messages look like "[Errno 1094995529] Invalid data found when processing input: 'x.mp3'".
    text = getattr(exc, "strerror", None) or str(exc)
    return f"not a supported audio format or the file is damaged ({text})"


def iter_windows(path: Path, window_seconds: float = WINDOW_SECONDS) -> Iterator[AudioWindow]:
    """Decode a file into consecutive windows of float32 16 kHz mono samples.

    Raises SovaError naming the file when it cannot be opened or holds no decodable audio.
    Damaged packets in the middle are skipped (like players do) rather than failing.
    """
    import av

    path = Path(path)
    if not path.is_file():
        raise SovaError(f"Audio file not found: {path}")
    if path.stat().st_size == 0:
        raise _unreadable(path, "the file is empty")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise _unreadable(path, _reason(exc)) from exc

    limit = int(min(window_seconds, 1e9) * SAMPLE_RATE)
    pending: list[np.ndarray] = []
    pending_len = 0
    offset_samples = 0
    decoded_any = False
    with container:
        stream = _audio_stream(container, path)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in _frames(container, stream):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    decoded_any = decoded_any or len(chunk) > 0
                    pending.append(chunk)
                    pending_len += len(chunk)
                while pending_len >= limit:
                    buf = np.concatenate(pending)
                    cut = quiet_cut(buf, limit)
                    yield AudioWindow(offset_samples / SAMPLE_RATE, buf[:cut].copy())
                    offset_samples += cut
                    pending = [buf[cut:]]
                    pending_len = len(pending[0])
            for out in resampler.resample(None):  # flush the resampler's tail
                pending.append(out.to_ndarray().reshape(-1))
        except av.FFmpegError as exc:
            if not decoded_any:
                raise _unreadable(path, _reason(exc)) from exc
            # A damaged tail: keep what was decoded (the transcript of the rest is useful).
    if not decoded_any:
        raise _unreadable(path, "no audio could be decoded from it")
    rest = np.concatenate(pending) if pending else np.zeros(0, np.float32)
    if len(rest):
        yield AudioWindow(offset_samples / SAMPLE_RATE, rest.astype(np.float32, copy=False))


def _frames(container: "object", stream: "object") -> Iterator["object"]:
    import av

    for packet in container.demux(stream):  # type: ignore[attr-defined]
        try:
            yield from packet.decode()
        except av.InvalidDataError:
            continue  # one damaged packet; the decoder resyncs on the next one


def quiet_cut(buf: np.ndarray, limit: int) -> int:
    """Index <= limit to end a window at: the quietest 100 ms shortly before the limit
    (within 8 s and the second half), so a word is not split in two."""
    start = max(limit // 2, limit - int(_CUT_SEARCH_SECONDS * SAMPLE_RATE))
    region = buf[start:limit]
    n = len(region) // _CUT_FRAME
    if n < 2:
        return limit
    energy = (region[: n * _CUT_FRAME].reshape(n, _CUT_FRAME) ** 2).mean(axis=1)
    return start + int(np.argmin(energy)) * _CUT_FRAME + _CUT_FRAME // 2


def decode_file(path: Path) -> np.ndarray:
    """The whole file as float32 16 kHz mono (for short files and tests)."""
    parts = [w.samples for w in iter_windows(path, window_seconds=float("inf"))]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def to_float32(raw: bytes, sample_format: str, channels: int) -> np.ndarray:
    """Interleaved PCM bytes -> float32 array of shape (frames, channels) in -1..1.

    sample_format: "u8", "s16", "s32" or "f32" (what QAudioFormat offers).
    """
    if sample_format == "s16":
        a = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif sample_format == "s32":
        a = np.frombuffer(raw, dtype="<i4").astype(np.float32) / 2147483648.0
    elif sample_format == "f32":
        a = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    elif sample_format == "u8":
        a = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    else:
        raise ValueError(f"unsupported sample format {sample_format!r}")
    frames = len(a) // max(1, channels)
    return a[: frames * channels].reshape(frames, channels)


def to_16k_mono(samples: np.ndarray, rate: int) -> np.ndarray:
    """(frames, channels) or (frames,) float32 at `rate` -> float32 16 kHz mono.

    Channels are averaged; resampling uses FFmpeg's resampler (anti-aliased), not
    linear interpolation, so a 48 kHz microphone is heard as well as a 16 kHz one.
    """
    a = np.asarray(samples, dtype=np.float32)
    mono = a.mean(axis=1) if a.ndim == 2 else a
    mono = np.ascontiguousarray(mono, dtype=np.float32)
    if rate == SAMPLE_RATE or len(mono) == 0:
        return mono
    import av

    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    frame = av.AudioFrame.from_ndarray(mono.reshape(1, -1), format="flt", layout="mono")
    frame.sample_rate = int(rate)
    parts = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    parts += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)


class StreamConverter:
    """Microphone bytes in any PCM format -> float32 16 kHz mono, chunk by chunk.

    The resampler keeps its state between chunks (no clicks at chunk edges), and a chunk
    that ends inside a frame keeps its last bytes for the next one, so converting a
    recording piecewise gives the same samples as converting it at once.
    """

    _WIDTH = {"u8": 1, "s16": 2, "s32": 4, "f32": 4}

    def __init__(self, sample_format: str, channels: int, rate: int) -> None:
        if sample_format not in self._WIDTH:
            raise ValueError(f"unsupported sample format {sample_format!r}")
        self.sample_format = sample_format
        self.channels = max(1, channels)
        self.rate = rate
        self._frame_bytes = self._WIDTH[sample_format] * self.channels
        self._rest = b""
        self._resampler: object | None = None

    def feed(self, raw: bytes) -> np.ndarray:
        """The 16 kHz mono samples these bytes complete (may be empty)."""
        raw = self._rest + raw
        whole = len(raw) - len(raw) % self._frame_bytes
        self._rest = raw[whole:]
        if not whole:
            return np.zeros(0, np.float32)
        frames = to_float32(raw[:whole], self.sample_format, self.channels)
        mono = np.ascontiguousarray(frames.mean(axis=1) if self.channels > 1 else frames[:, 0], dtype=np.float32)
        if self.rate == SAMPLE_RATE:
            return mono
        return self._resample(mono)

    def flush(self) -> np.ndarray:
        """What the resampler still holds at the end of the recording."""
        if self.rate == SAMPLE_RATE or self._resampler is None:
            return np.zeros(0, np.float32)
        return self._resample(None)

    def _resample(self, mono: np.ndarray | None) -> np.ndarray:
        import av

        if self._resampler is None:
            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        frame = None
        if mono is not None:
            frame = av.AudioFrame.from_ndarray(mono.reshape(1, -1), format="flt", layout="mono")
            frame.sample_rate = int(self.rate)
        parts = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]  # type: ignore[attr-defined]
        return np.concatenate(parts).astype(np.float32, copy=False) if parts else np.zeros(0, np.float32)


class LiveAudio:
    """A recording that is still being made: one thread appends, another reads.

    Samples are float32 16 kHz mono. close() marks the end; readers waiting for more
    audio wake up then. Reads are copies, so the writer never disturbs a reader.
    """

    def __init__(self) -> None:
        self._parts: list[np.ndarray] = []
        self._size = 0
        self._closed = False
        self._cond = threading.Condition()

    @property
    def size(self) -> int:
        """Samples appended so far."""
        with self._cond:
            return self._size

    @property
    def closed(self) -> bool:
        with self._cond:
            return self._closed

    def append(self, samples: np.ndarray) -> None:
        if len(samples) == 0:
            return
        with self._cond:
            if self._closed:
                return  # audio after the end is not part of this recording
            self._parts.append(np.asarray(samples, dtype=np.float32).reshape(-1))
            self._size += len(self._parts[-1])
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def wait_for(self, size: int, timeout: float) -> bool:
        """Block until `size` samples exist or the recording ends; True if they exist."""
        with self._cond:
            self._cond.wait_for(lambda: self._size >= size or self._closed, timeout)
            return self._size >= size

    def read(self, start: int = 0, end: int | None = None) -> np.ndarray:
        """A copy of samples[start:end] of the recording so far."""
        with self._cond:
            if len(self._parts) > 1:  # join once; later reads slice the joined array
                self._parts = [np.concatenate(self._parts)]
            whole = self._parts[0] if self._parts else np.zeros(0, np.float32)
            return whole[start:end].copy()


def rms_dbfs(samples: np.ndarray) -> float:
    """Loudness of a buffer in dB relative to full scale (-100 for silence)."""
    if len(samples) == 0:
        return -100.0
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return max(-100.0, 20.0 * np.log10(rms)) if rms > 0 else -100.0


def is_silent(samples: np.ndarray, threshold_dbfs: float = -60.0) -> bool:
    """True when even the loudest 100 ms of a buffer is below the threshold (no voice)."""
    n = len(samples) // _CUT_FRAME
    if n == 0:
        return rms_dbfs(samples) < threshold_dbfs
    frames = samples[: n * _CUT_FRAME].reshape(n, _CUT_FRAME)
    loudest = float(np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1)).max())
    return loudest <= 0 or 20 * np.log10(loudest) < threshold_dbfs
