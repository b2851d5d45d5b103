"""Device URLs in the station config: accepted as documented, refused with an example."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from station.device_urls import DeviceUrlError, Role, camera_uses, parse_device_url
from station.settings import EXAMPLE, Devices, SettingsError, settings_from_dict


@pytest.mark.parametrize(
    ("text", "role", "scheme", "target"),
    [
        ("serial:///dev/ttyACM0?baud=9600", Role.SCANNER, "serial", "/dev/ttyACM0"),
        ("serial://COM3", Role.SCANNER, "serial", "COM3"),
        ("zpl+tcp://192.0.2.10:9100", Role.LABEL_PRINTER, "zpl+tcp", "192.0.2.10:9100"),
        ("zpl+usb://0a5f:0001", Role.LABEL_PRINTER, "zpl+usb", "0a5f:0001"),
        ("zpl+file:///var/labels", Role.LABEL_PRINTER, "zpl+file", "/var/labels"),
        ("pdf+file:///C:/labels", Role.LABEL_PRINTER, "pdf+file", "C:/labels"),
        ("escpos+serial:///dev/ttyS0", Role.LABEL_PRINTER, "escpos+serial", "/dev/ttyS0"),
        ("system://Office_Laser", Role.DOCUMENT_PRINTER, "system", "Office_Laser"),
        ("scale+serial:///dev/ttyUSB0?protocol=cas", Role.SCALE, "scale+serial", "/dev/ttyUSB0"),
        ("sim://zpl?state=paper_out", Role.LABEL_PRINTER, "sim", "zpl"),
    ],
)
def test_documented_urls_parse(text: str, role: Role, scheme: str, target: str) -> None:
    url = parse_device_url(text, role)
    assert (url.scheme, url.target) == (scheme, target)


@pytest.mark.parametrize(
    ("text", "role", "problem"),
    [
        ("zpl+tcp://printer", Role.LABEL_PRINTER, "HOST:PORT"),
        ("zpl+tcp://printer:99999", Role.LABEL_PRINTER, "HOST:PORT"),
        ("zpl+usb://zebra", Role.LABEL_PRINTER, "VID:PID"),
        ("ftp://x", Role.LABEL_PRINTER, "unknown scheme 'ftp'"),
        ("/dev/ttyACM0", Role.SCANNER, "unknown scheme '(none)'"),
        ("zpl+tcp://h:9100", Role.SCANNER, "unknown scheme"),
        ("scale+serial:///dev/ttyUSB0?protocol=xyz", Role.SCALE, "protocol must be one of"),
        ("serial:///dev/ttyACM0?baud=fast", Role.SCANNER, "baud='fast' must be a whole number"),
        ("serial://", Role.SCANNER, "names no device"),
    ],
)
def test_bad_urls_are_named_with_a_valid_example(text: str, role: Role, problem: str) -> None:
    with pytest.raises(DeviceUrlError) as raised:
        parse_device_url(text, role)
    message = str(raised.value)
    assert problem in message
    assert repr(text) in message and "A valid example:" in message


def test_the_config_example_lists_working_devices() -> None:
    import tomllib

    devices = settings_from_dict(tomllib.loads(EXAMPLE)).devices
    assert [url.scheme for url in devices.scanners] == ["serial"]
    assert devices.label_printer is not None and devices.label_printer.language == "zpl"
    assert devices.scale is not None and devices.scale.params["protocol"] == "mt-sics"


def test_a_bad_device_in_the_config_names_the_file_and_the_url() -> None:
    with pytest.raises(SettingsError, match=re.escape("station.toml: Device URL 'zpl://x'")):
        settings_from_dict({"devices": {"label_printer": "zpl://x"}}, source="station.toml")


# --- cameras -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scheme", "target"),
    [
        ("camera://0", "camera", "0"),
        ("camera:///dev/video2?width=1280&height=720&fps=15", "camera", "/dev/video2"),
        (
            "rtsp://user:secret@192.0.2.20:554/stream1?uses=record",
            "rtsp",
            "user:secret@192.0.2.20:554/stream1",
        ),
        ("file:///srv/bench/demo.mp4?loop=1&uses=scan", "file", "/srv/bench/demo.mp4"),
        ("sim://camera", "sim", "camera"),
    ],
)
def test_camera_urls_are_parsed(text: str, scheme: str, target: str) -> None:
    url = parse_device_url(text, Role.CAMERA)

    assert (url.scheme, url.target) == (scheme, target)


def test_a_camera_is_used_for_everything_unless_told() -> None:
    assert camera_uses(parse_device_url("camera://0", Role.CAMERA)) == {"scan", "record", "photo"}
    assert camera_uses(parse_device_url("camera://0?uses=scan,photo", Role.CAMERA)) == {
        "scan",
        "photo",
    }


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("camera://0?uses=scan,film", "uses must be some of scan,record,photo"),
        ("camera://0?uses=", "uses is empty; write what the camera is for"),  # was: all uses
        ("sim://camera?uses=&fps=10", "or leave uses out for all three"),
        ("camera://0?name=", "name is empty; give it a value or leave it out"),
        ("camera://0?fps=0", "fps must be between 1 and 120"),
        ("camera://0?width=wide", "width='wide' must be a whole number"),
        ("camera://front", "a local camera is its index"),
        ("file:///a.mp4?loop=yes", "loop must be 0 or 1"),
        ("file:///a.mp4?zoom=2", "unknown option 'zoom'"),
        ("sim://scanner", "the simulated camera is sim://camera"),
        ("http://192.0.2.20/video", "unknown scheme 'http'"),
        ("rtsp://admin:s3cret@[2001:db8::20/stream", "it is not a URL (Invalid IPv6 URL)"),
    ],
)
def test_a_bad_camera_url_says_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(DeviceUrlError) as caught:
        parse_device_url(text, Role.CAMERA)

    assert problem in str(caught.value)
    assert "camera://0?uses=scan,record,photo" in str(caught.value)  # the valid example
    assert "s3cret" not in str(caught.value)


def test_an_ip_cameras_password_never_shows_in_a_message() -> None:
    with pytest.raises(DeviceUrlError) as caught:
        parse_device_url("rtsp://admin:s3cret@192.0.2.20:554/stream1?fps=0", Role.CAMERA)

    assert "s3cret" not in str(caught.value)
    assert "rtsp://admin:***@192.0.2.20:554/stream1?fps=0" in str(caught.value)


def test_an_ip_cameras_password_never_shows_where_devices_are_printed() -> None:
    # The saved-settings event (the audit trail) and the log print the devices' repr.
    url = parse_device_url("rtsp://admin:s3cret@192.0.2.20:554/stream1?fps=10", Role.CAMERA)

    printed = repr(Devices(cameras=(url,)))

    assert "s3cret" not in printed
    assert "'rtsp://admin:***@192.0.2.20:554/stream1?fps=10'" in printed
    assert url.target == "admin:s3cret@192.0.2.20:554/stream1"  # what the camera is asked


@pytest.mark.parametrize(
    "address",
    ["rtsp://admin:s3cret@192.0.2.20:554/stream1", "rtsp://ad:min:p@ss:w@[2001:db8::1]/s"],
)
def test_a_masked_password_is_put_back_where_the_mask_stands(address: str) -> None:
    # The devices dialog shows the address masked and saves it with the password again.
    from station.device_urls import PASSWORD_MASK, password_of, with_password, without_password

    masked = without_password(address)

    assert password_of(masked) == PASSWORD_MASK
    assert with_password(masked, password_of(address) or "") == address
    assert with_password(address, "other") == address  # a password typed stays as typed
    assert with_password("rtsp://[::1", "other") == "rtsp://[::1"  # not a URL yet


def test_cameras_are_read_from_the_config_and_saved_like_the_other_devices() -> None:
    from station.settings_writer import with_devices

    text = '[devices]\ncameras = ["camera://0?uses=scan", "sim://camera"]\n'
    settings = settings_from_dict(
        {"devices": {"cameras": ["camera://0?uses=scan", "sim://camera"]}}
    )

    assert [url.text for url in settings.devices.cameras] == [
        "camera://0?uses=scan",
        "sim://camera",
    ]
    kept = with_devices(text, settings.devices)
    assert 'cameras = ["camera://0?uses=scan", "sim://camera"]' in kept
    # The Devices dialog shows the cameras: removing the last one there removes the key.
    assert "cameras" not in with_devices(text, replace(settings.devices, cameras=()))


def test_a_bad_camera_in_the_config_is_named() -> None:
    with pytest.raises(SettingsError, match="camera://9x"):
        settings_from_dict({"devices": {"cameras": ["camera://9x"]}})
