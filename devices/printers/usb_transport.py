"""USB printers through libusb (pyusb): jobs to the bulk OUT endpoint, answers from bulk IN.

`zpl+usb://0a5f:0001` names a printer by its USB vendor and product id (hex);
`?serial=XXXX` picks one of several alike printers. Each job finds the
printer, claims its printer-class interface, writes, reads the answer to a
status request (~HS) within the caller's time limit, and lets go on close(),
so a printer that was unplugged and plugged back is found again.

Linux: the kernel's usblp driver takes USB printers and shows them as
/dev/usb/lpN. `zpl+file:///dev/usb/lp0` writes there (FileTransport), but a
file cannot tell the printer's status, so a label sent to a printer out of
paper waits inside it, and is lost if it is switched off. zpl+usb:// detaches
usblp from the printer (its /dev/usb/lp file goes away until the next plug)
and can ask. It needs permission to the USB device: `udev_rule` says how.

Windows: libusb needs the WinUSB driver on the printer (Zadig installs it).
libusb itself comes with the libusb-package wheel; the system's is the fallback.
"""

from __future__ import annotations

import contextlib
import errno
import time
from dataclasses import dataclass
from typing import Any

import usb.core
import usb.util

from devices.printers.transports import Complete, NotTaken, TransportError

PRINTER_CLASS = 7  # USB interface class of printers
_READ_SIZE = 4096  # a multiple of every bulk packet size
_NO_PERMISSION = frozenset({errno.EACCES, errno.EPERM})
_GONE = frozenset({errno.ENODEV, errno.ENOENT})


@dataclass(frozen=True)
class UsbAddress:
    """Which USB printer: vendor and product id, and its serial number if several are alike."""

    vid: int
    pid: int
    serial: str | None = None

    @classmethod
    def parse(cls, target: str, serial: str | None = None) -> UsbAddress:
        """`VID:PID` in hex, e.g. "0a5f:0001"; raises ValueError for anything else."""
        vid, _, pid = target.strip("/").partition(":")
        try:
            if len(vid) == len(pid) == 4:
                return cls(int(vid, 16), int(pid, 16), serial or None)
        except ValueError:
            pass  # not hex: said below
        raise ValueError(f"a USB printer is VID:PID in hex, e.g. 0a5f:0001, not {target!r}")

    @property
    def ids(self) -> str:
        return f"{self.vid:04x}:{self.pid:04x}"

    def __str__(self) -> str:
        return self.ids if self.serial is None else f"{self.ids} (serial {self.serial})"


def udev_rule(address: UsbAddress) -> str:
    """The Linux udev rule that lets every user of this computer use the printer."""
    return (
        f'SUBSYSTEM=="usb", ATTR{{idVendor}}=="{address.vid:04x}", '
        f'ATTR{{idProduct}}=="{address.pid:04x}", MODE="0666"'
    )


def default_backend() -> Any:
    """libusb from the libusb-package wheel, or None to let pyusb find the system's."""
    try:
        import libusb_package
    except ImportError:
        return None
    return libusb_package.get_libusb1_backend()


@dataclass(frozen=True)
class _Claimed:
    device: Any  # usb.core.Device
    interface: int
    out: Any  # usb.core.Endpoint, bulk OUT
    into: Any | None  # bulk IN; None on a printer that cannot answer


class UsbTransport:
    """A USB printer-class device; implements devices.printers.transports.Transport."""

    def __init__(self, address: UsbAddress, timeout: float = 10.0, backend: Any = None) -> None:
        """`backend`: a pyusb backend (None: `default_backend()`)."""
        self.address = address
        self.timeout = timeout
        self._backend = backend
        self._claimed: _Claimed | None = None

    @property
    def url(self) -> str:
        query = f"?serial={self.address.serial}" if self.address.serial else ""
        return f"usb://{self.address.ids}{query}"

    def send(self, data: bytes, *, job_id: str | None = None) -> None:
        claimed = self._opened()
        try:
            self._write(claimed, data)
        except usb.core.USBTimeoutError as exc:
            self.close()
            raise NotTaken(self.timeout) from exc  # the printer stopped taking bytes
        except usb.core.USBError as exc:
            self.close()
            raise TransportError(f"sending failed: {self._problem(exc)}") from exc

    def query(self, data: bytes, timeout: float, complete: Complete | None = None) -> bytes | None:
        claimed = self._opened()
        if claimed.into is None:
            return None  # a send-only printer: no answer can come
        deadline = time.monotonic() + timeout
        answer = b""
        try:
            _drain(claimed.into)  # a late answer to an earlier question is not this one
            self._write(claimed, data)
            while not (answer and (complete is None or complete(answer))):
                remaining_ms = int((deadline - time.monotonic()) * 1000)
                if remaining_ms <= 0:
                    break
                answer += bytes(claimed.into.read(_READ_SIZE, remaining_ms))
        except usb.core.USBTimeoutError:
            pass  # an answer that never came is not a broken connection
        except usb.core.USBError as exc:
            self.close()
            raise TransportError(f"query failed: {self._problem(exc)}") from exc
        return answer or None

    def close(self) -> None:
        claimed, self._claimed = self._claimed, None
        if claimed is None:
            return
        # Letting go of a printer that is already gone may fail: nothing is left to free.
        with contextlib.suppress(usb.core.USBError):
            usb.util.release_interface(claimed.device, claimed.interface)
        with contextlib.suppress(usb.core.USBError):
            usb.util.dispose_resources(claimed.device)

    # -- internals --------------------------------------------------------------

    def _opened(self) -> _Claimed:
        if self._claimed is None:
            device = self._find()
            try:
                self._claimed = _claim(device)
            except (usb.core.USBError, NotImplementedError, LookupError) as exc:
                with contextlib.suppress(usb.core.USBError):
                    usb.util.dispose_resources(device)
                raise TransportError(f"cannot open: {self._problem(exc)}") from exc
        return self._claimed

    def _find(self) -> Any:
        backend = self._backend if self._backend is not None else default_backend()
        try:
            found = list(
                usb.core.find(
                    find_all=True,
                    idVendor=self.address.vid,
                    idProduct=self.address.pid,
                    backend=backend,
                )
            )
        except usb.core.NoBackendError as exc:
            raise TransportError(
                "libusb, which USB printers need, cannot be loaded: reinstall PackStation "
                "(it brings libusb along) or install libusb-1.0"
            ) from exc
        except usb.core.USBError as exc:
            raise TransportError(f"cannot list USB devices: {self._problem(exc)}") from exc
        if not found:
            raise TransportError(f"USB printer {self.address.ids} is not connected")
        if self.address.serial is None and len(found) == 1:
            return found[0]
        return self._pick(found)

    def _pick(self, found: list[Any]) -> Any:
        try:
            serials = [device.serial_number for device in found]
        except (usb.core.USBError, ValueError) as exc:
            raise TransportError(f"cannot read serial numbers: {self._problem(exc)}") from exc
        listed = ", ".join(str(serial) for serial in serials)
        if self.address.serial is None:
            raise TransportError(
                f"{len(found)} USB printers {self.address.ids} are connected: add "
                f"?serial=… to the printer URL to say which (serial numbers: {listed})"
            )
        for device, serial in zip(found, serials, strict=True):
            if serial == self.address.serial:
                return device
        raise TransportError(
            f"USB printer {self.address} is not connected (connected {self.address.ids} "
            f"serial numbers: {listed})"
        )

    def _write(self, claimed: _Claimed, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = int(claimed.out.write(view, int(self.timeout * 1000)))
            if written <= 0:
                raise usb.core.USBError("the printer took no bytes", errno=errno.EIO)
            view = view[written:]

    def _problem(self, exc: BaseException) -> str:
        """What went wrong, in words that say what to do."""
        code = getattr(exc, "errno", None)
        ids = self.address.ids
        if isinstance(exc, usb.core.USBTimeoutError):
            return f"USB printer {ids} took nothing for {self.timeout:g} s"
        # pyusb reads a serial number without permission as "no langid (permission issue...)".
        if code in _NO_PERMISSION or isinstance(exc, ValueError):
            return (
                f"this user may not use USB printer {ids}: on Linux add the udev rule "
                f"'{udev_rule(self.address)}' to /etc/udev/rules.d/99-packstation-printer.rules, "
                "then unplug the printer and plug it in again"
            )
        if code == errno.EBUSY:
            return f"another program is using USB printer {ids} (a print spooler such as CUPS?)"
        if code in _GONE:
            return f"USB printer {ids} is not connected (unplugged or switched off)"
        if code == errno.ENOSYS or isinstance(exc, NotImplementedError):
            return (
                f"libusb cannot use USB printer {ids} with its driver: on Windows install the "
                "WinUSB driver for it (e.g. with Zadig)"
            )
        return f"USB printer {ids}: {getattr(exc, 'strerror', None) or exc}"


def printer_endpoints(configuration: Any) -> tuple[Any, Any, Any | None]:
    """The interface to print on, its bulk OUT endpoint and its bulk IN endpoint (or None).

    The printer-class interface first, and of its settings a bidirectional one
    (with an IN endpoint, so status can be read); else any interface with a
    bulk OUT endpoint, as some printers declare a vendor class instead.
    Raises LookupError when there is none: the device is not a printer.
    """
    interfaces = sorted(
        configuration,
        key=lambda i: (
            i.bInterfaceClass != PRINTER_CLASS,
            _bulk(i, usb.util.ENDPOINT_IN) is None,
            i.bAlternateSetting,
        ),
    )
    for interface in interfaces:
        out = _bulk(interface, usb.util.ENDPOINT_OUT)
        if out is not None:
            return interface, out, _bulk(interface, usb.util.ENDPOINT_IN)
    raise LookupError("no interface with a bulk OUT endpoint: this USB device is not a printer")


def _bulk(interface: Any, direction: int) -> Any | None:
    for endpoint in interface:
        if (
            usb.util.endpoint_type(endpoint.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK
            and usb.util.endpoint_direction(endpoint.bEndpointAddress) == direction
        ):
            return endpoint
    return None


def _claim(device: Any) -> _Claimed:
    try:
        configuration = device.get_active_configuration()
    except usb.core.USBError as exc:
        if exc.errno is not None:
            raise
        device.set_configuration()  # not configured yet: pyusb says so without an errno
        configuration = device.get_active_configuration()
    interface, out, into = printer_endpoints(configuration)
    number = interface.bInterfaceNumber
    with contextlib.suppress(NotImplementedError):  # only Linux has kernel drivers to detach
        if device.is_kernel_driver_active(number):
            device.detach_kernel_driver(number)  # usblp: /dev/usb/lpN
    usb.util.claim_interface(device, number)
    if interface.bAlternateSetting:
        interface.set_altsetting()
    return _Claimed(device, number, out, into)


def _drain(into: Any) -> None:
    for _ in range(8):  # a few stale packets at most; a printer does not chatter
        try:
            if not into.read(_READ_SIZE, 1):
                return
        except usb.core.USBTimeoutError:
            return
