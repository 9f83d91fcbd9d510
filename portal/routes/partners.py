"""The JSON API for partner systems: each logs in with its own credentials and sends cases."""

import secrets
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Body, Depends, HTTPException
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from sqlmodel import select

from models.core.db import write_session
from models.core.text import LookupText
from models.lifecycle.duty import Intake, IntakeConflict, IntakeError, Partner, partner_intakes
from models.messaging.outbox import DeliveryState, OutboxMessage
from portal.dependencies import EngineDep, Now, SettingsDep
from tasks.messaging.outbox import deliver_now

partner_login = HTTPBasic(auto_error=False, scheme_name="partner", realm="Concord partners")
UNKNOWN = secrets.token_urlsafe(32)  # compared against when the login names no partner
REFUSED = HTTPException(
    401, "partner credentials required", headers={"WWW-Authenticate": 'Basic realm="partners"'}
)


def require_partner(
    settings: SettingsDep,
    credentials: Annotated[HTTPBasicCredentials | None, Depends(partner_login)],
) -> Partner:
    """The partner whose login and secret these are; 401 for anything else."""
    if credentials is None:
        raise REFUSED
    account = settings.partners.get(credentials.username)
    expected = account.secret.get_secret_value() if account else UNKNOWN
    matches = secrets.compare_digest(credentials.password.encode(), expected.encode())
    if account is None or not matches:
        raise REFUSED
    return Partner(credentials.username, account.country, account.authority, account.email)


PartnerDep = Annotated[Partner, Depends(require_partner)]


def problem(status: int, error: IntakeError) -> JSONResponse:
    """The error as the API's other errors look: the field, then what is wrong."""
    field, _, message = str(error).partition(": ")
    return JSONResponse({"detail": [{"field": field, "message": message}]}, status_code=status)


def send_route(intake: Intake) -> Callable[..., Any]:
    """The handler that registers one kind of case a partner sends."""

    def send(
        case: Annotated[intake.form, Body()],  # type: ignore[name-defined]
        partner: PartnerDep,
        background: BackgroundTasks,
        settings: SettingsDep,
        engine: EngineDep,
        now: Now,
    ) -> Any:
        """Send a case; sending the same reference again returns it unchanged (200)."""
        with write_session(engine) as session:
            try:
                view, created = intake.register(session, case, partner, settings, now)
            except IntakeConflict as exc:
                return problem(409, exc)
            except IntakeError as exc:
                return problem(422, exc)
            queued = select(OutboxMessage.key).where(
                OutboxMessage.created_at == now, OutboxMessage.state == DeliveryState.QUEUED
            )
            keys = list(session.exec(queued).all())
            session.commit()
        background.add_task(deliver_now, keys=keys, now=now)
        return JSONResponse(view.model_dump(mode="json"), status_code=201 if created else 200)

    return send


def show_route(intake: Intake) -> Callable[..., Any]:
    """The handler that shows a partner one of its own cases."""

    def show(reference: LookupText, partner: PartnerDep, engine: EngineDep) -> Any:
        """One of the partner's own cases, with its status and clocks."""
        with write_session(engine) as session:
            view = intake.show(session, reference, partner)
        if view is None:
            raise HTTPException(404, "no such case")
        return view

    return show


def add_intake(router: APIRouter, intake: Intake) -> None:
    """The routes that take and show one kind of partner case."""
    login: dict[int | str, dict[str, Any]] = {
        401: {"description": "no or wrong partner credentials"}
    }
    router.add_api_route(
        f"/{intake.path}",
        send_route(intake),
        methods=["POST"],
        response_model=intake.view,
        status_code=201,
        responses={
            **login,
            200: {"description": "already registered", "model": intake.view},
            409: {"description": "the reference is another partner's case"},
            422: {"description": "invalid case; each problem names its field"},
        },
        name=f"send {intake.path}",
    )
    router.add_api_route(
        f"/{intake.path}/{{reference}}",
        show_route(intake),
        methods=["GET"],
        response_model=intake.view,
        responses={**login, 404: {"description": "no such case of this partner"}},
        name=f"show {intake.path}",
    )


def partners_router() -> APIRouter:
    """The routes of every kind of case the installed duties take from partners."""
    router = APIRouter(prefix="/api/v1/partners", tags=["partners"])
    for intake in partner_intakes():
        add_intake(router, intake)
    return router
