"""Sova: an offline desktop knowledge assistant."""

__version__ = "0.1.0"
