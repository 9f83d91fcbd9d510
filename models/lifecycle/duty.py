"""What a duty adds to the shared engine, and how the engine finds it.

The engine never imports a duty: it loads the composition root `models.duties` by name,
the one module that lists the installed duties (as a plugin host reads its plugin list).
"""

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Union
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from models.core.settings import Settings, get_settings
from models.lifecycle.forms import AnswerForm, FileRows
from models.lifecycle.rates import Scope
from models.lifecycle.retention import RetentionHook
from models.lifecycle.tables import Answer, Assignment

DUTIES_MODULE = "models.duties"

AnswerHook = Callable[[Session, Assignment, AnswerForm, Answer], None]
DetailsHook = Callable[[Session, Assignment, str, datetime], list[tuple[str, str]]]
LockHook = Callable[[Session, Assignment], bool]
FileReader = Callable[[str, bytes], FileRows]
Lifecycle = Mapping[str, frozenset[str]]
ScopeFinder = Callable[[Session, str | None], Scope | None]
ScopeLister = Callable[[Session], list[Scope]]


@dataclass(frozen=True)
class SweepContext:
    """What a duty's sweep hook gets: where to work, as of when, for which flow run."""

    engine: Engine
    settings: Settings
    now: datetime
    run_id: str | None = None


@dataclass(frozen=True)
class SweepOutcome:
    """One thing a sweep hook did, with the Markdown and table the run shows for it."""

    summary: str
    artifact_key: str
    markdown: str
    table_key: str = ""
    table: list[dict[str, Any]] = field(default_factory=list)


SweepHook = Callable[[SweepContext], list[SweepOutcome]]


@dataclass(frozen=True)
class Panel:
    """A table a duty adds to the coordinator's view, already in the reader's language."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    note: str = ""


PanelHook = Callable[[Session, datetime, str, ZoneInfo], list[Panel]]
ReportSectionHook = Callable[[Session, str], list[Panel]]


@dataclass(frozen=True)
class KnownIndicator:
    """A measure's indicator value Concord already knows from a duty (e.g. a campaign's reach)."""

    measure_id: int
    source: str
    value: int
    target: int | None
    unit: tuple[str, str]  # counted English message ids: ("%(num)s person reached", ...)


IndicatorHook = Callable[[Session, date, date], list[KnownIndicator]]


@dataclass(frozen=True)
class Partner:
    """The partner system that sent a case, as its credentials name it."""

    code: str
    country: str
    authority: str
    email: str | None


class IntakeError(ValueError):
    """A case a partner sent that cannot be taken; the message starts with the field."""


class IntakeConflict(IntakeError):
    """The reference is taken by another partner's case."""


@dataclass(frozen=True)
class Intake:
    """Cases a duty takes from partner systems over the JSON API, under `/partners/{path}`.

    `register` returns the case's view and whether it was new; `show` returns the view of
    the partner's own case, or None. Both run inside the caller's transaction.
    """

    path: str
    form: type[BaseModel]
    view: type[BaseModel]
    register: Callable[[Session, Any, Partner, Settings, datetime], tuple[BaseModel, bool]]
    show: Callable[[Session, str, Partner], BaseModel | None]


@dataclass(frozen=True)
class AssignmentKind:
    """One kind of obligation: its answer form, its name per language, what an answer does.

    `table` names a list field the portal's form sends as rows (`table-N-field`), and
    `read_file` reads those rows from an uploaded CSV or workbook instead. `details` gives
    the (label, text) rows the portal shows above the form, in the reader's language.
    `locked` says whether what the assignment belongs to (a round, a meeting) is locked,
    whatever the clock says.
    """

    name: str
    form: type[AnswerForm]
    labels: Mapping[str, str]
    template: str = ""  # the form's partial, in the duty's template folder
    policy: Mapping[str, Any] | None = None  # as in data/policies.yaml, when it has none
    on_answer: AnswerHook | None = None
    table: str | None = None
    read_file: FileReader | None = None
    details: DetailsHook | None = None
    locked: LockHook | None = None


@dataclass(frozen=True)
class Duty:
    """Everything one duty registers with the engine.

    `sweep` runs in every daily sweep (e.g. locking the rounds whose lock date has come);
    `scope` finds the assignments the coordinator's view shows rates for (the current round,
    or the one a reference names), `scopes` lists every one it could show, newest first;
    `panels` adds the duty's own tables to that view.
    `tables` are its own tables; `words` names its codes (statuses, fields, choices) as
    English message ids; `templates` is the folder of its portal partials; `commands` is
    its command-line group as "module:attribute" of a Typer app, whose own `name` is the group.
    """

    name: str
    kinds: tuple[AssignmentKind, ...] = ()
    tables: tuple[type[SQLModel], ...] = ()
    words: Mapping[str, str] = field(default_factory=dict)
    templates: Path | None = None
    commands: str | None = None
    flows: tuple[str, ...] = ()  # its flow modules, e.g. "flows.referral"
    migrations: Path | None = None  # its own Alembic branch, for a duty shipped apart
    message_kinds: tuple[str, ...] = ()
    lifecycles: Mapping[str, Lifecycle] = field(default_factory=dict)
    sweep: SweepHook | None = None
    scope: ScopeFinder | None = None
    scopes: ScopeLister | None = None
    panels: PanelHook | None = None
    intakes: tuple[Intake, ...] = ()
    retention: RetentionHook | None = None
    indicators: IndicatorHook | None = None
    round_sections: ReportSectionHook | None = None


class UnknownKindError(LookupError):
    """No installed duty declares this assignment kind."""


@cache
def installed_duties() -> tuple[Duty, ...]:
    """The duties listed in the composition root and in CONCORD_EXTRA_DUTIES, loaded once."""
    module = importlib.import_module(DUTIES_MODULE)
    return (*module.INSTALLED, *(load_duty(path) for path in get_settings().extra_duties))


def load_duty(path: str) -> Duty:
    """The duty declared at "package.module:NAME"."""
    module, _, name = path.partition(":")
    duty = getattr(importlib.import_module(module), name)
    if not isinstance(duty, Duty):
        raise TypeError(f"CONCORD_EXTRA_DUTIES: {path} is not a Duty")
    return duty


@cache
def _kinds() -> dict[str, AssignmentKind]:
    return {kind.name: kind for duty in installed_duties() for kind in duty.kinds}


def assignment_kinds() -> list[AssignmentKind]:
    """Every assignment kind of every installed duty."""
    return list(_kinds().values())


def assignment_kind(name: str) -> AssignmentKind:
    """The declaration of one assignment kind; UnknownKindError when no duty has it."""
    try:
        return _kinds()[name]
    except KeyError:
        raise UnknownKindError(f"kind: no installed duty declares {name!r}") from None


def kind_label(name: str, language: str) -> str:
    """The kind's name in `language`, or the code itself for an unknown kind."""
    kind = _kinds().get(name)
    return kind.labels.get(language, name) if kind else name


def duty_lifecycle(entity_type: str) -> Lifecycle | None:
    """The status lifecycle a duty registered for its own entity type, if any."""
    for duty in installed_duties():
        if entity_type in duty.lifecycles:
            return duty.lifecycles[entity_type]
    return None


def coordinator_scope(session: Session, ref: str | None = None) -> Scope | None:
    """The first scope an installed duty offers the coordinator's view."""
    for duty in installed_duties():
        found = duty.scope(session, ref) if duty.scope else None
        if found is not None:
            return found
    return None


def coordinator_scopes(session: Session) -> list[Scope]:
    """Every scope the installed duties offer the coordinator's view, each duty's newest first."""
    return [found for duty in installed_duties() if duty.scopes for found in duty.scopes(session)]


def coordinator_panels(
    session: Session, now: datetime, language: str, zone: ZoneInfo
) -> list[Panel]:
    """The tables every installed duty adds to the coordinator's view."""
    return [
        panel
        for duty in installed_duties()
        if duty.panels is not None
        for panel in duty.panels(session, now, language, zone)
    ]


def known_indicators(session: Session, start: date, end: date) -> list[KnownIndicator]:
    """What every installed duty already knows of measures' indicators between two dates."""
    return [
        known
        for duty in installed_duties()
        if duty.indicators is not None
        for known in duty.indicators(session, start, end)
    ]


def round_sections(session: Session, language: str) -> list[Panel]:
    """The tables duties add to a monitoring round's consolidated report (e.g. coverage)."""
    return [
        section
        for duty in installed_duties()
        if duty.round_sections is not None
        for section in duty.round_sections(session, language)
    ]


def retention_hooks() -> list[RetentionHook]:
    """What each installed duty forgets of its closed cases after the retention period."""
    return [duty.retention for duty in installed_duties() if duty.retention is not None]


def partner_intakes() -> list[Intake]:
    """Every kind of case partner systems may send."""
    return [intake for duty in installed_duties() for intake in duty.intakes]


def answer_form_union() -> Any:
    """Every installed answer form as one type (the JSON API tells them apart by `kind`)."""
    return Union[tuple(kind.form for kind in assignment_kinds())]  # noqa: UP007
