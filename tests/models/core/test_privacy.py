"""What the personal data detector finds, in the ways people really write it, and what passes.

Every text under PERSONAL must be found with its kind; every text under INNOCENT, and every
string of the reference data in data/, must pass. A text that was once missed or once raised
a false alarm stays here as its own case.
"""

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from models.core.i18n import translate
from models.core.privacy import KINDS, fold, personal_data_in, valid_cnp
from models.lifecycle.forms import RequiredText

DATA = Path(__file__).resolve().parents[3] / "data"


def wide(digits: str) -> str:
    """The digits in their full-width forms, as some keyboards and PDFs write them."""
    return "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in digits)


PERSONAL: dict[str, list[str]] = {
    "email": [
        "Victima poate fi contactată la ana.pop@mail.example",
        "scrie la ana.pop@gmail.com",
        "ion.pop [at] gmail [dot] com",
        "ion.pop[at]gmail[dot]com",
        "ion(at)yahoo.ro",
        "ion (at) yahoo (dot) ro",
        "ion\uff20yahoo.ro",  # full-width at sign
        "ion.pop at gmail dot com",
        "maria_ionescu at yahoo.com",
        "contact: ion.pop {at} gmail.com",
        "ana.pop arond gmail punct com",
        "ana.pop @ gmail.com",
        "IOANA.M@HOTMAIL.COM",
    ],
    "phone": [
        "telefon 0722 123 456",
        "sunați la +40 721 234 567",
        "tel. 021-312.34.56",
        "(0721) 234 567",
        "0721  234 567",  # two spaces
        "0040.721.234.567",
        "0040 721 234 567",
        "+40-721-234-567",
        "+40 (0) 721 234 567",
        "mobil 0745123456",
        "0721 23 45 67",
        "fix 0232/123.456",
        "tel: 0264 123 456",
        "telefon " + wide("0721 234 567"),
        "WhatsApp +40721234567",
        "+373 69 123 456",  # Moldova
        "+380 67 123 4567",  # Ukraine
        "+359 88 123 4567",  # Bulgaria
        "+36 20 123 4567",  # Hungary
        "+48 512 345 678",  # Poland
        "+84 91 234 56 78",  # Viet Nam
        "+977 984 1234567",  # Nepal
        "+880 1712-345678",  # Bangladesh
        "+91 98765 43210",  # India
        "+94 77 123 4567",  # Sri Lanka
        "+92 300 1234567",  # Pakistan
        "+63 917 123 4567",  # Philippines
        "+57 310 123 4567",  # Colombia
        "+39 347 123 4567",  # Italy
        "+34 612 345 678",  # Spain
        "+44 7911 123456",  # United Kingdom
        "+49 1512 3456789",  # Germany
        "0039 347 123 4567",
    ],
    "cnp": [
        "CNP 1800101420010 verificat",
        "CNP 1960101123456",
        "CNP 1 960101 123456",
        "CNP 1960101-123456",
        "CNP: 1.960101.123456",
        "cod numeric personal 2850312420019",
        "2850312 420019",
        "Victima, CNP 1960529460012, a fost audiată",
        "5000705123451 (minor)",
        "CNP 298-02-28-43-2107",
        "CNP " + wide("1960101123456"),
        "C.N.P. 1900312012344",
    ],
    "iban": [
        "IBAN RO49 AAAA 1B31 0075 9384 0000",
        "cont RO49AAAA1B31007593840000",
        "ro49 aaaa 1b31 0075 9384 0000",
        "RO09BCYP0000001234567890 la Banca Transilvania",
        "DE89 3704 0044 0532 0130 00",
        "GB29NWBK60161331926819",
        "IT60 X054 2811 1010 0000 0123 456",
        "ES91 2100 0418 4502 0005 1332",
        "MD24 AG00 0225 1000 1310 4168",
        "BG80BNBG96611020345678",
        "HU42 1177 3016 1111 1018 0000 0000",
        "PL61 1090 1014 0000 0712 1981 2874",
        "UA21 3223 1300 0002 6007 2335 6600 1",
    ],
    "id-card": [
        "CI seria MX nr. 123456",
        "seria MX nr. 123456",
        "CI MX123456",
        "C.I. RT 654321",
        "buletin seria XT 123456",
        "buletinul KX 987654",
        "carte de identitate seria IF nr 112233",
        "cartea de identitate seria RR, nr. 445566",
        "B.I. seria GZ nr. 332211",
        "identity card MZ 123456",
        "a prezentat MX123456",
        "ci mx 123456",
    ],
    "passport": [
        "pașaport RO1234567",
        "pasaport nr. 051234567",
        "pașaportul nr 051234567",
        "paşaport rx1234567",  # cedilla ş, lower case
        "passport no. ab1234567",
        "passport: X12345678",
        "passeport 12AB34567",
        "pass. nr 123456789",
        "Persoana cu pașaportul AB1234567",
        "PAȘAPORT: FA123456",
        "document AB1234567",
        "pasaporte PAB123456",
    ],
    "birth-date": [
        "născută la 12.03.1990",
        "născut la 12/03/1990",
        "nascut in 1990-03-12",
        "născut pe 12 martie 1990",
        "data nașterii: 12.03.1990",
        "Data nașterii 12 mar. 1990",
        "data de naștere 03.12.1985",
        "n. 12.03.1990",
        "Ion P. (n. 3 aprilie 2009)",
        "born on 12 March 1990",
        "born March 12, 1990",
        "date of birth: 1990-03-12",
        "DOB 12/03/1990",
        "D.O.B. 12.03.90",
        "birth date 12th of March 1990",
        "născută la 5 mai",
    ],
    "address": [
        "str. Mihai Eminescu nr. 12",
        "Strada Florilor 5",
        "domiciliată în str. Lalelelor, nr. 3, sector 3",
        "Str. Canarului nr. 7, bl. 4, sc. B, et. 3, ap. 12",
        "bl. 4, sc. B, et. 3, ap. 12",
        "ap. 12",
        "sc. B, et. 3",
        "Bd. Unirii nr. 15",
        "bulevardul Dacia 20",
        "Calea Victoriei 12",
        "Șoseaua Pantelimon nr. 300",
        "Aleea Trandafirilor nr. 4",
        "Intrarea Gării 3",
        "sat Hlincea, com. Ciurea, nr. 123",
        "nr. 45, com. Ciurea, jud. Iași",
        "nr. 7, loc. Pașcani, jud. Iași",
        "221B Baker Street",
        "12 Oxford St.",
        "Baker Street 221",
        "Via Roma 12",
        "Calle Mayor 5",
        "Hauptstraße 5",
    ],
    "name": [
        "Maria Popescu a fost audiată",
        "a vorbit cu Ion Popescu ieri",
        "POPESCU Maria",
        "Popescu Ion",
        "Ana-Maria Ionescu",
        "Ana Maria Ionescu",
        "Elena Popescu-Tăriceanu",
        "Gheorghe ARDELEAN",
        "Ionela Munteanu",
        "Vasile Ciobanu",
        "Ion Popescu-Canar",
        "Victoria Popescu",
        "Sofia Dumitrescu",
        "Ion I. Popescu",
        "Oleksandr Shevchenko",
        "Olena Kovalenko",
        "Ivan Petrov",
        "Nagy László",
        "László Nagy",
        "Anna Kowalska",
        "Nguyen Van An",
        "Tran Thi Lan",
        "Ram Thapa",
        "Sita Shrestha",
        "Rahul Sharma",
        "Kamal Perera",
        "Ali Khan",
        "Maria Santos",
        "José Rodríguez",
        "numita Ionela",
        "numitul Vasilică",
        "pe nume Dorina",
        "victima Ana",
        "victima Irina",
        "dl. Marinescu",
        "dna. Pop",
        "Mr Smith",
        "Ms Garcia",
        "a woman named Olga",
        "numele victimei este Alina",
        "prenume: Larisa",
    ],
}

INNOCENT = [
    "Referința RC-2026-0042, măsura 1.1.2, strategia SNITP-2024-2028",
    "Cazul RO-EIO-2026-00042 și campania CAMP-2026-CERERE",
    "HelpLine 0800 800 678 a primit 120 de apeluri",
    "sunați la 112 sau 119; copii dispăruți 116 000; Telefonul Copilului 116 111",
    "linia gratuită 0800 500 500 și linia cu cost partajat 0801 123 456",
    "1800101420011 nu este un CNP: cifra de control este greșită",
    "Au participat 1250 de elevi în 2026; buget 1500000 lei",
    "buget 1.500.000 lei, 312.345.678 lei, 1.234.567.890 lei",
    "10 000 de materiale, 250 000 de persoane informate",
    "termenul este 2026-12-10",
    "termen: 10.12.2026, raport semestrial",
    "ședința din 12 martie 2026, ora 10:30-12:00",
    "Planul 2024-2028, revizuit în 2027",
    "dosarul nr. 1234/2/2026",
    "conform art. 12 alin. (3) din Legea nr. 678/2001",
    "HG nr. 88/2023 și HG 533/2024",
    "Ordinul nr. 1234/2025 privind mecanismul național de identificare",
    "art. 210 și art. 216 Cod penal",
    "intrarea în vigoare a legii",
    "calea de atac este apelul",
    "Sector 1",
    "DGASPC Sector 3 și DGASPC Sector 6",
    "Direcția Generală de Asistență Socială și Protecția Copilului Sector 3",
    "Direcția Generală de Asistență Socială și Protecția Copilului Alba",
    "IPJ Iași, jud. Iași",
    "Centrul Regional Alba Iulia al ANITP",
    "Sfântu Gheorghe, Satu Mare, Târgu Jiu, Piatra Neamț",
    "la Sofia și Varșovia",
    "Universitatea Alexandru Ioan Cuza din Iași",
    "Spitalul Universitar de Urgență Carol Davila",
    "comuna Avram Iancu, județul Alba",
    "Aeroportul Mihail Kogălniceanu, jud. Constanța",
    "Fundația Terre des Hommes și Organizația Salvați Copiii",
    "Crucea Roșie Română",
    "Palatul Victoria",
    "Maria",
    "Ion a lipsit",
    "Maria a fost preluată de DGASPC Iași",
    "Victima a fost preluată de DGASPC Iași",
    "victima Traficului de persoane",
    "Numele campaniei: Școala fără trafic",
    "name: Agenția",
    "Doamna Ministru a deschis ședința",
    "Domnul Președinte a semnat; Dl. ministru a semnat",
    "Mr President, Ms Commissioner",
    "MAI, ANITP, DIICOT și IGPR au raportat",
    "The European Commission and Europol",
    "Guarantee victims effective access to compensation",
    "Ofițer de legătură",
    "Director adjunct",
    "available at www.anitp.mai.gov.ro",
    "meet at noon",
    "Programul a fost lansat la 12.03.2026",
    "Pasul 2: raportul pentru 2026",
    "n. 5 de activități",
    "nu 100.000, ci la 123456 de persoane",  # "ci" is not an identity card here
    "summitul NATO 12.07.2024",
    "doamna profesoară a venit; Doamna Profesoară a venit",
    "Ioan Paul al II-lea",
]


def test_every_kind_has_a_message_and_a_romanian_translation() -> None:
    assert set(PERSONAL) == set(KINDS)
    for kind, message in KINDS.items():
        assert translate("ro", message) != message, kind


@pytest.mark.parametrize(
    ("text", "kind"), [(text, kind) for kind, texts in PERSONAL.items() for text in texts]
)
def test_personal_data_is_found_with_its_kind(text: str, kind: str) -> None:
    assert personal_data_in(text) == kind


@pytest.mark.parametrize("text", INNOCENT)
def test_ordinary_text_passes(text: str) -> None:
    assert personal_data_in(text) is None


def test_recall_per_kind() -> None:
    found = Counter(k for k, texts in PERSONAL.items() for t in texts if personal_data_in(t) == k)
    for kind, texts in PERSONAL.items():
        print(f"{kind:11} {found[kind]:3d}/{len(texts):3d}")
    assert sum(len(texts) for texts in PERSONAL.values()) >= 120
    assert all(found[kind] == len(texts) for kind, texts in PERSONAL.items())


OFFICIALS = {"email", "name", "phone"}  # an institution's contacts: its officials, by design


def strings(node: Any, path: str = "", contact: bool = False) -> Iterator[tuple[str, str]]:
    """(where, text) for every string of a YAML document but its officials' names and mailboxes."""
    if isinstance(node, dict):
        for key, value in node.items():
            if not (contact and key in OFFICIALS):
                yield from strings(value, f"{path}.{key}", contact or key == "contacts")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from strings(value, f"{path}[{n}]", contact)
    elif isinstance(node, str):
        yield path, node


def reference_strings() -> list[tuple[str, str]]:
    """Every free-text string of the reference data files in data/."""
    found = []
    for path in sorted(DATA.glob("*.yaml")):
        found += [(path.name + where, s) for where, s in strings(yaml.safe_load(path.read_text()))]
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            found += [(path.name, cell) for row in csv.reader(handle) for cell in row]
    return found


def test_no_false_alarm_on_the_reference_data() -> None:
    checked = reference_strings()
    alarms = [(where, text, kind) for where, text in checked if (kind := personal_data_in(text))]
    print(f"{len(checked)} reference strings checked")
    assert len(checked) > 1000
    assert not alarms, "\n".join(f"{where}: {kind}: {text!r}" for where, text, kind in alarms)


def test_the_officials_contacts_are_left_out_of_the_walk() -> None:
    walked = {text for _, text in reference_strings()}
    assert "focal-point@anitp.example" not in walked and "focal-point" in walked


def test_folding_drops_diacritics_invisible_characters_and_width() -> None:
    assert fold("Ștefan Țăranu ş ţ") == "Stefan Taranu s t"
    assert fold("ion\u200b\uff20yahoo.ro  0721\u00a0" + wide("234")) == "ion@yahoo.ro 0721 234"


def test_a_cnp_needs_a_valid_check_digit_date_and_county() -> None:
    assert valid_cnp("1800101420010") and valid_cnp("2961231123459")
    assert not valid_cnp("1801301420010")  # month 13
    assert not valid_cnp("0800101420010")
    assert not valid_cnp("1 960101 123456")  # grouped: personal_data_in joins the groups


class Note(BaseModel):
    narrative: RequiredText


def test_a_form_field_with_personal_data_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        Note(narrative="Victima, CNP 2961231123459, a fost preluată.")
    error = refused.value.errors()[0]
    assert error["loc"] == ("narrative",) and error["type"] == "personal_data"
    assert error["ctx"] == {"what": "a personal numeric code (CNP)"}


def test_a_name_in_a_form_field_is_refused_as_a_name() -> None:
    with pytest.raises(ValidationError) as refused:
        Note(narrative="Am discutat cu Maria Popescu despre plan.")
    assert refused.value.errors()[0]["ctx"] == {"what": "a person's name"}
