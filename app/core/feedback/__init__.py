"""Learning from ratings, before training: ratings, quality figures, rated examples in
the prompt, training sets and the trigger that offers training.

The training itself (LoRA in a separate process, adapters, evaluation) is
``app.core.finetune``.
"""

from app.core.feedback.ratings import UNSET, Rating, RatingError, RatingStore, Snapshot

__all__ = ["UNSET", "Rating", "RatingError", "RatingStore", "Snapshot"]
