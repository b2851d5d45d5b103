"""A ZPL II label printer (Zebra and compatibles) on any transport.

Every label goes: render, connect, ask the printer how it is (~HS), send the
label only if it can print it now, make sure the printer took it, close.
Refusing early matters: a label sent to a printer with no paper sits in its
memory and is lost if it is switched off.

Took it: a printer that answered ~HS gets another ~HS right after the label,
and its answer (it reads in order) proves it read the whole label. One that
does not answer (some ZPL emulations) took it once it has read up to our end
of stream (Transport.send). Anything less within `take_timeout` is a failure,
never a delivery. A label taken is reported at once, without waiting for the
connection to close, so the print queue records it before anything else can
happen.

After a crash mid-send the print queue asks (ChecksPrinted): the printer's
odometer (~HQOD), read just before the label went out, has moved if and only
if something printed since.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from devices.pdf.render_process import render_elsewhere
from devices.printers.host_status import (
    ODOMETER_REQUEST,
    REQUEST,
    answer_complete,
    formats_waiting,
    odometer_complete,
    parse_host_status,
    parse_odometer,
)
from devices.printers.status import PrinterState, PrinterStatus, unconfirmed
from devices.printers.transports import (
    FileTransport,
    NotTaken,
    TcpTransport,
    Transport,
    TransportError,
)
from devices.printers.zpl import DESIGN_DPI, HEIGHT, SUPPORTED_DPI, WIDTH, render_zpl
from station.labels import LabelContent
from station.ports import (
    MayHavePrinted,
    PrintError,
    PrintResult,
    Recheck,
    SuppliedFormat,
    SuppliedLabel,
)

log = logging.getLogger(__name__)
MAX_STATUS_TIMEOUT_S = 2.0
PRIMED_S = 1.0  # a checkpoint's status stands for the label sent this soon after it
_REPLACES = "a resend replaces the job's file"
_ODOMETER_KEY = "odometer="
_CHECK = "check that it is switched on and its cable is in, the label prints by itself."


class ZplPrinter:
    """Implements station.ports.LabelPrinter in ZPL II over `transport`."""

    def __init__(
        self,
        transport: Transport,
        dpi: int = 203,
        *,
        status_timeout: float = 2.0,
        take_timeout: float = 10.0,
    ) -> None:
        """`status_timeout`: how long to wait for ~HS before a label (at most 2 s);
        `take_timeout`: how long the printer may take to read a label it was sent.
        """
        if dpi not in SUPPORTED_DPI:
            raise ValueError(f"a ZPL printer prints at {SUPPORTED_DPI} dpi, not {dpi}")
        self.transport = transport
        self.dpi = dpi
        self.status_timeout = status_timeout
        self.take_timeout = take_timeout
        # The print thread and a status poll from elsewhere share one connection.
        self._lock = threading.Lock()
        # What the printer said at the last checkpoint, on the connection it left open.
        self._primed: tuple[PrinterStatus, float] | None = None
        self._no_odometer = False

    @property
    def url(self) -> str:
        return f"zpl+{self.transport.url}"

    def status(self, timeout: float = 2.0) -> PrinterStatus:
        """Ask the printer (~HS). No answer within `timeout` (at most 2 s) is UNKNOWN."""
        with self._lock:
            self._primed = None
            try:
                return self._status(timeout)
            finally:
                self.transport.close()

    def print_label(self, job_id: str, label: LabelContent) -> PrintResult:
        """Print one label, or raise PrintError saying what the packer should do."""
        data = render_zpl(label, self.dpi)  # a label that cannot be made needs no printer
        return self._deliver(job_id, data)

    def render_label(self, label: LabelContent) -> bytes:
        """The label's ZPL, made in the render process (the same bytes print_label sends).

        A bulk run (station.bulk_print) makes the next labels this way while the
        current one is sent and recorded, and then sends each with send_rendered.
        """
        return render_elsewhere(functools.partial(render_zpl, dpi=self.dpi), label)

    def send_rendered(self, job_id: str, label: LabelContent, data: bytes) -> PrintResult:
        """Deliver bytes from render_label, with the same status check as print_label."""
        return self._deliver(job_id, data)

    def print_supplied(self, job_id: str, label: SuppliedLabel) -> PrintResult:
        """Print a courier's own label: ZPL as it is, a PDF or PNG as a ^GF graphic.

        Every page of a PDF is one label. Raises PermanentPrintError for a
        document that cannot be read (see devices.pdf.supplied), and
        PrintError as print_label does.
        """
        # Imported here: PDFium and Pillow load only when a supplied label comes.
        from devices.pdf import supplied

        # The document is checked and converted before the printer is asked anything.
        if label.format is SuppliedFormat.ZPL:
            supplied.check_zpl(label.data)
            data = label.data
        else:
            scale = self.dpi / DESIGN_DPI
            box = supplied.Box(round(WIDTH * scale), round(HEIGHT * scale), self.dpi)
            pages = supplied.label_images(label, box)
            data = b"".join(supplied.zpl_graphic_label(page) for page in pages)
        return self._deliver(job_id, data)

    def checkpoint(self) -> str:
        """The odometer now, read before a label goes out (see ChecksPrinted).

        Its connection stays open with the status the printer gave, and the
        label sent next (within PRIMED_S) goes on it without asking again:
        one connection and one question per label, as before checkpoints.
        """
        if isinstance(self.transport, FileTransport):
            return _REPLACES if self.transport.keeps_jobs_apart else ""
        with self._lock:
            self._primed = None
            answer = self._ask_odometer()
            if answer is None:
                return ""
            if parse_odometer(answer) is not None or not answer:
                # A whole answer, or silence (a printer that never answers gets
                # its label without a question): nothing late can muddle what
                # the label's own status question reads.
                self._primed = (parse_host_status(answer), time.monotonic())
            else:
                self.transport.close()
        odometer = _idle_odometer(answer)
        return f"{_ODOMETER_KEY}{odometer}" if odometer is not None else ""

    def recheck(self, job_id: str, checkpoint: str) -> Recheck:
        """Did the job sent after `checkpoint` print? Asked once, after a crash."""
        if checkpoint == _REPLACES:
            return Recheck.RESEND
        before = checkpoint.removeprefix(_ODOMETER_KEY)
        if not checkpoint.startswith(_ODOMETER_KEY) or not before.isdigit():
            return Recheck.ASK
        with self._lock:
            self._primed = None
            try:
                now = _idle_odometer(self._ask_odometer())
            finally:
                self.transport.close()
        log.info("%s: job %s odometer %s before, %s now", self.url, job_id, before, now)
        if now is None or now < int(before):
            return Recheck.ASK
        return Recheck.PRINTED if now > int(before) else Recheck.RESEND

    def _ask_odometer(self) -> bytes | None:
        """~HS and ~HQOD in one question: the answer, b"" for none, None if it cannot be asked.

        A printer that answers ~HS but not ~HQOD (older firmware) is not asked
        for it again: each label would wait for an answer that never comes.
        """
        if self._no_odometer:
            return None
        try:
            answer = self.transport.query(
                REQUEST + ODOMETER_REQUEST, self._bounded(self.status_timeout), odometer_complete
            )
        except TransportError as exc:
            log.info("%s: no odometer (%s)", self.url, exc)
            self.transport.close()
            return None
        if answer_complete(answer or b"") and parse_odometer(answer) is None:
            log.info("%s: answers ~HS but not ~HQOD: no odometer checks", self.url)
            self._no_odometer = True
        return answer or b""

    def _deliver(self, job_id: str, data: bytes) -> PrintResult:
        with self._lock:
            primed, self._primed = self._primed, None
            try:
                fresh = primed is not None and time.monotonic() - primed[1] < PRIMED_S
                status = primed[0] if primed is not None and fresh else None
                if status is None:
                    status = self._status(self.status_timeout)
                if status.blocks_printing:
                    raise PrintError(self._refusal(status))
                if status.state is PrinterState.UNKNOWN:
                    log.info("%s: sending job %s without a status: %s", self.url, job_id, status)
                self._send(data, job_id, answers=status.state is not PrinterState.UNKNOWN)
            finally:
                self.transport.close()
        return PrintResult(location=f"{self.url} job {job_id[:8]}")

    def _status(self, timeout: float) -> PrinterStatus:
        try:
            answer = self.transport.query(REQUEST, self._bounded(timeout), answer_complete)
        except TransportError as exc:
            return PrinterStatus.unreachable(str(exc))
        return parse_host_status(answer)

    @staticmethod
    def _bounded(timeout: float) -> float:
        return min(max(timeout, 0.0), MAX_STATUS_TIMEOUT_S)

    def _send(self, data: bytes, job_id: str, *, answers: bool) -> None:
        """Send the label and return once the printer has taken it (see the module doc)."""
        where = self.transport.url
        try:
            if not answers:
                self.transport.send(data, job_id=job_id)
                return
            answer = self.transport.query(data + REQUEST, self.take_timeout, answer_complete)
        except NotTaken as exc:
            if exc.may_have_taken:
                raise MayHavePrinted(unconfirmed(where, exc.seconds)) from exc
            raise PrintError(self._not_taken(exc.seconds)) from exc
        except TransportError as exc:
            # Ended its side after answering before the label: if it does not drop
            # the connection, it has read the label, or will (it may print).
            if self._has_everything(within=self.take_timeout):
                raise MayHavePrinted(unconfirmed(where, self.take_timeout)) from exc
            raise PrintError(
                f"Label printer at {where} stopped taking the label ({exc}): {_CHECK}"
            ) from exc
        if answer is None or not answer_complete(answer):
            # It answered before the label on this connection, so it reads it: a
            # label it has whole is in its buffer and may print, sent again or not.
            if self._has_everything(within=0.0):
                raise MayHavePrinted(unconfirmed(where, self.take_timeout))
            raise PrintError(self._not_taken(self.take_timeout))

    def _has_everything(self, within: float) -> bool:
        transport = self.transport
        return isinstance(transport, TcpTransport) and transport.has_everything_sent(within)

    def _not_taken(self, seconds: float) -> str:
        return (
            f"Label printer at {self.transport.url} did not take the label within {seconds:g} s: "
            "check it is on and not paused, the label prints by itself."
        )

    def _refusal(self, status: PrinterStatus) -> str:
        if status.state is PrinterState.UNREACHABLE:
            where = self.transport.url
            return f"Label printer at {where} cannot be reached ({status.detail}): {_CHECK}"
        return status.message


def _idle_odometer(answer: bytes | None) -> int | None:
    """The odometer, or None unless the printer is idle and says it.

    A printer holding labels it has not printed yet (paused, out of paper,
    busy) will move its odometer later: now it cannot tell.
    """
    state = parse_host_status(answer).state
    if state is not PrinterState.READY and state is not PrinterState.PAPER_LOW:
        return None
    return parse_odometer(answer) if formats_waiting(answer) == 0 else None
