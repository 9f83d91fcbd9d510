"""Reporting periods and dates in the coordinator's words: 2026-S2 as 'semestrul II 2026'."""

import re
from datetime import date

from models.core.i18n import N_, long_date, translate
from models.core.periods import PATTERN, parse_period

ROMAN = ("I", "II", "III", "IV")
UNITS = {"S": N_("semester %(roman)s of %(year)s"), "Q": N_("quarter %(roman)s of %(year)s")}
ISO_DAY = re.compile(r"^20\d\d-\d\d-\d\d$")


def period_words(label: str, language: str) -> str:
    """'2026-S2' as 'semestrul II 2026', '2026-Q4' as 'trimestrul IV 2026'; others as given."""
    match = PATTERN.match(label)
    if match is None or match["unit"] is None:
        return label
    try:
        parse_period(label)
    except ValueError:  # a third semester or a fifth quarter: not a period
        return label
    roman = ROMAN[int(match["n"]) - 1]
    return translate(language, UNITS[match["unit"]]) % {"roman": roman, "year": match["year"]}


def code_words(code: str, language: str) -> str:
    """A period or an ISO day in words; any other code (a reference, a body) as it is."""
    if ISO_DAY.match(code):
        try:
            return long_date(date.fromisoformat(code), language)
        except ValueError:
            return code
    return period_words(code, language)
