"""Public services the mechanism points people to: phone lines, alerts and the programmes."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator
from sqlmodel import Field, SQLModel

from models.core.text import NO_PERSONAL_DATA, ONE_LINE
from models.reference.enums import ServiceKind

# a short number (119), a European 116 number (116 000) or a free line (0800 800 678):
# public numbers only, so a person's phone can never be stored as a service's
Number = Annotated[
    str, StringConstraints(pattern=r"^(1[0-9]{2}|116 [0-9]{3}|080[0-9] [0-9]{3} [0-9]{3})$")
]
ServiceCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{0,39}$")]
Words = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    ONE_LINE,
    NO_PERSONAL_DATA,
]


class PublicService(SQLModel, table=True):
    """A phone line, an alert mechanism or a programme, as the reference data describes it."""

    __tablename__ = "public_service"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    kind: str = Field(max_length=16)
    name: str = Field(max_length=500)
    name_en: str | None = Field(default=None, max_length=500)
    number: str | None = Field(default=None, max_length=20)
    about: str = Field(max_length=500)
    about_en: str | None = Field(default=None, max_length=500)
    run_by_id: int | None = Field(default=None, foreign_key="institution.id", index=True)
    part_of: str | None = Field(default=None, max_length=40)
    for_children: bool = False
    verify: bool = False  # not read in its primary text: confirm before relying on it

    def name_in(self, language: str) -> str:
        """The service's name for a reader of `language` (Romanian when none is given)."""
        return self.name_en if language == "en" and self.name_en else self.name


class ServiceSpec(BaseModel):
    """One service in the document; a phone line has a number, nothing else has one."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: ServiceCode
    kind: ServiceKind
    name: Words
    name_en: Words | None = None
    number: Number | None = None
    about: Words
    about_en: Words | None = None
    run_by: ServiceCode | None = None
    part_of: ServiceCode | None = None
    for_children: bool = False
    verify: bool = False

    @model_validator(mode="after")
    def _number_for_a_line(self) -> "ServiceSpec":
        if (self.kind == ServiceKind.PHONE_LINE) != (self.number is not None):
            raise ValueError("a phone line needs a 'number', and only a phone line has one")
        return self


def service_problems(services: list[ServiceSpec], institutions: set[str]) -> list[str]:
    """Codes given twice, unknown institutions, and parts of something that is no programme."""
    programmes = {s.code for s in services if s.kind == ServiceKind.PROGRAMME}
    problems: list[str] = []
    seen: set[str] = set()
    for i, service in enumerate(services):
        if service.code in seen:
            problems.append(f"services[{i}].code: duplicate code {service.code!r}")
        seen.add(service.code)
        if service.run_by is not None and service.run_by not in institutions:
            problems.append(f"services[{i}].run_by: unknown institution {service.run_by!r}")
        if service.part_of is not None and service.part_of not in programmes:
            problems.append(f"services[{i}].part_of: {service.part_of!r} is no programme here")
    return problems
