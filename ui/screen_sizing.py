"""Sizes every part of the pack screen for the window's height (ui.style.metrics_for).

So that a 1366 x 768 bench screen shows everything at once, fonts and heights
follow the window; the parts that size themselves get the metrics through
their `set_metrics`, the prompt and the input and action bars are sized here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from ui import style
from ui.action_bar import ActionBar
from ui.input_bar import InputBar

SetMetrics = Callable[[style.Metrics], None]


class ScreenSizing:
    """Applies new metrics to the screen's parts, once per change (`apply`)."""

    def __init__(
        self,
        parts: Sequence[SetMetrics],
        prompt: QLabel,
        input_bar: InputBar,
        action_bar: ActionBar,
    ) -> None:
        self._parts = list(parts)
        self._side_panels: list[SetMetrics] = []
        self._prompt = prompt
        self._input_bar = input_bar
        self._action_bar = action_bar
        self._metrics: style.Metrics | None = None

    def add_side_panel(self, set_metrics: SetMetrics) -> None:
        """A panel added after the start, sized at once if the screen already is."""
        self._side_panels.append(set_metrics)
        if self._metrics is not None:
            set_metrics(self._metrics)

    def apply(self, metrics: style.Metrics) -> None:
        if metrics == self._metrics:
            return
        self._metrics = metrics
        for set_metrics in self._parts:
            set_metrics(metrics)
        self._prompt.setFont(style.font(metrics.prompt_px, bold=True))
        for set_metrics in self._side_panels:
            set_metrics(metrics)
        # The input and action bars are sized here, with the rest of the screen.
        for label in self._input_bar.findChildren(QLabel):
            label.setFont(style.font(metrics.header_px))
        field = self._input_bar.findChild(QLineEdit)
        if field is not None:
            field.setFont(style.font(metrics.input_px))
            field.setMinimumHeight(metrics.input_px * 2)
        for button in self._action_bar.findChildren(QPushButton):
            button.setFont(style.font(metrics.button_px, bold=True))
            button.setMinimumHeight(metrics.button_height)
