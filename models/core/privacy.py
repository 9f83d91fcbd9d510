"""Finding personal data in free text: contacts, identity numbers, birth dates, addresses, names.

Concord keeps no identity data about victims; every free-text field is checked before it is
stored or sent, and refused naming the field and what it seems to contain. The text is folded
first (NFKC, diacritics and invisible characters dropped, digits made ASCII) so that a
full-width @ or an ş with cedilla reads as its plain form. Numbers are checked with
python-stdnum (CNP, IBAN) and phonenumbers; names against the gazetteer in data/privacy/.
"""

import re
import unicodedata
from collections.abc import Collection
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from phonenumbers import (
    Leniency,
    PhoneNumberMatcher,
    PhoneNumberType,
    is_valid_number,
    number_type,
)
from pydantic_core import PydanticCustomError
from stdnum import iban
from stdnum.ro import cnp

from models.core.i18n import N_

NAMES_DIR = Path(__file__).resolve().parents[2] / "data" / "privacy"

KINDS = {
    "email": N_("an e-mail address"),
    "phone": N_("a phone number"),
    "cnp": N_("a personal numeric code (CNP)"),
    "passport": N_("an identity document number"),
    "iban": N_("an IBAN (bank account)"),
    "id-card": N_("an identity card series and number"),
    "birth-date": N_("a birth date"),
    "address": N_("a street address"),
    "name": N_("a person's name"),
}

# --- folding
INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"
SPECIAL = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "\u0131": "i"}
SPACES = re.compile(r"[ \t]+")
REFERENCE_PARTS = re.compile(r"[-/._]+")


def _plain_char(char: str) -> str:
    """One character's plain form: ASCII digit, ASCII hyphen, letter without diacritics."""
    if char in INVISIBLE:
        return ""
    if char.isdecimal():
        return str(unicodedata.decimal(char))
    if unicodedata.category(char) == "Pd":
        return "-"
    base = SPECIAL.get(char) or unicodedata.normalize("NFD", char)[0]
    return base if base.isascii() else char


class _PlainTable(dict[int, str]):
    """A str.translate table that works out each character's plain form once."""

    def __missing__(self, code: int) -> str:
        self[code] = plain = _plain_char(chr(code))
        return plain


PLAIN = _PlainTable()


def fold(text: str) -> str:
    """`text` in NFKC, without diacritics or invisible characters, runs of spaces as one."""
    return SPACES.sub(" ", unicodedata.normalize("NFKC", text).translate(PLAIN))


# --- e-mail addresses, also written "ion.pop [at] gmail [dot] com" or "ion(at)yahoo.ro"
DOT = r"(?:\.|\s?[\[({<]\s?(?:dot|punct)\s?[\])}>]\s?)"
AT_SIGN = re.compile(r"\s?(?:@|[\[({<]\s?(?:at|arond|la)\s?[\])}>])\s?", re.IGNORECASE)
SPOKEN_AT = re.compile(r"\s(?:at|arond)\s", re.IGNORECASE)
LOCAL_PART = re.compile(r"[\w+-][\w.+-]*$")
DOMAIN = re.compile(rf"[\w-]+(?:{DOT}[\w-]+)*{DOT}[a-z]{{2,12}}\b", re.IGNORECASE)
SPOKEN_DOMAIN = re.compile(r"[\w-]+(?: (?:dot|punct) [\w-]+)* (?:dot|punct) [a-z]{2,6}\b", re.I)
# "ion.pop at gmail.com", but not "available at anitp.ro"
DOTTED_LOCAL = re.compile(r"[a-z]+[._][\w.]*[a-z0-9]$", re.IGNORECASE)
PLAIN_DOMAIN = re.compile(r"(?:[\w-]+\.)+[a-z]{2,6}\b", re.IGNORECASE)

# --- numbers
IBAN_LIKE = re.compile(r"\b[A-Z]{2} ?\d{2}(?:[ -]?[A-Z0-9]){11,30}", re.IGNORECASE)
IBAN_SEPARATORS = re.compile(r"[ -]")
DIGIT_RUN = re.compile(r"(?<!\d)\d+(?:[ .-]\d+)*(?!\d)")
DIGIT_SEPARATOR = re.compile(r"[ .-]")
# stretches that might hold a phone number, handed to phonenumbers one at a time
PHONE_LIKE = re.compile(r"\+?\(?\d[\d ()./-]{5,24}\d")
AMOUNT = re.compile(r"[1-9]\d{0,2}(?:[.,]\d{3})+")
# public lines (0800 toll-free, 0801 shared cost, 090x premium) identify no one
SERVICE_LINES = {
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.UAN,
    PhoneNumberType.VOICEMAIL,
}

# --- identity documents; "ci" is also Romanian for "but": "ci la 123456 de persoane"
SHORT_WORDS = "(?:la|de|in|pe|cu|si|nu|se|ca|al|ai|au|le|ne|va|ce|un|am|ar|as|or|of|on|to|an|by)"
ID_CARD = re.compile(
    r"\b(?:seria|serie|ci|c\.i\.|bi|b\.i\.|buletin(?:ul)?|cartea? de identitate"
    r"|actul? de identitate|identity card|id card)[\s:.,-]*(?:seria\s?)?"
    rf"(?!{SHORT_WORDS}\b)[a-z]{{2}}[\s,.-]*(?:(?:nr|no|numarul)\b\.?)?\s?\d{{3}} ?\d{{3}}\b",
    re.IGNORECASE,
)
BARE_ID_CARD = re.compile(r"\b[A-Z]{2}\d{6}\b")
PASSPORT = re.compile(
    r"\b(?:pasaport\w*|passport|passeport|passaporto|pasaporte|paszport|reisepass|pass\."
    r"|pass(?= n[or]\b))\s?(?:(?:nr|no|number|numarul|numar|seria|series)\b\.?)?\s?[:#-]?\s?"
    r"(?:(?=[a-z]{0,8}\d)[a-z0-9]{6,9}|\d{2,3}(?: \d{3,4}){1,2})\b",
    re.IGNORECASE,
)
BARE_PASSPORT = re.compile(r"\b[A-Z]{1,2}\d{6,9}\b")

# --- birth dates: a date after words that say it is one
MONTHS = (
    "ian|ianuarie|feb|februarie|mar|martie|apr|aprilie|mai|iun|iunie|iul|iulie|aug|august|sep"
    "|sept|septembrie|oct|octombrie|noi|nov|noiembrie|dec|decembrie|jan|january|february|march"
    "|april|may|jun|june|jul|july|september|october|november|december"
)
NUMERIC_DATE = (
    r"(?:\d{1,2}\s?[./-]\s?\d{1,2}\s?[./-]\s?(?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})(?!\d)"
)
WORDED_DATE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\.?\s(?:of\s)?(?:{MONTHS})\b\.?(?:\s\d{{4}})?"
    rf"|(?:{MONTHS})\.?\s\d{{1,2}}(?:st|nd|rd|th)?,?(?:\s\d{{4}})?)"
)
BIRTH_DATE = re.compile(
    r"\b(?:nascut[ai]?|data nasterii|data de nastere|ziua de nastere|born|date of birth"
    r"|birth ?date|d\.?o\.?b)\b\.?[\s:,-]*(?:(?:la|in|pe|on|the"
    rf"|data de|de)\s)*(?:{NUMERIC_DATE}|{WORDED_DATE})|\bn\.\s?(?:{NUMERIC_DATE}|{WORDED_DATE})",
    re.IGNORECASE,
)

# --- street addresses
STREET = r"(?i:str\.|strada|b-dul|bd\.|bdul\.?|bulevardul|sos\.|soseaua|aleea|prelungirea)"
NUMBERED_STREET = (
    r"(?i:calea|intrarea|splaiul|piata|drumul|fundatura|via|viale|corso|calle|avenida|rue|ulica)"
)
PLACE_NAME = r"[A-Z][\w'-]*(?: (?:(?:de|lui|cel|la|del|di) )?[A-Z0-9][\w'-]*){0,3}"
HOUSE = r"(?:(?i:nr|no|numarul)\.? ?)?\d{1,4}[A-Za-z]?(?![\d/])"
ENGLISH_STREET = r"(?:Street|St\.|Road|Rd\.|Avenue|Ave\.?|Lane|Boulevard|Blvd\.?|Drive|Square)"
VILLAGE = r"(?i:sat(?:ul)?|com\.|comuna|loc\.|localitatea)"
LOCALITY = r"(?i:jud\.|judetul|sector(?:ul)? \d|loc\.|localitatea|com\.|comuna|sat(?:ul)?)"
ADDRESS = re.compile(
    rf"\b{STREET} ?(?:{PLACE_NAME}|(?i:nr)\.? ?\d)"
    rf"|\b{NUMBERED_STREET} {PLACE_NAME},? {HOUSE}"
    rf"|\b\d{{1,5}}[A-Za-z]? (?:[A-Z][a-z]+ ){{1,3}}{ENGLISH_STREET}"
    rf"|\b[A-Z][a-z]+ (?:Street|Road|Avenue|Lane),? (?:(?i:no|nr)\.? ?)?\d{{1,4}}\b"
    r"|\b[A-Z]\w+(?:strasse|straße|gasse|weg|platz) \d{1,4}\b"
    r"|\b(?i:ap|apartament(?:ul)?)\.? ?\d|\b(?i:bl|bloc(?:ul)?)\.? ?[A-Z]?\d"
    r"|\b(?i:sc)\. ?[A-Z0-9]{1,2}\b,? (?i:et)\. ?\d"
    rf"|\b{VILLAGE} {PLACE_NAME},? (?i:nr)\.? ?\d{{1,4}}(?![\d/])"
    rf"|\b(?i:nr)\.? ?\d{{1,4}}[A-Za-z]?(?![\d/.]), (?:[^,\n]{{1,40}}, )?{LOCALITY}"
)

# --- person names: casing, a gazetteer, and the words that introduce a name
TOKEN = re.compile(r"\b(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)*|[A-Z]{2,}(?:-[A-Z]{2,})*)\b")
NAME_GAP = re.compile(r"[ \t]+(?:[A-Z]\.[ \t]*)?")
SURNAME_END = re.compile(r"..(?:escu|eanu|anu|ean|iu|aru|ache|oiu)$")
NAMING = (
    r"(?i:numit(?:ul|a|ului|ei)?|poreclit(?:ul|a)?|alias|pe nume|cu numele|numele"
    r"(?: (?:victimei|persoanei|ei|lui|sau|copilului|minorului|minorei))?(?: este| era| ?:)"
    r"|(?:nume(?:le)?(?: si |, ?))?prenume(?:le)? ?:|named|(?:his|her) name is"
    r"|dl|d-l|dlui|d-lui|dna|d-na|d-nei|dnei|domnul(?:ui)?|doamna|doamnei|domnisoara)"
    r"|Mr|Mrs|Ms|Miss|Mx|MR|MRS"
)
# lower case: "Protecția Copilului Alba" is an institution, "copilul Alba" a child
VICTIM = (
    r"[Vv]ictim(?:a|ei|ele)?|[Mm]inor(?:a|ul|ei|ului)|copil(?:ul|ului)|fata|fetei|baiatul"
    r"|tanar(?:a|ul)|cetatean(?:ul|a|ului|ei)|[Tt]he victim|girl|boy|woman|man|[Nn]ume|[Nn]ame ?:"
)
NAME_AFTER = re.compile(
    rf"\b(?:(?P<naming>{NAMING})|{VICTIM})(?!\w)\.?[ ,:]+(?P<name>[A-Z][a-z]+|[A-Z]{{3,}})\b"
)


class Gazetteer(NamedTuple):
    """Given names, family names, words never read as names, word pairs of public names."""

    given: frozenset[str]
    family: frozenset[str]
    common: frozenset[str]
    public: frozenset[tuple[str, str]]


def _lines(name: str) -> list[str]:
    """The entries of one list in data/privacy/, folded and lower-case."""
    text = (NAMES_DIR / name).read_text(encoding="utf-8")
    lines = [fold(line).strip().lower() for line in text.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


@cache
def gazetteer() -> Gazetteer:
    """The name lists, read once."""
    public = [re.findall(r"[a-z]+(?:-[a-z]+)*", line) for line in _lines("public-names.txt")]
    return Gazetteer(
        given=frozenset(_lines("first-names.txt")),
        family=frozenset(_lines("surnames.txt")),
        common=frozenset(words[0] for words in public if len(words) == 1),
        public=frozenset((a, b) for w in public for i, a in enumerate(w) for b in w[i + 1 :]),
    )


def _parts(token: str) -> list[str]:
    """The lower-case parts of a (possibly hyphenated) capitalised word."""
    return token.lower().split("-")


def _given(token: str, names: Gazetteer) -> bool:
    """True when a part of `token` is a known given name."""
    return any(part in names.given for part in _parts(token))


def _family(token: str, names: Gazetteer) -> bool:
    """True when a part of `token` is a known family name or ends like a Romanian one."""
    return any(p in names.family or SURNAME_END.search(p) for p in _parts(token))


def _person(first: str, second: str, names: Gazetteer) -> bool:
    """True for two adjacent capitalised words that read as a given and a family name."""
    a, b = first.lower(), second.lower()
    if a in names.common or b in names.common or (a, b) in names.public:
        return False
    return (_given(first, names) and _family(second, names)) or (
        _given(second, names) and _family(first, names)
    )


def _name_pair_in(text: str) -> bool:
    """True when two adjacent capitalised words read as a person's name."""
    names = gazetteer()
    previous = None
    for token in TOKEN.finditer(text):
        if (
            previous is not None
            and NAME_GAP.fullmatch(text, previous.end(), token.start())
            and _person(previous.group(), token.group(), names)
        ):
            return True
        previous = token
    return False


def _named_in(text: str) -> bool:
    """True when a capitalised word follows words that introduce a person's name."""
    names = gazetteer()
    for match in NAME_AFTER.finditer(text):
        word = match.group("name")
        if word.lower() in names.common:
            continue
        if _given(word, names) or _family(word, names):
            return True
        if match.group("naming") and not word.isupper():
            return True
    return False


# --- the finders, in the order their kinds are reported
def valid_cnp(digits: str) -> bool:
    """True for a Romanian personal numeric code: plausible date and county, right check digit."""
    return len(digits) == 13 and digits.isdigit() and cnp.is_valid(digits)


def _cnp_in(text: str) -> bool:
    """True when 13 digits, maybe grouped by spaces, dots or dashes, make a valid CNP."""
    for run in DIGIT_RUN.finditer(text):
        groups = DIGIT_SEPARATOR.split(run.group())
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) >= 13:
                    break
            if valid_cnp(digits):
                return True
    return False


def _iban_in(text: str) -> bool:
    """True when a country code, check digits and an account make a valid IBAN."""
    for match in IBAN_LIKE.finditer(text):
        compact = IBAN_SEPARATORS.sub("", match.group()).upper()
        if any(iban.is_valid(compact[:end]) for end in range(len(compact), 14, -1)):
            return True
    return False


def _email_in(text: str) -> bool:
    """True for an e-mail address, also with its @ or dots spelt out."""
    for at in AT_SIGN.finditer(text):
        if LOCAL_PART.search(text, max(0, at.start() - 64), at.start()) and DOMAIN.match(
            text, at.end()
        ):
            return True
    for at in SPOKEN_AT.finditer(text):
        local = LOCAL_PART.search(text, max(0, at.start() - 64), at.start())
        if local and SPOKEN_DOMAIN.match(text, at.end()):
            return True
        if local and DOTTED_LOCAL.search(local.group()) and PLAIN_DOMAIN.match(text, at.end()):
            return True
    return False


@lru_cache(maxsize=4096)
def _phone_number_in(stretch: str) -> bool:
    """True when a stretch of digits holds a personal phone number (not a service line)."""
    if sum(c.isdigit() for c in stretch) < 7 or AMOUNT.fullmatch(stretch):
        return False
    return any(
        is_valid_number(match.number) and number_type(match.number) not in SERVICE_LINES
        for match in PhoneNumberMatcher(stretch, "RO", leniency=Leniency.VALID)
    )


def _phone_in(text: str) -> bool:
    """True for a valid phone number of any country, Romania's written without its prefix."""
    return any(_phone_number_in(stretch) for stretch in PHONE_LIKE.findall(text))


FINDERS = (
    ("email", _email_in),
    ("iban", _iban_in),
    ("cnp", _cnp_in),
    ("passport", PASSPORT.search),
    ("id-card", ID_CARD.search),
    ("birth-date", BIRTH_DATE.search),
    ("phone", _phone_in),
    ("address", ADDRESS.search),
    ("id-card", BARE_ID_CARD.search),
    ("passport", BARE_PASSPORT.search),
    ("name", _name_pair_in),
    ("name", _named_in),
)


def personal_data_in(text: str, *, ignore: Collection[str] = ()) -> str | None:
    """The first kind of personal data in `text` (a key of KINDS, none of `ignore`), or None."""
    folded = fold(text)
    for kind, finds in FINDERS:
        if kind not in ignore and finds(folded):
            return kind
    return None


def personal_data_in_reference(reference: str) -> str | None:
    """The kind of personal data in a case reference, its parts read as words (POPESCU-MARIA)."""
    # two-letter parts are country and instrument codes (DE, IT, RO), never read as names
    parts = [part for part in REFERENCE_PARTS.split(reference) if len(part) > 2 or part.isdigit()]
    return personal_data_in(reference) or personal_data_in(" ".join(parts))


def no_personal_data_in_reference(reference: str) -> str:
    """A pydantic validator for case references: unchanged, or an error naming what it holds."""
    return _refused_or(reference, personal_data_in_reference(reference))


def no_personal_data(text: str, *, ignore: Collection[str] = ()) -> str:
    """A pydantic validator: the text unchanged, or an error naming what it seems to contain."""
    return _refused_or(text, personal_data_in(text, ignore=ignore))


def _refused_or(text: str, kind: str | None) -> str:
    """The text, when no kind was found in it; otherwise the error naming that kind."""
    if kind is not None:
        raise PydanticCustomError("personal_data", "contains {what}", {"what": KINDS[kind]})
    return text
