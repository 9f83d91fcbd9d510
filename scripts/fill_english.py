"""Fill the English catalog's empty entries with their (English) message ids."""

from babel.messages.pofile import read_po, write_po

from models.core.i18n import catalog_path


def main() -> None:
    """Rewrite locale/en/LC_MESSAGES/concord.po with every entry translated."""
    path = catalog_path("en")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en_GB")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            forms = message.string if isinstance(message.string, tuple | list) else [message.string]
            if not all(forms):
                message.string = (message.id[0], message.id[1])
        elif not message.string:
            message.string = message.id
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, no_location=True)


if __name__ == "__main__":
    main()
