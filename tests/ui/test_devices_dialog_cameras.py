"""Devices…: the cameras, listed with their uses and sizes, edited, tested and saved.

The cameras are sim:// and file:// ones: Test opens them through the same capture
code as the pack screen, off the UI thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from devices.camera.demo_video import VIDEO_NAME, is_demo_camera, with_demo_camera
from station.device_urls import Role, parse_device_url
from station.settings import Devices, SettingsError, load_settings
from tests.helpers.camera_images import held_up, product_picture, write_video
from tests.helpers.devices_dialog import click, shown_dialog
from tests.ui.conftest import VERDICT_TIMEOUT_MS
from ui.camera_devices import with_demo_camera_shown
from ui.device_checks import FoundDevice
from ui.devices_dialog import DevicesDialog

CONFIG = """\
[station]
name = "bench-07"

[devices]
cameras = ["sim://camera?uses=scan&fps=10", "file:///srv/demo.avi?loop=1&width=640"]
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture
def dialog(qtbot: QtBot, config: Path) -> Iterator[DevicesDialog]:
    with shown_dialog(qtbot, config) as dialog:
        yield dialog


def shown(dialog: DevicesDialog) -> list[tuple[str, list[str], list[int]]]:
    """Each camera row as the IT person sees it: address, uses ticked, width/height/fps."""
    return [
        (
            row.address.text(),
            [use for use, box in row.uses.items() if box.isChecked()],
            [spin.value() for spin in row.sizes.values()],
        )
        for row in dialog.cameras.rows
    ]


def test_the_configured_cameras_are_listed_with_their_uses_and_sizes(
    dialog: DevicesDialog,
) -> None:
    assert shown(dialog) == [
        ("sim://camera", ["scan"], [0, 0, 10]),
        ("file:///srv/demo.avi?loop=1", ["scan", "record", "photo"], [640, 0, 0]),
    ]
    assert dialog.save_button.isEnabled()


def test_a_camera_added_edited_and_one_removed_are_saved_to_the_config(
    qtbot: QtBot, dialog: DevicesDialog, config: Path
) -> None:
    click(qtbot, dialog.cameras.rows[1].remove_button)
    click(qtbot, dialog.cameras.add_button)
    row = dialog.cameras.rows[-1]
    qtbot.keyClicks(row.address, "rtsp://192.0.2.20/stream?fps=12")
    row.address.editingFinished.emit()  # options typed in the address go to the controls
    row.uses["scan"].setChecked(False)
    row.sizes["width"].setValue(1920)
    row.sizes["height"].setValue(1080)

    assert shown(dialog)[-1] == ("rtsp://192.0.2.20/stream", ["record", "photo"], [1920, 1080, 12])
    click(qtbot, dialog.save_button)

    assert dialog.message.text().startswith(f"Saved to {config}.")
    assert [url.text for url in load_settings(config).devices.cameras] == [
        "sim://camera?uses=scan&fps=10",
        "rtsp://192.0.2.20/stream?uses=record,photo&width=1920&height=1080&fps=12",
    ]


def test_a_bad_camera_is_refused_with_what_is_wrong_and_nothing_is_saved(
    qtbot: QtBot, dialog: DevicesDialog, config: Path
) -> None:
    row = dialog.cameras.rows[0]
    row.address.clear()
    qtbot.keyClicks(row.address, "camera://9x")

    assert row.message.isVisible()
    assert "'camera://9x" in row.message.text() and "camera://0" in row.message.text()
    assert not dialog.save_button.isEnabled()
    assert not row.test.button.isEnabled()

    row.set_text("sim://camera")
    for box in row.uses.values():
        box.setChecked(False)
    assert row.message.text() == "Tick what this camera is used for: scan, record, photo."
    assert not dialog.save_button.isEnabled()
    row.uses["photo"].setChecked(True)
    row.address.setText("sim://camera?fps=fast")  # not a number: stays in the address
    row.address.editingFinished.emit()
    assert row.address.text() == "sim://camera?fps=fast"
    assert not dialog.save_button.isEnabled()
    assert config.read_text(encoding="utf-8") == CONFIG


def test_uses_written_empty_is_refused_not_read_as_every_use(
    qtbot: QtBot, dialog: DevicesDialog, config: Path
) -> None:
    row = dialog.cameras.rows[0]
    row.address.clear()
    qtbot.keyClicks(row.address, "sim://camera?uses=")
    row.address.editingFinished.emit()

    assert row.address.text() == "sim://camera?uses="  # no box can show it: it stays
    assert "uses is empty; write what the camera is for" in row.message.text()
    assert not dialog.save_button.isEnabled()
    assert config.read_text(encoding="utf-8") == CONFIG


def test_a_second_recording_camera_is_refused_until_one_stops_recording(
    qtbot: QtBot, dialog: DevicesDialog, config: Path
) -> None:
    # One order's video is one camera's: two recording would interleave their segments.
    dialog.cameras.rows[0].uses["record"].setChecked(True)

    assert dialog.cameras.message.isVisible()
    assert "an order's video comes from one camera" in dialog.cameras.message.text()
    assert not dialog.save_button.isEnabled()

    click(qtbot, dialog.cameras.rows[1].remove_button)
    assert not dialog.cameras.message.isVisible()
    click(qtbot, dialog.save_button)
    assert [url.text for url in load_settings(config).devices.cameras] == [
        "sim://camera?uses=scan,record&fps=10"
    ]


def test_two_recording_cameras_in_the_config_are_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    path.write_text(
        '[devices]\ncameras = ["sim://camera?name=top", "camera://0?uses=scan,record"]\n',
        encoding="utf-8",
    )

    with pytest.raises(SettingsError) as refused:
        load_settings(path)
    assert "Cameras 'sim://camera?name=top', 'camera://0?uses=scan,record'" in str(refused.value)


def test_two_cameras_of_one_name_are_refused_in_the_config_and_in_the_dialog(
    qtbot: QtBot, dialog: DevicesDialog, tmp_path: Path
) -> None:
    # One camera's status-bar entry (and live view caption) hid the other's state.
    path = tmp_path / "named.toml"
    path.write_text(
        '[devices]\ncameras = ["sim://camera?uses=scan&name=camera-2", "camera://0?uses=photo"]\n',
        encoding="utf-8",
    )
    with pytest.raises(SettingsError) as refused:
        load_settings(path)
    assert (
        "Cameras 'sim://camera?uses=scan&name=camera-2', 'camera://0?uses=photo' are all "
        "named 'camera-2'"
    ) in str(refused.value)

    dialog.cameras.rows[1].address.setText("file:///srv/demo.avi?loop=1&name=camera-1")
    assert "are all named 'camera-1'" in dialog.cameras.message.text()
    assert not dialog.save_button.isEnabled()


def test_test_shows_a_picture_came_and_the_barcodes_in_it(
    qtbot: QtBot, dialog: DevicesDialog, tmp_path: Path
) -> None:
    frame = held_up(product_picture("SO-100017", tmp_path))
    video = write_video(tmp_path / "held.avi", [frame] * 3, 15)
    row = dialog.cameras.rows[1]
    row.set_text(f"file://{video}")
    missing = dialog.cameras.add(f"file://{tmp_path / 'gone.avi'}")

    click(qtbot, row.test.button)
    click(qtbot, missing.test.button)

    qtbot.waitUntil(lambda: dialog.checks.running == 0, timeout=3 * VERDICT_TIMEOUT_MS)
    assert row.test.result.text() == "A picture came: 640x480. Barcodes in it: SO-100017."
    assert missing.test.result.text().startswith("Cannot open it: ")
    assert "gone.avi does not exist" in missing.test.result.text()


def test_a_local_camera_found_is_offered_as_a_camera(qtbot: QtBot, dialog: DevicesDialog) -> None:
    qtbot.waitUntil(lambda: dialog.refresh_button.isEnabled(), timeout=10_000)  # first look done
    dialog.show_found([FoundDevice("camera:///dev/video0", "video device")])
    dialog.found.setCurrentRow(0)
    assert not dialog.use_buttons[dialog.scale.role].isEnabled()

    click(qtbot, dialog.use_buttons[Role.CAMERA])

    # The file:// camera records already: an order's video comes from one camera.
    assert shown(dialog)[-1] == ("camera:///dev/video0", ["scan", "photo"], [0, 0, 0])
    assert dialog.save_button.isEnabled()


def test_a_sim_camera_test_takes_its_picture(qtbot: QtBot, dialog: DevicesDialog) -> None:
    row = dialog.cameras.rows[0]
    row.sizes["width"].setValue(320)
    row.sizes["height"].setValue(180)

    click(qtbot, row.test.button)

    qtbot.waitUntil(lambda: "picture came" in row.test.result.text(), timeout=10_000)
    assert row.test.result.text().startswith("A picture came: 320x180.")


def test_an_ip_cameras_password_is_masked_kept_unchanged_and_replaced_when_typed(
    qtbot: QtBot, tmp_path: Path
) -> None:
    # The address field showed the password to whoever stood at the bench.
    config = tmp_path / "station.toml"
    config.write_text(
        '[devices]\ncameras = ["rtsp://admin:s3cret@192.0.2.20:554/stream1?uses=record"]\n',
        encoding="utf-8",
    )

    def saved() -> str:
        return load_settings(config).devices.cameras[0].text

    with shown_dialog(qtbot, config) as dialog:
        row = dialog.cameras.rows[0]
        assert row.address.text() == "rtsp://admin:***@192.0.2.20:554/stream1"
        row.sizes["fps"].setValue(10)
        click(qtbot, dialog.save_button)
        assert saved() == "rtsp://admin:s3cret@192.0.2.20:554/stream1?uses=record&fps=10"

        row.address.clear()
        qtbot.keyClicks(row.address, "rtsp://admin:n3w-pass@192.0.2.20:554/stream1")
        row.address.editingFinished.emit()  # the field is left: the new one is masked too
        assert row.address.text() == "rtsp://admin:***@192.0.2.20:554/stream1"
        click(qtbot, dialog.save_button)
        assert saved() == "rtsp://admin:n3w-pass@192.0.2.20:554/stream1?uses=record&fps=10"


def test_the_demos_own_camera_is_shown_and_saved_rather_than_dropped(
    qtbot: QtBot, tmp_path: Path
) -> None:
    # The demo films with a camera its config does not name: Devices… showed no camera,
    # and Save recorded (and wrote) cameras=() while it filmed.
    data_dir = tmp_path / "demo"
    data_dir.mkdir()
    (data_dir / VIDEO_NAME).write_bytes(b"")  # the dialog never plays it
    config = data_dir / "station.toml"
    config.write_text('[station]\nname = "demo-1"\n', encoding="utf-8")
    running = with_demo_camera(load_settings(config), data_dir).devices
    devices, note = with_demo_camera_shown(load_settings(config).devices, running)

    with shown_dialog(qtbot, config, devices, note) as dialog:
        assert dialog.cameras.note.isVisible()
        assert dialog.cameras.note.text().startswith("The demo's own camera")
        ((address, uses, sizes),) = shown(dialog)
        assert address.endswith(f"/{VIDEO_NAME}?loop=1&name=demo")
        assert (uses, sizes) == (["record", "photo"], [640, 360, 15])
        with qtbot.waitSignal(dialog.saved) as saved:
            click(qtbot, dialog.save_button)

    (recorded,) = saved.args[0].cameras  # what the saved-settings event records
    assert is_demo_camera(recorded)
    assert load_settings(config).devices.cameras == (recorded,)
    # A station's own cameras, not the demo's, are never added to what its config says.
    sim = parse_device_url("sim://camera", Role.CAMERA)
    assert with_demo_camera_shown(Devices(), Devices(cameras=(sim,))) == (Devices(), "")
