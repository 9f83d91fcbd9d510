"""The synthetic mechanisms the benchmark runs on, at three sizes (and a small one for tests)."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.reference.document import ReferenceDocument, parse_reference_document

NATIONAL_DATA = Path(__file__).resolve().parents[1] / "data" / "romania.yaml"
STRATEGY = "BENCH"


@dataclass(frozen=True)
class Size:
    """How big a mechanism is, and how far each measurement goes at that size."""

    name: str
    institutions: int
    measures: int
    responsible: int  # institutions per measure
    status_events: int  # history already in the database
    sweep_totals: tuple[int, ...]  # open assignments the sweep runs over
    sweep_due: int
    report_submissions: int
    per_task_emails: int  # emails sent by one Prefect task run each
    writes_per_worker: int

    @property
    def national(self) -> bool:
        return self.name == "national"


SIZES = {
    size.name: size
    for size in (
        Size("small", 100, 50, 4, 5_000, (2_000, 20_000), 200, 2_000, 20, 100),
        Size("national", 0, 0, 0, 100_000, (100_000, 1_000_000), 2_000, 30_000, 100, 500),
        Size("large", 2_000, 1_000, 10, 100_000, (100_000, 1_000_000), 2_000, 30_000, 200, 500),
        Size("eu", 10_000, 5_000, 6, 1_000_000, (100_000, 1_000_000), 2_000, 30_000, 200, 500),
    )
}


def institution_codes(count: int) -> list[str]:
    """I00000, I00001, ..."""
    return [f"I{n:05d}" for n in range(count)]


def _institution(code: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"Instituția {code}",
        "kind": "agency",
        "contacts": [
            {"role": "focal-point", "email": f"fp@{code.lower()}.example"},
            {"role": "head", "email": f"head@{code.lower()}.example"},
        ],
    }


def _measure(number: int, codes: list[str], responsible: int) -> dict[str, Any]:
    first = number * responsible
    owners = [codes[(first + k) % len(codes)] for k in range(responsible)]
    return {
        "code": f"M{number}",
        "title": f"Măsura {number}: acțiuni comune de prevenire",
        "indicator": "numărul de acțiuni",
        "recurrence": "annual",
        "responsible": sorted(set(owners)),
    }


def synthetic_reference(size: Size) -> dict[str, Any]:
    """A strategy where each measure names `size.responsible` institutions in turn."""
    codes = institution_codes(size.institutions)
    measures = [_measure(m, codes, size.responsible) for m in range(size.measures)]
    return {
        "version": 1,
        "institutions": [_institution(code) for code in codes],
        "strategies": [
            {
                "code": STRATEGY,
                "name": "Strategia de referință pentru măsurători",
                "starts": "2024-01-01",
                "ends": "2028-12-31",
                "objectives": [
                    {
                        "code": "OG1",
                        "pillar": "prevention",
                        "title": "Prevenire",
                        "specific": [{"code": "OS1", "title": "Prevenire", "measures": measures}],
                    }
                ],
            }
        ],
    }


def reference_document(size: Size) -> tuple[ReferenceDocument, str]:
    """The mechanism's reference document and the strategy a round runs on."""
    if size.national:
        doc = parse_reference_document(NATIONAL_DATA.read_text(encoding="utf-8"))
        return doc, doc.strategies[0].code
    # The synthetic document is far beyond the loader's file-size bound, so it skips the text.
    return ReferenceDocument.model_validate(synthetic_reference(size)), STRATEGY
