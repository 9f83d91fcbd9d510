"""Printable pages: a translated template environment and printing HTML to PDF."""

import logging
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from models.core.i18n import translations

PAGES_DIR = Path(__file__).resolve().parents[2] / "templates" / "reports"


def page_environment(language: str) -> Environment:
    """The printable page templates with the catalog of `language`."""
    env = Environment(
        loader=FileSystemLoader(PAGES_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


def _not_about_font_subsetting(record: logging.LogRecord) -> bool:
    # Debian's HarfBuzz lacks the subsetting library; WeasyPrint's fallback prints the same fonts
    return "HarfBuzz-Subset" not in record.getMessage()


logging.getLogger("weasyprint").addFilter(_not_about_font_subsetting)


def html_to_pdf(html: str) -> bytes | None:
    """The page printed to PDF by WeasyPrint; None when its system libraries are missing."""
    try:
        from weasyprint import HTML  # Pango is a system library: import only when printing
    except OSError:
        return None
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
