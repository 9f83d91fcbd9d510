"""Prints one page to PDF in a process of its own: `python -m models.core.printer PAGE TARGET`.

It loads WeasyPrint at once, then prints PAGE (an HTML file) to TARGET when a line arrives on
its standard input, so the loading overlaps the caller's rendering of the page.
"""

import ctypes.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

NO_PRINTER = 3  # the exit status when WeasyPrint's system libraries are missing


@contextmanager
def _libraries_by_soname() -> Iterator[None]:
    """While importing, open libraries by the names that open directly, searching no further."""
    # each name WeasyPrint tries that does not open runs ldconfig, gcc and ld (0.3 s in all);
    # the names it tries include the Linux sonames, which open directly
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = search


def _html_class() -> Any:
    """WeasyPrint's HTML, or None when its system libraries are missing."""
    try:
        with _libraries_by_soname():
            from weasyprint import HTML
    except OSError:
        try:
            from weasyprint import HTML  # where only a search finds the libraries
        except OSError:
            return None
    return HTML


def main(page: str, target: str) -> int:
    """Print `page` to `target` once told to; the exit status."""
    html = _html_class()
    if html is None:
        return NO_PRINTER
    if not sys.stdin.readline():
        return 0  # the caller stopped before its page was written
    html(string=Path(page).read_text(encoding="utf-8")).write_pdf(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
