"""The layering rule: app/core never imports Qt (also enforced by import-linter)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_sources_do_not_import_qt() -> None:
    offenders = []
    for path in (ROOT / "app" / "core").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in {"PySide6", "shiboken6"} or n.startswith("app.ui") for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_importing_the_core_loads_no_qt() -> None:
    code = (
        "import sys, app.core.assistant, app.core.store, app.core.config, app.cli;"
        "import app.core.llm, app.core.models;"
        "bad=[m for m in sys.modules if m.startswith(('PySide6','shiboken6','llama_cpp','torch','chromadb'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def _contracts() -> list[dict[str, object]]:
    import tomllib

    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]["contracts"]  # type: ignore[no-any-return]


def test_import_linter_contracts_are_kept() -> None:
    """Both layering rules: the core never imports Qt; the UI reaches the core only
    through the facade, types, config and file types."""
    lint = Path(sys.executable).parent / "lint-imports"
    r = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    names = [str(c["name"]) for c in _contracts()]
    assert len(names) >= 2
    for name in names:
        assert f"{name} KEPT" in r.stdout, r.stdout


def test_the_ui_contract_forbids_every_core_module_but_the_facades() -> None:
    """A new core module is forbidden to the UI from the day it is added."""
    allowed = {"assistant", "types", "config", "filetypes"}
    core = ROOT / "app" / "core"
    modules = {p.stem for p in core.glob("*.py") if p.stem != "__init__"}
    modules |= {p.parent.name for p in core.glob("*/__init__.py")}
    (ui,) = [c for c in _contracts() if c.get("source_modules") == ["app.ui"]]
    assert ui["type"] == "forbidden" and ui.get("allow_indirect_imports") is True
    assert set(ui["forbidden_modules"]) == {f"app.core.{m}" for m in modules - allowed}  # type: ignore[arg-type]
