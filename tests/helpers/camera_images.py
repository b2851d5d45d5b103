"""Pictures a camera at the bench could take: the project's own labels and product
barcodes, rendered to pixels (PDF -> pdftoppm) and then blurred, tilted, darkened,
glared, bent and shrunk; and pictures with no barcode at all.

Shared by the camera tests and bench/camera_decode.py.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
from reportlab.graphics import renderPDF
from reportlab.pdfgen.canvas import Canvas

from devices.pdf.pdf_label import render_label_pdf
from station.demo.symbols import code128, retail
from station.labels import sample_label

Gray = npt.NDArray[np.uint8]
FRAME_SIZE = (1280, 720)

LABEL_TRACKINGS = (
    ("code128", "JJD000390007880676"),
    ("code128", "1Z999AA10123456784"),
    ("gs1-128", "(00)340123450000000017"),
    ("qr", "3SABCD1234567"),
    ("datamatrix", "01234567890123"),
)
PRODUCT_CODES = ("4006381333931", "036000291452", "5901234123457", "BADGE-P001", "SO-100017")


@dataclass(frozen=True)
class Sample:
    name: str
    image: Gray
    expected: str | None  # None: no barcode in the picture


def _pdftoppm(pdf: Path, dpi: int) -> Gray:
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise RuntimeError("pdftoppm is needed: install poppler-utils")
    prefix = pdf.with_suffix("")
    subprocess.run(
        [tool, "-r", str(dpi), "-gray", "-png", "-singlefile", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
    )
    image = cv2.imread(str(prefix.with_suffix(".png")), cv2.IMREAD_GRAYSCALE)
    assert image is not None
    return np.asarray(image, dtype=np.uint8)


def label_picture(symbology: str, tracking: str, folder: Path, dpi: int = 200) -> Gray:
    """The part of a 4x6 inch label (the project's own renderer) round its tracking barcode,
    as a camera sees it when the label is held up to it."""
    label = replace(sample_label(), tracking=tracking, symbology=symbology)
    pdf = folder / f"label-{symbology}-{len(list(folder.iterdir()))}.pdf"
    pdf.write_bytes(render_label_pdf(label))
    page = _pdftoppm(pdf, dpi)
    # Where the barcode is, from the clean rendering (zxing-cpp reads it exactly).
    import zxingcpp

    (code,) = zxingcpp.read_barcodes(page)
    corners = code.position
    xs = [p.x for p in (corners.top_left, corners.top_right, corners.bottom_right)]
    ys = [p.y for p in (corners.top_left, corners.bottom_left, corners.bottom_right)]
    margin_x = (max(xs) - min(xs)) // 2 + 20
    margin_y = (max(ys) - min(ys)) // 2 + 40
    top, bottom = max(0, min(ys) - margin_y), min(page.shape[0], max(ys) + margin_y)
    left, right = max(0, min(xs) - margin_x), min(page.shape[1], max(xs) + margin_x)
    return np.ascontiguousarray(page[top:bottom, left:right])


def product_picture(code: str, folder: Path, dpi: int = 300) -> Gray:
    """A product (EAN-13/UPC-A) or badge/order (Code 128) barcode as the demo sheet prints it."""
    drawing = retail(code) if code.isdigit() else code128(code, 200)
    pdf = folder / f"product-{len(list(folder.iterdir()))}.pdf"
    # reportlab's UPC-A widget draws past the width it reports: leave room on the right.
    canvas = Canvas(str(pdf), pagesize=(drawing.width + 60, drawing.height + 20))
    renderPDF.draw(drawing, canvas, 10, 10)
    canvas.save()
    return _pdftoppm(pdf, dpi)


def on_bench(picture: Gray, rng: np.random.Generator, scale: float = 1.0) -> Gray:
    """The picture lying on a textured bench in a 1280x720 frame."""
    width, height = FRAME_SIZE
    frame = bench_background(rng)
    fit = min(1.0, 0.9 * height / picture.shape[0], 0.9 * width / picture.shape[1]) * scale
    small = cv2.resize(picture, None, fx=fit, fy=fit, interpolation=cv2.INTER_AREA)
    top = int(rng.integers(0, height - small.shape[0] + 1))
    left = int(rng.integers(0, width - small.shape[1] + 1))
    frame[top : top + small.shape[0], left : left + small.shape[1]] = small
    return frame


def bench_background(rng: np.random.Generator) -> Gray:
    """Cardboard-like brown-grey texture, smooth, without anything barcode-like."""
    width, height = FRAME_SIZE
    coarse = rng.normal(110, 25, size=(height // 16, width // 16)).astype(np.float32)
    texture = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    texture += rng.normal(0, 4, size=texture.shape).astype(np.float32)
    return np.clip(texture, 0, 255).astype(np.uint8)


def blur(image: Gray, rng: np.random.Generator) -> Gray:
    return cv2.GaussianBlur(image, (0, 0), 1.6)


def motion_blur(image: Gray, rng: np.random.Generator) -> Gray:
    kernel = np.zeros((7, 7), np.float32)
    kernel[3, :] = 1 / 7
    return cv2.filter2D(image, -1, kernel)


def perspective(image: Gray, rng: np.random.Generator) -> Gray:
    height, width = image.shape
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    skew = 0.12
    moved = np.float32(
        [
            [width * skew, height * skew / 2],
            [width * (1 - skew / 3), 0],
            [width, height],
            [0, height * (1 - skew / 2)],
        ]
    )
    matrix = cv2.getPerspectiveTransform(corners, moved)
    return cv2.warpPerspective(image, matrix, (width, height), borderValue=(110,))


def rotate(image: Gray, rng: np.random.Generator) -> Gray:
    height, width = image.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), 17, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), borderValue=(110,))


def sideways(image: Gray, rng: np.random.Generator) -> Gray:
    """A quarter turn, squeezed back into the 1280x720 frame with the bench round it."""
    turned = np.ascontiguousarray(np.rot90(image, -1))
    fit = min(1.0, FRAME_SIZE[1] / turned.shape[0])
    small = cv2.resize(turned, None, fx=fit, fy=fit, interpolation=cv2.INTER_AREA)
    frame = bench_background(rng)
    frame[: small.shape[0], : small.shape[1]] = small
    return frame


def noise(image: Gray, rng: np.random.Generator) -> Gray:
    noisy = image.astype(np.float32) + rng.normal(0, 18, size=image.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def low_light(image: Gray, rng: np.random.Generator) -> Gray:
    dark = image.astype(np.float32) * 0.25 + rng.normal(0, 4, size=image.shape)
    return np.clip(dark, 0, 255).astype(np.uint8)


def glare(image: Gray, rng: np.random.Generator) -> Gray:
    height, width = image.shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    spot = 120 * np.exp(-(((xs - width * 0.6) ** 2 + (ys - height * 0.4) ** 2) / (0.08 * width**2)))
    return np.clip(image.astype(np.float32) + spot, 0, 255).astype(np.uint8)


def curved(image: Gray, rng: np.random.Generator) -> Gray:
    """As if wrapped round a bottle: columns squeezed towards the edges."""
    height, width = image.shape
    xs = np.arange(width, dtype=np.float32)
    centred = (xs - width / 2) / (width / 2)
    source = width / 2 + np.sin(centred * 1.2) / np.sin(1.2) * width / 2
    map_x = np.tile(source, (height, 1)).astype(np.float32)
    map_y = np.tile(np.arange(height, dtype=np.float32)[:, None], (1, width))
    return cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderValue=(110,))


def jpeg(image: Gray, rng: np.random.Generator) -> Gray:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 35])
    assert ok
    return np.asarray(cv2.imdecode(data, cv2.IMREAD_GRAYSCALE), dtype=np.uint8)


Distortion = Callable[[Gray, np.random.Generator], Gray]
DISTORTIONS: dict[str, Distortion] = {
    "clean": lambda image, rng: image,
    "blur": blur,
    "motion_blur": motion_blur,
    "perspective": perspective,
    "rotated": rotate,
    "sideways": sideways,
    "noise": noise,
    "low_light": low_light,
    "glare": glare,
    "curved": curved,
    "jpeg": jpeg,
}


def barcode_samples(folder: Path, seed: int = 7) -> Iterator[Sample]:
    """Every label and product picture under every distortion, in a 720p frame."""
    rng = np.random.default_rng(seed)
    sources: list[tuple[str, Gray, str, float]] = []
    for symbology, tracking in LABEL_TRACKINGS:
        text = tracking
        sources.append((f"label-{symbology}", label_picture(symbology, tracking, folder), text, 1))
    for code in PRODUCT_CODES:
        picture = product_picture(code, folder)
        sources.append((f"product-{code}", picture, code, 1.0))
        sources.append((f"small-{code}", picture, code, 0.45))
    for name, picture, expected, scale in sources:
        framed = on_bench(picture, rng, scale)
        for distortion, apply in DISTORTIONS.items():
            yield Sample(f"{name}-{distortion}", apply(framed, rng), expected)


def blank_samples(count: int = 30, seed: int = 11) -> Iterator[Sample]:
    """Frames with no barcode: bench, noise, stripes of text, a box edge, darkness."""
    rng = np.random.default_rng(seed)
    width, height = FRAME_SIZE
    for index in range(count):
        kind = index % 5
        if kind == 0:
            image = bench_background(rng)
        elif kind == 1:
            image = rng.integers(0, 256, size=(height, width), dtype=np.uint8)
        elif kind == 2:
            image = bench_background(rng)
            for line in range(12):
                cv2.putText(
                    image,
                    f"Parcel {index}-{line} fragile this side up",
                    (40, 50 + 55 * line),
                    cv2.FONT_HERSHEY_SIMPLEX,
                    1.2,
                    (20,),
                    2,
                )
        elif kind == 3:
            image = bench_background(rng)
            cv2.rectangle(image, (300, 150), (900, 600), (200,), -1)
            cv2.line(image, (300, 370), (900, 380), (60,), 25)  # packing tape
        else:
            image = low_light(bench_background(rng), rng)
        yield Sample(f"blank-{index}", image, None)


def sample_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="camera-images-"))


def same_barcode(expected: str, read: str) -> bool:
    """Whether a read is the expected barcode: GS1 with or without its parentheses,
    a GTIN as UPC-A, EAN-13 or GTIN-14 (the station matches all of these alike)."""
    expected, read = (
        expected.replace("(", "").replace(")", ""),
        read.replace("(", "").replace(")", ""),
    )
    if expected.isdigit() and read.isdigit() and max(len(expected), len(read)) <= 14:
        return expected.zfill(14) == read.zfill(14)
    return expected == read


def write_video(path: Path, frames: list[Gray], fps: int) -> Path:
    """An MJPG AVI of grayscale frames (OpenCV writes it with no codec to install)."""
    height, width = frames[0].shape
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    assert writer.isOpened(), "OpenCV cannot write MJPG here"
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR))
    writer.release()
    return path


def held_up(picture: Gray, size: tuple[int, int] = (640, 480)) -> Gray:
    """A 640x480 frame with the picture held in its middle."""
    width, height = size
    frame = np.full((height, width), 120, dtype=np.uint8)
    scale = min(1.0, 0.8 * width / picture.shape[1], 0.8 * height / picture.shape[0])
    small = cv2.resize(picture, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    top, left = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
    frame[top : top + small.shape[0], left : left + small.shape[1]] = small
    return frame
