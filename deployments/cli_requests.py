"""`concord requests`: open requests and referrals by the clock that runs out first; extensions."""

from datetime import timedelta
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from deployments.cli_support import console, fail, migrate_quietly, say, settings_or_exit
from models.cooperation.extensions import extend_clock
from models.cooperation.panels import request_rows
from models.cooperation.rules import ExtensionReason, RequestError
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, session_scope
from models.core.i18n import N_, long_date
from models.core.types import utcnow
from models.lifecycle.clock_rows import HEADERS, row_cells
from models.lifecycle.desk import Desk
from models.messaging.vocabulary import VOCABULARY, name_in
from models.referrals.notify import change_referral
from models.referrals.panels import referral_rows
from models.referrals.register import ReferralError
from models.referrals.tables import ReferralStatus

RETAINED = {
    "cooperation requests": N_("closed cooperation requests"),
    "referrals": N_("closed referrals"),
    "sent email bodies": N_("bodies of sent emails"),
}
requests_app = typer.Typer(
    help="Cross-border requests and referrals: list by clock, extend a term."
)


@requests_app.callback(invoke_without_command=True)
def requests(ctx: typer.Context) -> None:
    """List open requests and referrals, the soonest clock first, with the time left."""
    if ctx.invoked_subcommand is not None:
        return
    settings = settings_or_exit()
    migrate_quietly()
    now = utcnow()
    with Session(get_engine(settings.resolved_database_url())) as session:
        rows = request_rows(session, settings.language) + referral_rows(session, settings.language)
    table = Table(show_edge=False)
    for header in HEADERS:
        table.add_column(say(header))
    for row in sorted(rows, key=lambda r: r.due_at):
        cells = row_cells(row, now, settings.language, settings.zone)
        table.add_row(*cells, style="bold red" if row.due_at < now else None)
    console.print(table if rows else say(N_("Nothing open.")))


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
    local = extended.due_at.astimezone(settings.zone)
    when = f"{long_date(local, settings.language)} {local:%H:%M}"
    console.print(say(N_("New term: %(when)s"), when=when))
    console.print(say(N_("Rule applied: %(rule)s"), rule=extended.rule))
    if not extended.notices:
        console.print(say(N_("The request has no partner mailbox: tell the partner yourself.")))


@requests_app.command("referral")
def referral(
    reference: str,
    status: Annotated[ReferralStatus, typer.Argument(help="assisted, closed or revoked")],
    note: Annotated[str, typer.Option(help="why, for the record (no personal data)")] = "",
) -> None:
    """Record that a referred person is assisted, close the referral, or revoke it."""
    settings = settings_or_exit()
    migrate_quietly()
    try:
        with session_scope(get_engine(settings.resolved_database_url())) as session:
            desk = Desk(session, settings, WorkingCalendar(zone=settings.zone), utcnow())
            found = change_referral(desk, reference, status, note or str(status))
            shown = found.reference, found.status
    except ReferralError as exc:
        fail(str(exc), code=2)
    console.print(f"{shown[0]}: {name_in(VOCABULARY, shown[1], settings.language)}")


def retention(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only show what would change")] = False,
) -> None:
    """Anonymise closed requests and referrals and empty old email bodies (as the nightly flow)."""
    from tasks.operations.retention import apply_retention  # loads Prefect: only for this command

    settings = settings_or_exit()
    migrate_quietly()
    now = utcnow()
    counts = apply_retention(settings, now, dry_run)
    table = Table(show_edge=False)
    table.add_column(say(N_("Records")))
    table.add_column(
        say(N_("Would be anonymised") if dry_run else N_("Anonymised")), justify="right"
    )
    for what, count in counts.items():
        table.add_row(say(RETAINED[what]), str(count))
    console.print(table)
    language = settings.language
    cases = long_date(now - timedelta(days=settings.retention_days), language)
    mail = long_date(now - timedelta(days=settings.sent_bodies_retention_days), language)
    console.print(
        say(
            N_("Cases closed before %(cases)s; emails sent before %(mail)s."),
            cases=cases,
            mail=mail,
        )
    )
