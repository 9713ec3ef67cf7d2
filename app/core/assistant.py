"""The facade: the one entry the window, the CLI and the tests use to reach the core.

Chat answers are generators of ChatEvent; every other long job takes a progress
callback and a CancelToken. Nothing here knows about Qt.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from app.core.answer import AnswerPipeline, Claims, CitationHook, DocumentsStep
from app.core.assistant_learning import FeedbackLearning
from app.core.assistant_images import Pictures
from app.core.assistant_people import PersonasMemoryPrivacy
from app.core.titles import TitleHook
from app.core.config import Paths, Settings, changed_keys, load_settings, save_settings, user_paths
from app.core.llm.base import LLM, ChatRequest, ModelError
from app.core.service.model import GenItem, ModelService, RecoveryPolicy
from app.core.service.scheduler import Priority
from app.core.public_types import PUBLIC_TYPES as _PUBLIC_TYPES
from app.core.store import Store
from app.core.types import (
    CancelToken,
    ChatEvent,
    Citation,
    Conversation,
    Health,
    HealthState,
    Message,
    ModelEvent,
    ProgressCallback,
    Role,
    no_progress,
)

if TYPE_CHECKING:
    from app.core.models import ModelInfo, ModelRegistry
    from app.core.rag.library import DocumentLibrary
    from app.core.service.jobs import JobRunner
    from app.core.speech import SpeechService

# ---- public types ------------------------------------------------------------------------
# Besides app.core.types, app.core.config and app.core.filetypes, the core names a client
# (the window) may use are listed in app.core.public_types and load on first use (PEP 562).
# Priority and DEFAULT_TITLE are plain names of this module.

if TYPE_CHECKING:
    from app.core.audio import SAMPLE_RATE as SAMPLE_RATE
    from app.core.audio import LiveAudio as LiveAudio
    from app.core.audio import StreamConverter as StreamConverter
    from app.core.audio import rms_dbfs as rms_dbfs
    from app.core.audio import to_float32 as to_float32
    from app.core.config import RemoteSettings
    from app.core.llm.remote import ServerInfo as ServerInfo
    from app.core.rag.registry import DocumentRecord as DocumentRecord
    from app.core.rag.registry import FileStatus as FileStatus
    from app.core.rag.library import DocumentLibrary as DocumentLibrary
    from app.core.rag.library import Found as Found
    from app.core.service.jobs import Job as Job
    from app.core.service.jobs import JobEvent as JobEvent
    from app.core.service.jobs import JobRunner as JobRunner
    from app.core.service.jobs import JobsClosed as JobsClosed
    from app.core.service.jobs import JobState as JobState
    from app.core.service.metrics import Metrics as Metrics
    from app.core.speech import SPEECH_MODELS as SPEECH_MODELS
    from app.core.speech import Segment as Segment
    from app.core.personas import SPICE_LEVELS as SPICE_LEVELS
    from app.core.personas import Persona as Persona
    from app.core.personas import PersonaError as PersonaError
    from app.core.personas import PersonaStore
    from app.core.memory import Decision as Decision
    from app.core.memory import Fact as Fact
    from app.core.memory import FactVersion as FactVersion
    from app.core.memory import Memory
    from app.core.memory import MemoryError as MemoryError
    from app.core.rag.embedder import Embedder
    from app.core.feedback.ratings import UNSET as UNSET
    from app.core.feedback.ratings import Rating as Rating
    from app.core.feedback.ratings import RatingError as RatingError
    from app.core.assistant_learning import QualityReport as QualityReport
    from app.core.feedback.quality import Summary as Summary
    from app.core.feedback.trigger import Verdict as Verdict
    from app.core.feedback.training_set import SetStats as SetStats
    from app.core.finetune.adapters import Adapter as Adapter
    from app.core.finetune.adapters import AdapterError as AdapterError
    from app.core.finetune.job import RunState as RunState
    from app.core.finetune.job import TrainingError as TrainingError
    from app.core.finetune.service import MIN_EXAMPLES as MIN_EXAMPLES
    from app.core.finetune.service import Plan as Plan
    from app.core.finetune.service import Training as Training
    from app.core.finetune.service import TrainingStatus as TrainingStatus


def __getattr__(name: str) -> Any:
    """A public type of a feature module, imported on first use (see _PUBLIC_TYPES)."""
    module = _PUBLIC_TYPES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


LLMFactory = Callable[["ModelInfo", Settings], LLM]

log = logging.getLogger(__name__)
DEFAULT_TITLE = "New chat"
SMALL_MODEL = "qwen2.5-coder-0.5b"  # the last step down after repeated crashes
SMALL_BATCH = 128  # the first step down: a smaller prompt batch needs less memory


def _default_llm_factory(info: "ModelInfo", settings: Settings) -> LLM:
    from app.core.llm import create_llm  # heavy: llama_cpp loads only in the host

    return create_llm(info, settings.generation)


class Assistant(PersonasMemoryPrivacy, FeedbackLearning, Pictures):
    """Sova's core, seen from outside (personas, memory and privacy in
    ``app.core.assistant_people``; ratings and learning in ``app.core.assistant_learning``)."""

    def __init__(
        self,
        paths: Paths | None = None,
        settings: Settings | None = None,
        *,
        llm_factory: LLMFactory | None = None,
        registry: "ModelRegistry | None" = None,
        recovery: RecoveryPolicy | None = None,
        memory_embedder: "Callable[[], Embedder] | None" = None,
        memory_floor: float | None = None,
    ) -> None:
        """``memory_embedder``/``memory_floor``: another embedder for memory and its
        recall threshold (tests use a fake)."""
        self.paths = (paths or user_paths()).ensure()
        self.settings = settings or load_settings(self.paths)
        self.store = Store(self.paths.database)
        self._saved_settings = self.settings.model_dump(mode="json")
        self._settings_listeners: list[Callable[[frozenset[str]], None]] = []
        self._apply_log_settings(frozenset({"verbose_logs"}))
        self._settings_listeners.append(self._apply_log_settings)
        self._llm_factory = llm_factory or _default_llm_factory
        self._registry = registry
        self.metrics = _make_metrics()
        self.model = ModelService(
            self._build_llm, name=lambda: self.active_model_name, metrics=self.metrics, policy=recovery
        )
        self._load_signature = self._signature()
        self._claims = Claims()
        from app.core.feedback.examples import RatedExampleStep
        from app.core.finetune.service import AdapterStep
        from app.core.images.service import ImagesStep
        from app.core.memory.steps import MemoryHook, MemoryStep
        from app.core.personas import PersonaStep, PersonaStore

        self.personas_store: PersonaStore = PersonaStore(self.store.db)
        self._memory_embedder = memory_embedder
        self._memory_floor = memory_floor
        self._memory: Memory | None = None
        self._feedback = None
        self._rated_examples = None
        self._training = None
        self.pipeline = AnswerPipeline(
            self.store,
            self.model,
            lambda: self.settings,
            lambda: self.active_model_name,
            steps=[
                AdapterStep(self._active_adapter),
                PersonaStep(self.personas_store, lambda: self.settings.default_persona),
                ImagesStep(lambda: self.images, self.store, lambda: self.sees_images()),
                MemoryStep(lambda: self.memory),
                RatedExampleStep(self._examples_if_any),
                DocumentsStep(self.find_passages),
            ],
            hooks=[
                CitationHook(),
                TitleHook(self.store, self.model, lambda: self.jobs, lambda: self.settings.auto_titles, _title_from),
                MemoryHook(lambda: self.memory, lambda: self.jobs),
            ],
        )
        self._documents: DocumentLibrary | None = None
        self._speech: SpeechService | None = None
        self._images = None
        self._jobs: JobRunner | None = None

    # ---- settings ---------------------------------------------------------------

    def save_settings(self) -> None:
        """Write the settings and announce what changed to the subscribers."""
        save_settings(self.settings, self.paths)
        now = self.settings.model_dump(mode="json")
        keys = changed_keys(self._saved_settings, now)
        self._saved_settings = now
        if keys:
            log.info("settings changed", extra={"event": "settings_changed", "keys": sorted(keys)})
            for listener in list(self._settings_listeners):
                try:
                    listener(frozenset(keys))
                except Exception:
                    log.exception("a settings listener failed")

    def _apply_log_settings(self, keys: frozenset[str]) -> None:
        if "verbose_logs" in keys:
            from app.core.logs import env_verbose, set_verbose

            set_verbose(self.settings.verbose_logs or env_verbose())

    def subscribe_settings(self, listener: Callable[[frozenset[str]], None]) -> Callable[[], None]:
        """Call ``listener(changed dotted keys)`` after settings are saved with changes."""
        self._settings_listeners.append(listener)
        return lambda: self._settings_listeners.remove(listener) if listener in self._settings_listeners else None

    # ---- conversations ----------------------------------------------------------

    def conversations(self) -> list[Conversation]:
        return self.store.conversations()

    def conversation(self, conversation_id: int) -> Conversation | None:
        """One conversation's record (title, document scope), or None if it is gone."""
        return self.store.conversation(conversation_id)

    def new_conversation(self, title: str = DEFAULT_TITLE, persona: str | None = None) -> Conversation:
        """A new chat with ``persona`` (default: the default persona) and that persona's
        document collections."""
        p = self.personas_store.resolve(persona, self.settings.default_persona)
        return self.store.create_conversation(title, persona=p.id or None, collections=p.collections)

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        self.store.rename_conversation(conversation_id, title)

    def delete_conversation(self, conversation_id: int) -> None:
        """Delete a conversation and its messages. An answer streaming in it is stopped
        first and has written its last word before the rows go (no late write can land
        in a message that later reuses a freed id)."""
        done = self._claims.claim(conversation_id, CancelToken(), wait_s=10.0)
        try:
            self.store.delete_conversation(conversation_id)
            self.images.delete_conversation(conversation_id)
        finally:
            self._claims.release(conversation_id, done)

    def messages(self, conversation_id: int) -> list[Message]:
        return self.store.messages(conversation_id)

    def search(self, query: str) -> list[tuple[Conversation, Message, str]]:
        return self.store.search(query)

    def export_markdown(self, conversation_id: int) -> str:
        return self.store.export_markdown(conversation_id)

    def export_json(self, conversation_id: int) -> str:
        return self.store.export_json(conversation_id)

    def set_documents(self, conversation_id: int, collections: tuple[str, ...] | None) -> None:
        """Answer this conversation from documents: None = off, () = all collections."""
        self.store.set_collections(conversation_id, collections)

    # ---- models -----------------------------------------------------------------

    @property
    def registry(self) -> "ModelRegistry":
        if self._registry is None:
            from app.core.models import ModelRegistry

            self._registry = ModelRegistry(self.paths)
        return self._registry

    def models(self) -> list["ModelInfo"]:
        return self.registry.list()

    def add_model(self, path: Path, chat_format: str | None = None, mmproj: Path | None = None) -> "ModelInfo":
        """Validate a GGUF file from disk (with ``mmproj``: a vision pair) and list it.
        Raises ModelError with the reason."""
        return self.registry.add(Path(path), chat_format=chat_format, mmproj=Path(mmproj) if mmproj else None)

    def set_active_model(self, model_id: str) -> None:
        self.registry.get(model_id)  # raises ModelError if unknown
        self.settings.active_model = model_id
        self.save_settings()
        self._load_signature = self._signature()
        self.model.invalidate()

    @property
    def active_model_name(self) -> str:
        if getattr(self.settings, "backend", "local") == "remote":
            llm = self.model.llm
            if llm is not None:
                return llm.name
            remote = self.settings.remote
            return remote.model or remote.base_url
        try:
            return self.registry.get(self.settings.active_model).name
        except Exception:
            return self.settings.active_model

    @property
    def llm(self) -> LLM | None:
        """The loaded model, if any (for the status bar)."""
        return self.model.llm

    def load_model(self, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> LLM:
        """Assemble (first run) and load the active model; idempotent. Raises ModelError."""
        return self.model.load(progress, cancel or CancelToken())

    @property
    def model_state(self) -> ModelEvent:
        """The model's last state event (what the status bar shows)."""
        return self.model.state

    @property
    def model_loaded(self) -> bool:
        return self.model.loaded

    def subscribe_model(self, listener: Callable[[ModelEvent], None]) -> Callable[[], None]:
        """Call ``listener`` on every model state change (from core threads)."""
        return self.model.subscribe(listener)

    def apply_generation_settings(self) -> None:
        """Settings changed: save them; reload the model only if what it was loaded with
        changed (context size, threads, model, backend). Sampling options apply to the
        next request without a reload."""
        self.save_settings()
        signature = self._signature()
        if signature != self._load_signature:
            self._load_signature = signature
            self.model.invalidate()

    def _signature(self) -> tuple[Any, ...]:
        g = self.settings.generation
        remote = getattr(self.settings, "remote", None)
        return (
            self.settings.active_model,
            g.n_ctx,
            g.n_threads,
            g.n_batch,
            getattr(self.settings, "backend", "local"),
            remote.model_dump_json() if remote is not None else None,
        )

    def _build_llm(self, progress: ProgressCallback, cancel: CancelToken, level: int) -> LLM | None:
        """The active model, loaded; ``level`` > 0 are the step-downs after repeated crashes."""
        self._load_signature = self._signature()  # what this model is loaded with
        if getattr(self.settings, "backend", "local") == "remote":
            if level:
                return None  # a remote server is not ours to shrink
            from app.core.llm.remote import create_remote_llm

            llm: LLM = create_remote_llm(self.settings.remote)  # type: ignore[attr-defined]
            llm.load(progress, cancel)
            return llm
        model_id = self.settings.active_model
        settings = self.settings
        if level >= 1:
            gen = settings.generation.model_copy(update={"n_batch": min(SMALL_BATCH, settings.generation.n_batch)})
            settings = settings.model_copy(update={"generation": gen})
        if level >= 2:
            if model_id == SMALL_MODEL or SMALL_MODEL not in {m.id for m in self.registry.list()}:
                return None
            model_id = SMALL_MODEL
        if level >= 3:
            return None
        info = self.registry.ensure(model_id, lambda f, t: progress(None if f is None else 0.8 * f, t), cancel)
        llm = self._llm_factory(info, settings)
        llm.load(lambda f, t: progress(None if f is None else 0.8 + 0.2 * f, t), cancel)
        progress(1.0, f"{info.name} ready")
        return llm

    def generate(
        self,
        request: ChatRequest,
        cancel: CancelToken,
        priority: Priority = Priority.BACKGROUND,
        timeout_s: float | None = None,
    ) -> Iterator[GenItem]:
        """Run a request on the active model through the scheduler (background work:
        memory extraction, summaries, evaluation). Interactive answers use ``ask``."""
        return self.model.generate(request, cancel, priority=priority, timeout_s=timeout_s)

    def health(self) -> list[Health]:
        """The health of the model, the document index and the transcriber."""
        parts = [self.model.health()]
        docs = self._documents
        if docs is None:
            parts.append(Health("index", HealthState.OFF))
        else:
            parts.append(_part_health("index", docs))
        speech = self._speech
        parts.append(Health("transcriber", HealthState.OFF) if speech is None else _part_health("transcriber", speech))
        return parts

    def diagnostics(self) -> dict[str, Any]:
        """Versions, health, metrics, settings without secrets, recent logs without content."""
        from app.core.diagnostics import collect

        return collect(self)

    def export_diagnostics(self, path: Path) -> Path:
        """Write a zip for a bug report: the diagnostics and the redacted logs, no content."""
        from app.core.diagnostics import export_zip

        return export_zip(self, Path(path))

    # ---- a remote server (the settings page checks one before switching to it) ------

    def check_remote(
        self, settings: "RemoteSettings", cancel: CancelToken | None = None, *, api_key: str | bool | None = True
    ) -> "ServerInfo":
        """Connect to an OpenAI-compatible server and describe it (models, version, health)
        without switching to it. ``api_key``: a key to try, True for the stored one, None
        for none. Raises ModelError with a ``backend_*`` code when it cannot connect."""
        from app.core.llm.remote import RemoteLLM

        llm = RemoteLLM(settings, api_key=api_key)
        try:
            return llm.check(cancel)
        finally:
            llm.close()

    def store_remote_key(self, key: str) -> None:
        """Keep the remote server's API key in the system keyring (an empty key removes it).
        Raises SecretsUnavailable when the system has no keyring."""
        from app.core.llm.remote import store_api_key

        store_api_key(key)

    def forget_remote_key(self) -> None:
        """Remove the remote server's API key from the keyring (no error if there was none)."""
        from app.core.llm.remote import clear_api_key

        clear_api_key()

    # ---- documents and speech (filled in by their features) -------------------------

    @property
    def documents(self) -> "DocumentLibrary":
        if self._documents is None:
            from app.core.rag.library import DocumentLibrary

            self._documents = DocumentLibrary(self.paths, self.settings, jobs=self.jobs)
        return self._documents

    @property
    def speech(self) -> "SpeechService":
        if self._speech is None:
            from app.core.speech import SpeechService

            self._speech = SpeechService(self.paths, self.settings)
        return self._speech

    @property
    def jobs(self) -> "JobRunner":
        """The one job runner for long work (indexing, transcription, training)."""
        if self._jobs is None:
            from app.core.service.jobs import JobRunner

            self._jobs = JobRunner()
        return self._jobs

    # ---- chat -------------------------------------------------------------------

    def ask(self, conversation_id: int, text: str, cancel: CancelToken | None = None,
            spoken: bool = False, images: Sequence[Path] = ()) -> Iterator[ChatEvent]:
        """Store the user's message (``spoken``: it came from the microphone; ``images``:
        pictures sent with it, copied into the conversation) and stream the answer. The
        last event is DoneEvent. ImageError (nothing stored) when a picture is unreadable."""
        cancel = cancel or CancelToken()
        done = self._claims.claim(conversation_id, cancel)
        try:
            conv = self._conversation(conversation_id)
            details: dict[str, Any] = {"spoken": True} if spoken else {}
            if images:
                details["images"] = self._attach_images(conversation_id, list(images))
            if conv.title == DEFAULT_TITLE and not self.store.messages(conversation_id):
                self.store.rename_conversation(conversation_id, _title_from(text or (images[0].name if images else "")))
            self.store.add_message(conversation_id, Message(Role.USER, text, details=details))
        except BaseException:
            self._claims.release(conversation_id, done)
            raise
        return self._answer(conversation_id, cancel, done)

    def regenerate(self, conversation_id: int, cancel: CancelToken | None = None) -> Iterator[ChatEvent]:
        """Drop the answers after the last user message and answer it again (an answer
        still streaming in this conversation is stopped first)."""
        cancel = cancel or CancelToken()
        done = self._claims.claim(conversation_id, cancel)
        try:
            self._drop_answers_after_last_user(conversation_id)
        except BaseException:
            self._claims.release(conversation_id, done)
            raise
        return self._answer(conversation_id, cancel, done)

    def edit_last_user(self, conversation_id: int, text: str, cancel: CancelToken | None = None) -> Iterator[ChatEvent]:
        """Replace the last user message with new text and answer it."""
        cancel = cancel or CancelToken()
        done = self._claims.claim(conversation_id, cancel)
        try:
            last = self._drop_answers_after_last_user(conversation_id)
            assert last.id is not None
            self.store.update_message(last.id, content=text)
        except BaseException:
            self._claims.release(conversation_id, done)
            raise
        return self._answer(conversation_id, cancel, done)

    def _drop_answers_after_last_user(self, conversation_id: int) -> Message:
        history = self.store.messages(conversation_id)
        users = [m for m in history if m.role == Role.USER]
        if not users:
            raise ModelError("There is no question to answer in this conversation yet.", code="no_question")
        last = users[-1]
        for m in history:
            if m.id is not None and last.id is not None and m.id > last.id:
                self.store.delete_message(m.id)
        return last

    def _conversation(self, conversation_id: int) -> Conversation:
        conv = self.store.conversation(conversation_id)
        if conv is None:
            raise ModelError(f"Conversation {conversation_id} no longer exists.", code="no_conversation",
                             conversation=conversation_id)
        return conv

    def retrieve(self, conversation: Conversation, question: str) -> list[Citation]:
        """Passages for a question in a conversation with documents on."""
        if conversation.collections is None:
            return []
        return self.documents.retrieve(question, conversation.collections, self.settings.documents.top_k)

    def find_passages(self, conversation: Conversation, question: str) -> "Found":
        """Passages for a question in a conversation with documents on, and whether
        they can answer it."""
        from app.core.rag.library import Found

        if conversation.collections is None:
            return Found([], None)
        find = getattr(self.documents, "find", None)
        if find is None:  # a library that only ranks passages (tests' fakes)
            return Found(self.retrieve(conversation, question), None)
        return find(question, conversation.collections, self.settings.documents.top_k)

    def _answer(self, conversation_id: int, cancel: CancelToken, done: Any) -> Iterator[ChatEvent]:
        expecting = getattr(self.model, "expecting", None)  # tests' fake models may lack it
        try:
            with expecting() if expecting is not None else contextlib.nullcontext():
                ctx = self.pipeline.context(self._conversation(conversation_id))
                yield from self.pipeline.run(ctx, cancel)
        finally:
            self._claims.release(conversation_id, done)

    # ---- lifecycle ----------------------------------------------------------------

    def close(self) -> None:
        """Graceful shutdown: stop jobs, let a running answer end, free the model, close
        the index and the database (nothing half-written is left behind)."""
        if self._jobs is not None:
            self._jobs.shutdown()
        self.model.close()
        stop = getattr(self.metrics, "stop_sampler", None)
        if stop is not None:
            stop()
        if self._documents is not None:
            self._documents.close()
        if self._speech is not None:
            self._speech.close()
        self.store.close()


def _title_from(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 48 else line[:47].rstrip() + "…"


def _make_metrics() -> Any:
    try:
        from app.core.service.metrics import Metrics
    except ImportError:  # pragma: no cover - the metrics module ships with the core
        return None
    return Metrics()


def _part_health(part: str, service: object) -> Health:
    """Ask a feature service for its health, if it can tell."""
    probe = getattr(service, "health", None)
    if probe is None:
        return Health(part, HealthState.OK)
    try:
        return probe()  # type: ignore[no-any-return]
    except Exception as exc:
        return Health(part, HealthState.DOWN, "health_failed", {"reason": str(exc)})
