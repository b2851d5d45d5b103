"""The demo station's camera: a short generated video of a bench, played as if live.

A newcomer sees the live view, the recording of each order and its photos, and the
evidence viewer, with no camera. The demo camera only records and photographs
(`uses=record,photo`): a looping video cannot know which order is open, and a camera
that read the barcodes in it would count units the packer never touched, the one
thing the station is there to prevent. Scanning by camera is shown by `sim://camera`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from devices.camera.sources import BgrImage
from station.device_urls import DeviceUrl, Role, parse_device_url
from station.settings import Settings

VIDEO_NAME = "demo-camera.avi"
SIZE = (640, 360)
FPS = 15
SECONDS = 8


def with_demo_camera(settings: Settings, data_dir: Path) -> Settings:
    """The demo's settings with its camera, unless its config names cameras of its own."""
    if settings.devices.cameras:
        return settings
    devices = replace(settings.devices, cameras=(demo_camera(data_dir),))
    return replace(settings, devices=devices)


def is_demo_camera(url: DeviceUrl) -> bool:
    """Whether `url` is the camera `with_demo_camera` gave the demo."""
    return url.params.get("name") == "demo" and Path(url.target).name == VIDEO_NAME


def demo_camera(data_dir: Path) -> DeviceUrl:
    """The demo's camera URL; its video is written into `data_dir` the first time."""
    path = data_dir / VIDEO_NAME
    if not path.is_file():
        write_demo_video(path)
    width, height = SIZE
    return parse_device_url(
        f"file://{path.resolve()}?loop=1&uses=record,photo&width={width}&height={height}"
        f"&fps={FPS}&name=demo",
        Role.CAMERA,
    )


def write_demo_video(path: Path) -> Path:
    """A box slid across a bench and back, with a label on it (MJPG, 8 s, about 3 MB)."""
    width, height = SIZE
    partial = path.with_name(f"{path.stem}.part{path.suffix}")  # OpenCV goes by the suffix
    writer = cv2.VideoWriter(str(partial), cv2.VideoWriter.fourcc(*"MJPG"), FPS, SIZE)
    if not writer.isOpened():
        raise OSError(f"the demo camera's video cannot be written to {partial}")
    bench = _bench(width, height)
    count = FPS * SECONDS
    for number in range(count):
        # Out and back: the video loops without a jump.
        along = 1 - abs(2 * number / count - 1)
        writer.write(_frame(bench, along))
    writer.release()
    partial.replace(path)
    return path


def _bench(width: int, height: int) -> BgrImage:
    grain = np.random.default_rng(7).normal(0, 6, (height, width)).astype(np.float32)
    shade = np.linspace(150, 190, width, dtype=np.float32)[None, :] + grain
    wood = np.clip(shade, 0, 255).astype(np.uint8)
    return np.dstack([wood * 0.55, wood * 0.75, wood]).astype(np.uint8)


def _frame(bench: BgrImage, along: float) -> BgrImage:
    frame = bench.copy()
    left = int(60 + along * 300)
    top = 90
    cv2.rectangle(frame, (left, top), (left + 220, top + 170), (70, 130, 190), -1)  # cardboard
    cv2.rectangle(frame, (left, top), (left + 220, top + 170), (40, 80, 120), 2)
    cv2.line(frame, (left + 110, top), (left + 110, top + 170), (60, 110, 165), 6)  # tape
    cv2.rectangle(frame, (left + 20, top + 40), (left + 95, top + 140), (245, 245, 245), -1)
    for bar in range(12):  # a label's bars, for the look only (nothing here is scanned)
        x = left + 26 + bar * 5
        cv2.line(frame, (x, top + 90), (x, top + 130), (20, 20, 20), 1 + bar % 3)
    cv2.putText(frame, "DEMO CAMERA", (12, 340), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (255, 255, 255), 2)
    return frame
