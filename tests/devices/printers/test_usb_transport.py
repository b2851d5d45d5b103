"""USB label printers (zpl+usb://VID:PID) through pyusb.

No USB printer can be plugged into this machine, so most tests give pyusb a
small fake *backend* (pyusb's own extension point, usb.backend.IBackend, the
layer libusb sits in): pyusb's real Device, Configuration, Interface and
Endpoint objects and our transport run unchanged on top of it. The fake
answers ~HS like a Zebra (host_status_answer), keeps the bytes it is sent,
and can be unplugged, refuse permission, or lack a status endpoint. The
"not connected" test runs against the real libusb.
"""

from __future__ import annotations

import array
import errno
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import usb.backend
import usb.core

from devices import registry
from devices.printers.host_status import REQUEST
from devices.printers.status import PrinterState
from devices.printers.transports import TransportError
from devices.printers.usb_transport import UsbAddress, UsbTransport, printer_endpoints, udev_rule
from devices.printers.zpl import render_zpl
from devices.printers.zpl_printer import ZplPrinter
from devices.printers.zpl_simulator import SimulatedState, host_status_answer
from station.device_urls import DeviceUrlError, Role, parse_device_url
from station.ports import PrintError
from tests.helpers.zpl_sim import JOB, make_label

ZEBRA = (0x0A5F, 0x0001)
BULK = 0x02
OUT_EP, IN_EP = 0x01, 0x81


@dataclass(eq=False)
class FakePrinter:
    """One USB ZPL printer as libusb would see it."""

    serial: str = "ZB00001"
    state: SimulatedState = SimulatedState.READY
    interface_class: int = 7  # printer; 0xFF for a vendor-specific one
    endpoints: Sequence[int] = (OUT_EP, IN_EP)
    plugged: bool = True
    denied: bool = False
    usblp_bound: bool = True
    claimed: bool = False
    received: bytearray = field(default_factory=bytearray)
    pending: bytearray = field(default_factory=bytearray)

    @property
    def labels(self) -> list[bytes]:
        return re.findall(rb"\^XA.*?\^XZ", bytes(self.received), re.DOTALL)


def _gone() -> usb.core.USBError:
    return usb.core.USBError("No such device (it may have been disconnected)", -4, errno.ENODEV)


class FakeUsbBackend(usb.backend.IBackend):  # type: ignore[misc]
    """Enough of libusb for a printer: descriptors, open, claim, bulk transfers, strings."""

    def __init__(self, *printers: FakePrinter) -> None:
        self.printers = list(printers)

    def enumerate_devices(self) -> list[FakePrinter]:
        return [printer for printer in self.printers if printer.plugged]

    def get_device_descriptor(self, dev: FakePrinter) -> SimpleNamespace:
        address = self.printers.index(dev) + 1
        return SimpleNamespace(
            bLength=18, bDescriptorType=1, bcdUSB=0x200, bDeviceClass=0, bDeviceSubClass=0,
            bDeviceProtocol=0, bMaxPacketSize0=64, idVendor=ZEBRA[0], idProduct=ZEBRA[1],
            bcdDevice=0x100, iManufacturer=0, iProduct=0, iSerialNumber=3, bNumConfigurations=1,
            address=address, bus=1, port_number=address, port_numbers=(address,), speed=3,
        )  # fmt: skip

    def get_configuration_descriptor(self, dev: FakePrinter, config: int) -> SimpleNamespace:
        return SimpleNamespace(
            bLength=9, bDescriptorType=2, wTotalLength=32, bNumInterfaces=1,
            bConfigurationValue=1, iConfiguration=0, bmAttributes=0xC0, bMaxPower=50,
            extra_descriptors=[],
        )  # fmt: skip

    def get_interface_descriptor(
        self, dev: FakePrinter, intf: int, alt: int, config: int
    ) -> SimpleNamespace:
        if intf or alt:
            raise IndexError("one interface, one setting")
        return SimpleNamespace(
            bLength=9, bDescriptorType=4, bInterfaceNumber=0, bAlternateSetting=0,
            bNumEndpoints=len(dev.endpoints), bInterfaceClass=dev.interface_class,
            bInterfaceSubClass=1, bInterfaceProtocol=2, iInterface=0, extra_descriptors=[],
        )  # fmt: skip

    def get_endpoint_descriptor(
        self, dev: FakePrinter, ep: int, intf: int, alt: int, config: int
    ) -> SimpleNamespace:
        return SimpleNamespace(
            bLength=7, bDescriptorType=5, bEndpointAddress=dev.endpoints[ep], bmAttributes=BULK,
            wMaxPacketSize=512, bInterval=0, bRefresh=0, bSynchAddress=0, extra_descriptors=[],
        )  # fmt: skip

    def open_device(self, dev: FakePrinter) -> FakePrinter:
        if not dev.plugged:
            raise _gone()
        if dev.denied:
            raise usb.core.USBError("Access denied (insufficient permissions)", -3, errno.EACCES)
        return dev

    def close_device(self, dev_handle: FakePrinter) -> None:
        pass

    def get_configuration(self, dev_handle: FakePrinter) -> int:
        return 1

    def set_configuration(self, dev_handle: FakePrinter, config_value: int) -> None:
        pass

    def is_kernel_driver_active(self, dev_handle: FakePrinter, intf: int) -> bool:
        return dev_handle.usblp_bound

    def detach_kernel_driver(self, dev_handle: FakePrinter, intf: int) -> None:
        dev_handle.usblp_bound = False

    def claim_interface(self, dev_handle: FakePrinter, intf: int) -> None:
        if dev_handle.usblp_bound:  # as libusb: the kernel driver holds it
            raise usb.core.USBError("Resource busy", -6, errno.EBUSY)
        dev_handle.claimed = True

    def release_interface(self, dev_handle: FakePrinter, intf: int) -> None:
        dev_handle.claimed = False

    def bulk_write(
        self, dev_handle: FakePrinter, ep: int, intf: int, data: Any, timeout: int
    ) -> int:
        if not dev_handle.plugged:
            raise _gone()
        assert ep == OUT_EP and dev_handle.claimed
        dev_handle.received += bytes(data)
        if REQUEST in bytes(data) and dev_handle.state is not SimulatedState.NO_ANSWER:
            dev_handle.pending += host_status_answer(dev_handle.state)
        return len(data)

    def bulk_read(
        self, dev_handle: FakePrinter, ep: int, intf: int, buff: Any, timeout: int
    ) -> int:
        if not dev_handle.plugged:
            raise _gone()
        if not dev_handle.pending:
            raise usb.core.USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT)
        size = min(len(buff), len(dev_handle.pending))
        buff[:size] = array.array("B", dev_handle.pending[:size])
        del dev_handle.pending[:size]
        return size

    def ctrl_transfer(
        self, dev_handle: FakePrinter, bmRequestType: int, bRequest: int, wValue: int,
        wIndex: int, data: Any, timeout: int,
    ) -> int:  # fmt: skip
        assert (bRequest, wValue >> 8) == (6, 3), "only string descriptors are asked for"
        text = dev_handle.serial.encode("utf-16-le") if wValue & 0xFF else b"\x09\x04"
        descriptor = bytes([2 + len(text), 3]) + text
        data[: len(descriptor)] = array.array("B", descriptor)
        return len(descriptor)


def usb_printer(*printers: FakePrinter, serial: str | None = None) -> ZplPrinter:
    transport = UsbTransport(
        UsbAddress(*ZEBRA, serial), timeout=5, backend=FakeUsbBackend(*printers)
    )
    return ZplPrinter(transport)


# -- addresses ------------------------------------------------------------------------


def usb_transport(url: str) -> UsbTransport:
    """The transport a configured zpl+usb:// URL gets, resolved as the station does."""
    transport = registry.printer_transport(parse_device_url(url, Role.LABEL_PRINTER))
    assert isinstance(transport, UsbTransport)
    return transport


def test_a_usb_url_names_the_vendor_product_and_serial() -> None:
    transport = usb_transport("zpl+usb://0a5f:0001?serial=ZB00001")
    assert transport.address == UsbAddress(0x0A5F, 0x0001, "ZB00001")
    assert transport.url == "usb://0a5f:0001?serial=ZB00001"
    assert usb_transport("zpl+usb://0A5F:00A1").url == "usb://0a5f:00a1"


@pytest.mark.parametrize("target", ["0a5f", "0a5f:1", "zebra:0001", "0a5f:0001:7"])
def test_a_bad_usb_address_says_what_one_looks_like(target: str) -> None:
    with pytest.raises(DeviceUrlError, match=r"VID:PID in hex, e\.g\. 0a5f:0001"):
        parse_device_url(f"zpl+usb://{target}", Role.LABEL_PRINTER)


def test_the_configured_zpl_usb_printer_is_a_zpl_printer_on_usb(tmp_path: Path) -> None:
    url = parse_device_url("zpl+usb://0a5f:0001?serial=ZB00002&dpi=300", Role.LABEL_PRINTER)
    printer, stop = registry.label_printer(url, tmp_path)
    stop()
    assert isinstance(printer, ZplPrinter)
    assert printer.url == "zpl+usb://0a5f:0001?serial=ZB00002"
    assert printer.dpi == 300


def test_a_usb_url_without_vid_pid_is_refused_when_the_config_is_read() -> None:
    with pytest.raises(DeviceUrlError, match="VID:PID in hex"):
        parse_device_url("zpl+usb://zebra", Role.LABEL_PRINTER)


# -- the real libusb: nothing is plugged in here ------------------------------------------


def test_a_printer_that_is_not_plugged_in_is_named_by_its_vid_pid() -> None:
    # pid.codes' test id 1209:0002: no real product has it.
    printer = ZplPrinter(usb_transport("zpl+usb://1209:0002"))
    with pytest.raises(PrintError) as raised:
        printer.print_label(JOB, make_label())
    message = str(raised.value)
    assert "USB printer 1209:0002 is not connected" in message
    assert "the label prints by itself" in message
    status = printer.status()
    assert status.state is PrinterState.UNREACHABLE
    assert "1209:0002 is not connected" in status.detail


# -- through pyusb, on the fake backend ----------------------------------------------------


def test_a_label_goes_to_the_bulk_out_endpoint_after_the_status_came_from_bulk_in() -> None:
    zebra = FakePrinter()
    label = make_label()
    result = usb_printer(zebra).print_label(JOB, label)
    assert zebra.labels == [render_zpl(label)]
    assert zebra.received.startswith(REQUEST), "asked how it is before printing"
    assert result.location == f"zpl+usb://0a5f:0001 job {JOB[:8]}"
    assert not zebra.usblp_bound, "taken from the kernel's usblp driver"
    assert not zebra.claimed, "let go after the job, for the next one to find it again"


def test_a_usb_printer_out_of_paper_gets_no_label() -> None:
    zebra = FakePrinter(state=SimulatedState.PAPER_OUT)
    with pytest.raises(PrintError, match="out of paper"):
        usb_printer(zebra).print_label(JOB, make_label())
    assert zebra.labels == []
    zebra.state = SimulatedState.READY
    usb_printer(zebra).print_label(JOB, make_label())
    assert len(zebra.labels) == 1


def test_a_usb_printer_without_permission_says_which_udev_rule_to_add() -> None:
    with pytest.raises(PrintError) as raised:
        usb_printer(FakePrinter(denied=True)).print_label(JOB, make_label())
    message = str(raised.value)
    rule = 'SUBSYSTEM=="usb", ATTR{idVendor}=="0a5f", ATTR{idProduct}=="0001", MODE="0666"'
    assert udev_rule(UsbAddress(*ZEBRA)) == rule
    assert rule in message and "/etc/udev/rules.d/" in message


def test_one_of_two_alike_printers_is_chosen_by_serial_number() -> None:
    left, right = FakePrinter(serial="ZB-LEFT"), FakePrinter(serial="ZB-RIGHT")
    usb_printer(left, right, serial="ZB-RIGHT").print_label(JOB, make_label())
    assert (len(left.labels), len(right.labels)) == (0, 1)


def test_two_alike_printers_without_a_serial_are_not_guessed() -> None:
    left, right = FakePrinter(serial="ZB-LEFT"), FakePrinter(serial="ZB-RIGHT")
    with pytest.raises(PrintError, match=r"2 USB printers 0a5f:0001.*\?serial=.*ZB-LEFT, ZB-RIGHT"):
        usb_printer(left, right).print_label(JOB, make_label())
    assert left.labels == right.labels == []


def test_a_serial_number_that_is_not_plugged_in_lists_those_that_are() -> None:
    with pytest.raises(PrintError, match=r"serial ZB-GONE\) is not connected.*ZB00001"):
        usb_printer(FakePrinter(), serial="ZB-GONE").print_label(JOB, make_label())


def test_an_unplugged_printer_is_found_again_when_it_comes_back() -> None:
    zebra = FakePrinter()
    printer = usb_printer(zebra)
    printer.print_label(JOB, make_label())
    zebra.plugged = False
    with pytest.raises(PrintError, match="0a5f:0001 is not connected"):
        printer.print_label(JOB, make_label())
    zebra.plugged = True
    printer.print_label(JOB, make_label())
    assert len(zebra.labels) == 2


def test_unplugged_while_sending_is_a_transport_error_that_says_so() -> None:
    zebra = FakePrinter()
    transport = UsbTransport(UsbAddress(*ZEBRA), backend=FakeUsbBackend(zebra))
    transport.query(REQUEST, timeout=1.0)
    zebra.plugged = False
    with pytest.raises(TransportError, match=r"sending failed: USB printer 0a5f:0001 is not"):
        transport.send(b"^XA^XZ")
    transport.close()


def test_a_printer_that_never_answers_is_unknown_and_still_gets_its_label() -> None:
    zebra = FakePrinter(state=SimulatedState.NO_ANSWER)
    printer = usb_printer(zebra)
    assert printer.status().state is PrinterState.UNKNOWN
    printer.print_label(JOB, make_label())
    assert len(zebra.labels) == 1


def test_a_send_only_printer_is_unknown_and_still_gets_its_label() -> None:
    zebra = FakePrinter(endpoints=(OUT_EP,))
    transport = UsbTransport(UsbAddress(*ZEBRA), backend=FakeUsbBackend(zebra))
    assert transport.query(REQUEST, timeout=1.0) is None
    transport.close()
    usb_printer(zebra).print_label(JOB, make_label())
    assert len(zebra.labels) == 1


def test_a_vendor_class_printer_is_used_through_its_bulk_endpoints() -> None:
    zebra = FakePrinter(interface_class=0xFF)
    usb_printer(zebra).print_label(JOB, make_label())
    assert len(zebra.labels) == 1


def test_a_device_without_a_bulk_out_endpoint_is_not_a_printer() -> None:
    not_a_printer = FakePrinter(endpoints=(IN_EP,))
    with pytest.raises(PrintError, match="not a printer"):
        usb_printer(not_a_printer).print_label(JOB, make_label())


def test_endpoints_are_found_on_pyusbs_own_descriptor_objects() -> None:
    backend = FakeUsbBackend(FakePrinter())
    device = usb.core.find(idVendor=ZEBRA[0], backend=backend)
    interface, out, into = printer_endpoints(device.get_active_configuration())
    assert into is not None
    found = (interface.bInterfaceClass, out.bEndpointAddress, into.bEndpointAddress)
    assert found == (7, OUT_EP, IN_EP)
