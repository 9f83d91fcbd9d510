"""What the portal's routes depend on: settings, database, clock, signed link, coordinator."""

import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.core.db import get_engine
from models.core.i18n import N_, translate
from models.core.settings import Settings, get_settings
from models.core.tokens import TokenClaims
from models.core.types import utcnow
from models.lifecycle.tables import Assignment
from portal.security import linked_assignment, verify_link

basic = HTTPBasic(auto_error=False)


def clock() -> datetime:
    """The current time (tests and the demo replace it to walk through a round)."""
    return utcnow()


def settings_dep() -> Settings:
    """The settings, for dependency injection."""
    return get_settings()


def engine_dep(settings: Annotated[Settings, Depends(settings_dep)]) -> Engine:
    """The database engine, for dependency injection."""
    return get_engine(settings.resolved_database_url())


SettingsDep = Annotated[Settings, Depends(settings_dep)]
EngineDep = Annotated[Engine, Depends(engine_dep)]
Now = Annotated[datetime, Depends(clock)]


@dataclass(frozen=True)
class Link:
    """A signed link that opened: its token, its claims and the assignment as it was read."""

    token: str
    claims: TokenClaims
    assignment: Assignment


def open_link(token: str, settings: SettingsDep, engine: EngineDep, now: Now) -> Link:
    """The assignment a signed link opens; LinkError (404 or 410) for any other link."""
    claims = verify_link(token, key=settings.resolved_signing_key(), now=now)
    with Session(engine, expire_on_commit=False) as session:
        return Link(token, claims, linked_assignment(session, claims))


LinkDep = Annotated[Link, Depends(open_link)]


LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def is_loopback(request: Request) -> bool:
    """True when the request comes from this machine and names it as its host.

    The Host check stops a page on another site that rebinds its own name to 127.0.0.1
    from reading the view through the visitor's browser.
    """
    try:
        local = ipaddress.ip_address(request.client.host if request.client else "").is_loopback
    except ValueError:
        return False
    host = request.headers.get("host", "").rsplit(":", 1)[0].strip("[]").lower()
    return local and host in LOOPBACK_NAMES


def require_coordinator(
    request: Request,
    settings: SettingsDep,
    credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)],
) -> None:
    """The coordinator's password when one is set; otherwise only this machine may look."""
    password = settings.coordinator_password
    if password is None:
        if not is_loopback(request):
            refused = N_("The coordinator's view is open to this computer only.")
            raise HTTPException(403, translate(settings.language, refused))
        return
    given = credentials.password if credentials else ""
    if not secrets.compare_digest(given.encode(), password.get_secret_value().encode()):
        raise HTTPException(
            401,
            translate(settings.language, N_("The coordinator's password is required.")),
            headers={"WWW-Authenticate": 'Basic realm="Concord"'},
        )
