"""Pictures in messages: read safely, described in plain facts, text and labels."""

from app.core.images.facts import Facts, facts
from app.core.images.reading import ImageError, Picture, read_picture

__all__ = ["Facts", "ImageError", "Picture", "facts", "read_picture"]
