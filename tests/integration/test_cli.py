"""`python -m app ask` and `python -m app selftest` in a subprocess, with the real models.

selftest uses the default model (Qwen2.5-Coder 1.5B, a product requirement); the other
commands use the 0.5B to save time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import gguf
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
SMALL = "qwen2.5-coder-0.5b"


def run_app(args: list[str], home: Path, timeout: float = 600, **env: str) -> subprocess.CompletedProcess[str]:
    e = dict(os.environ)
    e.update(
        SOVA_HOME=str(home),
        SOVA_GENERATION__TEMPERATURE="0",
        SOVA_GENERATION__N_THREADS="2",
        SOVA_GENERATION__MAX_TOKENS="64",
        PYTHONUNBUFFERED="1",
    )
    e.update(env)
    return subprocess.run(
        [sys.executable, "-m", "app", *args], cwd=ROOT, env=e, capture_output=True, text=True, timeout=timeout
    )


def test_ask_streams_an_answer(sova_home: Path) -> None:
    r = run_app(["ask", "--model", SMALL, "What is the capital of France? Answer with one word."], sova_home)
    assert r.returncode == 0, r.stderr
    assert "Paris" in r.stdout


def test_ask_in_russian(sova_home: Path) -> None:
    r = run_app(["ask", "--model", SMALL, 'Как будет по-русски слово "cat"? Ответь одним словом.'], sova_home)
    assert r.returncode == 0, r.stderr
    assert "кот" in r.stdout.lower()


def test_selftest_with_the_default_model(sova_home: Path) -> None:
    r = run_app(["selftest"], sova_home, SOVA_GENERATION__MAX_TOKENS="32")
    assert r.returncode == 0, r.stderr
    assert "Paris" in r.stdout
    assert "selftest ok" in r.stderr
    assert "Qwen2.5-Coder 1.5B" in r.stderr  # the default model was the one loaded


def test_unknown_model_is_a_clear_error(sova_home: Path) -> None:
    r = run_app(["ask", "--model", "no-such-model", "hi"], sova_home)
    assert r.returncode == 1
    assert "Unknown model 'no-such-model'" in r.stderr
    assert "Traceback" not in r.stderr


def _tiny_gguf(path: Path, template: str | None) -> Path:
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("tiny")
    if template:
        w.add_chat_template(template)
    w.add_tensor("token_embd.weight", np.zeros((64, 64), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def test_bad_model_files_get_clear_messages(sova_home: Path, tmp_path: Path) -> None:
    truncated = _tiny_gguf(tmp_path / "cut.gguf", "{{ messages }}")
    truncated.write_bytes(truncated.read_bytes()[:-1000])
    r = run_app(["models", "--add", str(truncated)], sova_home)
    assert r.returncode == 1 and "cut.gguf is truncated" in r.stderr and "Traceback" not in r.stderr

    base = _tiny_gguf(tmp_path / "base.gguf", None)
    r = run_app(["models", "--add", str(base)], sova_home)
    assert r.returncode == 1 and "base.gguf has no chat template" in r.stderr

    text = tmp_path / "notes.gguf"
    text.write_text("just text")
    r = run_app(["models", "--add", str(text)], sova_home)
    assert r.returncode == 1 and "notes.gguf is not a GGUF" in r.stderr

    r = run_app(["models", "--add", str(tmp_path / "missing.gguf")], sova_home)
    assert r.returncode == 1 and "not found" in r.stderr and "missing.gguf" in r.stderr


def test_a_vision_pair_is_added_or_refused_by_name(sova_home: Path, tmp_path: Path) -> None:
    from tests.unit.images.test_vision import real_model, write_mmproj

    model = real_model(SMALL)
    r = run_app(["models", "--add", str(model), "--mmproj", str(write_mmproj(tmp_path / "mmproj-big.gguf", 1536))],
                sova_home)
    assert r.returncode == 1 and "mmproj-big.gguf gives 1536-wide" in r.stderr and "Traceback" not in r.stderr
    r = run_app(["models", "--add", str(model), "--mmproj", str(write_mmproj(tmp_path / "mmproj.gguf", 896))],
                sova_home)
    assert r.returncode == 0 and "(sees pictures)" in r.stdout, r.stderr


def test_model_file_deleted_after_adding(sova_home: Path, tmp_path: Path) -> None:
    # A user model whose file disappeared: the ask fails with the file named, exit 1.
    f = _tiny_gguf(tmp_path / "mine.gguf", "{{ messages }}")
    r = run_app(["models", "--add", str(f)], sova_home)
    assert r.returncode == 0, r.stderr
    f.unlink()
    r = run_app(["ask", "--model", "mine", "hello"], sova_home)
    assert r.returncode == 1
    assert "mine.gguf" in r.stderr and "not found" in r.stderr
    assert "Traceback" not in r.stderr


def test_memory_commands(sova_home: Path) -> None:
    r = run_app(["memory", "add", "Я живу в Казани"], sova_home)
    assert r.returncode == 0 and "remembered 1" in r.stdout, r.stderr
    r = run_app(["memory", "add", "I prefer short answers", "--persona", "legal"], sova_home)
    assert r.returncode == 0, r.stderr
    r = run_app(["memory", "list"], sova_home)
    assert "Я живу в Казани" in r.stdout and "persona legal" in r.stdout
    r = run_app(["memory", "list", "--search", "казан"], sova_home)
    assert "Казани" in r.stdout and "short answers" not in r.stdout
    r = run_app(["memory", "forget", "1"], sova_home)
    assert r.returncode == 0 and "Казани" not in run_app(["memory", "list"], sova_home).stdout
    r = run_app(["memory", "forget", "99"], sova_home)
    assert r.returncode == 1 and "forgot 0 of 1" in r.stderr
    r = run_app(["memory", "forget-all", "--yes"], sova_home)
    assert r.returncode == 0 and "erased 1 facts" in r.stderr
    assert run_app(["memory", "list"], sova_home).stdout.strip() == ""
    r = run_app(["memory", "add", "   "], sova_home)
    assert r.returncode == 1 and "cannot be empty" in r.stderr


def test_memory_extract_prints_without_storing(sova_home: Path, tmp_path: Path) -> None:
    import json

    conv = tmp_path / "chat.json"
    conv.write_text(json.dumps({"messages": [
        {"role": "user", "content": "Меня зовут Андрей, я юрист из Казани. Как составить договор?"},
        {"role": "assistant", "content": "Вы, судя по всему, врач. Договор составляют так…"},
        {"role": "user", "content": "Если бы я был космонавтом, куда бы я полетел?"},
    ]}, ensure_ascii=False), "utf-8")
    r = run_app(["memory", "extract", str(conv)], sova_home, timeout=900)
    assert r.returncode == 0, r.stderr
    added = [line for line in r.stdout.splitlines() if line.startswith("  + ")]
    assert any("Андрей" in line for line in added), r.stdout
    assert not any("врач" in line or "космонавт" in line for line in added), r.stdout
    assert run_app(["memory", "list"], sova_home).stdout.strip() == ""  # nothing stored
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", "utf-8")
    r = run_app(["memory", "extract", str(bad)], sova_home)
    assert r.returncode == 1 and "Cannot read" in r.stderr


def test_personas_commands(sova_home: Path, tmp_path: Path) -> None:
    import json

    r = run_app(["personas", "list"], sova_home)
    assert r.returncode == 0 and "* general" in r.stdout and "roaster" in r.stdout
    out = tmp_path / "legal.json"
    assert run_app(["personas", "export", str(out), "legal"], sova_home).returncode == 0
    assert [p["id"] for p in json.loads(out.read_text("utf-8"))["personas"]] == ["legal"]
    r = run_app(["personas", "import", str(out)], sova_home)
    assert r.returncode == 0 and "imported legal-" in r.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "sova-personas", "version": 3, "personas": [{"name": "x"}]}), "utf-8")
    r = run_app(["personas", "import", str(bad)], sova_home)
    assert r.returncode == 1 and "version 3" in r.stderr
    assert run_app(["personas", "list"], sova_home).stdout.count("\n") == 5


def test_ask_about_a_picture(sova_home: Path, tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (420, 80), "white")
    ImageDraw.Draw(img).text((12, 24), "Order number: 48213", font=ImageFont.truetype(
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 22), fill="black")
    img.save(tmp_path / "receipt.png")
    r = run_app(["ask", "--model", SMALL, "--image", str(tmp_path / "receipt.png"),
                 "What is the order number in this picture? Answer with the number only."], sova_home)
    assert r.returncode == 0, r.stderr
    assert "48213" in r.stdout and "Traceback" not in r.stderr


def test_ask_about_a_broken_picture_names_it(sova_home: Path, tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 broken")
    r = run_app(["ask", "--model", SMALL, "--image", str(tmp_path / "photo.jpg"), "what is this?"], sova_home)
    assert r.returncode == 1 and "photo.jpg" in r.stderr and "Traceback" not in r.stderr
