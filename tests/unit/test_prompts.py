"""The prompt: language rule, sources with the question, the "not in the documents" reply."""

from __future__ import annotations

from app.core import prompts
from app.core.types import Citation, Message, MessageStatus, Role

EN_SOURCE = Citation(1, "/d/guide.pdf", 48, "Building", "Run dpkg-buildpackage -us -uc in the source tree.")
RU_SOURCE = Citation(2, "/d/guide.ru.pdf", 50, "Сборка", "Запустите dpkg-buildpackage в каталоге исходников.")


def test_without_documents_the_system_prompt_fixes_the_language() -> None:
    msgs = prompts.build_messages("You are Sova.", [Message(Role.USER, "Сколько будет два плюс два?")])
    assert msgs[0] == {"role": "system", "content": "You are Sova.\n\nВсегда отвечай на русском языке."}
    assert msgs[1] == {"role": "user", "content": "Сколько будет два плюс два?"}


def test_sources_question_and_task_travel_in_the_last_user_turn() -> None:
    history = [Message(Role.USER, "Hi"), Message(Role.ASSISTANT, "Hello!"),
               Message(Role.ASSISTANT, "", status=MessageStatus.INTERRUPTED),
               Message(Role.USER, "Как собрать пакет?")]
    msgs = prompts.build_messages("You are Sova.", history, [EN_SOURCE, RU_SOURCE])
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "user"]
    assert msgs[1]["content"] == "Hi"  # earlier turns carry no sources
    turn = msgs[-1]["content"]
    assert turn.startswith("Passages from the user's documents:") and "[1] (guide.pdf, page 48, Building)" in turn
    # passages, then the task naming the answer's language, then the question last
    assert turn.index("dpkg-buildpackage -us") < turn.index("in Russian") < turn.index("Вопрос: Как собрать пакет?")
    assert turn.endswith("Вопрос: Как собрать пакет?")
    assert "documents do not contain the answer" in turn
    assert "another language: answer in Russian anyway" in turn  # an English passage


def test_insisting_repeats_the_language_rule_last() -> None:
    msgs = prompts.build_messages("S", [Message(Role.USER, "How do I build it?")], [EN_SOURCE], insist=True)
    assert msgs[-1]["content"].endswith("write the whole answer in English.")
    assert "not in English" not in msgs[-1]["content"]


def test_refusals_are_recognised_in_both_languages() -> None:
    assert prompts.refusal("В документах этого нет.")
    assert prompts.refusal("The documents do not contain this.")
    assert prompts.refusal("Источники не содержат ответа на этот вопрос.")
    assert not prompts.refusal("Соберите пакет командой dpkg-buildpackage [1].")


def test_footnote_marks_in_passages_do_not_reach_the_model() -> None:
    note = Citation(1, "/d/manual.html", None, "Git", "Use git clone at your own risk![1] Reports are welcome.[12]")
    block = prompts.sources_block([note])
    assert block == "[1] (manual.html, Git)\nUse git clone at your own risk! Reports are welcome."
