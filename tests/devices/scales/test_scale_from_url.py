"""A scale is opened from its [devices] URL: a serial port, or the training simulator."""

from __future__ import annotations

import pytest

from devices.scales.from_url import open_scale
from devices.scales.simulator import ScaleSimulator
from station.device_urls import DeviceUrlError, Role, parse_device_url
from tests.devices.scales.conftest import WAIT_S


def test_a_serial_scale_url_opens_the_port_with_its_protocol() -> None:
    with ScaleSimulator("nci") as sim:
        sim.set_weight(1870)
        url = parse_device_url(f"scale+serial://{sim.port}?protocol=nci&baud=9600", Role.SCALE)
        scale, stop = open_scale(url)
        try:
            reading = scale.read_stable(WAIT_S)
        finally:
            stop()
    assert reading is not None
    assert reading.grams == 1870
    assert scale.protocol == "nci"


def test_the_simulated_scale_shows_the_weight_its_url_names() -> None:
    scale, stop = open_scale(parse_device_url("sim://scale?protocol=cas&grams=1250", Role.SCALE))
    try:
        reading = scale.read_stable(WAIT_S)
    finally:
        stop()
    assert reading is not None
    assert reading.grams == 1250


def test_a_simulator_url_naming_something_else_is_refused_with_an_example() -> None:
    with pytest.raises(DeviceUrlError, match=r"'sim://zpl'.*sim://scale.*A valid example"):
        open_scale(parse_device_url("sim://zpl", Role.SCALE))
