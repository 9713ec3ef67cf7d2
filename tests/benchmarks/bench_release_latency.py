"""From releasing the talk button to the final text in the box (aim: <= 1.5 s for 5 s).

Sova's real streaming path: a private PulseAudio server with a FIFO microphone, a
LibriVox recording spoken into it at real-time pace while the VoiceButton is held;
the button's worker transcribes while the user speaks (SpeechService.transcribe_live:
pieces cut at pauses, fitted encoder window), release, wait for the final text in the
input box (tests/gui/voice_driver.py, a fresh process per run, model warm as after the
first use). Two utterances:
  - "5 s": clip 0890 (5.3 s, one sentence without a long pause),
  - "17 s dictation": clips 0870, 0880, 0890 with 0.7 s pauses between them.
Baseline in the same run: bare faster-whisper (stock WhisperModel, same model, int8,
2 threads, beam 1, VAD, language en) transcribing the whole utterance after the end,
which is what any non-streaming implementation has to do after release.

    .venv/bin/python tests/benchmarks/bench_release_latency.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "gui"))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))
LIBRIVOX = ROOT / "tests/.data/audio/pocketsphinx-testdata/usr/share/pocketsphinx/test/data/librivox"
CLIP = LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0890.wav"
DICTATION = ("0870", "0880", "0890")
AIM = 1.5


def _dictation_wav(dest: Path) -> Path:
    from app.core import audio

    pause = np.zeros(int(0.7 * 16000), np.float32)
    parts = [audio.decode_file(LIBRIVOX / f"sense_and_sensibility_01_austen_64kb-{n}.wav") for n in DICTATION]
    speech = np.concatenate([x for p in parts for x in (p, pause)][:-1])
    with wave.open(str(dest), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes((speech * 32767).astype("<i2").tobytes())
    return dest


def _sova_runs(mic: object, wav: Path, runs: int, label: str) -> list[float]:
    latencies = []
    for i in range(runs):
        out = Path(tempfile.mkdtemp()) / "r.json"
        env = {**os.environ, **mic.env, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}  # type: ignore[attr-defined]
        subprocess.run([sys.executable, str(ROOT / "tests/gui/voice_driver.py"), str(wav), str(out),
                        "--fifo", str(mic.fifo)], env=env, check=True, timeout=600, capture_output=True)  # type: ignore[attr-defined]
        r = json.loads(out.read_text())
        latencies.append(r["release_to_text_s"])
        print(f"{label} run {i + 1}: release -> final text {r['release_to_text_s']:.2f}s, "
              f"{r['segments_before_release']} segment(s) shown before release "
              f"(captured {r['captured_samples'] / 16000:.2f}s of {r['written_samples'] / 16000:.2f}s) "
              f"text: {r['transcript']!r}", flush=True)
    return latencies


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from app.main import offline_environment

    offline_environment()
    os.environ["SOVA_HOME"] = tempfile.mkdtemp(prefix="sova-bench-")
    from voice_driver import PulseMic

    from app.core import audio, speech
    from app.core.config import Settings, user_paths

    dictation = _dictation_wav(Path(tempfile.mkdtemp()) / "dictation.wav")
    with PulseMic() as mic:
        sova = {"5 s": _sova_runs(mic, CLIP, args.runs, "5 s"),
                "17 s dictation": _sova_runs(mic, dictation, args.runs, "17 s dictation")}

    # Baseline: bare faster-whisper on the whole utterance, same samples and settings, warm.
    from faster_whisper import WhisperModel

    svc = speech.SpeechService(user_paths().ensure(), Settings())
    model = WhisperModel(str(svc.model_dir()), device="cpu", compute_type="int8", cpu_threads=speech.CPU_THREADS)
    bare: dict[str, list[float]] = {}
    for label, wav in (("5 s", CLIP), ("17 s dictation", dictation)):
        samples = audio.decode_file(wav)
        times = []
        for _ in range(args.runs + 1):
            t0 = time.perf_counter()
            segs, _ = model.transcribe(samples, language="en", beam_size=speech.BEAM_SIZE, vad_filter=True)
            text = " ".join(s.text.strip() for s in segs)
            times.append(time.perf_counter() - t0)
        bare[label] = times[1:]  # the first call warms caches
        print(f"bare faster-whisper {label} ({len(samples) / 16000:.1f}s): "
              + ", ".join(f"{t:.2f}s" for t in bare[label]) + f" text: {text!r}", flush=True)

    print(f"\nwhisper-base int8, {speech.CPU_THREADS} threads, beam {speech.BEAM_SIZE}, VAD on, language en; "
          f"recorder tail {150} ms included in Sova's figure; load average {os.getloadavg()[0]:.1f}")
    for label in sova:
        med, base = statistics.median(sova[label]), statistics.median(bare[label])
        line = (f"{label}: Sova release -> final text median {med:.2f}s (best {min(sova[label]):.2f}s); "
                f"bare faster-whisper on the whole utterance median {base:.2f}s; ratio Sova/bare {med / base:.2f}")
        if label == "5 s":
            line += f"; aim <= {AIM}s: {'MET' if med <= AIM else 'NOT MET'}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
