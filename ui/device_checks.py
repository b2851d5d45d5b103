"""The Devices dialog's checks: print a test label, read a weight, wait for a scan, take a
camera's picture, discover.

Plain blocking functions, run off the UI thread by the dialog. Each ends in a
`CheckResult` whose text tells the IT person what happened and what to do;
expected failures (printer off, port busy, nothing scanned) are results, not
exceptions.
"""

from __future__ import annotations

import re
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from devices import registry
from devices.state import FAULTED, DeviceState
from station.device_urls import DeviceUrl, Role, camera_uses
from station.errors import UserError
from station.labels import sample_label
from station.ports import PrintError

if TYPE_CHECKING:
    from devices.camera.sources import BgrImage
    from devices.scanners import ScanRead

Progress = Callable[[str], None]
WEIGHT_TIMEOUT_S = 2.0
SCAN_TIMEOUT_S = 20.0
# A local camera sends its first picture within a second; an IP camera's stream may
# take a few seconds to start.
CAMERA_TIMEOUT_S = 8.0


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    text: str


@dataclass(frozen=True)
class FoundDevice:
    """Something plugged into this computer, as a URL and what identifies it."""

    url: str
    description: str


def print_test_label(url: DeviceUrl) -> CheckResult:
    """Print `station.labels.sample_label()` to the label printer `url` names."""
    job_id = f"test-{uuid.uuid4().hex}"
    try:
        # The folder is only used for the built-in default, which has no URL here.
        printer, stop = registry.label_printer(url, Path(tempfile.gettempdir()))
    except (UserError, OSError, ValueError) as exc:
        return CheckResult(False, f"Cannot use this printer: {exc}")
    try:
        result = printer.print_label(job_id, sample_label())
    except (PrintError, OSError) as exc:
        return CheckResult(False, f"The test label did not print: {exc}")
    finally:
        stop()
    return CheckResult(True, f"Test label sent: {result.location}")


def read_weight(url: DeviceUrl, timeout: float = WEIGHT_TIMEOUT_S) -> CheckResult:
    """Open the scale `url` names and read one stable weight within `timeout` seconds."""
    from devices.scales.from_url import open_scale

    fault: list[str] = []
    faulted = threading.Event()

    def on_state(state: DeviceState, message: str) -> None:
        if state in FAULTED and not fault:
            fault.append(message)
            faulted.set()

    try:
        scale, stop = open_scale(url, on_state=on_state)
    except (UserError, OSError) as exc:
        return CheckResult(False, f"Cannot use this scale: {exc}")
    try:
        reading = scale.read_stable(timeout)
        # The scale tells its listener just after it wakes the reader: wait for the words.
        said = fault[0] if scale.state in FAULTED and faulted.wait(timeout) else ""
    finally:
        stop()
    if reading is not None:
        return CheckResult(True, f"Stable weight: {reading.grams} g")
    if said:
        # The scale says it keeps trying; this test does not.
        said = re.sub(r";? (retrying|reconnecting)\.$", ".", said)
        if "lock" in said.lower():  # pyserial: "Could not exclusively lock port"
            said += " If this station uses this scale, its weight shows in the status bar."
        return CheckResult(False, said)
    return CheckResult(
        False,
        f"No stable weight within {timeout:g} s. Put something on the scale and keep it "
        "still, then try again. If the scale shows a weight, check the protocol and baud "
        "in the URL.",
    )


def wait_for_scan(
    url: DeviceUrl,
    cancel: threading.Event,
    progress: Progress,
    timeout: float = SCAN_TIMEOUT_S,
) -> CheckResult:
    """Open the scanner `url` names and wait for the next value scanned with it."""
    if url.scheme == "sim":
        return CheckResult(False, "A simulated scanner has nobody to scan with it: no test.")
    from devices.scanners import SerialScanner, Terminator

    listener = _FirstScan(cancel, progress)
    try:
        scanner = SerialScanner(
            url.target,
            scanner_id="test",
            listener=listener,
            baudrate=url.int_param("baud", 9600),
            terminator=Terminator.parse(url.params.get("terminator", "auto")),
        )
    except (UserError, ValueError) as exc:
        return CheckResult(False, f"Cannot use this scanner: {exc}")
    scanner.start()
    try:
        if not cancel.wait(timeout):
            return CheckResult(False, f"Nothing was scanned within {timeout:g} s.")
    finally:
        scanner.close()
    return listener.result or CheckResult(False, "Test cancelled.")


class _FirstScan:
    """A ScannerListener that ends the test at the first scan, or when the port fails."""

    def __init__(self, done: threading.Event, progress: Progress) -> None:
        self._done = done
        self._progress = progress
        self.result: CheckResult | None = None

    def on_scan(self, event: ScanRead) -> None:
        if self.result is None:
            self.result = CheckResult(True, f"Scanned: {event.text}")
            self._done.set()

    def on_state(self, scanner_id: str, state: DeviceState, detail: str) -> None:
        if state is DeviceState.READY:
            self._progress("Scan a barcode with it now…")
        elif state in FAULTED and self.result is None:
            hint = (
                " If this station already uses this scanner, close this dialog and scan: "
                "the pack screen shows what it reads."
                if state is DeviceState.ERROR
                else " Check that it is plugged in."
            )
            self.result = CheckResult(False, f"The scanner {detail}.{hint}")
            self._done.set()

    def on_rejected(self, scanner_id: str, reason: str, raw: bytes) -> None:
        self._progress(f"Something came in that is not a scan ({reason}); scan again.")


def test_camera(url: DeviceUrl, timeout: float = CAMERA_TIMEOUT_S) -> CheckResult:
    """Open the camera `url` names, take one picture within `timeout` s, and say its size
    and the barcodes in it (a camera used to scan)."""
    from devices.camera.decode import decode_frame
    from devices.camera.from_url import frame_source
    from devices.camera.sources import SourceOpenError

    try:
        source = frame_source(url)
        source.open()
    except SourceOpenError as exc:
        hint = (
            " If this station already uses this camera, close this dialog: the pack "
            "screen shows its picture."
            if url.scheme == "camera"
            else ""
        )
        return CheckResult(False, f"Cannot open it: {exc}.{hint}")
    except (UserError, OSError, ValueError) as exc:
        return CheckResult(False, f"Cannot use this camera: {exc}")
    try:
        image = _first_picture(source.read, timeout)
    finally:
        source.close()
    if image is None:
        return CheckResult(
            False, f"It opened but sent no picture within {timeout:g} s; check its cable."
        )
    height, width = image.shape[:2]
    text = f"A picture came: {width}x{height}."
    if "scan" in camera_uses(url):
        codes = [found.text for found in decode_frame(image)]
        text += f" Barcodes in it: {', '.join(codes)}." if codes else " No barcode in it."
    return CheckResult(True, text)


def _first_picture(read: Callable[[], BgrImage | None], timeout: float) -> BgrImage | None:
    """The first picture `read` gives within `timeout` s (a source gives None while it
    has no new one, as a video file paced to its rate)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        image = read()
        if image is not None:
            return image
        time.sleep(0.02)  # a source's read() may return at once with nothing
    return None


def discover() -> list[FoundDevice]:
    """Serial ports (with USB VID:PID and serial number), cameras and system printers."""
    from devices.discovery import cameras, serial_ports
    from ui.printers import system_printers

    found = [FoundDevice(port.url, port.description) for port in serial_ports()]
    found += [FoundDevice(camera.url, camera.description) for camera in cameras()]
    found += [FoundDevice(url, description) for url, description in system_printers()]
    return found


def url_for_role(found_url: str, role: Role) -> str | None:
    """The config URL that uses a discovered device as `role`; None if it cannot be one."""
    scheme, _, rest = found_url.partition("://")
    if scheme == "serial":
        return {
            Role.SCANNER: f"serial://{rest}",
            Role.LABEL_PRINTER: f"zpl+serial://{rest}",
            Role.SCALE: f"scale+serial://{rest}?protocol=mt-sics",
        }.get(role)
    if scheme == "camera" and role is Role.CAMERA:
        return found_url
    # System printers take documents; labels need a printer the station speaks to itself.
    if scheme == "system" and role is Role.DOCUMENT_PRINTER:
        return found_url
    return None
