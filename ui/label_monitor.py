"""Follows the labels of sealed parcels: printed, or not (yet), and the printer's state.

The session prints on its own thread after the verdict is committed, and
reports each attempt (`PackSession.on_label`); the controller turns those
reports into `label_reported(LabelOutcome)` on the UI thread. A report may
arrive before or after the verdict it belongs to, and a refused label is
retried until it prints, so this keeps the state of every job it heard of.

A label that may have printed (the station stopped while sending it and the
printer cannot tell) is a question for the packer, `question_asked`, until
it is answered (ui.label_question asks it).
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QObject, Signal

from station.print_outcomes import LabelOutcome

KEPT_NOTE = "It is kept and prints by itself when the printer is back."
SET_ASIDE_NOTE = "It cannot print as it is: fix the order, then reprint the label."


class LabelState(StrEnum):
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"


class LabelMonitor(QObject):
    """Job states, and signals when one changes in a way the packer must hear of."""

    label_printed = Signal(str, str)  # job id, where it went
    label_failed = Signal(str, str)  # job id, what to tell the packer (first failure only)
    status_changed = Signal(str, bool)  # printer line for the header, True when all is well
    question_asked = Signal(str, str)  # job id, "Did label N print?" (once per job)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._states: dict[str, LabelState] = {}
        self._errors: dict[str, str] = {}
        self._orders: dict[str, str] = {}
        self._set_aside: set[str] = set()
        self._slips: set[str] = set()
        self._questions: dict[str, str] = {}  # job id -> question, until answered

    def expect(self, job_id: str, order: str | None) -> LabelState:
        """A sealed verdict is shown: its label's state so far."""
        if order:
            self._orders[job_id] = order
        return self._states.setdefault(job_id, LabelState.PRINTING)

    def error_of(self, job_id: str) -> str:
        """What to tell the packer about a label (or packing slip) that did not print."""
        order = self._orders.get(job_id)
        what = "packing slip" if job_id in self._slips else "label"
        subject = f"The {what} for order {order}" if order else f"A {what}"
        note = SET_ASIDE_NOTE if job_id in self._set_aside else KEPT_NOTE
        return f"{subject} did not print: {self._errors.get(job_id, 'unknown error')} {note}"

    def waiting(self) -> int:
        """Labels not printed yet because the printer refused them."""
        return sum(
            1
            for job, state in self._states.items()
            if state is LabelState.FAILED and job not in self._set_aside
        )

    def questions(self) -> dict[str, str]:
        """The labels waiting for the packer's answer: job id -> question."""
        return dict(self._questions)

    def answered(self, job_id: str) -> None:
        """The packer answered about a label: it is no longer a question."""
        if self._questions.pop(job_id, None) is not None:
            self._announce_status()

    def report(self, outcome: LabelOutcome) -> None:
        """One print attempt's outcome (on the UI thread)."""
        job = outcome.job_id
        if outcome.in_doubt:
            if job not in self._questions:
                self._questions[job] = outcome.question
                self.question_asked.emit(job, outcome.question)
                self._announce_status()
            return
        self._questions.pop(job, None)
        if outcome.kind == "slip":
            self._slips.add(job)
            self._orders.setdefault(job, outcome.tracking)
        before = self._states.get(job)
        if outcome.location is not None:
            self._states[job] = LabelState.PRINTED
            self._errors.pop(job, None)
            self.label_printed.emit(job, outcome.location)
        else:
            self._states[job] = LabelState.FAILED
            self._errors[job] = outcome.error or "the printer did not answer."
            if outcome.set_aside:
                self._set_aside.add(job)
            if before is not LabelState.FAILED:  # retries of the same job: said once
                self.label_failed.emit(job, self.error_of(job))
        self._announce_status()

    def _announce_status(self) -> None:
        waiting, asked = self.waiting(), len(self._questions)
        problems = [f"{waiting} label(s) waiting"] if waiting else []
        problems += [f"{asked} label(s) to check"] if asked else []
        if problems:
            self.status_changed.emit(f"⚠ Printer: {', '.join(problems)}", False)
        else:
            self.status_changed.emit("Printer OK", True)
