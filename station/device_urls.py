"""Device addresses as URLs, checked when the config is read.

Every device of a station is one URL in the [devices] table of its config:
the scheme names the language and the transport, the rest where to find it.
This module only parses and checks them (pure string work, so settings can
reject a bad one at start); devices/ turns a parsed URL into a device.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import SplitResult, parse_qsl, urlsplit

from station.errors import UserError


class Role(StrEnum):
    SCANNER = "scanners"
    LABEL_PRINTER = "label_printer"
    DOCUMENT_PRINTER = "document_printer"
    SCALE = "scale"
    CAMERA = "cameras"


# Which schemes fit which role, and an example shown when a URL is wrong.
SCHEMES: dict[Role, tuple[str, ...]] = {
    Role.SCANNER: ("serial", "sim"),
    Role.LABEL_PRINTER: (
        "zpl+tcp",
        "zpl+serial",
        "zpl+usb",
        "zpl+file",
        "escpos+tcp",
        "escpos+serial",
        "escpos+usb",
        "escpos+file",
        "pdf+file",
        "system",
        "sim",
    ),
    Role.DOCUMENT_PRINTER: ("pdf+file", "system", "sim"),
    Role.SCALE: ("scale+serial", "sim"),
    Role.CAMERA: ("camera", "rtsp", "file", "sim"),
}
EXAMPLES: dict[Role, str] = {
    Role.SCANNER: "serial:///dev/ttyACM0?baud=9600 (serial://COM3 on Windows)",
    Role.LABEL_PRINTER: "zpl+tcp://192.0.2.10:9100",
    Role.DOCUMENT_PRINTER: "system://Office_Laser",
    Role.SCALE: "scale+serial:///dev/ttyUSB0?protocol=mt-sics&baud=9600",
    Role.CAMERA: "camera://0?uses=scan,record,photo&width=1280&height=720&fps=15",
}
SCALE_PROTOCOLS = ("mt-sics", "nci", "cas")
SERIAL_TERMINATORS = ("cr", "lf", "crlf", "tab", "auto")
CAMERA_USES = ("scan", "record", "photo")
# The options a camera URL takes; an rtsp:// URL passes any others on to the camera.
CAMERA_OPTIONS = ("uses", "width", "height", "fps", "loop", "name")
# What stands for an rtsp:// password wherever a URL is shown.
PASSWORD_MASK = "***"


class DeviceUrlError(UserError):
    """A device URL that cannot be used; the message names it and shows a valid one."""


@dataclass(frozen=True)
class DeviceUrl:
    text: str
    role: Role
    scheme: str
    # A host:port, a port name (/dev/ttyACM0, COM3), a folder, a VID:PID or a printer name.
    target: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def language(self) -> str | None:
        """zpl, escpos or pdf for printers; None for the rest."""
        head = self.scheme.split("+")[0]
        return head if head in ("zpl", "escpos", "pdf") else None

    @property
    def transport(self) -> str:
        return self.scheme.split("+")[-1]

    def int_param(self, name: str, default: int) -> int:
        value = self.params.get(name)
        if value is None:
            return default
        if not value.isdigit():
            raise self.error(f"{name}={value!r} must be a whole number")
        return int(value)

    @property
    def shown(self) -> str:
        """The URL as a message or the log may show it: an rtsp:// password hidden."""
        return without_password(self.text)

    def __repr__(self) -> str:
        # Logs and the saved-settings event (the audit trail) print URLs: no password.
        target = self.target
        if self.scheme == "rtsp":  # user:password@host/path
            target = without_password(f"rtsp://{target}").removeprefix("rtsp://")
        return (
            f"DeviceUrl(text={self.shown!r}, role={self.role!r}, scheme={self.scheme!r}, "
            f"target={target!r}, params={self.params!r})"
        )

    def error(self, problem: str) -> DeviceUrlError:
        return DeviceUrlError(
            f"Device URL {self.shown!r} for {self.role.value}: {problem}. "
            f"A valid example: {EXAMPLES[self.role]}"
        )


def password_of(text: str) -> str | None:
    """The password of `text`'s user:password@ part: None without one, or when `text` is
    not a URL (yet: being typed)."""
    try:
        return urlsplit(text.strip()).password
    except ValueError:
        return None


def without_password(text: str) -> str:
    """`text` with the password of its user:password@ part replaced by PASSWORD_MASK."""
    try:
        parts = urlsplit(text.strip())
        password = parts.password
    except ValueError:  # no URL (an unclosed "["): mask what stands between ":" and "@"
        return re.sub(r"(//[^/:@]*):[^@/]*@", rf"\1:{PASSWORD_MASK}@", text)
    if password is None:
        return text
    return _with_user_password(parts, PASSWORD_MASK)


def with_password(text: str, password: str) -> str:
    """`text` with `password` where it says PASSWORD_MASK (as `without_password` left it)."""
    if password_of(text) != PASSWORD_MASK:
        return text
    return _with_user_password(urlsplit(text.strip()), password)


def _with_user_password(parts: SplitResult, password: str) -> str:
    # user:password@host, the user's own ":" being the first: the one place it is taken apart.
    user, _, host = parts.netloc.rpartition("@")
    return parts._replace(netloc=f"{user.partition(':')[0]}:{password}@{host}").geturl()


def parse_device_url(text: str, role: Role) -> DeviceUrl:
    try:
        parts = urlsplit(text.strip())
    except ValueError as exc:  # an unclosed "[" (an IPv6 host) was a traceback
        raise DeviceUrl(text, role, "", "").error(f"it is not a URL ({exc})") from None
    scheme = parts.scheme.lower()
    probe = DeviceUrl(text, role, scheme, "")
    if scheme not in SCHEMES[role]:
        raise probe.error(
            f"unknown scheme {scheme or '(none)'!r}; use one of {', '.join(SCHEMES[role])}"
        )
    target = _target(scheme, parts.netloc, parts.path)
    if not target:
        raise probe.error("it names no device")
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    url = DeviceUrl(text, role, scheme, target, {name: value for name, value in pairs if value})
    if role is Role.CAMERA:
        _check_camera_blanks(url, [name for name, value in pairs if not value])
    _check(url)
    return url


def _target(scheme: str, netloc: str, path: str) -> str:
    if scheme == "rtsp":
        return netloc + path  # what the camera is asked for, user and password included
    if scheme in ("zpl+tcp", "escpos+tcp", "zpl+usb", "escpos+usb", "system", "sim"):
        return netloc or path.lstrip("/")
    # Serial ports and folders: serial:///dev/ttyACM0, serial://COM3, file:///C:/labels.
    if netloc and not path:
        return netloc
    if len(path) > 2 and path[0] == "/" and path[2] == ":":  # /C:/labels -> C:/labels
        return path[1:]
    return path


def _check(url: DeviceUrl) -> None:
    if url.transport == "tcp":
        host, _, port = url.target.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise url.error("a TCP printer needs HOST:PORT, e.g. 192.0.2.10:9100")
    if url.transport == "usb" and not _is_vid_pid(url.target):
        raise url.error("a USB device is VID:PID in hex, e.g. 0a5f:0001")
    if url.transport in ("serial",):
        url.int_param("baud", 9600)
        terminator = url.params.get("terminator", "auto").lower()
        if terminator not in SERIAL_TERMINATORS:
            raise url.error(f"terminator must be one of {', '.join(SERIAL_TERMINATORS)}")
    if url.scheme == "scale+serial" and url.params.get("protocol") not in SCALE_PROTOCOLS:
        raise url.error(f"protocol must be one of {', '.join(SCALE_PROTOCOLS)}")
    if url.role is Role.CAMERA:
        _check_camera(url)


def camera_uses(url: DeviceUrl) -> frozenset[str]:
    """What a camera URL is for: scan, record, photo (all three unless `uses` says)."""
    text = url.params.get("uses")
    if text is None:
        return frozenset(CAMERA_USES)
    return frozenset(word.strip().lower() for word in text.split(",") if word.strip())


def check_recording_cameras(urls: Sequence[DeviceUrl]) -> None:
    """At most one camera films the orders: an order's video is one camera's segments
    played one after another (two would interleave, and the scans' offsets with them).

    Raises:
        DeviceUrlError: two or more cameras have `record` in their uses.
    """
    recording = [repr(url.shown) for url in urls if "record" in camera_uses(url)]
    if len(recording) > 1:
        raise DeviceUrlError(
            f"Cameras {', '.join(recording)} are all used to record: an order's video comes "
            "from one camera. Keep record on one; the others can scan and photo."
        )


def camera_ids(urls: Sequence[DeviceUrl]) -> list[str]:
    """Each camera's name: its `name` option, else camera-1, camera-2, ... by its place."""
    return [url.params.get("name", f"camera-{number}") for number, url in enumerate(urls, 1)]


def check_cameras_together(urls: Sequence[DeviceUrl]) -> None:
    """What is wrong between cameras, not with one: two recording, two of one name.

    Raises:
        DeviceUrlError: naming the cameras.
    """
    check_recording_cameras(urls)
    names = camera_ids(urls)
    for name in names:
        if names.count(name) > 1:
            same = [
                repr(url.shown) for url, named in zip(urls, names, strict=True) if named == name
            ]
            raise DeviceUrlError(
                f"Cameras {', '.join(same)} are all named {name!r}: a camera's name is its "
                "entry in the status bar and its live view's (one would hide the other's "
                "state). Give each its own name= (a camera without one is camera-1, "
                "camera-2, ... by its place in the list)."
            )


def _check_camera_blanks(url: DeviceUrl, blank: list[str]) -> None:
    """A camera option written with no value is refused: `uses=` read as no `uses` at
    all made a camera meant for nothing scan, record and photo."""
    for name in blank:
        if name == "uses":
            raise url.error(
                f"uses is empty; write what the camera is for, some of {','.join(CAMERA_USES)} "
                "(uses=scan,record), or leave uses out for all three"
            )
        if name in CAMERA_OPTIONS:
            raise url.error(f"{name} is empty; give it a value or leave it out")


def _check_camera(url: DeviceUrl) -> None:
    uses = camera_uses(url)
    unknown = sorted(uses - set(CAMERA_USES))
    if unknown or not uses:
        raise url.error(f"uses must be some of {','.join(CAMERA_USES)}, got {url.params['uses']!r}")
    for name, low, high in (("width", 16, 7680), ("height", 16, 4320), ("fps", 1, 120)):
        if name in url.params and not low <= url.int_param(name, low) <= high:
            raise url.error(f"{name} must be between {low} and {high}")
    if url.params.get("loop", "0") not in ("0", "1"):
        raise url.error("loop must be 0 or 1")
    if url.scheme == "camera" and not (url.target.isdigit() or url.target.startswith("/dev/")):
        raise url.error("a local camera is its index (camera://0) or device (camera:///dev/video0)")
    if url.scheme == "sim" and url.target != "camera":
        raise url.error("the simulated camera is sim://camera")
    if url.scheme != "rtsp":
        unknown_options = sorted(set(url.params) - set(CAMERA_OPTIONS))
        if unknown_options:
            raise url.error(
                f"unknown option {unknown_options[0]!r}; a camera takes {', '.join(CAMERA_OPTIONS)}"
            )


def _is_vid_pid(target: str) -> bool:
    vid, _, pid = target.partition(":")
    return all(len(part) == 4 and _is_hex(part) for part in (vid, pid))


def _is_hex(text: str) -> bool:
    try:
        int(text, 16)
    except ValueError:
        return False
    return True
