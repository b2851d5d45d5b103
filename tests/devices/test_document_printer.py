"""The folder document printer: one slip PDF per job, replaced on resend, clear errors."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from PIL import Image

from devices.barcode_decode import decode_image
from devices.pdf.document_printer import FileDocumentPrinter
from devices.pdf.paper import Paper
from station.labels import Address
from station.ports import DocumentPrinter, PrintError
from station.slips import SlipContent, SlipLine
from tests.helpers.pdf import page_images, pdf_text, words

JOB = "3f2a9c1e-7b44-4d0e-9a51-2f0c8e6d1b73"
OTHER_JOB = "9b1d0c2e-1111-4a2b-8c3d-4e5f60718293"
SENDER = Address("PackStation Demo Warehouse", "1 Logistics Way", "Springfield", "12345", "US")


def make_slip(order_number: str = "SO-100001", packed: int = 2) -> SlipContent:
    return SlipContent(
        order_number=order_number,
        sender=SENDER,
        ship_to=Address("Jan de Vries", "Keizersgracht 12", "Amsterdam", "1015 CS", "NL"),
        lines=(SlipLine("MUG-350", "Ceramic Mug 350 ml", 2, packed),),
        packed_at="2024-05-01T14:03:22Z",
        station="bench-01",
        packer="Anna Schmidt",
    )


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_is_a_document_printer(tmp_path: Path) -> None:
    printer: DocumentPrinter = FileDocumentPrinter(tmp_path)

    assert printer.print_slip(JOB, make_slip()).location


def test_writes_a_scannable_slip_named_after_order_and_job(tmp_path: Path) -> None:
    result = FileDocumentPrinter(tmp_path / "slips").print_slip(JOB, make_slip())

    path = Path(result.location)
    assert path == tmp_path / "slips" / "SO-100001-slip-3f2a9c1e.pdf"
    (page,) = page_images(path, tmp_path / "pages")
    assert decode_image(page) == ["SO-100001"]
    text = words(pdf_text(path))
    assert "MUG-350" in text
    assert "Ceramic Mug 350 ml" in text


def test_letter_paper_when_asked(tmp_path: Path) -> None:
    result = FileDocumentPrinter(tmp_path / "slips", Paper.LETTER).print_slip(JOB, make_slip())

    (page,) = page_images(Path(result.location), tmp_path / "pages", dpi=72)
    with Image.open(page) as image:
        assert image.size == (612, 792)  # 8.5 x 11 in at one pixel a point


def test_resend_of_the_same_job_replaces_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "slips"
    printer = FileDocumentPrinter(folder)
    first = printer.print_slip(JOB, make_slip(packed=2))

    second = printer.print_slip(JOB, make_slip(packed=1))

    assert second.location == first.location
    assert files_in(folder) == ["SO-100001-slip-3f2a9c1e.pdf"]
    assert "SHORT: 1 missing" in words(pdf_text(Path(second.location)))


def test_another_job_gets_its_own_file(tmp_path: Path) -> None:
    printer = FileDocumentPrinter(tmp_path)

    printer.print_slip(JOB, make_slip())
    printer.print_slip(OTHER_JOB, make_slip())

    assert files_in(tmp_path) == ["SO-100001-slip-3f2a9c1e.pdf", "SO-100001-slip-9b1d0c2e.pdf"]


@pytest.mark.parametrize(
    ("order_number", "expected"),
    [
        ("../../etc/SO 7/x", "etc_SO_7_x-slip-3f2a9c1e.pdf"),
        ("SO:100*01?", "SO_100_01-slip-3f2a9c1e.pdf"),
        ("...", "order-slip-3f2a9c1e.pdf"),
    ],
)
def test_order_number_cannot_escape_the_folder(
    tmp_path: Path, order_number: str, expected: str
) -> None:
    folder = tmp_path / "slips"

    FileDocumentPrinter(folder).print_slip(JOB, make_slip(order_number))

    assert files_in(folder) == [expected]
    assert files_in(tmp_path) == ["slips"]


def test_unusable_folder_is_a_print_error_saying_what_to_do(tmp_path: Path) -> None:
    # A file where the folder should be fails for every user, root included.
    not_a_folder = tmp_path / "slips"
    not_a_folder.write_text("")

    with pytest.raises(PrintError) as caught:
        FileDocumentPrinter(not_a_folder).print_slip(JOB, make_slip())

    message = str(caught.value)
    assert "SO-100001" in message
    assert str(not_a_folder) in message
    assert "writable" in message


def test_disk_full_keeps_the_previous_slip_and_leaves_no_debris(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printer = FileDocumentPrinter(tmp_path)
    first = Path(printer.print_slip(JOB, make_slip()).location)
    before = first.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("station.durable_files.os.fsync", disk_full)
    with pytest.raises(PrintError, match=os.strerror(errno.ENOSPC)):
        printer.print_slip(JOB, make_slip(packed=1))

    assert files_in(tmp_path) == [first.name]
    assert first.read_bytes() == before
