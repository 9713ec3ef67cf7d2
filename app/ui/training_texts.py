"""Words for training: phases, time left, why training cannot start, how a run ended.

The core reports training in codes and numbers (``TrainingStatus``, ``Plan``, an
adapter's figures and verdict); this is the one place that turns them into sentences,
shared by the Training tab and the window's training notice.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Mapping

from PySide6.QtCore import QLocale, QObject

if TYPE_CHECKING:
    from app.core.assistant import Adapter, JobEvent, Plan, RunState, TrainingStatus, Verdict

CHECKS = ("liked_up", "disliked_down", "general_kept")


def number(value: float | None, digits: int = 2) -> str:
    """A figure in the interface's locale, with a real minus sign (log-likelihoods are negative)."""
    if value is None:
        return "—"
    return QLocale().toString(float(value), "f", digits).replace("-", "−")


def reference_figures(figures: Mapping[str, Any]) -> Mapping[str, Any]:
    """What an adapter was judged against: the adapter in use before it, else the base model."""
    before = figures.get("before", {}) if isinstance(figures, Mapping) else {}
    return before.get("current") or before.get("base") or {}


def failure_reason(ev: "JobEvent") -> str:
    """Why a training job failed: the TrainingError's reason (the process's own words),
    else the exception's text; "" when it did not fail."""
    if ev.error is None:
        return ""
    params = getattr(ev.error, "params", None) or {}
    return str(params.get("reason") or ev.text or ev.error)


class TrainingWords(QObject):
    """Translated sentences about training (a QObject for ``tr``; context "TrainingWords")."""

    # ---- progress ---------------------------------------------------------------------

    def phase(self, run: "RunState") -> str:
        step, total = run.step, run.total
        texts = {
            "idle": self.tr("Starting…"),
            "load": self.tr("Loading the model…"),
            "evaluate_before": self.tr("Measuring the model before training…"),
            "reference": self.tr("Preparing the preference step…"),
            "evaluate_after": self.tr("Checking the new adapter on held-out answers…"),
            "write": self.tr("Saving the adapter…"),
            "done": self.tr("Finishing…"),
        }
        if run.phase == "sft":
            return self.tr("Learning from your answers: step %1 of %2").replace("%1", str(step)).replace("%2", str(total))
        if run.phase == "pref":
            return self.tr("Learning what to avoid: step %1 of %2").replace("%1", str(step)).replace("%2", str(total))
        return texts.get(run.phase, run.phase)

    def time_left(self, seconds: float | None) -> str:
        if seconds is None:
            return ""
        if seconds < 60:
            return self.tr("Less than a minute left")
        if seconds < 90 * 60:
            return self.tr("About %1 min left").replace("%1", str(max(1, round(seconds / 60))))
        return self.tr("About %1 h left").replace("%1", number(seconds / 3600, 1))

    def progress(self, run: "RunState", pref_total: int) -> str:
        """The line under the progress bar: phase, then time left or why it waits."""
        parts = [self.phase(run)]
        if run.yielding and not run.paused:
            parts.append(self.tr("Paused while Sova answers"))
        elif run.paused:
            parts.append(self.tr("Paused"))
        elif run.eta_s is not None and run.phase in ("sft", "pref"):
            eta = float(run.eta_s)
            if run.phase == "sft" and pref_total and run.s_per_step:
                # The trainer's estimate covers its phase; a preference step costs about two.
                eta += 2 * pref_total * float(run.s_per_step)
            parts.append(self.time_left(eta))
        if run.resumed_at:
            parts.append(self.tr("resumed at step %1").replace("%1", str(run.resumed_at)))
        return " · ".join(p for p in parts if p)

    # ---- before a run -----------------------------------------------------------------

    def not_ready(self, plan: "Plan", need: int, min_stars: int, module: str | None) -> str:
        """Why training cannot start (``plan.reason``), as advice."""
        if plan.reason == "too_few":
            more = max(1, need - plan.examples)
            return (self.tr("Too few rated answers to learn from: %1 of the %2 examples needed. Rate at least %3 "
                            "more answers with %4 ★ or more (or write a better answer under a bad one).")
                    .replace("%1", str(plan.examples)).replace("%2", str(need)).replace("%3", str(more))
                    .replace("%4", str(min_stars)))
        if plan.reason == "no_pack":
            return self.tr("The training pack is not installed (the Python module “%1” is missing). Install "
                           "Sova’s training extras to train on this computer.").replace("%1", module or "torch")
        if plan.reason == "no_model":
            return self.tr("The model to train is not ready yet: it is prepared the first time it loads. "
                           "Ask one question, then come back.")
        if plan.reason == "unsupported":
            return self.tr("This model cannot be trained on this computer. Choose one of the bundled models "
                           "under Models.")
        return ""

    def start_error(self, code: str, params: Mapping[str, Any], detail: str) -> str:
        """A TrainingError from ``start()`` by its code."""
        if code == "training_busy":
            return self.tr("Training is already running.")
        if code == "training_missing_pack":
            return self.tr("The training pack is not installed (the Python module “%1” is missing).") \
                .replace("%1", str(params.get("module", "")))
        if code == "training_no_data":
            return self.tr("Too few rated answers to learn from: %1 of the %2 examples needed.") \
                .replace("%1", str(params.get("have", "?"))).replace("%2", str(params.get("need", "?")))
        return self.tr("Training could not start: %1").replace("%1", str(params.get("reason") or detail))

    # ---- after a run --------------------------------------------------------------------

    def using(self, version: str) -> str:
        """What answers come from: "adapter v2" or "the base model"."""
        return self.tr("adapter %1").replace("%1", version) if version else self.tr("the base model")

    def check_line(self, key: str, ok: bool, ref: Mapping[str, Any], after: Mapping[str, Any],
                   tolerance: float) -> str:
        """One check of the verdict with its figures (before → after)."""
        name = {"liked_up": "liked", "disliked_down": "disliked", "general_kept": "general"}[key]
        a, b = number(ref.get(name)), number(after.get(name))
        if key == "liked_up":
            text = self.tr("Liked answers became more likely: %1 → %2") if ok else \
                self.tr("Liked answers did not become more likely: %1 → %2")
        elif key == "disliked_down":
            text = self.tr("Disliked answers became less likely: %1 → %2") if ok else \
                self.tr("Disliked answers did not become less likely: %1 → %2")
        else:
            text = self.tr("General answers kept within the tolerance of %3: %1 → %2") if ok else \
                self.tr("General answers got worse by more than %3: %1 → %2")
        return text.replace("%1", a).replace("%2", b).replace("%3", number(tolerance))

    def verdict_html(self, adapter: "Adapter | None", verdict: Mapping[str, Any], ok_color: str,
                     bad_color: str) -> str:
        """The checks as a list with ✓ / ✗, what they compared against, and what the figures are."""
        figures = adapter.figures if adapter is not None else {}
        ref, after = reference_figures(figures), figures.get("after", {})
        tolerance = float(verdict.get("tolerance", 0.15) or 0.15)
        items = []
        for key in CHECKS:
            checks = verdict.get("checks", {})
            if key not in checks:
                continue
            ok = bool(checks[key])
            mark = f"<span style='color:{ok_color if ok else bad_color}'>{'✓' if ok else '✗'}</span>"
            items.append(f"<li>{mark} {html.escape(self.check_line(key, ok, ref, after, tolerance))}</li>")
        if "no_heldout" in verdict.get("reasons", ()):
            items.append("<li>" + html.escape(self.tr("There were no held-out answers to check the adapter "
                                                      "against.")) + "</li>")
        against = self.tr("Compared with the adapter in use before.") if verdict.get("against") == "current" \
            else self.tr("Compared with the base model.")
        note = self.tr("Figures: mean log-likelihood per token of answers held out from training; higher means "
                       "the model is more likely to answer that way.")
        return (f"<ul style='margin:4px 0 0 -16px'>{''.join(items)}</ul>"
                f"<p style='margin-top:2px'><small>{html.escape(against)} {html.escape(note)}</small></p>")

    def summary(self, status: "TrainingStatus", active: str, reason: str) -> tuple[str, str]:
        """How the last run ended in a sentence or two (plain text), and its kind:
        "success" | "warning" | "error" | "info" ("" when no run ended)."""
        state = status.state
        if state == "done":
            passed = bool(status.verdict.get("passed"))
            if passed and status.activated:
                text = self.tr("Training finished. Adapter %1 passed the check, and Sova now answers with it.")
            elif passed:
                text = self.tr("Training finished. Adapter %1 passed the check; select it under “Adapter "
                               "versions” and press “Use” to answer with it.")
            else:
                text = self.tr("Training finished, but adapter %1 did not pass the check, so Sova keeps "
                               "answering with %2. You can still try it: select it under “Adapter versions” and "
                               "press “Use”.")
            return text.replace("%1", status.version).replace("%2", self.using(active)), \
                "success" if passed else "warning"
        if state == "failed":
            return self.tr("Training failed: %1. Nothing was changed; Sova keeps answering with %2.") \
                .replace("%2", self.using(active)).replace("%1", reason or status.error or "?"), "error"
        if state == "cancelled":
            return self.tr("Training was cancelled. Nothing was changed."), "info"
        if state == "interrupted":
            run = status.run
            if run.step and run.total:
                return self.tr("Training stopped at step %1 of %2. Resume it to continue from its last checkpoint, "
                               "or discard it.").replace("%1", str(run.step)).replace("%2", str(run.total)), "info"
            return self.tr("A training run stopped before it finished. Resume it to continue from its last "
                           "checkpoint, or discard it."), "info"
        return "", ""

    def outcome(self, status: "TrainingStatus", adapter: "Adapter | None", active: str, reason: str,
                ok_color: str, bad_color: str) -> tuple[str, str]:
        """``summary`` as rich text, with the verdict's checks after a finished run."""
        text, kind = self.summary(status, active, reason)
        if status.state != "done" or adapter is None:  # the checks follow once the versions are read
            return html.escape(text), kind
        verdict = status.verdict or (adapter.verdict if adapter is not None else {})
        return f"<b>{html.escape(text)}</b>" + self.verdict_html(adapter, verdict, ok_color, bad_color), kind

    # ---- the trigger ------------------------------------------------------------------

    def trigger(self, verdict: "Verdict", window: int) -> str:
        """Why Sova offers training: the figures over the last rated answers."""
        f = verdict.figures
        count = verdict.summary.scored if verdict.summary is not None else window
        return (self.tr("Answers are rated lower lately: average %1 ★, %2% satisfied, %3% negative over the last "
                        "%4 rated answers.")
                .replace("%1", number(f.get("average", 0.0), 1))
                .replace("%2", str(round(100 * f.get("satisfaction", 0.0))))
                .replace("%3", str(round(100 * f.get("negatives", 0.0))))
                .replace("%4", str(min(count, window))))
