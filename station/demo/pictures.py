"""Product pictures for the demo, drawn by the program: a tile, an icon, initials.

Drawn rather than shipped so the demo needs no image assets and every product,
however many are added, gets a picture a packer can tell apart at a glance.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from station.demo.catalog import DemoProduct, Rgb

SIZE = 256
WHITE = (255, 255, 255)
Draw = ImageDraw.ImageDraw
Shape = Callable[[Draw, Rgb], None]


def _mug(d: Draw, bg: Rgb) -> None:
    d.rounded_rectangle((70, 50, 160, 170), 12, fill=WHITE)
    d.ellipse((140, 80, 200, 140), outline=WHITE, width=14)


def _cable(d: Draw, bg: Rgb) -> None:
    d.arc((60, 40, 200, 180), 200, 520, fill=WHITE, width=10)
    d.rounded_rectangle((48, 90, 84, 150), 6, fill=WHITE)
    d.rounded_rectangle((176, 60, 212, 120), 6, fill=WHITE)


def _bottle(d: Draw, bg: Rgb) -> None:
    d.rounded_rectangle((108, 30, 148, 60), 6, fill=WHITE)
    d.rounded_rectangle((88, 60, 168, 180), 24, fill=WHITE)


def _book(d: Draw, bg: Rgb) -> None:
    d.rounded_rectangle((70, 36, 186, 180), 8, fill=WHITE)
    d.rectangle((84, 36, 94, 180), fill=bg)
    for y in (70, 95, 120):
        d.line((110, y, 170, y), fill=bg, width=6)


def _pen(d: Draw, bg: Rgb) -> None:
    d.line((70, 170, 180, 50), fill=WHITE, width=22)
    d.polygon([(62, 186), (60, 160), (80, 176)], fill=WHITE)


def _roll(d: Draw, bg: Rgb) -> None:
    d.ellipse((60, 40, 196, 176), fill=WHITE)
    d.ellipse((100, 80, 156, 136), fill=bg)


def _battery(d: Draw, bg: Rgb) -> None:
    d.rounded_rectangle((84, 50, 172, 180), 12, fill=WHITE)
    d.rectangle((112, 34, 144, 50), fill=WHITE)
    d.line((128, 90, 128, 130), fill=bg, width=8)
    d.line((108, 110, 148, 110), fill=bg, width=8)


def _plug(d: Draw, bg: Rgb) -> None:
    d.rounded_rectangle((76, 80, 180, 180), 18, fill=WHITE)
    d.rectangle((100, 40, 112, 80), fill=WHITE)
    d.rectangle((144, 40, 156, 80), fill=WHITE)


def _mouse(d: Draw, bg: Rgb) -> None:
    d.ellipse((84, 36, 172, 184), fill=WHITE)
    d.line((128, 36, 128, 96), fill=bg, width=6)


def _headphones(d: Draw, bg: Rgb) -> None:
    d.arc((60, 36, 196, 172), 180, 360, fill=WHITE, width=14)
    d.rounded_rectangle((52, 104, 92, 176), 12, fill=WHITE)
    d.rounded_rectangle((164, 104, 204, 176), 12, fill=WHITE)


def _phone(d: Draw, bg: Rgb) -> None:
    d.rounded_rectangle((88, 30, 168, 184), 16, fill=WHITE)
    d.rounded_rectangle((98, 48, 158, 160), 6, fill=bg)


def _jar(d: Draw, bg: Rgb) -> None:
    d.rounded_rectangle((76, 70, 180, 182), 16, fill=WHITE)
    d.line((128, 40, 128, 66), fill=WHITE, width=6)
    d.ellipse((116, 22, 140, 50), fill=(255, 200, 80))


def _box(d: Draw, bg: Rgb) -> None:
    d.polygon([(128, 36), (204, 72), (128, 108), (52, 72)], fill=WHITE)
    d.polygon([(52, 82), (122, 116), (122, 188), (52, 154)], fill=WHITE)
    d.polygon([(134, 116), (204, 82), (204, 154), (134, 188)], fill=WHITE)


def _bag(d: Draw, bg: Rgb) -> None:
    d.arc((96, 30, 160, 100), 180, 360, fill=WHITE, width=10)
    d.polygon([(70, 70), (186, 70), (200, 184), (56, 184)], fill=WHITE)


def _towel(d: Draw, bg: Rgb) -> None:
    d.rounded_rectangle((64, 40, 192, 184), 10, fill=WHITE)
    for y in (150, 164):
        d.line((64, y, 192, y), fill=bg, width=5)


def _sock(d: Draw, bg: Rgb) -> None:
    d.rounded_rectangle((100, 34, 150, 150), 10, fill=WHITE)
    d.rounded_rectangle((100, 120, 196, 176), 26, fill=WHITE)


def _shirt(d: Draw, bg: Rgb) -> None:
    d.polygon(
        [
            (96, 40),
            (160, 40),
            (210, 80),
            (188, 110),
            (170, 96),
            (170, 184),
            (86, 184),
            (86, 96),
            (68, 110),
            (46, 80),
        ],
        fill=WHITE,
    )
    d.ellipse((108, 28, 148, 60), fill=bg)


def _cap(d: Draw, bg: Rgb) -> None:
    d.pieslice((56, 60, 188, 192), 180, 360, fill=WHITE)
    d.rounded_rectangle((150, 118, 214, 134), 8, fill=WHITE)


def _lamp(d: Draw, bg: Rgb) -> None:
    d.polygon([(112, 40), (168, 40), (196, 96), (84, 96)], fill=WHITE)
    d.line((140, 96, 140, 170), fill=WHITE, width=10)
    d.rounded_rectangle((96, 168, 184, 184), 6, fill=WHITE)


def _pot(d: Draw, bg: Rgb) -> None:
    d.ellipse((100, 24, 156, 80), fill=(120, 200, 110))
    d.polygon([(72, 84), (184, 84), (166, 184), (90, 184)], fill=WHITE)


def _scissors(d: Draw, bg: Rgb) -> None:
    d.line((84, 40, 160, 150), fill=WHITE, width=10)
    d.line((172, 40, 96, 150), fill=WHITE, width=10)
    d.ellipse((60, 140, 112, 192), outline=WHITE, width=10)
    d.ellipse((144, 140, 196, 192), outline=WHITE, width=10)


SHAPES: dict[str, Shape] = {
    "mug": _mug,
    "cable": _cable,
    "bottle": _bottle,
    "book": _book,
    "pen": _pen,
    "roll": _roll,
    "battery": _battery,
    "plug": _plug,
    "mouse": _mouse,
    "headphones": _headphones,
    "phone": _phone,
    "jar": _jar,
    "box": _box,
    "bag": _bag,
    "towel": _towel,
    "sock": _sock,
    "shirt": _shirt,
    "cap": _cap,
    "lamp": _lamp,
    "pot": _pot,
    "scissors": _scissors,
}


def draw_picture(product: DemoProduct) -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))  # transparent corners
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, SIZE - 1, SIZE - 1), 28, fill=product.colour)
    SHAPES.get(product.shape, _box)(draw, product.colour)
    # Pillow's built-in font: no font file to find on the demo machine.
    font = ImageFont.load_default(size=40)
    draw.text((SIZE / 2, 220), product.initials, fill=WHITE, font=font, anchor="mm")
    return image


def write_pictures(products: list[DemoProduct], folder: Path) -> dict[str, Path]:
    """Write `<folder>/<sku>.png` for every product; returns the paths by SKU."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for product in products:
        path = folder / f"{product.sku}.png"
        draw_picture(product).save(path, format="PNG")
        paths[product.sku] = path
    return paths
