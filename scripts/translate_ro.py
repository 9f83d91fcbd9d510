"""Fill Romanian entries of the catalog from a Python mapping file (used when adding many)."""

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from models.core.i18n import catalog_path


def main(source: Path) -> None:
    """Set every empty Romanian entry that `source`'s RO mapping translates."""
    translations = runpy.run_path(str(source))["RO"]
    path = catalog_path("ro")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="ro_RO")
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        if key and key in translations and not any(message.string or ()):
            message.string = translations[key]
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, no_location=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
