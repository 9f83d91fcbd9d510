"""`concord requests register` and `refer`: the doors through which a new case enters Concord.

Each checks every field before anything is written (a refusal names the option and the kind
of data found, never the value), registers the case in one transaction under a reference
Concord issues, then runs the duty's flow with that reference alone, so Prefect's record of
the run holds nothing a person typed.
"""

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from deployments.cli_support import console, fail, migrate_quietly, say, settings_or_exit
from models.cooperation.register import RequestInput, register_request
from models.cooperation.rules import RequestError
from models.cooperation.tables import Direction, Instrument
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, session_scope
from models.core.i18n import N_
from models.core.settings import Settings
from models.core.types import utcnow
from models.lifecycle.desk import Desk
from models.referrals.notify import notify_referral
from models.referrals.register import ReferralError, ReferralInput

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
    settings: Settings, register: Callable[[Desk], tuple[str, bool]]
) -> tuple[str, bool]:
    """Run `register` in one unit of work; its reference and whether it is new."""
    migrate_quietly()
    calendar = WorkingCalendar(zone=settings.zone)
    try:
        with session_scope(get_engine(settings.resolved_database_url())) as session:
            return register(Desk(session, settings, calendar, utcnow()))
    except (RequestError, ReferralError) as exc:
        field, _, problem = str(exc).partition(": ")
        fail(f"{option_name(field)}: {problem}", code=2)


def store_request(desk: Desk, data: RequestInput) -> tuple[str, bool]:
    """Register the request once; its reference and whether this call registered it."""
    done = register_request(desk.session, data, desk.settings, desk.calendar, desk.now)
    return done.request.reference, done.created


def store_referral(desk: Desk, data: ReferralInput) -> tuple[str, bool]:
    """Notify the referral once; its reference and whether this call notified it."""
    done = notify_referral(desk, data)
    return done.referral.reference, done.created


def tell(reference: str, created: bool) -> None:
    """Say which reference the case has and whether this call registered it."""
    message = N_("Registered as %(ref)s.") if created else N_("Already registered as %(ref)s.")
    console.print(say(message, ref=reference))


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
    data = checked(RequestInput, values)
    reference, created = registered_in_one_transaction(settings, partial(store_request, data=data))
    tell(reference, created)
    state = cross_border_request(reference=reference)
    for clock, due in state.clocks.items():
        console.print(f"  {clock}: {due}")


def refer(
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
    data = checked(ReferralInput, values)
    reference, created = registered_in_one_transaction(settings, partial(store_referral, data=data))
    tell(reference, created)
    state = referral(reference=reference)
    console.print(say(N_("Sent to %(code)s."), code=state.receiving))
