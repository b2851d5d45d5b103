"""The watcher weighs each parcel once, on a real pty scale simulator.

"Not reported again" is shown without waiting on a clock: the watcher asks a
polled scale once per read, so once the simulator has answered more commands
the watcher has seen the same weight again, and said nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from devices.scales.reading import Reading
from devices.scales.serial_scale import SerialScale
from devices.scales.simulator import ScaleSimulator
from devices.scales.state import ScaleState
from devices.scales.watcher import ScaleWatcher
from tests.devices.scales.conftest import WAIT_S, Recorder, ScaleRig

MakeRig = Callable[..., ScaleRig]


def read_more(sim: ScaleSimulator, reads: int = 2) -> None:
    """Wait until the watcher has asked the scale `reads` more times."""
    assert sim.wait_for_commands(sim.commands_received + reads + 1, WAIT_S)


def test_a_parcel_is_reported_once_and_again_only_after_its_weight_changed(rig: MakeRig) -> None:
    scale_rig = rig("mt-sics")
    weights: Recorder[int] = Recorder()
    watcher = ScaleWatcher(scale_rig.scale, weights)
    try:
        scale_rig.sim.set_weight(1250)
        watcher.arm()
        assert weights.wait_for(lambda got: got == [1250])
        read_more(scale_rig.sim)
        scale_rig.sim.set_weight(1253)  # the same parcel: a scale wobbles by a gram or two
        read_more(scale_rig.sim)
        assert weights.items == [1250]
        scale_rig.sim.set_weight(1400)  # the packer added the missing item
        assert weights.wait_for(lambda got: got == [1250, 1400])
        watcher.arm()  # armed already: the same parcel is not asked for again
        read_more(scale_rig.sim)
        assert weights.items == [1250, 1400]
    finally:
        watcher.close()


def test_lifting_the_parcel_and_putting_it_back_weighs_it_again(rig: MakeRig) -> None:
    scale_rig = rig("nci")
    weights: Recorder[int] = Recorder()
    watcher = ScaleWatcher(scale_rig.scale, weights)
    try:
        scale_rig.sim.set_weight(800)
        watcher.arm()
        assert weights.wait_for(lambda got: got == [800])
        scale_rig.sim.set_weight(0)
        read_more(scale_rig.sim)
        scale_rig.sim.set_weight(800)
        assert weights.wait_for(lambda got: got == [800, 800])
    finally:
        watcher.close()


def test_a_weight_seen_moving_in_between_is_weighed_again() -> None:
    watchers: list[ScaleWatcher] = []
    moving: Recorder[Reading] = Recorder()

    def on_reading(reading: Reading) -> None:
        if not reading.stable:
            moving(reading)
        for watcher in watchers:
            watcher.observe(reading)

    weights: Recorder[int] = Recorder()
    with ScaleSimulator("cas", stream_interval=0.02) as sim:
        scale = SerialScale(sim.port, "cas", on_reading=on_reading)
        with scale:
            watchers.append(ScaleWatcher(scale, weights))
            try:
                sim.set_weight(2000)
                watchers[0].arm()
                assert weights.wait_for(lambda got: got == [2000])
                sim.set_weight(2000, stable=False)  # a hand on the parcel
                assert moving.wait_for(bool)
                sim.set_weight(2000)
                assert weights.wait_for(lambda got: got == [2000, 2000])
            finally:
                watchers[0].close()


def test_an_empty_platter_is_never_a_parcel(rig: MakeRig) -> None:
    scale_rig = rig("mt-sics")
    weights: Recorder[int] = Recorder()
    watcher = ScaleWatcher(scale_rig.scale, weights, min_grams=10)
    try:
        scale_rig.sim.set_weight(6)  # a label backing sheet, some dust
        watcher.arm()
        read_more(scale_rig.sim)
        assert weights.items == []
        scale_rig.sim.set_weight(10)
        assert weights.wait_for(lambda got: got == [10])
    finally:
        watcher.close()


def test_arming_again_asks_for_a_new_parcel_and_disarmed_weights_are_dropped(rig: MakeRig) -> None:
    scale_rig = rig("mt-sics")
    weights: Recorder[int] = Recorder()
    watcher = ScaleWatcher(scale_rig.scale, weights)
    try:
        scale_rig.sim.set_weight(500)
        watcher.arm()
        assert weights.wait_for(lambda got: got == [500])
        watcher.disarm()
        asked = scale_rig.sim.commands_received
        watcher.arm()  # the next order: two alike parcels in a row weigh the same
        assert weights.wait_for(lambda got: got == [500, 500])
        assert scale_rig.sim.commands_received > asked
    finally:
        watcher.close()


def test_a_scale_unplugged_while_armed_reports_once_it_is_back(rig: MakeRig) -> None:
    scale_rig = rig("mt-sics")
    weights: Recorder[int] = Recorder()
    watcher = ScaleWatcher(scale_rig.scale, weights)
    try:
        assert scale_rig.wait_for_state(ScaleState.READY)
        scale_rig.sim.unplug()
        assert scale_rig.wait_for_state(ScaleState.DISCONNECTED)
        watcher.arm()
        scale_rig.sim.set_weight(3100)
        scale_rig.sim.plug()
        assert weights.wait_for(lambda got: got == [3100])
    finally:
        watcher.close()


def test_a_failing_listener_does_not_stop_the_watcher(rig: MakeRig) -> None:
    scale_rig = rig("mt-sics")
    heard: Recorder[int] = Recorder()

    def on_weight(grams: int) -> None:
        heard(grams)
        if len(heard.items) == 1:
            raise RuntimeError("a bug in the listener")

    watcher = ScaleWatcher(scale_rig.scale, on_weight)
    try:
        scale_rig.sim.set_weight(700)
        watcher.arm()
        assert heard.wait_for(lambda got: got == [700])
        scale_rig.sim.set_weight(900)
        assert heard.wait_for(lambda got: got == [700, 900])
    finally:
        watcher.close()
