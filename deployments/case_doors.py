"""What the doors through which a new case enters Concord share, whichever duty owns the case.

A door checks every field before anything is written (a refusal names the option and the
kind of data found, never the value), registers the case in one transaction under a
reference Concord issues, then runs the duty's flow with that reference alone, so Prefect's
record of the run holds nothing a person typed. Open cases are listed by their clocks.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.table import Table
from sqlmodel import Session

from deployments.cli_support import console, fail, migrate_quietly, say, settings_or_exit
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, session_scope
from models.core.i18n import N_
from models.core.settings import Settings
from models.core.types import utcnow
from models.lifecycle.clock_rows import HEADERS, ClockRow, row_cells
from models.lifecycle.desk import Desk

Input = TypeVar("Input", bound=BaseModel)
MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
MOMENT = typer.Option(formats=MOMENT_FORMATS, help="YYYY-MM-DDTHH:MM, Bucharest time")


def option_name(field: str) -> str:
    """The command-line option a model field comes from: partner_email -> --partner-email."""
    return field.upper() if field == "sender_reference" else "--" + field.replace("_", "-")


def checked(model: type[Input], values: dict[str, Any]) -> Input:
    """The case as `model` accepts it, or a refusal naming each wrong option, never its value."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = [
            f"{option_name(str(error['loc'][0]))}: {error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        ]
        fail("; ".join(problems), code=2)


def local(moment: datetime | None, settings: Settings) -> datetime | None:
    """A moment typed without a zone, read as the coordinator's local time."""
    return moment.replace(tzinfo=settings.zone) if moment else None


def registered_in_one_transaction(
    settings: Settings,
    register: Callable[[Desk], tuple[str, bool]],
    refused: type[ValueError],
) -> tuple[str, bool]:
    """Run `register` in one unit of work; its reference and whether it is new.

    A `refused` error ("field: problem") is shown under the option's name.
    """
    migrate_quietly()
    calendar = WorkingCalendar(zone=settings.zone)
    try:
        with session_scope(get_engine(settings.resolved_database_url())) as session:
            return register(Desk(session, settings, calendar, utcnow()))
    except refused as exc:
        field, _, problem = str(exc).partition(": ")
        fail(f"{option_name(field)}: {problem}", code=2)


def tell(reference: str, created: bool) -> None:
    """Say which reference the case has and whether this call registered it."""
    message = N_("Registered as %(ref)s.") if created else N_("Already registered as %(ref)s.")
    console.print(say(message, ref=reference))


def list_open_cases(rows_of: Callable[[Session, str], list[ClockRow]]) -> None:
    """Print the open cases `rows_of` finds in the configured database."""
    settings = settings_or_exit()
    migrate_quietly()
    with Session(get_engine(settings.resolved_database_url())) as session:
        rows = rows_of(session, settings.language)
    print_clock_rows(rows)


def print_clock_rows(rows: list[ClockRow]) -> None:
    """Open cases, the soonest clock first, with the time left (overdue in red)."""
    settings, now = settings_or_exit(), utcnow()
    table = Table(show_edge=False)
    for header in HEADERS:
        table.add_column(say(header))
    for row in sorted(rows, key=lambda r: r.due_at):
        cells = row_cells(row, now, settings.language, settings.zone)
        table.add_row(*cells, style="bold red" if row.due_at < now else None)
    console.print(table if rows else say(N_("Nothing open.")))
