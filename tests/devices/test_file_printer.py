"""The folder printer: one PDF per job, replaced on resend, clear errors."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from devices.barcode_decode import decode_image
from devices.pdf.file_printer import FileLabelPrinter
from station.labels import Address, LabelContent
from station.ports import LabelPrinter, PrintError
from tests.helpers.pdf import page_images

JOB = "3f2a9c1e-7b44-4d0e-9a51-2f0c8e6d1b73"
OTHER_JOB = "9b1d0c2e-1111-4a2b-8c3d-4e5f60718293"


SENDER = Address("PackStation Demo Warehouse", "1 Logistics Way", "Springfield", "12345", "US")


def make_label(
    order_number: str = "SO-100001", tracking: str = "1Z999AA10123456784"
) -> LabelContent:
    return LabelContent(
        sender=SENDER,
        ship_to=Address("Jan de Vries", "Keizersgracht 12", "Amsterdam", "1015 CS", "NL"),
        order_number=order_number,
        courier="PostNL",
        service="Standard",
        tracking=tracking,
        parcel_no=1,
        parcel_count=2,
    )


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_is_a_label_printer(tmp_path: Path) -> None:
    printer: LabelPrinter = FileLabelPrinter(tmp_path)

    assert printer.print_label(JOB, make_label()).location


def test_writes_a_scannable_pdf_named_after_order_parcel_and_job(tmp_path: Path) -> None:
    result = FileLabelPrinter(tmp_path / "labels").print_label(JOB, make_label())

    path = Path(result.location)
    assert path == tmp_path / "labels" / "SO-100001-1of2-3f2a9c1e.pdf"
    (page,) = page_images(path, tmp_path / "pages")
    assert decode_image(page) == ["1Z999AA10123456784"]


def test_resend_of_the_same_job_replaces_the_file(tmp_path: Path) -> None:
    printer = FileLabelPrinter(tmp_path)
    first = printer.print_label(JOB, make_label(tracking="1Z999AA10123456784"))

    second = printer.print_label(JOB, make_label(tracking="1Z999AA10123456791"))

    assert second.location == first.location
    assert files_in(tmp_path) == ["SO-100001-1of2-3f2a9c1e.pdf"]
    (page,) = page_images(Path(second.location), tmp_path.parent / f"{tmp_path.name}-pages")
    assert decode_image(page) == ["1Z999AA10123456791"]


def test_another_job_gets_its_own_file(tmp_path: Path) -> None:
    printer = FileLabelPrinter(tmp_path)

    printer.print_label(JOB, make_label())
    printer.print_label(OTHER_JOB, make_label())

    assert files_in(tmp_path) == ["SO-100001-1of2-3f2a9c1e.pdf", "SO-100001-1of2-9b1d0c2e.pdf"]


@pytest.mark.parametrize(
    ("order_number", "expected"),
    [
        ("../../etc/SO 7/x", "etc_SO_7_x-1of2-3f2a9c1e.pdf"),
        ("SO:100*01?", "SO_100_01-1of2-3f2a9c1e.pdf"),
        ("...", "order-1of2-3f2a9c1e.pdf"),
    ],
)
def test_order_number_cannot_escape_the_folder(
    tmp_path: Path, order_number: str, expected: str
) -> None:
    folder = tmp_path / "labels"

    FileLabelPrinter(folder).print_label(JOB, make_label(order_number))

    assert files_in(folder) == [expected]
    assert files_in(tmp_path) == ["labels"]


def test_unusable_folder_is_a_print_error_saying_what_to_do(tmp_path: Path) -> None:
    # A file where the folder should be fails for every user, root included.
    not_a_folder = tmp_path / "labels"
    not_a_folder.write_text("")

    with pytest.raises(PrintError) as caught:
        FileLabelPrinter(not_a_folder).print_label(JOB, make_label())

    message = str(caught.value)
    assert "SO-100001" in message
    assert str(not_a_folder) in message
    assert "writable" in message


def test_disk_full_keeps_the_previous_label_and_leaves_no_debris(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printer = FileLabelPrinter(tmp_path)
    first = Path(printer.print_label(JOB, make_label()).location)
    before = first.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("station.durable_files.os.fsync", disk_full)
    with pytest.raises(PrintError, match=os.strerror(errno.ENOSPC)):
        printer.print_label(JOB, make_label(tracking="1Z999AA10123456791"))

    assert files_in(tmp_path) == [first.name]
    assert first.read_bytes() == before
