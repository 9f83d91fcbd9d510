"""Words and formats in the reader's language: gettext catalogs read with Babel.

The catalogs live in `locale/<language>/LC_MESSAGES/concord.po` and are compiled in memory
when first used, so a checkout needs no build step. Message ids are English.
"""

from datetime import date, datetime
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from jinja2 import Environment, pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
DOMAIN = "concord"
LANGUAGES = ("ro", "en")
# English-speaking partners are European: day before month, as in en_GB.
BABEL_LOCALES = {"ro": "ro_RO", "en": "en_GB"}


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a counted message (singular, plural) for extraction with its plural forms."""
    return singular, plural


def catalog_path(language: str) -> Path:
    """The .po file of one language."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> Translations:
    """The compiled catalog of `language` (ValueError for a language Concord does not speak)."""
    if language not in LANGUAGES:
        raise ValueError(f"language: expected one of {', '.join(LANGUAGES)}, got {language!r}")
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=BABEL_LOCALES[language], domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def translate(language: str, message: str) -> str:
    """`message` in `language`."""
    return str(translations(language).gettext(message))


def translate_count(language: str, singular: str, plural: str, count: int) -> str:
    """The form of a counted message that `count` takes in `language` (ro has three)."""
    return str(translations(language).ngettext(singular, plural, count))


def locale_of(language: str) -> Locale:
    """Babel's locale for one of Concord's languages."""
    return Locale.parse(BABEL_LOCALES[language])


def long_date(value: date | datetime, language: str) -> str:
    """'23 noiembrie 2026' or '23 November 2026'."""
    return _long_date(value.date() if isinstance(value, datetime) else value, language)


@lru_cache(maxsize=4096)
def _long_date(day: date, language: str) -> str:
    return format_date(day, format="long", locale=locale_of(language))  # Babel is slow: cached


def month_name(label: str, language: str, pattern: str = "LLLL y") -> str:
    """'2026-10' as 'octombrie 2026' (or with pattern 'LLL y', 'oct. 2026') in `language`."""
    year, month = label.split("-")
    return format_date(date(int(year), int(month), 1), format=pattern, locale=locale_of(language))


def moment_text(moment: datetime, zone: ZoneInfo, language: str) -> str:
    """'24 aprilie 2026, 23:59' in `zone`."""
    local = moment.astimezone(zone)
    return f"{long_date(local, language)}, {local:%H:%M}"


def number(value: int, language: str) -> str:
    """12400 as '12.400' (ro) or '12,400' (en)."""
    return format_decimal(value, locale=locale_of(language))


def percent(value: float, language: str, digits: int = 0) -> str:
    """0.845 as '84,5 %' (ro) or '84.5%' (en)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    if language == "en":
        pattern = pattern.replace(" %", "%")
    return format_percent(value, format=pattern, locale=locale_of(language))


ROMANIAN_ALPHABET = "aăâbcdefghiîjklmnopqrsștțuvwxyz"
OLD_CEDILLAS = str.maketrans("şţŞŢ", "șțȘȚ")


def romanian_sort_key(text: str) -> tuple[tuple[int, str], ...]:
    """Order strings as a Romanian reader does: ă after a, â after ă, ș after s, ț after t.

    ICU would do it too, but its Python binding needs a compiler and ICU's headers; the
    Romanian alphabet is short enough to state.
    """
    letters = text.translate(OLD_CEDILLAS).casefold()
    return tuple(
        (ROMANIAN_ALPHABET.index(c), c) if c in ROMANIAN_ALPHABET else (-1 if c < "a" else 99, c)
        for c in letters
    )


def install_translations(env: Environment, language: str) -> None:
    """Jinja's i18n extension with the catalog of `language`, its `_` and `ngettext` lighter."""
    catalog = translations(language)
    env.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]

    # the extension's `_` goes through three context calls per message; these do its work in one:
    # the translation, marked safe where the template escapes, formatted with the variables
    @pass_eval_context
    def gettext(context: EvalContext, message: str, **variables: Any) -> str:
        text = catalog.gettext(message)
        return (Markup(text) if context.autoescape else text) % variables

    @pass_eval_context
    def ngettext(
        context: EvalContext, singular: str, plural: str, num: int, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        text = catalog.ngettext(singular, plural, num)
        return (Markup(text) if context.autoescape else text) % variables

    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
