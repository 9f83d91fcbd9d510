"""Printable pages: a translated template environment and printing HTML to PDF."""

import logging
import re
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from models.core.i18n import N_, install_translations, translate
from models.core.printer import NO_PRINTER

PAGES_DIR = Path(__file__).resolve().parents[2] / "templates" / "reports"


PAGE_NUMBERS = N_("Page %(page)s of %(pages)s")


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string that cannot end its string or its <style> element."""
    kept = "".join(c if c.isalnum() or c in " .,:;()/-" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{kept}"')


def page_numbers(language: str) -> Markup:
    """The footer's CSS content, e.g. '"Pagina " counter(page) " din " counter(pages)'."""
    parts = re.split(r"%\((pages?)\)s", translate(language, PAGE_NUMBERS))
    # re.split keeps the captured names at odd positions: the words lie between them
    return Markup(
        " ".join(
            f"counter({part})" if index % 2 else css_string(part)
            for index, part in enumerate(parts)
            if index % 2 or part
        )
    )


def page_environment(language: str) -> Environment:
    """The printable page templates with the catalog of `language` and the print stylesheet."""
    env = Environment(
        loader=FileSystemLoader(PAGES_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    install_translations(env, language)
    env.filters["css_string"] = css_string
    env.globals["page_numbers"] = page_numbers(language)
    return env


def _not_about_font_subsetting(record: logging.LogRecord) -> bool:
    # Debian's HarfBuzz lacks the subsetting library; WeasyPrint's fallback prints the same fonts
    return "HarfBuzz-Subset" not in record.getMessage()


logging.getLogger("weasyprint").addFilter(_not_about_font_subsetting)


class PdfPrinter:
    """A page printed to PDF by WeasyPrint in a process of its own, beside the caller's work."""

    # the printer loads WeasyPrint while the caller renders, and prints on the other core
    def __init__(self, page: Path, target: Path) -> None:
        self.target = target
        self.process = subprocess.Popen(
            [sys.executable, "-m", "models.core.printer", str(page), str(target)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def __enter__(self) -> "PdfPrinter":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.returncode is None:  # the caller failed before waiting for its PDF
            self.process.kill()
            self.process.communicate()  # reaps it and closes its pipes

    def print(self) -> None:
        """The page is written: print it."""
        assert self.process.stdin is not None
        with suppress(BrokenPipeError):  # a printer that could not load says so when waited on
            self.process.stdin.write(b"print\n")
            self.process.stdin.flush()

    def wait(self) -> Path | None:
        """The printed PDF; None when WeasyPrint's system libraries are missing."""
        _, errors = self.process.communicate()
        if self.process.returncode == NO_PRINTER:
            return None
        if self.process.returncode != 0:
            lines = errors.decode(errors="replace").strip().splitlines() or ["no message"]
            # the error first, then the printer's traceback
            trace = "\n".join(lines[-20:])
            raise RuntimeError(f"printing {self.target.name} failed: {lines[-1]}\n{trace}")
        return self.target


def html_to_pdf(html: str) -> bytes | None:
    """The page printed to PDF by WeasyPrint; None when its system libraries are missing."""
    try:
        from weasyprint import HTML  # Pango is a system library: import only when printing
    except OSError:
        return None
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
