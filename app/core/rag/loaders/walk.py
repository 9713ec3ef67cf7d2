"""Walking dropped files and folders: every file of a supported kind once, in a stable
order, and a plain reason for everything skipped."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Iterable, Iterator

from app.core.rag.loaders.kinds import kind_of


def iter_files(
    paths: Iterable[Path], *, include_hidden: bool = False, max_depth: int = 100
) -> Iterator[Path | tuple[Path, str]]:
    """Every supported file under ``paths``, once each, in a stable order.

    Yields a ``Path`` for a file to load, or ``(path, reason)`` for something skipped:
    a named path that is missing or unsupported, an unreadable folder, a symlink loop,
    a folder nested deeper than ``max_depth``, a broken link. Inside folders, files of
    unsupported types and hidden entries (unless ``include_hidden``) are passed over
    silently, so dropping a home folder does not list thousands of "failed" files.
    Symlinks are followed; each real file and folder is visited once. The walk uses an
    explicit stack, so depth never costs recursion.
    """
    seen_files: set[tuple[int, int]] = set()
    seen_dirs: set[tuple[int, int]] = set()
    for top in paths:
        top = Path(top)
        try:
            st = top.stat()
        except FileNotFoundError:
            if top.is_symlink():
                yield top, "broken link: its target does not exist"
            else:
                yield top, "not found"
            continue
        except OSError as exc:
            yield top, _os_reason(exc)
            continue
        if stat.S_ISREG(st.st_mode):
            if kind_of(top) is None:
                yield top, f"files of type '{top.suffix or 'without extension'}' are not supported"
            elif (st.st_dev, st.st_ino) not in seen_files:
                seen_files.add((st.st_dev, st.st_ino))
                yield top
            continue
        if not stat.S_ISDIR(st.st_mode):
            yield top, "not a regular file or folder"
            continue
        yield from _walk(top, st, seen_files, seen_dirs, include_hidden, max_depth)


def _os_reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is too long"
    return exc.strerror or str(exc)


def _walk(top: Path, top_st: os.stat_result, seen_files: set[tuple[int, int]],
          seen_dirs: set[tuple[int, int]], include_hidden: bool,
          max_depth: int) -> Iterator[Path | tuple[Path, str]]:
    stack: list[tuple[Path, int]] = []
    if (top_st.st_dev, top_st.st_ino) in seen_dirs:
        return
    seen_dirs.add((top_st.st_dev, top_st.st_ino))
    stack.append((top, 0))
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield folder, f"folder skipped: {_os_reason(exc)}"
            continue
        subdirs: list[Path] = []
        for entry in entries:
            if not include_hidden and entry.name.startswith("."):
                continue
            p = Path(entry.path)
            try:
                st = os.stat(entry.path)  # follows symlinks
            except OSError as exc:
                if entry.is_symlink():
                    yield p, "symlink loop" if exc.errno == errno.ELOOP else "broken link: its target does not exist"
                else:
                    yield p, _os_reason(exc)
                continue
            key = (st.st_dev, st.st_ino)
            if stat.S_ISDIR(st.st_mode):
                if key in seen_dirs:
                    if entry.is_symlink():
                        yield p, "symlink loop (this folder was already scanned)"
                    continue
                if depth + 1 > max_depth:
                    yield p, f"folder skipped: nested more than {max_depth} folders deep"
                    continue
                seen_dirs.add(key)
                subdirs.append(p)
            elif stat.S_ISREG(st.st_mode):
                if kind_of(p) in (None, "image") or key in seen_files:  # pictures only one by one
                    continue
                seen_files.add(key)
                yield p
        # Files of a folder first, then its subfolders in name order.
        for sub in reversed(subdirs):
            stack.append((sub, depth + 1))
