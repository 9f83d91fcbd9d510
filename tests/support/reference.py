"""A small valid reference document to edit in tests."""

import copy
from typing import Any

import yaml

SMALL_DOCUMENT: dict[str, Any] = {
    "version": 1,
    "institutions": [
        {
            "code": "COORD",
            "name": "Coordonator",
            "kind": "coordinator",
            "contacts": [
                {"role": "focal-point", "email": "focal-point@coord.example"},
                {"role": "head", "email": "head@coord.example"},
            ],
        },
        {
            "code": "ANITP",
            "name": "Agenția",
            "kind": "agency",
            "parent": "COORD",
            "contacts": [
                {"role": "focal-point", "email": "focal-point@anitp.example"},
            ],
        },
        {"code": "DGASPC-CJ", "name": "DGASPC Cluj", "kind": "child-protection", "county": "CJ"},
        {
            "code": "EUROPOL",
            "name": "Europol",
            "kind": "international",
            "country": "NL",
            "language": "en",
        },
    ],
    "bodies": [
        {
            "code": "WG",
            "name": "Working group",
            "kind": "working-group",
            "chair": "ANITP",
            "cadence": "quarterly",
            "members": ["ANITP", "DGASPC-CJ"],
        },
    ],
    "strategies": [
        {
            "code": "PLAN",
            "name": "Plan",
            "starts": "2024-01-01",
            "ends": "2028-12-31",
            "objectives": [
                {
                    "code": "OG1",
                    "pillar": "prevention",
                    "title": "Prevent",
                    "specific": [
                        {
                            "code": "OS1.1",
                            "title": "Inform",
                            "measures": [
                                {
                                    "code": "1.1.1",
                                    "title": "Campaign",
                                    "indicator": "campaigns run",
                                    "recurrence": "annual",
                                    "responsible": ["ANITP"],
                                    "partners": ["DGASPC-CJ"],
                                },
                                {
                                    "code": "1.1.2",
                                    "title": "Study",
                                    "indicator": "study published",
                                    "deadline": "2026-12-31",
                                    "responsible": ["ANITP", "COORD"],
                                },
                            ],
                        },
                    ],
                },
            ],
        },
    ],
}


def small_document() -> dict[str, Any]:
    """A fresh deep copy of the small document, safe to edit."""
    return copy.deepcopy(SMALL_DOCUMENT)


def dump(document: dict[str, Any]) -> str:
    """The document as YAML text."""
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
