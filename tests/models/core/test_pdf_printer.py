"""The report's PDF is printed by a process of its own, which says why when it fails."""

from pathlib import Path

import pytest
from pypdf import PdfReader

from models.core.documents import PdfPrinter

PAGE = "<!DOCTYPE html><html lang='ro'><body><h1>Raport consolidat 2026-S2</h1></body></html>"


def test_the_printer_prints_the_page_once_told_it_is_written(tmp_path: Path) -> None:
    page, target = tmp_path / "report.html", tmp_path / "report.pdf"
    with PdfPrinter(page, target) as printer:
        page.write_text(PAGE, encoding="utf-8")  # written after the printer started loading
        printer.print()
        printed = printer.wait()
    assert printed == target
    text = " ".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Raport consolidat 2026-S2" in text


def test_a_printer_that_fails_names_the_file_and_the_error(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    with PdfPrinter(tmp_path / "missing.html", target) as printer:
        printer.print()
        with pytest.raises(RuntimeError, match=r"^printing report\.pdf failed: FileNotFoundError"):
            printer.wait()
    assert not target.exists()


def test_a_caller_that_fails_before_the_page_is_written_stops_its_printer(tmp_path: Path) -> None:
    page, target = tmp_path / "report.html", tmp_path / "report.pdf"
    with pytest.raises(ValueError, match="rendering failed"), PdfPrinter(page, target) as printer:
        raise ValueError("rendering failed")
    assert printer.process.returncode is not None
    assert not target.exists()
