"""`concord referrals`: victim referrals by the clock that runs out first; notify, status."""

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
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, session_scope
from models.core.i18n import N_
from models.core.settings import Settings
from models.core.types import utcnow
from models.lifecycle.desk import Desk
from models.messaging.vocabulary import VOCABULARY, name_in
from models.referrals.notify import change_referral, notify_referral
from models.referrals.panels import referral_rows
from models.referrals.register import ReferralError, ReferralInput
from models.referrals.tables import ReferralStatus

referrals_app = typer.Typer(
    name="referrals",
    help="Victim referrals: list by clock, notify one, record what became of it.",
)


@referrals_app.callback(invoke_without_command=True)
def referrals(ctx: typer.Context) -> None:
    """List open referrals, the soonest clock first, with the time left."""
    if ctx.invoked_subcommand is not None:
        return
    list_open_cases(referral_rows)


def store_referral(desk: Desk, data: ReferralInput) -> tuple[str, bool]:
    """Notify the referral once; its reference and whether this call notified it."""
    done = notify_referral(desk, data)
    return done.referral.reference, done.created


def stored_referral(settings: Settings, data: ReferralInput) -> tuple[str, bool]:
    """Notify the referral in one transaction; its reference and whether it is new."""
    return registered_in_one_transaction(
        settings, partial(store_referral, data=data), ReferralError
    )


@referrals_app.command("notify")
def notify(
    sender_reference: Annotated[
        str, typer.Argument(help="the notifier's own file number, e.g. IPJ-CJ-2026-114; no name")
    ],
    notified_by: Annotated[str, typer.Option(help="the institution that identified: IGPR")],
    county: Annotated[str, typer.Option(help="where assistance is needed: CJ, IS, B1-B6")],
    identified_at: Annotated[datetime, MOMENT],
    child: Annotated[bool, typer.Option("--child/--adult", help="under 18 or not")] = False,
    consent: Annotated[bool, typer.Option(help="the person's consent is recorded")] = False,
    consent_override_by: Annotated[
        str | None, typer.Option(help="for a child without consent: the county's DGASPC")
    ] = None,
    override_note: Annotated[str, typer.Option(help="why, without personal data")] = "",
    exploitation: Annotated[str, typer.Option(help="sexual, labour, begging...")] = "unknown",
) -> None:
    """Refer a presumed victim, without identity: the receiving institution is told."""
    from flows.referral import referral  # loads Prefect

    settings = settings_or_exit()
    values = {
        "sender_reference": sender_reference,
        "notified_by": notified_by,
        "county": county,
        "child": child,
        "consent": consent,
        "consent_override_by": consent_override_by,
        "override_note": override_note,
        "exploitation": exploitation,
        "identified_at": local(identified_at, settings),
    }
    reference, created = stored_referral(settings, checked(ReferralInput, values))
    tell(reference, created)
    state = referral(reference=reference)
    console.print(say(N_("Sent to %(code)s."), code=state.receiving))


@referrals_app.command("status")
def referral_status(
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
