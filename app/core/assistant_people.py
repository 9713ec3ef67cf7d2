"""The facade's personas, long-term memory and privacy methods (a part of ``Assistant``).

Kept apart from ``assistant.py`` so the facade stays readable; ``Assistant`` inherits
them. They use the attributes the facade sets up: ``settings``, ``paths``, ``store``,
``personas_store``, ``model``, ``documents``, ``jobs`` and the memory embedder.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from app.core.types import CancelToken, ProgressCallback, no_progress

if TYPE_CHECKING:
    from app.core.config import Paths, Settings
    from app.core.memory import Decision, Fact, Memory
    from app.core.personas import Persona, PersonaStore
    from app.core.rag.embedder import Embedder
    from app.core.rag.library import DocumentLibrary
    from app.core.store import Store

log = logging.getLogger(__name__)


class PersonasMemoryPrivacy:
    """Personas, memory and the Privacy page's data, for the facade."""

    settings: "Settings"
    paths: "Paths"
    store: "Store"
    personas_store: "PersonaStore"
    model: Any
    _memory: "Memory | None"
    _memory_embedder: "Callable[[], Embedder] | None"
    _memory_floor: float | None
    _jobs: Any

    if TYPE_CHECKING:
        @property
        def documents(self) -> "DocumentLibrary": ...

        def save_settings(self) -> None: ...

        def conversations(self) -> list[Any]: ...

        def delete_conversation(self, conversation_id: int) -> None: ...

    # ---- personas -----------------------------------------------------------------

    def personas(self) -> list["Persona"]:
        return self.personas_store.list()

    def persona(self, persona_id: str | None) -> "Persona":
        """The persona ``persona_id``, or the default one when it is None or gone."""
        return self.personas_store.resolve(persona_id, self.settings.default_persona)

    def save_persona(self, persona: "Persona") -> "Persona":
        """Create (empty id) or replace a persona. Raises PersonaError."""
        return self.personas_store.save(persona)

    def duplicate_persona(self, persona_id: str) -> "Persona":
        return self.personas_store.duplicate(persona_id)

    def delete_persona(self, persona_id: str) -> None:
        """Delete a persona and its own facts; its chats go to the default persona."""
        self.personas_store.delete(persona_id)
        self.memory.store.delete_scope(persona_id)
        if self.settings.default_persona == persona_id:
            self.settings.default_persona = self.personas_store.resolve(None, "").id
            self.save_settings()

    def set_default_persona(self, persona_id: str) -> None:
        self.settings.default_persona = self.personas_store.resolve(persona_id).id
        self.save_settings()

    def export_personas(self, ids: "list[str] | None" = None) -> str:
        """A persona file (JSON) with these personas (all when None)."""
        return self.personas_store.export(ids)

    def import_personas(self, text: "str | bytes") -> list["Persona"]:
        """Add the personas of a persona file; a bad file changes nothing (PersonaError)."""
        return self.personas_store.import_text(text)

    def set_conversation_persona(self, conversation_id: int, persona_id: str) -> None:
        """Answer a conversation with another persona from its next question on (the
        model stays loaded). A chat with no messages yet takes its collections too."""
        p = self.personas_store.resolve(persona_id, self.settings.default_persona)
        self.store.set_persona(conversation_id, p.id or None)
        if not self.store.messages(conversation_id):
            self.store.set_collections(conversation_id, p.collections)

    # ---- memory -------------------------------------------------------------------

    @property
    def memory(self) -> "Memory":
        """Long-term memory (facts, commands, extraction)."""
        if self._memory is None:
            from app.core.memory import Memory, MemoryStore

            embedder = self._memory_embedder or (lambda: self.documents.embedder_for("e5-small"))
            store = (MemoryStore(self.store.db, embedder) if self._memory_floor is None
                     else MemoryStore(self.store.db, embedder, self._memory_floor))
            self._memory = Memory(store, self.model)
        return self._memory

    def facts(self, scope: str | None = None, query: str = "") -> list["Fact"]:
        """Stored facts (pinned first, newest first); ``scope``: '' shared, a persona id,
        None all; ``query``: text they contain."""
        return self.memory.store.list(scope, query)

    def fact(self, fact_id: int) -> "Fact | None":
        """One fact with its history."""
        return self.memory.store.get(fact_id)

    def remember(self, text: str, scope: str = "") -> "Fact":
        """Store a fact the user typed (Settings or the CLI). Raises MemoryError."""
        return self.memory.store.add(text, scope=scope, origin="explicit")

    def edit_fact(self, fact_id: int, text: str) -> "Fact":
        """Change a fact's text; the old text stays in its history."""
        return self.memory.store.update(fact_id, text, origin="edited")

    def pin_fact(self, fact_id: int, pinned: bool = True) -> None:
        """A pinned fact is recalled for every question of its scope."""
        self.memory.store.pin(fact_id, pinned)

    def forget_facts(self, fact_ids: "list[int]") -> int:
        """Delete facts with their history and vectors; they are not extracted again."""
        return self.memory.store.delete(fact_ids)

    def forget_everything(self) -> int:
        """Erase all facts, their history and vectors, and what answers recorded of
        them; old messages are never read for facts again."""
        return self.memory.forget_all()

    def memory_scope(self, conversation_id: int) -> str | None:
        """The scope a conversation's persona reads and writes (None: memory off)."""
        if not self.settings.memory.enabled:
            return None
        conv = self.store.conversation(conversation_id)
        return self.persona(conv.persona if conv else None).memory_scope

    def extract_facts(self, conversation_id: int, cancel: CancelToken | None = None) -> list["Decision"]:
        """Read a conversation's unread user messages for facts now (stores them)."""
        scope = self.memory_scope(conversation_id)
        if scope is None:
            return []
        return self.memory.extract_conversation(self.store.messages(conversation_id), scope, cancel or CancelToken())

    def preview_facts(self, texts: "list[str]", cancel: CancelToken | None = None) -> "list[tuple[str, list[Decision]]]":
        """What extraction would store from these user messages (nothing is stored)."""
        from app.core.memory import dry_run

        embedder = self._memory_embedder or (lambda: self.documents.embedder_for("e5-small"))
        return dry_run(texts, self.model, embedder, cancel or CancelToken())

    # ---- privacy ------------------------------------------------------------------

    def data_usage(self) -> list[tuple[str, Path, int]]:
        """Where each kind of data lives and its size in bytes: (kind, path, bytes) for
        "conversations" (the database: chats, memory, personas), "documents" (the
        index), "models", "settings", "logs"."""
        self.store.checkpoint()
        places = [
            ("conversations", self.paths.database),
            ("documents", self.paths.index),
            ("models", self.paths.models),
            ("settings", self.paths.config),
            ("logs", self.paths.logs),
        ]
        return [(kind, path, _size(path) + (_size(Path(f"{path}-wal")) if path.suffix == ".sqlite3" else 0))
                for kind, path in places]

    def _forget_learning(self) -> None:
        """Ratings, trained adapters (they learned from the chats) and a stopped job."""
        import shutil

        with self.store.db.transaction() as conn:
            conn.execute("DELETE FROM ratings")
        for folder in (self.paths.data / "adapters", self.paths.data / "finetune"):
            shutil.rmtree(folder, ignore_errors=True)
        if self.settings.learning.adapters:
            self.settings.learning.adapters = {}
            self.save_settings()

    def delete_all_data(self, progress: ProgressCallback = no_progress) -> None:
        """Delete every conversation, rating, trained adapter, everything remembered,
        the document index and the logs (personas, settings and the assembled models
        stay). Answers and jobs in progress are stopped first."""
        if self._jobs is not None:
            for job in self._jobs.jobs():
                job.cancel()
        conversations = self.conversations()
        for i, conv in enumerate(conversations):
            progress(0.6 * i / max(1, len(conversations)), "conversations")
            self.delete_conversation(conv.id)
        progress(0.6, "memory")
        self.memory.forget_all()
        self._forget_learning()
        progress(0.7, "documents")
        if self._documents is not None or self.paths.index.exists():
            for rec in self.documents.files():
                self.documents.remove(rec.path)
        progress(0.9, "logs")
        for f in self.paths.logs.glob("*"):
            if f.is_file():
                try:
                    f.write_bytes(b"")  # the open log handler keeps writing to it
                except OSError:
                    log.warning("could not clear %s", f.name)
        with self.store.db.lock:
            self.store.db.connection.execute("VACUUM")  # no deleted page stays in the file
        self.store.checkpoint()
        progress(1.0, "done")


def _size(path: Path) -> int:
    """Bytes in a file or a folder (0 when it is missing)."""
    try:
        if path.is_file():
            return path.stat().st_size
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    except OSError:
        return 0
