"""Sova's core: everything except the window. Never imports Qt."""
