"""One place that knows where Sova's bundled resources live.

From a source checkout they sit in ``<repo>/resources``; in a PyInstaller-frozen app
they are unpacked under ``sys._MEIPASS/resources`` (build.spec copies the folder there).
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_root() -> Path:
    """The folder holding icons/, styles/, translations/ and personas/."""
    frozen_base = getattr(sys, "_MEIPASS", None)
    if frozen_base:
        return Path(frozen_base) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource, e.g. ``resource_path("translations", "sova_ru.qm")``."""
    return resources_root().joinpath(*parts)
