"""Printable pages: a translated template environment and printing HTML to PDF."""

import logging
import re
import threading
from contextlib import suppress
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from models.core.i18n import N_, translate, translations

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
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["css_string"] = css_string
    env.globals["page_numbers"] = page_numbers(language)
    return env


def _not_about_font_subsetting(record: logging.LogRecord) -> bool:
    # Debian's HarfBuzz lacks the subsetting library; WeasyPrint's fallback prints the same fonts
    return "HarfBuzz-Subset" not in record.getMessage()


logging.getLogger("weasyprint").addFilter(_not_about_font_subsetting)


def _import_printer() -> None:
    # html_to_pdf's own import raises a failure again, where a missing library is handled
    with suppress(Exception):
        import weasyprint  # noqa: F401


def load_printer() -> threading.Thread:
    """Start importing WeasyPrint on a thread, while the caller writes its other files."""
    # finding Pango's libraries waits on ldconfig, gcc and ld for each name tried (0.4 s)
    thread = threading.Thread(target=_import_printer, name="load-printer", daemon=True)
    thread.start()
    return thread


def html_to_pdf(html: str) -> bytes | None:
    """The page printed to PDF by WeasyPrint; None when its system libraries are missing."""
    try:
        from weasyprint import HTML  # Pango is a system library: import only when printing
    except OSError:
        return None
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
