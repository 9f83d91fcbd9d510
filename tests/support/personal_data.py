"""Personal data as people write it, one or two writings of each kind, for the door tests."""

CORPUS: dict[str, list[str]] = {
    "cnp": ["CNP 1 960101 123456", "cod 1960101-123456"],
    "phone": ["sună la (0721) 234 567", "tel +40  721 234 567"],
    "email": ["ana.pop [at] gmail [dot] com", "ana\uff20yahoo.ro"],
    "passport": ["pașaport nr. 05123456"],
    "id-card": ["CI seria MX nr. 123456"],
    "iban": ["cont RO49 AAAA 1B31 0075 9384 0000"],
    "birth-date": ["născută la 12.03.1990"],
    "address": ["str. Florilor nr. 12, bl. A3, ap. 14"],
    "name": ["victima Maria Popescu"],
}


def corpus() -> list[tuple[str, str]]:
    """(kind, text) for every writing in the corpus."""
    return [(kind, text) for kind, texts in CORPUS.items() for text in texts]
