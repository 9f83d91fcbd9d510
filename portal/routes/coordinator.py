"""The coordinator's view: who has not answered, the duties' panels, snooze and waive."""

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.core.db import write_session
from models.core.i18n import N_, translate
from models.core.settings import Settings
from models.core.text import LookupText
from models.lifecycle.actions import (
    AssignmentError,
    parse_until,
    snooze_assignment,
    waive_assignment,
)
from models.lifecycle.duty import coordinator_panels, coordinator_scope, coordinator_scopes
from models.lifecycle.rates import (
    Rate,
    Scope,
    ScopeRow,
    measure_pillars,
    rates_by_institution,
    rates_by_pillar,
    recent_flow_runs,
    scope_rows,
)
from models.messaging.inbound_panels import reply_panels
from portal.dependencies import EngineDep, Now, SettingsDep, require_coordinator
from portal.pages import local_text, render
from portal.period_words import period_words
from portal.routes.links import FORM_EXPIRED
from portal.run_names import flow_run_names, unnamed_run
from portal.security import BAD_TOKENS, csrf_token, csrf_valid

Language = Literal["ro", "en"]
router = APIRouter(include_in_schema=False, dependencies=[Depends(require_coordinator)])


def _runs(session: Session, settings: Settings, language: str) -> list[dict[str, Any]]:
    """The flow runs that changed statuses last, named in words, linked to the Prefect UI."""
    recent = recent_flow_runs(session=session)
    names = flow_run_names([run for run, _, _ in recent], language)
    ui = settings.prefect_ui_url.rstrip("/")
    return [
        {
            "name": names.get(run) or unnamed_run(run, language),
            "changes": count,
            "when": local_text(at, language, settings),
            "url": f"{ui}/runs/flow-run/{run}",
        }
        for run, at, count in recent
    ]


def _choice(scope: Scope, language: str) -> dict[str, str]:
    """A round as the picker offers it: its reference and its name in words."""
    period = period_words(scope.period, language) if scope.period else ""
    return {"ref": scope.ref, "name": f"{scope.group}, {period}" if period else scope.label}


def _chosen(
    session: Session, ref: str | None, listed: list[Scope]
) -> tuple[Scope | None, list[ScopeRow], Scope | None]:
    """(the scope shown, its rows, the newer one passed over for expecting nothing yet)."""
    if ref or not listed:
        scope = coordinator_scope(session, ref)
        return scope, scope_rows(session=session, scope=scope) if scope else [], None
    # an empty newest round (just opened, or asking no one) would show nothing to chase
    for scope in listed:
        rows = scope_rows(session=session, scope=scope)
        if rows:
            return scope, rows, (listed[0] if scope is not listed[0] else None)
    return listed[0], [], None


def _overview(
    session: Session, settings: Settings, now: datetime, ref: str | None, language: str
) -> dict[str, Any]:
    """Everything the coordinator's page shows, read in one session."""
    listed = coordinator_scopes(session)
    scope, rows, passed = _chosen(session, ref, listed)
    total = Rate("all")
    for row in rows:
        total.add(row, now)
    return {
        "scope": _choice(scope, language) if scope else None,
        "passed": _choice(passed, language) if passed else None,
        "rounds": [_choice(each, language) for each in listed],
        "asked": ref,
        "total": total,
        "by_institution": rates_by_institution(rows, now),
        "by_pillar": rates_by_pillar(rows, measure_pillars(session=session), now),
        "runs": _runs(session, settings, language),
        "panels": [
            *reply_panels(session, now, language, settings.zone),
            *coordinator_panels(session, now, language, settings.zone),
        ],
    }


@router.get("/coordinator", response_class=HTMLResponse)
def coordinator(
    settings: SettingsDep,
    engine: EngineDep,
    now: Now,
    lang: Language | None = None,
    round: LookupText = "",
) -> Response:
    """Who has not answered in a round (`round=STRATEGY:PERIOD` or a bare period), and more."""
    lang = lang or settings.language
    with Session(engine) as session:
        overview = _overview(session, settings, now, round.strip() or None, lang)
    return render(
        "coordinator.html",
        lang=lang,
        wide=True,
        csrf=csrf_token("coordinator", settings.resolved_signing_key()),
        bad_links=sum(BAD_TOKENS.values()),
        **overview,
    )


def coordinator_change(
    engine: Engine, values: dict[str, str], settings: Settings, now: datetime
) -> tuple[str, int]:
    """Snooze or waive one assignment from the coordinator's form; (message, HTTP status)."""
    action, ref = values.get("action", ""), values.get("assignment", "")
    if action not in ("snooze", "waive"):
        return f"action: expected snooze or waive, got {action!r}", 422
    reason = values.get("reason") or None
    try:
        with write_session(engine) as session:
            if action == "waive":
                found = waive_assignment(
                    session=session, ref=ref, reason=reason or "", actor="coordinator", now=now
                )
            else:
                until = parse_until(values.get("until", ""), settings.zone)
                found = snooze_assignment(
                    session=session,
                    ref=ref,
                    until=until,
                    reason=reason,
                    actor="coordinator",
                    now=now,
                )
            session.commit()
    except AssignmentError as exc:
        return str(exc), 422
    said = N_("waived") if action == "waive" else N_("snoozed until %(date)s")
    done = translate(settings.language, said) % (
        {} if action == "waive" else {"date": values["until"]}
    )
    return f"{found.key}: {done}", 200


@router.post("/coordinator/assignments", response_class=HTMLResponse)
async def coordinator_action(
    request: Request,
    settings: SettingsDep,
    engine: EngineDep,
    now: Now,
    lang: Language | None = None,
) -> Response:
    """Apply the snooze or waive form and say what happened."""
    lang = lang or settings.language
    form = await request.form(max_files=0, max_fields=10)
    values = {k: str(v).strip() for k, v in form.items()}
    if not csrf_valid(values.get("csrf", ""), "coordinator", settings.resolved_signing_key()):
        heading = translate(lang, FORM_EXPIRED)
        return render("error.html", status=403, lang=lang, heading=heading, help="")
    outcome, status = coordinator_change(engine, values, settings, now)
    back = translate(lang, N_("Back to the coordinator's view: %(path)s")) % {
        "path": f"/coordinator?lang={lang}"
    }
    return render("error.html", status=status, lang=lang, heading=outcome, help=back)
