"""`concord contacts`: each institution's contacts, those out of date, and held changes."""

from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from deployments.cli_support import (
    checked_code,
    console,
    fail,
    migrate_quietly,
    say,
    settings_or_exit,
)
from models.contacts.changes import apply_held
from models.contacts.panels import LIST_HEADERS, change_text, contact_rows, unreachable_note
from models.contacts.roster import Standing, roster
from models.core.db import get_engine, session_scope
from models.core.i18n import N_
from models.core.types import utcnow

contacts_app = typer.Typer(
    name="contacts", help="Each institution's contacts: working, failing, confirmed when."
)


def _standings(text: str | None) -> list[Standing]:
    code = checked_code("--institution", text) if text is not None else None
    settings = settings_or_exit()
    with Session(get_engine(settings.resolved_database_url())) as session:
        found = roster(session, code)
    if code and not found:
        fail(f"--institution: no institution {code!r}", code=2)
    return found


@contacts_app.callback(invoke_without_command=True)
def contacts(
    ctx: typer.Context,
    stale: Annotated[
        bool, typer.Option("--stale", help="only contacts failing or not confirmed in a year")
    ] = False,
    institution: Annotated[
        str | None, typer.Option("--institution", help="one institution's code, e.g. ANITP")
    ] = None,
) -> None:
    """List the contacts: role, address, working or failing since when, last confirmed."""
    if ctx.invoked_subcommand is not None:
        return
    settings = settings_or_exit()
    migrate_quietly()
    standings, now = _standings(institution), utcnow()
    rows = contact_rows(standings, now, settings.language, settings.zone, stale)
    if rows:
        table = Table(show_edge=False)
        for header in LIST_HEADERS:
            table.add_column(say(header), overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    else:
        console.print(say(N_("No contact to show.")))
    if stale:
        note = unreachable_note(standings, settings.language)
        console.print(note or say(N_("Every institution has a working contact.")), highlight=False)


@contacts_app.command("apply")
def apply(
    institution: Annotated[str, typer.Argument(help="the institution's code, e.g. ANITP")],
) -> None:
    """Apply the changes of contacts an institution sent that wait for the coordinator."""
    code = checked_code("INSTITUTION", institution)
    settings = settings_or_exit()
    migrate_quietly()
    try:
        with session_scope(get_engine(settings.resolved_database_url())) as session:
            applied = apply_held(session, code, "coordinator", utcnow())
    except LookupError as exc:
        fail(str(exc))
    for change in applied:
        console.print(change_text(change, settings.language), highlight=False)
    console.print(say(N_("%(code)s: changes applied"), code=code), highlight=False)
