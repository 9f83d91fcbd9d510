"""Strategies (or any programme of commitments), their objectives and measures."""

from datetime import date

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel


class Strategy(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=300)
    legal_basis: str | None = Field(default=None, max_length=300)
    starts: date
    ends: date
    status: str = Field(default="in-force", max_length=16)


class Objective(SQLModel, table=True):
    """A general objective (no parent) or a specific one (parent = its general objective)."""

    __table_args__ = (UniqueConstraint("strategy_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    parent_id: int | None = Field(default=None, foreign_key="objective.id", index=True)
    code: str = Field(max_length=20)
    pillar: str = Field(max_length=16)
    title: str = Field(max_length=500)


class Measure(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("strategy_id", "code"),
        CheckConstraint(
            "(deadline IS NULL) <> (recurrence IS NULL)", name="deadline_xor_recurrence"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    objective_id: int = Field(foreign_key="objective.id", index=True)
    code: str = Field(max_length=20)
    title: str = Field(max_length=500)
    indicator: str = Field(max_length=500)
    deadline: date | None = None
    recurrence: str | None = Field(default=None, max_length=16)


class MeasureInstitution(SQLModel, table=True):
    """An institution's part in a measure: responsible or partner."""

    measure_id: int = Field(foreign_key="measure.id", primary_key=True, ondelete="CASCADE")
    institution_id: int = Field(foreign_key="institution.id", primary_key=True, index=True)
    role: str = Field(max_length=16)
