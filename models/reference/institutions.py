"""Institutions, their contacts, the standing bodies and who sits on them."""

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.types import UTCDateTime


class InstitutionBase(SQLModel):
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=300)
    name_en: str | None = Field(default=None, max_length=300)
    short_name: str | None = Field(default=None, max_length=60)
    kind: str = Field(max_length=32, sa_type=String(32))
    county: str | None = Field(default=None, max_length=4)
    country: str = Field(default="RO", max_length=2)
    language: str = Field(default="ro", max_length=2)


def name_for(name: str, name_en: str | None, language: str) -> str:
    """The institution's name for a reader of `language` (Romanian when none is given)."""
    return name_en if language == "en" and name_en else name


def short_label(short_name: str | None, code: str) -> str:
    """The short name for tables and charts, or the code when there is none."""
    return short_name or code


class Institution(InstitutionBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="institution.id", index=True)
    webhook_url: str | None = Field(default=None, max_length=500)

    def name_in(self, language: str) -> str:
        """The institution's name for a reader of `language` (Romanian when none is given)."""
        return name_for(self.name, self.name_en, language)

    @property
    def label(self) -> str:
        """The short name for tables and charts, or the code when there is none."""
        return short_label(self.short_name, self.code)


class InstitutionPublic(InstitutionBase):
    id: int


class Contact(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("institution_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    institution_id: int = Field(foreign_key="institution.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=16)
    email: str = Field(max_length=254)
    failing_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failure: str | None = Field(default=None, max_length=300)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def working(self) -> bool:
        """Whether mail to this contact arrives: no permanent bounce since it was last set."""
        return self.failing_since is None


class Body(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=300)
    kind: str = Field(max_length=16)
    chair_id: int = Field(foreign_key="institution.id")
    cadence: str = Field(max_length=16)


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("body_id", "institution_id"),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", index=True, ondelete="CASCADE")
    institution_id: int = Field(foreign_key="institution.id", index=True)
    role: str = Field(max_length=16)
