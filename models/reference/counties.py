"""Romania's counties, the ANITP regional centre of each, and the child-protection directorate."""

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from models.core.i18n import N_, translate
from models.core.text import shown

COUNTIES_FILE = Path(__file__).resolve().parents[2] / "data" / "counties.yaml"
BUCHAREST_SECTOR = re.compile(r"^B[1-6]$")


class County(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str
    centre: str
    tile: tuple[int, int]


class CountyError(ValueError):
    """A county code that is not Romania's, or a Bucharest address without its sector."""


@lru_cache(maxsize=2)
def load_counties(path: Path = COUNTIES_FILE) -> dict[str, County]:
    """The counties by code, from `path`."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["counties"]
    return {county.code: county for county in (County.model_validate(item) for item in raw)}


def county_of(code: str) -> County:
    """The county of a code (a Bucharest sector, B1 to B6, counts as Bucharest)."""
    counties = load_counties()
    key = "B" if BUCHAREST_SECTOR.match(code) else code
    if key not in counties:
        raise CountyError(f"county: {shown(code)} is not a Romanian county code (e.g. CJ, IS, B3)")
    return counties[key]


def place_name(code: str, language: str) -> str:
    """'Cluj county' or 'Bucharest, sector 3', in `language`."""
    county = county_of(code)
    if county.code != "B":
        return translate(language, N_("%(county)s county")) % {"county": county.name}
    if BUCHAREST_SECTOR.match(code):
        return translate(language, N_("Bucharest, sector %(sector)s")) % {"sector": code[1]}
    return translate(language, N_("Bucharest"))


def regional_centre(code: str) -> str:
    """The code of the ANITP regional centre whose region covers the county."""
    return county_of(code).centre


def child_protection(code: str) -> str:
    """The code of the county's child-protection directorate (a sector's, in Bucharest)."""
    county = county_of(code)
    if county.code == "B" and not BUCHAREST_SECTOR.match(code):
        raise CountyError("county: in Bucharest, a child is referred by sector: give B1 to B6")
    return f"DGASPC-{code}"
