"""What the GUI tests tolerate in Qt's log (every other Qt warning fails a test)."""

from __future__ import annotations

# Qt messages about this machine, not about Sova: no PipeWire/PulseAudio server in CI,
# and the offscreen platform cannot resize native windows.
QT_NOISE = (
    r"pipewire",
    r"PulseAudioService",
    r"propagateSizeHints",
)
