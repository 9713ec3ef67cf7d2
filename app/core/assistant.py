"""The facade: the one entry the window, the CLI and the tests use to reach the core.

Chat answers are generators of ChatEvent; every other long job takes a progress
callback and a CancelToken. Nothing here knows about Qt.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from app.core import prompts
from app.core.config import Paths, Settings, load_settings, save_settings, user_paths
from app.core.llm import LLM, ModelCrashed, ModelError
from app.core.store import Store
from app.core.types import (
    Cancelled,
    CancelToken,
    ChatEvent,
    Citation,
    Conversation,
    DoneEvent,
    GenerationStats,
    Message,
    MessageStatus,
    ProgressCallback,
    Role,
    SourcesEvent,
    StatusEvent,
    TokenEvent,
    no_progress,
)

if TYPE_CHECKING:
    from app.core.models import ModelInfo, ModelRegistry
    from app.core.rag.library import DocumentLibrary
    from app.core.speech import SpeechService

LLMFactory = Callable[["ModelInfo", Settings], LLM]

# Partial answers are written to the database this often while they stream, so a
# killed app keeps what the user already saw.
_SAVE_EVERY_S = 1.0
DEFAULT_TITLE = "New chat"


def _default_llm_factory(info: "ModelInfo", settings: Settings) -> LLM:
    from app.core.llm import create_llm  # heavy: llama_cpp loads only in the host

    return create_llm(info, settings.generation)


class Assistant:
    """Sova's core, seen from outside."""

    def __init__(
        self,
        paths: Paths | None = None,
        settings: Settings | None = None,
        *,
        llm_factory: LLMFactory | None = None,
        registry: "ModelRegistry | None" = None,
    ) -> None:
        self.paths = (paths or user_paths()).ensure()
        self.settings = settings or load_settings(self.paths)
        self.store = Store(self.paths.database)
        self._llm_factory = llm_factory or _default_llm_factory
        self._registry = registry
        self._llm: LLM | None = None
        self._llm_lock = threading.RLock()
        self._documents: DocumentLibrary | None = None
        self._speech: SpeechService | None = None

    # ---- settings ---------------------------------------------------------------

    def save_settings(self) -> None:
        save_settings(self.settings, self.paths)

    # ---- conversations ----------------------------------------------------------

    def conversations(self) -> list[Conversation]:
        return self.store.conversations()

    def new_conversation(self, title: str = DEFAULT_TITLE) -> Conversation:
        return self.store.create_conversation(title)

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        self.store.rename_conversation(conversation_id, title)

    def delete_conversation(self, conversation_id: int) -> None:
        self.store.delete_conversation(conversation_id)

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

    def add_model(self, path: Path, chat_format: str | None = None) -> "ModelInfo":
        """Validate a GGUF file from disk and list it. Raises ModelError with the reason."""
        return self.registry.add(Path(path), chat_format=chat_format)

    def set_active_model(self, model_id: str) -> None:
        self.registry.get(model_id)  # raises ModelError if unknown
        with self._llm_lock:
            self.settings.active_model = model_id
            self.save_settings()
            self._drop_llm()

    @property
    def active_model_name(self) -> str:
        try:
            return self.registry.get(self.settings.active_model).name
        except Exception:
            return self.settings.active_model

    @property
    def llm(self) -> LLM | None:
        """The loaded model, if any (for the status bar)."""
        return self._llm

    def load_model(self, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> LLM:
        """Assemble (first run) and load the active model; idempotent. Raises ModelError."""
        cancel = cancel or CancelToken()
        with self._llm_lock:
            if self._llm is not None and self._llm.loaded:
                return self._llm
            info = self.registry.ensure(
                self.settings.active_model,
                lambda f, t: progress(None if f is None else 0.8 * f, t),
                cancel,
            )
            llm = self._llm_factory(info, self.settings)
            llm.load(lambda f, t: progress(None if f is None else 0.8 + 0.2 * f, t), cancel)
            self._llm = llm
            progress(1.0, f"{info.name} ready")
            return llm

    def _drop_llm(self) -> None:
        if self._llm is not None:
            try:
                self._llm.close()
            except Exception:
                pass
            self._llm = None

    def apply_generation_settings(self) -> None:
        """Settings changed: the next answer reloads the model with them."""
        with self._llm_lock:
            self.save_settings()
            self._drop_llm()

    # ---- documents and speech (filled in by their features) -------------------------

    @property
    def documents(self) -> "DocumentLibrary":
        if self._documents is None:
            from app.core.rag.library import DocumentLibrary

            self._documents = DocumentLibrary(self.paths, self.settings)
        return self._documents

    @property
    def speech(self) -> "SpeechService":
        if self._speech is None:
            from app.core.speech import SpeechService

            self._speech = SpeechService(self.paths, self.settings)
        return self._speech

    # ---- chat -------------------------------------------------------------------

    def ask(self, conversation_id: int, text: str, cancel: CancelToken | None = None) -> Iterator[ChatEvent]:
        """Store the user's message and stream the answer. The last event is DoneEvent."""
        conv = self._conversation(conversation_id)
        if conv.title == DEFAULT_TITLE and not self.store.messages(conversation_id):
            self.store.rename_conversation(conversation_id, _title_from(text))
        self.store.add_message(conversation_id, Message(Role.USER, text))
        return self._answer(conversation_id, cancel or CancelToken())

    def regenerate(self, conversation_id: int, cancel: CancelToken | None = None) -> Iterator[ChatEvent]:
        """Drop the answers after the last user message and answer it again."""
        self._drop_answers_after_last_user(conversation_id)
        return self._answer(conversation_id, cancel or CancelToken())

    def edit_last_user(self, conversation_id: int, text: str, cancel: CancelToken | None = None) -> Iterator[ChatEvent]:
        """Replace the last user message with new text and answer it."""
        last = self._drop_answers_after_last_user(conversation_id)
        assert last.id is not None
        self.store.update_message(last.id, content=text)
        return self._answer(conversation_id, cancel or CancelToken())

    def _drop_answers_after_last_user(self, conversation_id: int) -> Message:
        history = self.store.messages(conversation_id)
        users = [m for m in history if m.role == Role.USER]
        if not users:
            raise ModelError("There is no question to answer in this conversation yet.")
        last = users[-1]
        for m in history:
            if m.id is not None and last.id is not None and m.id > last.id:
                self.store.delete_message(m.id)
        return last

    def _conversation(self, conversation_id: int) -> Conversation:
        conv = self.store.conversation(conversation_id)
        if conv is None:
            raise ModelError(f"Conversation {conversation_id} no longer exists.")
        return conv

    def retrieve(self, conversation: Conversation, question: str) -> list[Citation]:
        """Passages for a question in a conversation with documents on."""
        if conversation.collections is None:
            return []
        return self.documents.retrieve(question, conversation.collections, self.settings.documents.top_k)

    def _answer(self, conversation_id: int, cancel: CancelToken) -> Iterator[ChatEvent]:
        conv = self._conversation(conversation_id)
        history = self.store.messages(conversation_id)
        question = history[-1].content if history else ""
        citations: list[Citation] = []
        error: str | None = None

        if conv.collections is not None:
            yield StatusEvent("Searching your documents…")
            try:
                citations = self.retrieve(conv, question)
            except Exception as exc:  # the index must never cost the user the chat
                error = f"Document search failed: {exc}"
            yield SourcesEvent(tuple(citations))
            if not citations and error is None:
                msg = self.store.add_message(
                    conversation_id, Message(Role.ASSISTANT, prompts.nothing_found(question), model=None)
                )
                yield TokenEvent(msg.content)
                yield DoneEvent(msg)
                return

        model_name = self.active_model_name
        msg = self.store.add_message(
            conversation_id,
            Message(Role.ASSISTANT, "", model=model_name, status=MessageStatus.INTERRUPTED, citations=tuple(citations)),
        )
        assert msg.id is not None
        parts: list[str] = []
        stats: GenerationStats | None = None
        status = MessageStatus.INTERRUPTED
        last_save = time.monotonic()
        try:
            if self._llm is None or not self._llm.loaded:
                yield StatusEvent(f"Loading {model_name}…")
            llm = self.load_model(cancel=cancel)
            messages = prompts.build_messages(self.settings.system_prompt, history, citations)
            for item in llm.stream_chat(messages, cancel):
                if isinstance(item, str):
                    parts.append(item)
                    yield TokenEvent(item)
                    now = time.monotonic()
                    if now - last_save > _SAVE_EVERY_S:
                        self.store.update_message(msg.id, content="".join(parts))
                        last_save = now
                else:
                    stats = item
            status = MessageStatus.INTERRUPTED if cancel.cancelled else MessageStatus.COMPLETE
            # ---- documents feature: a complete answer that cites nothing gets [n] markers
            # by word overlap with the sources (small models often forget them).
            if citations and status == MessageStatus.COMPLETE:
                from app.core.citations import add_missing_citations

                marked = add_missing_citations("".join(parts), citations)
                if marked != "".join(parts):
                    parts = [marked]
            # ---- end documents feature
        except Cancelled:
            pass  # stopped while the model was loading: an interrupted (maybe empty) answer
        except ModelCrashed as exc:
            error = str(exc) or "The model stopped unexpectedly; it will be restarted."
            with self._llm_lock:
                self._drop_llm()  # the next request starts a fresh host
        except ModelError as exc:
            error = str(exc)
            status = MessageStatus.ERROR if not parts else MessageStatus.INTERRUPTED
        except Exception as exc:  # never lose the partial answer to an unexpected error
            error = f"Unexpected error: {exc}"
        finally:
            self.store.update_message(msg.id, content="".join(parts), status=status, stats=stats)
        final = self.store.message(msg.id) or msg
        yield DoneEvent(final, error)

    # ---- lifecycle ----------------------------------------------------------------

    def close(self) -> None:
        with self._llm_lock:
            self._drop_llm()
        if self._documents is not None:
            self._documents.close()
        if self._speech is not None:
            self._speech.close()
        self.store.close()


def _title_from(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 48 else line[:47].rstrip() + "…"
