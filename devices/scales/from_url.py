"""A scale from its [devices] URL: `scale+serial://PORT?protocol=...` or `sim://scale`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import cast

from devices.scales.protocols import PROTOCOL_NAMES, ProtocolName
from devices.scales.serial_scale import ReadingListener, SerialScale, StateListener
from station.device_urls import DeviceUrl

Closer = Callable[[], None]


def open_scale(
    url: DeviceUrl,
    *,
    on_state: StateListener | None = None,
    on_reading: ReadingListener | None = None,
) -> tuple[SerialScale, Closer]:
    """Start the scale `url` names; the closer stops it (and its simulator).

    `sim://scale?protocol=mt-sics&grams=1250` is a simulated scale on a
    pseudo-terminal (POSIX only) showing a fixed weight, for training.

    Raises:
        DeviceUrlError: the URL names no scale this station can use; says why.
    """
    if url.scheme == "sim":
        return _simulated(url, on_state, on_reading)
    if url.scheme != "scale+serial":
        raise url.error("a scale is scale+serial://PORT?protocol=mt-sics|nci|cas")
    scale = _serial_scale(url, url.target, on_state, on_reading)
    scale.start()
    return scale, scale.close


def _serial_scale(
    url: DeviceUrl,
    port: str,
    on_state: StateListener | None,
    on_reading: ReadingListener | None,
) -> SerialScale:
    try:
        return SerialScale(
            port,
            _protocol(url),
            url.int_param("baud", 9600),
            on_state=on_state,
            on_reading=on_reading,
        )
    except ValueError as exc:  # a line setting pyserial refuses
        raise url.error(str(exc)) from exc


def _protocol(url: DeviceUrl) -> ProtocolName:
    protocol = url.params.get("protocol", "mt-sics")
    if protocol not in PROTOCOL_NAMES:
        raise url.error(f"protocol must be one of {', '.join(PROTOCOL_NAMES)}")
    return cast(ProtocolName, protocol)


def _simulated(
    url: DeviceUrl, on_state: StateListener | None, on_reading: ReadingListener | None
) -> tuple[SerialScale, Closer]:
    if url.target != "scale":
        raise url.error("the simulated scale is sim://scale (optionally ?protocol=nci&grams=1250)")
    if sys.platform == "win32":
        raise url.error("the simulated scale needs a POSIX pseudo-terminal (Linux, macOS)")
    from devices.scales.simulator import ScaleSimulator

    grams = url.int_param("grams", 0)
    simulator = ScaleSimulator(_protocol(url))
    simulator.set_weight(grams)
    try:
        scale = _serial_scale(url, simulator.port, on_state, on_reading)
    except BaseException:
        simulator.close()
        raise
    scale.start()

    def close() -> None:
        scale.close()
        simulator.close()

    return scale, close
