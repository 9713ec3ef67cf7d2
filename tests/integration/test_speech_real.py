"""Speech with the REAL bundled Whisper models on REAL recordings (see tests/data/SOURCES.md).

English: LibriVox clips from Debian pocketsphinx-testdata (16 kHz, with transcripts).
Russian: professional 8 kHz prompts from Debian asterisk-core-sounds-ru(-wav).
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import jiwer
import numpy as np
import pytest

from app.core import audio
from app.core.assistant import Assistant
from app.core.speech import NO_SPEECH, Segment
from app.core.types import CancelToken, Cancelled, SovaError

ROOT = Path(__file__).resolve().parents[2]
LIBRIVOX = "audio/pocketsphinx-testdata/usr/share/pocketsphinx/test/data/librivox"
RU_WAVS = "audio/asterisk-core-sounds-ru-wav/usr/share/asterisk/sounds/ru_RU_f_IvrvoiceRU"
RU_TEXT = "audio/asterisk-core-sounds-ru/usr/share/doc/asterisk-core-sounds-ru/core-sounds-ru.txt.gz"
# Twenty fixed prompts with ordinary sentences (no digits, no tone descriptions).
RU_NAMES = (
    "agent-alreadyon agent-incorrect agent-newlocation all-circuits-busy-now auth-incorrect "
    "cannot-complete-as-dialed check-number-dial-again conf-invalid confbridge-lock-no-join "
    "confbridge-only-one demo-nomatch dir-nomatch enter-num-blacklist feature-not-avail-line "
    "followme/sorry pbx-invalid queue-youarenext sorry-youre-having-problems vm-mailboxfull vm-mismatch"
).split()
# Measured 0.128 with the base model, language "ru", greedy decoding (issue goal <= 0.25).
RU_WER_MAX = 0.18
EN_WER_MAX = 0.10


def normalise(text: str) -> str:
    """Lower case, no punctuation, ё = е, Mr. = mister: WER counts words, not spelling."""
    text = text.lower().replace("ё", "е")
    text = re.sub(r"\bmr\b\.?", "mister", text)
    text = re.sub(r"[^\w\s']", " ", text)
    return " ".join(text.split())


def librivox(fetched: Path) -> dict[Path, str]:
    base = fetched / LIBRIVOX
    refs = {}
    for line in (base / "transcription").read_text().splitlines():
        m = re.match(r"<s> (.*) </s> \((.*)\)", line.strip())
        if m:
            refs[base / f"{m.group(2)}.wav"] = m.group(1)
    assert len(refs) == 5
    return refs


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    os.environ["SOVA_HOME"] = str(tmp_path_factory.mktemp("speech-home"))
    a = Assistant()
    yield a
    a.close()


def text_of(segments: list[Segment]) -> str:
    return " ".join(s.text for s in segments)


def test_english_librivox_wer_with_the_base_model(assistant: Assistant, fetched: Path) -> None:
    assistant.settings.speech.model = "whisper-base"
    assistant.settings.speech.language = "auto"
    refs, hyps = [], []
    for wav, ref in librivox(fetched).items():
        segs = list(assistant.speech.transcribe_file(wav))
        assert segs and all(0 <= s.start <= s.end <= 8.0 for s in segs)
        refs.append(normalise(ref))
        hyps.append(normalise(text_of(segs)))
    wer = jiwer.wer(refs, hyps)
    print(f"\nLibriVox English WER (whisper-base, auto language): {wer:.3f}")
    assert wer <= EN_WER_MAX, list(zip(refs, hyps))


def test_russian_asterisk_prompts_wer(assistant: Assistant, fetched: Path) -> None:
    assistant.settings.speech.model = "whisper-base"
    texts = {}
    with gzip.open(fetched / RU_TEXT, "rt", encoding="utf-8") as f:
        for line in f:
            if ":" in line and not line.startswith(";"):
                k, v = line.split(":", 1)
                texts[k.strip()] = v.strip()
    refs, hyps = [], []
    for name in RU_NAMES:
        segs = list(assistant.speech.transcribe_file(fetched / RU_WAVS / f"{name}.wav", language="ru"))
        refs.append(normalise(texts[name]))
        hyps.append(normalise(text_of(segs)))
    wer = jiwer.wer(refs, hyps)
    print(f"\nRussian asterisk prompts WER (whisper-base, ru, 8 kHz): {wer:.3f}")
    assert wer <= RU_WER_MAX, list(zip(refs, hyps))


def _russian(fetched: Path) -> dict[Path, str]:
    texts = {}
    with gzip.open(fetched / RU_TEXT, "rt", encoding="utf-8") as f:
        for line in f:
            if ":" in line and not line.startswith(";"):
                k, v = line.split(":", 1)
                texts[k.strip()] = v.strip()
    return {fetched / RU_WAVS / f"{name}.wav": texts[name] for name in RU_NAMES}


def _live(assistant: Assistant, samples: np.ndarray, language: str, speed: float = 4.0) -> list[Segment]:
    """Dictation through transcribe_live: samples arrive in 20 ms chunks at `speed` x real time."""
    import threading
    import time

    live = audio.LiveAudio()

    def feed() -> None:
        for i in range(0, len(samples), 320):
            live.append(samples[i : i + 320])
            time.sleep(0.02 / speed)
        live.close()

    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        return list(assistant.speech.transcribe_live(live, language=language))
    finally:
        feeder.join()


def test_live_dictation_keeps_the_word_error_rate(assistant: Assistant, fetched: Path) -> None:
    """The streaming path (pieces cut at pauses, fitted encoder window) on the same material."""
    assistant.settings.speech.model = "whisper-base"
    en = librivox(fetched)
    refs, hyps = [], []
    for wav, ref in en.items():
        refs.append(normalise(ref))
        hyps.append(normalise(text_of(_live(assistant, audio.decode_file(wav), "en"))))
    en_wer = jiwer.wer(refs, hyps)
    # A 25-s dictation with pauses: committed in pieces, nothing lost or doubled at the cuts.
    pause = np.zeros(int(0.6 * 16000), np.float32)
    long = np.concatenate([x for wav in en for x in (audio.decode_file(wav), pause)])
    segs = _live(assistant, long, "en", speed=1.5)
    long_wer = jiwer.wer(" ".join(refs), normalise(text_of(segs)))
    assert len({round(s.start) for s in segs}) >= 3 and [s.start for s in segs] == sorted(s.start for s in segs)
    refs, hyps = [], []
    for wav, ref in _russian(fetched).items():
        refs.append(normalise(ref))
        hyps.append(normalise(text_of(_live(assistant, audio.decode_file(wav), "ru", speed=8.0))))
    ru_wer = jiwer.wer(refs, hyps)
    print(f"\nlive dictation WER: English clips {en_wer:.3f}, 25-s dictation {long_wer:.3f}, Russian prompts {ru_wer:.3f}")
    assert en_wer <= EN_WER_MAX and long_wer <= EN_WER_MAX
    assert ru_wer <= RU_WER_MAX, list(zip(refs, hyps))


def test_file_transcript_added_to_the_documents_is_cited_with_times(assistant: Assistant, fetched: Path, tmp_path: Path) -> None:
    """Real Whisper + the real bundled embedder: a recording becomes passages cited by time."""
    import wave

    assistant.settings.speech.model = "whisper-base"
    assistant.settings.documents.chunk_chars = 150  # several passages from 25 s of speech
    clips = [audio.decode_file(w) for w in librivox(fetched)]
    pause = np.zeros(int(0.6 * 16000), np.float32)
    starts, t = [], 0.0
    for c in clips:
        starts.append(t)
        t += len(c) / 16000 + 0.6
    path = tmp_path / "reading.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes((np.concatenate([x for c in clips for x in (c, pause)]) * 32767).astype("<i2").tobytes())
    segs = list(assistant.speech.transcribe_file(path, language="en"))
    report = assistant.documents.add_transcript(path, segs)
    assert report.failed == 0 and assistant.documents.files()[0].chunks >= 3
    cites = assistant.documents.retrieve("Who was rather cold-hearted and selfish?", (), 3)
    hit = next(c for c in cites if "selfish" in c.text)
    # Clip 0890 ("Unless to be rather cold-hearted ...") starts at starts[2]; its passage
    # starts at or before it (grouped with earlier segments), never after.
    assert hit.path == str(path) and hit.start_seconds is not None
    assert starts[1] - 1 <= hit.start_seconds <= starts[2] + 0.5, (hit.start_seconds, starts)
    assert hit.heading == f"00:00:{int(hit.start_seconds):02d}"
    print(f"\ntranscript passages: {assistant.documents.files()[0].chunks}; 'selfish' cited at {hit.heading}")


def test_tiny_en_model_is_selectable(assistant: Assistant, fetched: Path) -> None:
    assistant.settings.speech.model = "whisper-tiny.en"
    try:
        refs, hyps = [], []
        for wav, ref in librivox(fetched).items():
            refs.append(normalise(ref))  # language "ru" is overridden: an .en model only does English
            hyps.append(normalise(text_of(list(assistant.speech.transcribe_file(wav, language="ru")))))
        wer = jiwer.wer(refs, hyps)
        print(f"\nLibriVox English WER (whisper-tiny.en): {wer:.3f}")
        assert wer <= 0.15, list(zip(refs, hyps))
    finally:
        assistant.settings.speech.model = "whisper-base"


def _encode(src: Path, dest: Path, codec: str, rate: int = 16000) -> Path:
    """Re-encode a WAV with PyAV (FFmpeg) into another container/codec."""
    import av

    samples = audio.decode_file(src)
    with av.open(str(dest), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout="mono")
        fmt = stream.codec_context.codec.audio_formats[0].name
        frame_size = stream.codec_context.frame_size or 1024
        resampler = av.AudioResampler(format=fmt, layout="mono", rate=rate)
        pts = 0
        for i in range(0, len(samples), frame_size):
            chunk = samples[i : i + frame_size].reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format="flt", layout="mono")
            frame.sample_rate = 16000
            for f in resampler.resample(frame):
                f.pts = pts
                pts += f.samples
                out.mux(stream.encode(f))
        for f in resampler.resample(None):
            f.pts = pts
            pts += f.samples
            out.mux(stream.encode(f))
        out.mux(stream.encode(None))
    return dest


@pytest.mark.parametrize(
    "suffix,codec,rate",
    [(".mp3", "libmp3lame", 22050), (".ogg", "libopus", 48000), (".flac", "flac", 16000), (".m4a", "aac", 16000)],
)
def test_compressed_formats(assistant: Assistant, fetched: Path, tmp_path: Path, suffix: str, codec: str, rate: int) -> None:
    wav = fetched / LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0870.wav"
    ref = normalise(librivox(fetched)[wav])
    path = _encode(wav, tmp_path / f"clip{suffix}", codec, rate)
    hyp = normalise(text_of(list(assistant.speech.transcribe_file(path))))
    assert jiwer.wer(ref, hyp) <= EN_WER_MAX, hyp


def test_mislabeled_corrupt_and_silent_files(assistant: Assistant, fetched: Path, tmp_path: Path) -> None:
    wav = fetched / LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0880.wav"
    # A WAV named .ogg: decoded by content.
    mislabeled = tmp_path / "voice-note.ogg"
    mislabeled.write_bytes(wav.read_bytes())
    assert normalise(text_of(list(assistant.speech.transcribe_file(mislabeled)))) == "he was not an ill disposed young man"
    # A text file named .mp3: a readable error naming the file.
    fake = tmp_path / "lecture.mp3"
    fake.write_text("This is a shopping list, not a recording.\n" * 30)
    with pytest.raises(SovaError, match="lecture.mp3"):
        list(assistant.speech.transcribe_file(fake))
    # An MP3 cut in half (download interrupted): what is there is transcribed.
    mp3 = _encode(fetched / LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0870.wav", tmp_path / "full.mp3", "libmp3lame", 22050)
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(mp3.read_bytes()[: mp3.stat().st_size // 2])
    words = normalise(text_of(list(assistant.speech.transcribe_file(cut)))).split()
    assert words[:4] == ["and", "mister", "john", "dashwood"] and "them" not in words[-2:]
    # Random bytes with a WAV header: an error or nothing, never a crash.
    junk = tmp_path / "junk.wav"
    junk.write_bytes(wav.read_bytes()[:44] + os.urandom(4000))
    try:
        list(assistant.speech.transcribe_file(junk))
    except SovaError as exc:
        assert "junk.wav" in str(exc)
    # Silence: no segments and a clear message.
    silent = tmp_path / "silence.wav"
    import wave

    with wave.open(str(silent), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes(b"\0\0" * 16000 * 4)
    seen: list[str] = []
    assert list(assistant.speech.transcribe_file(silent, lambda f, t: seen.append(t))) == []
    assert seen[-1] == f"{NO_SPEECH} in silence.wav"
    # Low noise (a quiet room) passes the silence check, and VAD/Whisper find no words.
    noise = (np.random.default_rng(0).normal(0, 0.002, 16000 * 3)).astype(np.float32)
    assert [s.text for s in assistant.speech.transcribe_pcm(noise)] in ([], [""])


def test_two_hour_file_is_windowed_with_progress_and_right_timestamps(assistant: Assistant, fetched: Path, tmp_path: Path) -> None:
    """Two hours of (mostly quiet) FLAC: bounded windows, progress to 100%, speech at the end found."""
    import av

    clip = audio.decode_file(fetched / LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0880.wav")
    total = 2 * 3600 * 16000
    path = tmp_path / "two-hours.flac"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("flac", rate=16000, layout="mono")
        pts, block = 0, 16000 * 60
        while pts < total:
            n = min(block, total - pts)
            data = np.zeros(n, np.int16)
            if pts + n == total:  # the clip ends the recording
                data[-len(clip) - 16000 : -16000] = (clip * 32767).astype(np.int16)
            frame = av.AudioFrame.from_ndarray(data.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate, frame.pts = 16000, pts
            pts += n
            for p in stream.encode(frame):
                out.mux(p)
        for p in stream.encode(None):
            out.mux(p)
    windows = [(w.offset, w.seconds) for w in audio.iter_windows(path)]
    assert max(s for _, s in windows) <= audio.WINDOW_SECONDS  # never the whole file in memory
    assert sum(s for _, s in windows) == pytest.approx(7200, abs=0.1)
    progress: list[float] = []
    segs = list(assistant.speech.transcribe_file(path, lambda f, t: progress.append(f) if f is not None else None))
    assert normalise(text_of(segs)) == "he was not an ill disposed young man"
    assert segs[0].start == pytest.approx(7200 - 1 - len(clip) / 16000, abs=1.5)
    assert progress == sorted(progress) and progress[-1] == 1.0 and len(progress) >= 12


def test_cancel_stops_between_segments(assistant: Assistant, fetched: Path) -> None:
    clips = [audio.decode_file(p) for p in librivox(fetched)]
    long = np.concatenate(clips + clips)  # ~60 s, several segments
    token = CancelToken()
    got = []
    with pytest.raises(Cancelled):
        for seg in assistant.speech.transcribe_pcm(long, cancel=token):
            got.append(seg)
            token.cancel()
    assert len(got) == 1


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOVA_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "app", "transcribe", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_cli_transcribe(fetched: Path, tmp_path: Path) -> None:
    wav = fetched / LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0930.wav"
    r = _cli(str(wav), home=tmp_path / "home")
    assert r.returncode == 0, r.stderr
    assert normalise(r.stdout) == "he might even have been made amiable himself"
    bad = tmp_path / "broken.m4a"
    bad.write_bytes(b"\0" * 2048)
    r = _cli(str(bad), home=tmp_path / "home")
    assert r.returncode == 1 and "broken.m4a" in r.stderr and "Traceback" not in r.stderr
