"""What Qt writes on the terminal: its warnings, not its chatter about optional libraries.

Qt Multimedia reports at start each optional library it looked for and did not
find (PipeWire, VA-API hardware decoding; the station needs neither), and dumps
every video file it opens (the evidence viewer's). Both bury a real warning in
a station's terminal and log. `QT_LOGGING_RULES` still turns them back on.
"""

from __future__ import annotations

from PySide6.QtCore import QLoggingCategory

QUIET_RULES = "\n".join(
    (
        "qt.multimedia.symbolsresolver.warning=false",  # optional libraries not found
        "qt.multimedia.*.info=false",  # the FFmpeg version and each file's streams
    )
)


def quiet_optional_library_logs() -> None:
    """Call before Qt Multimedia first loads (the first sound or player)."""
    QLoggingCategory.setFilterRules(QUIET_RULES)
