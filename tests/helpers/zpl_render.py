"""ZPL turned into the pixels a printer would print, offline, for tests.

The renderer is zebrash (a ZPL engine) compiled to WebAssembly and shipped in the npm
package zpl-renderer-js; tests/zpl_render/ holds the Node script and its lock file. The
first render of a session installs the package (`npm ci`) when node_modules is missing,
so the README's test command sets itself up, then keeps one Node process for the whole
session: loading the 9 MB module costs about two seconds, a render a fraction of that.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

RENDER_DIR = Path(__file__).resolve().parents[1] / "zpl_render"
MM_PER_INCH = 25.4


def render_zpl_png(zpl: bytes, dpi: int, width_mm: float, height_mm: float) -> Path:
    """Render one ZPL label (^XA ... ^XZ) to a grayscale PNG of the label's size.

    The PNG lands in a folder kept for the test session; the same input gives the same path.
    """
    dpmm = round(dpi / MM_PER_INCH)  # 203 dpi is 8 dots/mm, 300 dpi is 12
    key = hashlib.sha256(zpl + f"|{dpmm}|{width_mm}|{height_mm}".encode()).hexdigest()[:16]
    out_dir = _out_dir()
    source, png = out_dir / f"{key}.zpl", out_dir / f"{key}.png"
    if not png.exists():
        source.write_bytes(zpl)
        _renderer().render(source, png, dpmm, width_mm, height_mm)
    return png


class _Renderer:
    def __init__(self, node: str) -> None:
        self._process = subprocess.Popen(
            [node, str(RENDER_DIR / "render.js"), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        atexit.register(self.close)

    def render(self, source: Path, png: Path, dpmm: int, width_mm: float, height_mm: float) -> None:
        request = {
            "zpl": str(source),
            "png": str(png),
            "dpmm": dpmm,
            "width": width_mm,
            "height": height_mm,
        }
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            pytest.fail(f"the ZPL renderer (node {RENDER_DIR / 'render.js'}) stopped")
        answer = json.loads(line)
        if "error" in answer:
            pytest.fail(f"the ZPL renderer refused {source}: {answer['error']}")

    def close(self) -> None:
        if self._process.stdin is not None and not self._process.stdin.closed:
            self._process.stdin.close()
        self._process.wait(timeout=30)


@functools.cache
def _renderer() -> _Renderer:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail(
            "Node.js renders ZPL in these tests: install it (Debian: apt-get install nodejs npm)."
        )
    if not (RENDER_DIR / "node_modules" / "zpl-renderer-js").is_dir():
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=RENDER_DIR,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.fail(f"npm ci in {RENDER_DIR} failed:\n{done.stderr}")
    return _Renderer(node)


@functools.cache
def _out_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="zpl-render-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path
