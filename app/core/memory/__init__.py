"""Long-term memory: what the user told Sova about themselves, across conversations.

- ``store``: the facts table (text, topic, scope, provenance, pin, history, vector),
  recall within a token budget, deletion that leaves no text behind.
- ``commands``: "запомни, что …" / "remember that …" / "забудь …" / "forget that …",
  handled without the model.
- ``extract``: automatic extraction from the user's messages (constrained JSON from the
  local model, then a check without the model and a supersede-or-add decision).
- ``steps``: the answer pipeline's memory step (commands, recall) and after-answer hook
  (the extraction job, at the lowest priority).

``Memory`` ties them to the model service and the settings.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from app.core.memory.commands import Command
from app.core.memory.rules import Candidate, Decision
from app.core.memory.store import Fact, FactVersion, MemoryError, MemoryStore, Recalled, normalise

if TYPE_CHECKING:
    from app.core.types import CancelToken, Message

log = logging.getLogger(__name__)

__all__ = ["Candidate", "Command", "Decision", "Fact", "FactVersion", "Memory", "MemoryError", "MemoryStore",
           "Recalled"]


class Memory:
    """Facts, commands and extraction, over one ``MemoryStore`` and the model service."""

    def __init__(self, store: MemoryStore, model: Any) -> None:
        self.store = store
        self.model = model
        # Held while extraction stores facts and while everything is forgotten, so a job
        # that was reading a message when the user pressed "forget everything" stores nothing.
        self._write = threading.Lock()

    def forget_all(self) -> int:
        """Erase every fact, its history and vector (see MemoryStore.forget_all)."""
        with self._write:
            return self.store.forget_all()

    # ---- commands ---------------------------------------------------------------------

    def command(self, cmd: Command, scope: str, lang: str, message_id: int | None = None,
                conversation_id: int | None = None) -> str:
        """Carry out an explicit command; returns the reply shown in the chat."""
        from app.core.memory import commands

        q = commands.quote
        if cmd.action == "forget_all":
            return commands.reply("forget_all", lang)
        if cmd.action == "remember":
            similar = self.store.similar(cmd.fact, scope, limit=3)
            from app.core.memory.rules import _stems

            for r in similar:
                if _stems(cmd.fact) <= _stems(r.fact.text):
                    return commands.reply("already", lang, fact=r.fact.text)
            self.store.add(cmd.fact, scope=scope, origin="explicit", message_id=message_id,
                           conversation_id=conversation_id)
            return commands.reply("remembered", lang, fact=cmd.fact)
        matches = self.matching(cmd.fact, scope)
        if not matches:
            return commands.reply("not_found", lang, fact=cmd.fact)
        self.store.delete(f.id for f in matches)
        return commands.reply("forgot", lang, facts=", ".join(q(f.text, lang) for f in matches))

    def matching(self, text: str, scope: str) -> list[Fact]:
        """The facts a "forget …" names: those sharing its distinctive words, else the
        closest one when it is very close in meaning."""
        from app.core.memory.rules import _distinctive, _stems

        words = _distinctive(text)
        facts = self.store.list(scope)
        hits = [f for f in facts if words and words <= _stems(f.text)]
        if not hits and words:
            hits = [f for f in facts if len(words & _stems(f.text)) >= max(1, (len(words) + 1) // 2)]
        if not hits:
            best = self.store.similar(text, scope, limit=1)
            hits = [r.fact for r in best if r.score >= 0.9]
        return hits

    # ---- extraction -------------------------------------------------------------------

    def candidates(self, text: str, cancel: "CancelToken", priority: Any = None) -> list[Candidate]:
        """Ask the model for the facts in one user message (constrained JSON)."""
        from app.core.memory import extract, rules
        from app.core.service.model import Preempted
        from app.core.service.scheduler import Priority

        def ask(message: str) -> list[Candidate]:
            parts: list[str] = []
            for item in extract.run_model(self.model, message, cancel, priority or Priority.BATCH):
                if isinstance(item, str):
                    parts.append(item)
                elif isinstance(item, Preempted):
                    parts.clear()  # it runs again from the start
            log.debug("memory extraction of %r: %s", message[:80], "".join(parts))
            return [] if cancel.cancelled else extract.parse("".join(parts))

        found = ask(text)
        statements = rules.statements(text)
        if not found and statements and statements != text.strip() and not cancel.cancelled:
            # The 1.5B model often finds nothing in a statement followed by a question;
            # asked about the statements alone, it does.
            found = ask(statements)
        name = rules.introduced_name(text)
        if name is not None and not cancel.cancelled and all(c.topic != "name" for c in found):
            found.append(name)
        return found

    def consider(self, text: str, scope: str, cancel: "CancelToken", priority: Any = None) -> list[Decision]:
        """Candidates and what would be done with them; nothing is stored."""
        from app.core.memory import extract, rules

        decisions = rules.decide(self.candidates(text, cancel, priority), text, self.store, scope)
        if rules.corrects(text) and not cancel.cancelled:
            # Asked with the stored facts in view, the model names the fact a correction
            # replaces more often than extraction alone links them; its answer wins over
            # the extraction's own supersede or add of the same fact.
            fixed = self._correction(text, scope, cancel, priority)
            if fixed is not None and fixed.target is not None:
                target = fixed.target.id
                decisions = [d for d in decisions
                             if not (d.target is not None and d.target.id == target)
                             and not (d.action == "add" and d.topic == fixed.topic)
                             and normalise(d.text) != normalise(fixed.text)] + [fixed]
        return rules.drop_restated(decisions)

    def _correction(self, text: str, scope: str, cancel: "CancelToken", priority: Any) -> Decision | None:
        """A message that corrects something said before: which stored fact it corrects,
        and how it reads now (asked of the model only for such messages)."""
        from app.core.memory import extract
        from app.core.service.model import Preempted
        from app.core.service.scheduler import Priority

        known = [r.fact for r in self.store.similar(text, scope, limit=extract.MAX_KNOWN)]
        if not known:
            return None
        parts: list[str] = []
        request = extract.correction_request(text, [f.text for f in known])
        for item in self.model.generate(request, cancel, priority=priority or Priority.BATCH, timeout_s=120):
            if isinstance(item, str):
                parts.append(item)
            elif isinstance(item, Preempted):
                parts.clear()
        log.debug("memory correction of %r against %s: %s", text[:80], [f.text for f in known], "".join(parts))
        return extract.correction(("".join(parts)), text, known)

    def apply(self, decisions: Sequence[Decision], scope: str, message_id: int | None = None,
              conversation_id: int | None = None) -> list[Fact]:
        """Store the decisions' facts (adds and supersedes)."""
        out = []
        for d in decisions:
            try:
                if d.action == "add":
                    out.append(self.store.add(d.text, scope=scope, origin="extracted", topic=d.topic,
                                              message_id=message_id, conversation_id=conversation_id))
                elif d.action == "supersede" and d.target is not None:
                    out.append(self.store.update(d.target.id, d.text, origin="extracted", message_id=message_id,
                                                 topic=d.topic))
            except MemoryError as exc:  # the fact was deleted meanwhile, or is empty
                log.info("memory: a fact was not stored (%s)", exc.code)
        return out

    def extract_message(self, message: "Message", scope: str, cancel: "CancelToken",
                        priority: Any = None) -> list[Decision]:
        """Extract and store the facts of one stored user message, once: a message read
        before (or older than the last "forget everything") is skipped."""
        if message.id is None or not self.store.unread(message.id):
            return []
        decisions = self.consider(message.content, scope, cancel, priority)
        if cancel.cancelled:
            return []
        with self._write:
            if not self.store.unread(message.id):
                return []  # forgotten (or read by another job) meanwhile
            self.apply(decisions, scope, message.id, message.conversation_id)
            self.store.mark_read(message.id)
        return decisions

    def extract_conversation(self, messages: Iterable["Message"], scope: str, cancel: "CancelToken",
                             priority: Any = None) -> list[Decision]:
        """Read a stored conversation's unread user messages for facts (oldest first)."""
        from app.core.types import Role

        out: list[Decision] = []
        for m in messages:
            if cancel.cancelled:
                break
            if m.role == Role.USER:
                out.extend(self.extract_message(m, scope, cancel, priority))
        return out


def memory_block(facts: Sequence[Fact], lang: str) -> str:
    """The recalled facts as the model sees them, after the persona's instructions."""
    # The facts are the user's own words: "I" in them is the user, whom the answer calls
    # "you" (given them bare, the 1.5B model answered «Кто я по профессии?» with «Я работаю юристом»).
    head = ("Что пользователь рассказал о себе в прошлых беседах, его словами («я» здесь — пользователь; "
            "в ответе обращайся к нему на «вы»; используй это, только если это помогает ответить):"
            if lang == "ru" else
            "What the user told you about themselves in earlier conversations, in their words (\"I\" there is "
            "the user; call them \"you\" in your answer; use it only when it helps to answer):")
    return head + "\n" + "\n".join(f"- {f.text}" for f in facts)


def dry_run(texts: Sequence[str], model: Any, embedder: Callable[[], Any], cancel: "CancelToken",
            priority: Any = None) -> list[tuple[str, list[Decision]]]:
    """What extraction would store from these user messages, as if memory were empty
    (each message sees the facts of the ones before it); nothing is written anywhere."""
    from app.core.store.db import Database
    from app.core.store.migrations import MAIN

    db = Database(":memory:", MAIN)
    try:
        memory = Memory(MemoryStore(db, embedder), model)
        out = []
        for text in texts:
            decisions = memory.consider(text, "", cancel, priority)
            memory.apply(decisions, "")
            out.append((text, decisions))
        return out
    finally:
        db.close()
