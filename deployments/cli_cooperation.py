"""`concord requests`: cross-border requests by the clock that runs out first; register, extend."""

from datetime import datetime
from functools import partial
from typing import Annotated

import typer

from deployments.case_doors import (
    MOMENT,
    checked,
    list_open_cases,
    local,
    registered_in_one_transaction,
    tell,
)
from deployments.cli_support import console, fail, migrate_quietly, say, settings_or_exit
from models.cooperation.extensions import extend_clock
from models.cooperation.panels import request_rows
from models.cooperation.register import RequestInput, register_request
from models.cooperation.rules import ExtensionReason, RequestError
from models.cooperation.tables import Direction, Instrument
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, session_scope
from models.core.i18n import N_, long_date
from models.core.settings import Settings
from models.core.types import utcnow
from models.lifecycle.desk import Desk

requests_app = typer.Typer(
    name="requests",
    help="Cross-border cooperation requests: list by clock, register one, extend a term.",
)


@requests_app.callback(invoke_without_command=True)
def requests(ctx: typer.Context) -> None:
    """List open requests, the soonest clock first, with the time left."""
    if ctx.invoked_subcommand is not None:
        return
    list_open_cases(request_rows)


def store_request(desk: Desk, data: RequestInput) -> tuple[str, bool]:
    """Register the request once; its reference and whether this call registered it."""
    done = register_request(desk.session, data, desk.settings, desk.calendar, desk.now)
    return done.request.reference, done.created


def stored_request(settings: Settings, data: RequestInput) -> tuple[str, bool]:
    """Register the request in one transaction; its reference and whether it is new."""
    return registered_in_one_transaction(settings, partial(store_request, data=data), RequestError)


@requests_app.command("register")
def register(
    sender_reference: Annotated[
        str, typer.Argument(help="the sender's own file number, e.g. STA-M-2026-0815; no name")
    ],
    instrument: Annotated[Instrument, typer.Option(help="the legal instrument")],
    partner_country: Annotated[str, typer.Option(help="the other state: DE, IT, ES...")],
    partner_authority: Annotated[str, typer.Option(help="e.g. Staatsanwaltschaft München I")],
    institution: Annotated[str, typer.Option(help="the Romanian institution in charge: DIICOT")],
    started_at: Annotated[datetime, MOMENT],
    direction: Annotated[Direction, typer.Option(help="incoming or outgoing")] = Direction.INCOMING,
    urgent: Annotated[bool, typer.Option(help="run on the instrument's urgent clocks")] = False,
    summary: Annotated[str, typer.Option(help="what is asked; no personal data")] = "",
    partner_email: Annotated[str | None, typer.Option(help="the partner's mailbox")] = None,
    answer_by: Annotated[datetime | None, MOMENT] = None,
) -> None:
    """Register a cross-border request: its clocks start and the institution is told."""
    from flows.cross_border_request import cross_border_request  # loads Prefect

    settings = settings_or_exit()
    values = {
        "sender_reference": sender_reference,
        "direction": direction,
        "instrument": instrument,
        "partner_country": partner_country,
        "partner_authority": partner_authority,
        "partner_email": partner_email,
        "institution": institution,
        "urgent": urgent,
        "summary": summary,
        "started_at": local(started_at, settings),
        "answer_by": local(answer_by, settings),
    }
    reference, created = stored_request(settings, checked(RequestInput, values))
    tell(reference, created)
    state = cross_border_request(reference=reference)
    for clock, due in state.clocks.items():
        console.print(f"  {clock}: {due}")


@requests_app.command("extend")
def extend(
    reference: str,
    clock: Annotated[str, typer.Argument(help="the clock's code, e.g. eio-recognition")],
    reason: Annotated[ExtensionReason, typer.Option(help="why, from the list the partner reads")],
    note: Annotated[
        str, typer.Option(help="more, for the record only (not emailed; no personal data)")
    ] = "",
) -> None:
    """Extend a running term once, as its instrument allows; the partner is told the reason."""
    settings = settings_or_exit()
    migrate_quietly()
    calendar = WorkingCalendar(zone=settings.zone)
    try:
        with session_scope(get_engine(settings.resolved_database_url())) as session:
            desk = Desk(session, settings, calendar, utcnow())
            extended = extend_clock(desk, reference, clock, reason, note)
    except RequestError as exc:
        fail(str(exc), code=2)
    local_due = extended.due_at.astimezone(settings.zone)
    when = f"{long_date(local_due, settings.language)} {local_due:%H:%M}"
    console.print(say(N_("New term: %(when)s"), when=when))
    console.print(say(N_("Rule applied: %(rule)s"), rule=extended.rule))
    if not extended.notices:
        console.print(say(N_("The request has no partner mailbox: tell the partner yourself.")))
