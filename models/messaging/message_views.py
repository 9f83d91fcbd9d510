"""What a message may show: small frozen views with no personal data, built field by field."""

from datetime import date, datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

PERSONAL_FIELD_NAMES = frozenset(
    {
        "victim_name",
        "first_name",
        "last_name",
        "full_name",
        "birth_date",
        "date_of_birth",
        "address",
        "home_address",
        "personal_id",
        "cnp",
        "passport_number",
        "phone",
        # the same in Romanian
        "nume",
        "prenume",
        "nume_complet",
        "data_nasterii",
        "adresa",
        "domiciliu",
        "numar_telefon",
        "telefon",
        "serie_buletin",
        "numar_pasaport",
    }
)


class View(BaseModel):
    """A frozen view; `of(source)` copies only the view's own fields from `source`."""

    model_config = ConfigDict(frozen=True, extra="forbid", from_attributes=True)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        personal = PERSONAL_FIELD_NAMES & set(cls.__annotations__)
        if personal:
            raise TypeError(f"{cls.__name__} may not carry personal fields: {sorted(personal)}")

    @classmethod
    def of(cls, source: Any, **overrides: Any) -> Self:
        """Copy the view's fields from an object or mapping; extra attributes are never read."""

        def read(name: str) -> Any:
            if isinstance(source, dict):
                return source.get(name)
            return getattr(source, name, None)

        values = {name: read(name) for name in cls.model_fields if name not in overrides}
        values = {k: v for k, v in values.items() if v is not None}
        return cls.model_validate({**values, **overrides})


class InstitutionView(View):
    code: str
    name: str
    language: str = "ro"
    short_name: str = ""


class AssignmentView(View):
    id: int | None = None
    key: str
    kind: str
    title: str
    subject_ref: str
    due_at: datetime
    status: str = "open"
    link: str = ""
    overdue_days: int = 0
    locked_at: datetime | None = None


class DigestGroup(View):
    kind: str
    due_date: date
    items: list[AssignmentView]


class EscalationLine(View):
    institution: InstitutionView
    level: int
    assignments: list[AssignmentView]
