"""Write a validated reference document into the database, recording every change."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlmodel import Session, SQLModel, select

from models.core.history import StatusEvent, entity_type_of
from models.reference.document import (
    InstitutionSpec,
    MeasureSpec,
    ReferenceDocument,
    StrategySpec,
)
from models.reference.enums import MeasureRole, MembershipRole
from models.reference.institutions import Body, Contact, Institution, Membership
from models.reference.services import PublicService
from models.reference.strategy import Measure, MeasureInstitution, Objective, Strategy

Row = TypeVar("Row", bound=SQLModel)


@dataclass
class LoadReport:
    """What a load created, updated, removed or left as it was, per kind of row."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when the load wrote anything."""
        return bool(self.created or self.updated or self.removed)


@dataclass
class _Writer:
    """Upserts rows by natural key, with one StatusEvent per created, changed or removed row."""

    session: Session
    actor: str
    now: datetime
    report: LoadReport
    created: list[Any] = field(default_factory=list)  # added, not yet flushed
    events: list[dict[str, Any]] = field(default_factory=list)

    def upsert(
        self, existing: dict[Any, Row], key: Any, model: type[Row], values: dict[str, Any]
    ) -> Row:
        row = existing.get(key)
        if row is None:
            row = model(**values)
            self.session.add(row)
            existing[key] = row
            self.created.append(row)
            self.report.created[entity_type_of(row)] += 1
            return row
        diffs = [
            f"{name}: {getattr(row, name)!r} -> {value!r}"
            for name, value in values.items()
            if getattr(row, name) != value
        ]
        kind = entity_type_of(row)
        if not diffs:
            self.report.unchanged[kind] += 1
            return row
        for name, value in values.items():
            setattr(row, name, value)
        self.session.add(row)
        self._event(row, "updated", "; ".join(diffs))
        self.report.updated[kind] += 1
        self.report.changes.append(f"{kind} {key}: {'; '.join(diffs)}")
        return row

    def remove_missing(self, existing: dict[Any, Row], kept: set[Any]) -> None:
        for key, row in list(existing.items()):
            if key in kept:
                continue
            kind = entity_type_of(row)
            self._event(row, "removed", f"no longer in the reference data: {key}")
            self.session.delete(row)
            del existing[key]
            self.report.removed[kind] += 1
            self.report.changes.append(f"{kind} {key}: removed")

    def settle(self) -> None:
        """Insert the rows created since the last call in one flush, then every pending event.

        Called where a new row's id is needed: a flush per row made loading an EU-size
        mechanism take minutes.
        """
        if self.created:
            self.session.flush()
            for row in self.created:
                self._event(row, "created", None)
            self.created.clear()
        if self.events:
            self.session.execute(insert(StatusEvent), self.events)
            self.events.clear()

    def _event(self, row: Any, to_status: str, note: str | None) -> None:
        entity_id = int(getattr(row, "id", None) or row.measure_id)
        self.events.append(
            {
                "entity_type": entity_type_of(row),
                "entity_id": entity_id,
                "from_status": None,
                "to_status": to_status,
                "at": self.now,
                "actor": self.actor,
                "note": note,
            }
        )


def _by(session: Session, model: type[Row], *attrs: str) -> dict[Any, Row]:
    rows = session.exec(select(model)).all()
    if len(attrs) == 1:
        return {getattr(row, attrs[0]): row for row in rows}
    return {tuple(getattr(row, a) for a in attrs): row for row in rows}


def _institution_values(spec: InstitutionSpec, parent_id: int | None) -> dict[str, Any]:
    return {
        "code": spec.code,
        "name": spec.name,
        "name_en": spec.name_en,
        "short_name": spec.short_name,
        "kind": spec.kind.value,
        "county": spec.county,
        "country": spec.country,
        "language": spec.language.value,
        "parent_id": parent_id,
        "webhook_url": spec.webhook_url,
    }


def _parents_first(specs: list[InstitutionSpec]) -> list[InstitutionSpec]:
    """Order institutions so each parent comes before its children (cycles were refused)."""
    ordered: list[InstitutionSpec] = []
    placed: set[str] = set()
    pending = list(specs)
    while pending:
        ready = [spec for spec in pending if spec.parent is None or spec.parent in placed]
        if not ready:
            raise ValueError("institution parents form a cycle")
        ordered += ready
        placed |= {spec.code for spec in ready}
        pending = [spec for spec in pending if spec.code not in placed]
    return ordered


def _load_institutions(writer: _Writer, doc: ReferenceDocument) -> dict[str, Institution]:
    institutions = _by(writer.session, Institution, "code")
    for spec in _parents_first(doc.institutions):
        if spec.parent and institutions[spec.parent].id is None:
            writer.settle()  # a parent created in this load
        parent_id = institutions[spec.parent].id if spec.parent else None
        writer.upsert(institutions, spec.code, Institution, _institution_values(spec, parent_id))
    writer.settle()
    _load_contacts(writer, doc, institutions)
    return institutions


def _load_contacts(
    writer: _Writer, doc: ReferenceDocument, institutions: dict[str, Institution]
) -> None:
    contacts = _by(writer.session, Contact, "institution_id", "role")
    wanted = set()
    for spec in doc.institutions:
        institution_id = institutions[spec.code].id
        for contact in spec.contacts:
            key = (institution_id, contact.role.value)
            wanted.add(key)
            values = {
                "institution_id": institution_id,
                "role": contact.role.value,
                "email": contact.email,
            }
            current = contacts.get(key)
            if current is not None and current.email != contact.email:
                values |= {"failing_since": None, "failure": None}  # a new address never bounced
            writer.upsert(contacts, key, Contact, values)
    listed = {institutions[spec.code].id for spec in doc.institutions}
    writer.remove_missing({k: v for k, v in contacts.items() if k[0] in listed}, wanted)


def _load_bodies(
    writer: _Writer, doc: ReferenceDocument, institutions: dict[str, Institution]
) -> None:
    bodies = _by(writer.session, Body, "code")
    memberships = _by(writer.session, Membership, "body_id", "institution_id")
    wanted = set()
    for spec in doc.bodies:
        chair = institutions[spec.chair]
        values = {
            "code": spec.code,
            "name": spec.name,
            "kind": spec.kind.value,
            "chair_id": chair.id,
            "cadence": spec.cadence.value,
        }
        body = writer.upsert(bodies, spec.code, Body, values)
        writer.settle()
        for code in dict.fromkeys([spec.chair, *spec.members]):
            member = institutions[code]
            key = (body.id, member.id)
            wanted.add(key)
            role = MembershipRole.CHAIR if code == spec.chair else MembershipRole.MEMBER
            values = {"body_id": body.id, "institution_id": member.id, "role": role.value}
            writer.upsert(memberships, key, Membership, values)
    listed = {bodies[spec.code].id for spec in doc.bodies}
    writer.remove_missing({k: v for k, v in memberships.items() if k[0] in listed}, wanted)


@dataclass
class _StrategyRows:
    """The rows already stored for one strategy, by natural key, and the links to keep."""

    strategy_id: int
    objectives: dict[Any, Objective]
    measures: dict[Any, Measure]
    links: dict[Any, MeasureInstitution]
    wanted_links: set[Any] = field(default_factory=set)


def _stored_rows(writer: _Writer, strategy_id: int) -> _StrategyRows:
    session = writer.session
    objectives = _by(session, Objective, "strategy_id", "code")
    measures = _by(session, Measure, "strategy_id", "code")
    links = _by(session, MeasureInstitution, "measure_id", "institution_id")
    return _StrategyRows(
        strategy_id,
        {k[1]: v for k, v in objectives.items() if k[0] == strategy_id},
        {k[1]: v for k, v in measures.items() if k[0] == strategy_id},
        links,
    )


def _objective(
    writer: _Writer, rows: _StrategyRows, code: str, pillar: str, title: str, parent_id: Any
) -> Objective:
    values = {
        "strategy_id": rows.strategy_id,
        "parent_id": parent_id,
        "code": code,
        "pillar": pillar,
        "title": title,
    }
    return writer.upsert(rows.objectives, code, Objective, values)


def _measure(writer: _Writer, rows: _StrategyRows, m: MeasureSpec, objective: Objective) -> Measure:
    values = {
        "strategy_id": rows.strategy_id,
        "objective_id": objective.id,
        "code": m.code,
        "title": m.title,
        "indicator": m.indicator,
        "deadline": m.deadline,
        "recurrence": m.recurrence.value if m.recurrence else None,
    }
    return writer.upsert(rows.measures, m.code, Measure, values)


def _load_links(
    writer: _Writer,
    rows: _StrategyRows,
    measure: Measure,
    m: MeasureSpec,
    institutions: dict[str, Institution],
) -> None:
    roles = [(c, MeasureRole.RESPONSIBLE) for c in m.responsible]
    roles += [(c, MeasureRole.PARTNER) for c in m.partners]
    for code, role in roles:
        key = (measure.id, institutions[code].id)
        rows.wanted_links.add(key)
        link = {"measure_id": measure.id, "institution_id": key[1], "role": role.value}
        writer.upsert(rows.links, key, MeasureInstitution, link)


def _load_measures(
    writer: _Writer, rows: _StrategyRows, spec: StrategySpec
) -> list[tuple[Measure, MeasureSpec]]:
    """The strategy's objectives and measures, each objective settled before its children."""
    placed = []
    for general in spec.objectives:
        pillar = general.pillar.value
        parent = _objective(writer, rows, general.code, pillar, general.title, None)
        writer.settle()
        for specific in general.specific:
            objective = _objective(writer, rows, specific.code, pillar, specific.title, parent.id)
            writer.settle()
            placed += [(_measure(writer, rows, m, objective), m) for m in specific.measures]
    writer.settle()
    return placed


def _load_strategy(
    writer: _Writer, spec: StrategySpec, institutions: dict[str, Institution]
) -> None:
    values = {
        "code": spec.code,
        "name": spec.name,
        "legal_basis": spec.legal_basis,
        "starts": spec.starts,
        "ends": spec.ends,
        "status": spec.status.value,
    }
    strategy = writer.upsert(_by(writer.session, Strategy, "code"), spec.code, Strategy, values)
    writer.settle()
    assert strategy.id is not None
    rows = _stored_rows(writer, strategy.id)
    for measure, m in _load_measures(writer, rows, spec):
        _load_links(writer, rows, measure, m, institutions)
    measure_ids = {m.id for m in rows.measures.values()}
    stale = {k: v for k, v in rows.links.items() if k[0] in measure_ids}
    writer.remove_missing(stale, rows.wanted_links)


def _load_services(
    writer: _Writer, doc: ReferenceDocument, institutions: dict[str, Institution]
) -> None:
    """Phone lines, alerts and programmes; one no longer in the document is removed."""
    existing = _by(writer.session, PublicService, "code")
    for spec in doc.services:
        values = spec.model_dump(exclude={"kind", "run_by"})
        values["kind"] = spec.kind.value
        values["run_by_id"] = institutions[spec.run_by].id if spec.run_by else None
        writer.upsert(existing, spec.code, PublicService, values)
    writer.remove_missing(existing, {spec.code for spec in doc.services})


def load_reference(
    *, session: Session, doc: ReferenceDocument, source: str, now: datetime
) -> LoadReport:
    """Create or update everything the document describes, in the caller's transaction."""
    writer = _Writer(session=session, actor=f"loader:{source}", now=now, report=LoadReport())
    institutions = _load_institutions(writer, doc)
    _load_bodies(writer, doc, institutions)
    for strategy in doc.strategies:
        _load_strategy(writer, strategy, institutions)
    _load_services(writer, doc, institutions)
    writer.settle()
    session.flush()
    return writer.report
