"""What is plugged into this computer, as device URLs ready for the station config."""

from __future__ import annotations

import glob
import os
import sys
from dataclasses import dataclass

from serial.tools import list_ports


@dataclass(frozen=True)
class Found:
    url: str
    description: str


def serial_ports() -> list[Found]:
    """Serial ports with what identifies them (VID:PID and serial number for USB)."""
    found = []
    for port in sorted(list_ports.comports(), key=lambda p: p.device):
        described = port.description not in (None, "", "n/a")
        details = [port.description if described else "serial port"]
        if port.vid is not None and port.pid is not None:
            details.append(f"USB {port.vid:04x}:{port.pid:04x}")
        if port.serial_number:
            details.append(f"serial number {port.serial_number}")
        url = f"serial://{port.device}"
        found.append(Found(url, ", ".join(details)))
    return found


def cameras() -> list[Found]:
    """Video devices. On Linux their device files; elsewhere the first indexes OpenCV opens."""
    if sys.platform.startswith("linux"):
        return [
            Found(f"camera://{path}", "video device") for path in sorted(glob.glob("/dev/video*"))
        ]
    return _probe_cameras()


def _probe_cameras(limit: int = 4) -> list[Found]:
    # Probing is the only portable way; OpenCV is quiet about absent indexes at ERROR level.
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
    import cv2

    found = []
    for index in range(limit):
        capture = cv2.VideoCapture(index)
        if capture.isOpened():
            found.append(Found(f"camera://{index}", f"camera {index}"))
        capture.release()
    return found
