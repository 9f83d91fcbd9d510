"""Saving checked recommendations in one transaction: sources, owners and measures resolved."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from models.core.history import record_event
from models.core.i18n import N_
from models.core.spreadsheets import CellProblem, SpreadsheetError
from models.core.text import checked_note
from models.recommendations.importing import RecommendationRow
from models.recommendations.rules import RecommendationStatus
from models.recommendations.tables import (
    Recommendation,
    RecommendationContributor,
    RecommendationMeasure,
    RecommendationSource,
)
from models.reference.institutions import Institution
from models.reference.strategy import Measure, Strategy

# the state's position, set by the import; once an owner reports progress, the import keeps it
POSITIONS = frozenset({RecommendationStatus.ACCEPTED, RecommendationStatus.NOTED})
SOURCE_FIELDS = ("body", "cycle", "document", "published_on", "reporting_on", "language")


class UnknownRecommendation(LookupError):
    """A code no recommendation has; the message names it."""


class StatusNoteError(ValueError):
    """A status note that cannot be kept; the message names the field."""


@dataclass
class Imported:
    """What an import changed."""

    sources: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Resolved:
    """The institutions' and measures' ids the rows name, and what could not be found."""

    institutions: dict[str, int] = field(default_factory=dict)
    measures: dict[str, int] = field(default_factory=dict)
    problems: list[CellProblem] = field(default_factory=list)


NO_INSTITUTION = N_("No institution has the code %(value)s.")
NO_MEASURE = N_("No measure %(value)s; write STRATEGY/CODE, e.g. SNITP-2024-2028/1.1.1.")


def _measure_ids(session: Session, references: set[str]) -> dict[str, int]:
    found = session.exec(
        select(Strategy.code, Measure.code, Measure.id).join(
            Strategy, col(Strategy.id) == col(Measure.strategy_id)
        )
    )
    known = {f"{strategy}/{code}": id_ for strategy, code, id_ in found if id_ is not None}
    return {ref: known[ref] for ref in references if ref in known}


def resolve(session: Session, rows: list[tuple[int, RecommendationRow]]) -> Resolved:
    """Find every institution and measure the rows name; name each line that names a stranger."""
    codes = {c for _, row in rows for c in (row.lead, *row.contributors)}
    found = session.exec(
        select(Institution.code, Institution.id).where(col(Institution.code).in_(codes))
    )
    resolved = Resolved(institutions={code: id_ for code, id_ in found if id_ is not None})
    resolved.measures = _measure_ids(session, {m for _, row in rows for m in row.measures})
    for line, row in rows:
        for column, values in (("lead", [row.lead]), ("contributors", row.contributors)):
            for code in values:
                if code not in resolved.institutions:
                    problem = CellProblem(line, column, NO_INSTITUTION, {"value": repr(code)})
                    resolved.problems.append(problem)
        for ref in row.measures:
            if ref not in resolved.measures:
                problem = CellProblem(line, "measures", NO_MEASURE, {"value": repr(ref)})
                resolved.problems.append(problem)
    return resolved


def _source(session: Session, row: RecommendationRow) -> tuple[RecommendationSource, bool]:
    source = session.exec(
        select(RecommendationSource).where(RecommendationSource.code == row.source)
    ).first()
    values = {name: getattr(row, name) for name in SOURCE_FIELDS} | {"sample": row.sample}
    if source is None:
        source = RecommendationSource(code=row.source, **values)
    elif all(getattr(source, k) == v for k, v in values.items()):
        return source, False
    else:
        for name, value in values.items():
            setattr(source, name, value)
    session.add(source)
    session.flush()
    return source, True


def _links(
    session: Session, recommendation_id: int, row: RecommendationRow, resolved: Resolved
) -> None:
    for table in (RecommendationMeasure, RecommendationContributor):
        session.execute(delete(table).where(col(table.recommendation_id) == recommendation_id))
    for ref in row.measures:
        session.add(
            RecommendationMeasure(
                recommendation_id=recommendation_id, measure_id=resolved.measures[ref]
            )
        )
    for code in dict.fromkeys(row.contributors):
        if code != row.lead:
            session.add(
                RecommendationContributor(
                    recommendation_id=recommendation_id, institution_id=resolved.institutions[code]
                )
            )


def _values(row: RecommendationRow, source_id: int, lead_id: int) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "ref": row.ref,
        "code": row.code,
        "text": row.text,
        "summary_ro": row.summary_ro,
        "strength": row.strength,
        "theme": row.theme,
        "pillar": row.pillar,
        "lead_institution_id": lead_id,
    }


def _save_one(
    session: Session, row: RecommendationRow, source_id: int, resolved: Resolved, now: datetime
) -> str:
    """'added', 'updated' or 'unchanged'."""
    values = _values(row, source_id, resolved.institutions[row.lead])
    stored = session.exec(select(Recommendation).where(Recommendation.code == row.code)).first()
    if stored is None:
        stored = Recommendation(**values, status=row.status, created_at=now, updated_at=now)
        outcome = "added"
    else:
        if stored.status in POSITIONS:
            values["status"] = row.status
        if all(getattr(stored, k) == v for k, v in values.items()):
            outcome = "unchanged"
        else:
            outcome = "updated"
            for name, value in values.items():
                setattr(stored, name, value)
            stored.updated_at = now
    session.add(stored)
    session.flush()
    assert stored.id is not None
    _links(session, stored.id, row, resolved)
    return outcome


def save_recommendations(
    session: Session, rows: list[tuple[int, RecommendationRow]], now: datetime
) -> Imported:
    """Add or update every row, or SpreadsheetError (nothing written) when one names a stranger."""
    resolved = resolve(session, rows)
    if resolved.problems:
        raise SpreadsheetError(resolved.problems)
    imported = Imported()
    changed_sources: set[str] = set()
    for _, row in rows:
        source, changed = _source(session, row)
        if changed:
            changed_sources.add(source.code)
        outcome = _save_one(session, row, source.id or 0, resolved, now)
        setattr(imported, outcome, getattr(imported, outcome) + 1)
    imported.sources = len(changed_sources)
    return imported


def set_statuses(
    session: Session, codes: list[str], status: RecommendationStatus, note: str, now: datetime
) -> list[str]:
    """Move several recommendations to one status (the coordinator's bulk update).

    Every code is checked first: an unknown one is named and nothing changes. Returns the
    codes that moved; those already at the status are left as they are.
    """
    note = checked_note("note", note, error=StatusNoteError)
    wanted = [code.strip().upper() for code in codes]
    found = {
        r.code: r
        for r in session.exec(select(Recommendation).where(col(Recommendation.code).in_(wanted)))
    }
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise UnknownRecommendation(f"code: no recommendation {', '.join(unknown)}")
    moved = []
    for code in dict.fromkeys(wanted):
        if move_recommendation(session, found[code], status, "coordinator", note, now):
            moved.append(code)
    return moved


def move_recommendation(
    session: Session,
    recommendation: Recommendation,
    status: str,
    actor: str,
    note: str,
    now: datetime,
) -> bool:
    """Give the recommendation `status` with its event; False when it already has it."""
    if recommendation.status == status:
        return False
    record_event(
        session=session,
        entity_type="recommendation",
        entity_id=recommendation.id or 0,
        from_status=recommendation.status,
        to_status=status,
        actor=actor,
        note=note,
        now=now,
    )
    recommendation.status, recommendation.updated_at = status, now
    session.add(recommendation)
    return True
