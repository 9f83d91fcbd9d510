"""The institutions' portal: one page per signed link, a JSON API, and the coordinator's view."""

import ipaddress
import json
import secrets
from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.datastructures import UploadFile

from models.core.db import get_engine, write_session
from models.core.settings import Settings, get_settings
from models.core.types import utcnow
from models.lifecycle.answers import (
    AnswerInvalid,
    AnswerRefused,
    AnyAnswer,
    Attachment,
    answer_history,
    refusal_reason,
    safe_file_name,
    store_attachment,
    submit_answer,
    validate_answer,
)
from models.lifecycle.assignments import AssignmentError, find_assignment, snooze, waive
from models.lifecycle.rates import (
    Rate,
    current_round_prefix,
    measure_pillars,
    open_requests,
    rates_by_institution,
    rates_by_pillar,
    recent_flow_runs,
    scope_rows,
)
from models.lifecycle.tables import Answer, Assignment
from models.messaging.compose import addressee_for, assignment_link, notify
from models.messaging.message_views import AssignmentView
from models.messaging.render import ASSIGNMENT_LABELS, TEMPLATES_DIR, MessageKind, long_date
from models.registry.institutions import Institution
from portal.mailbox import body_of, find_mail, list_mail
from portal.security import (
    BAD_TOKENS,
    AccessLog,
    BodyLimit,
    LinkError,
    count_bad_token,
    csrf_token,
    csrf_valid,
    resolve,
)
from portal.texts import TEXTS

PAGES = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR.parent),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
FORM_FIELDS = {
    "progress",
    "indicator_value",
    "narrative",
    "attending",
    "delegate_name",
    "action",
    "message",
    "decision",
    "reason",
    "proposals",
}
basic = HTTPBasic(auto_error=False)


class AnswerOut(BaseModel):
    submitted_at: datetime
    on_time: bool
    current: bool
    channel: str
    answer: dict[str, Any]
    attachment_name: str | None = None


class AssignmentOut(BaseModel):
    key: str
    kind: str
    title: str
    subject_type: str
    subject_ref: str
    due_at: datetime
    status: str
    accepts_answers: bool
    refusal: str | None
    answers: list[AnswerOut]


def clock() -> datetime:
    """The current time (tests replace it to walk through a round)."""
    return utcnow()


def settings_dep() -> Settings:
    """The settings, for dependency injection."""
    return get_settings()


def engine_dep(settings: Annotated[Settings, Depends(settings_dep)]) -> Engine:
    """The database engine, for dependency injection."""
    return get_engine(settings.resolved_database_url())


def render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """An HTML page from templates/portal/."""
    language = context.get("lang", "ro")
    html = PAGES.get_template(f"portal/{template}").render(
        t=TEXTS[language], **{"lang": language, **context}
    )
    return HTMLResponse(
        html,
        status_code=status,
        headers={
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
        },
    )


def link_error_page(error: LinkError, request: Request) -> HTMLResponse:
    """The same two pages for every refused link: nothing about any assignment shows."""
    count_bad_token(error.reason, request.client.host if request.client else "?")
    texts = TEXTS["ro"]
    gone = error.status == 410
    heading = (
        f"{texts['gone' if gone else 'not_found']} / {TEXTS['en']['gone' if gone else 'not_found']}"
    )
    help_text = texts["gone_help" if gone else "not_found_help"]
    return render("error.html", status=error.status, heading=heading, help=help_text)


def link_error_json(error: LinkError, request: Request) -> JSONResponse:
    """The API's answer to a refused link: 404 or 410 and nothing more."""
    count_bad_token(error.reason, request.client.host if request.client else "?")
    return JSONResponse(
        {"detail": "not found" if error.status == 404 else "gone"}, status_code=error.status
    )


def local_text(moment: datetime, language: str, settings: Settings) -> str:
    """'24 aprilie 2026, 23:59' in the configured zone."""
    local = moment.astimezone(settings.zone)
    return f"{long_date(local, language)}, {local:%H:%M}"


def history_rows(answers: list[Answer], language: str, settings: Settings) -> list[dict[str, Any]]:
    """Earlier answers, ready for the page."""
    rows = []
    for answer in answers:
        fields = [(k, v) for k, v in json.loads(answer.payload).items() if k != "kind"]
        rows.append(
            {
                "when": local_text(answer.submitted_at, language, settings),
                "current": answer.superseded_at is None,
                "on_time": answer.on_time,
                "fields": fields,
                "attachment": answer.attachment_name,
            }
        )
    return rows


def assignment_page(
    session: Session,
    assignment: Assignment,
    token: str,
    settings: Settings,
    now: datetime,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The assignment with its form (or why it takes no answer) and its history."""
    institution = session.get(Institution, assignment.institution_id)
    assert institution is not None and assignment.id is not None
    language = institution.language
    limit_mib = settings.portal_max_upload_bytes / (1024 * 1024)
    return render(
        "assignment.html",
        status=status,
        lang=language,
        assignment=assignment,
        institution=institution,
        kind_label=ASSIGNMENT_LABELS[language].get(assignment.kind, assignment.kind),
        subject=assignment.subject_ref,
        due=local_text(assignment.due_at, language, settings),
        refusal=refusal_reason(assignment, now),
        csrf=csrf_token(token, settings.resolved_signing_key()),
        form=form or {},
        errors=errors or {},
        upload_limit=f"{limit_mib:g} MiB",
        history=history_rows(
            answer_history(session=session, assignment_id=assignment.id), language, settings
        ),
    )


def queue_confirmation(
    session: Session, assignment: Assignment, answer: Answer, settings: Settings, now: datetime
) -> None:
    """A short confirmation email to the institution's focal point, through the outbox."""
    assert assignment.id is not None
    try:
        to = addressee_for(
            session=session,
            institution_id=assignment.institution_id,
            roles=("focal-point", "deputy", "head"),
        )
    except LookupError:
        return
    link = assignment_link(
        assignment_id=assignment.id,
        institution_id=assignment.institution_id,
        due_at=assignment.due_at,
        now=now,
        settings=settings,
        version=assignment.link_version,
    )
    notify(
        session=session,
        key=f"answer-confirmation:{answer.id}",
        kind=MessageKind.ANSWER_CONFIRMATION,
        to=to,
        context={"assignment": AssignmentView.of(assignment, link=link), "answered_at": now},
        settings=settings,
        now=now,
    )


async def read_attachment(upload: Any, settings: Settings) -> Attachment | None:
    """The uploaded file, or None; AnswerInvalid when it is too large."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    content = await upload.read(settings.portal_max_upload_bytes + 1)
    if len(content) > settings.portal_max_upload_bytes:
        raise AnswerInvalid({"attachment": f"larger than {settings.portal_max_upload_bytes} bytes"})
    return Attachment(name=safe_file_name(upload.filename), content=content) if content else None


def record(
    engine: Engine,
    token: str,
    body: Any,
    settings: Settings,
    now: datetime,
    *,
    actor_channel: str,
    attachment: Attachment | None = None,
) -> tuple[Assignment, Answer]:
    """Resolve the link again inside one write transaction and record the answer there."""
    stored = store_attachment(attachment, settings.var_dir / "attachments") if attachment else None
    with write_session(engine) as session:
        assignment = resolve(
            session=session, token=token, key=settings.resolved_signing_key(), now=now
        )
        institution = session.get(Institution, assignment.institution_id)
        assert institution is not None
        answer = submit_answer(
            session=session,
            assignment=assignment,
            body=body,
            actor=institution.code,
            channel=actor_channel,
            now=now,
            attachment=(attachment.name, *stored) if attachment and stored else None,
        )
        queue_confirmation(session, assignment, answer, settings, now)
        session.commit()
    return assignment, answer


def is_loopback(request: Request) -> bool:
    """True when the request comes from this machine."""
    try:
        return ipaddress.ip_address(request.client.host if request.client else "").is_loopback
    except ValueError:
        return False


def require_coordinator(
    request: Request,
    settings: Annotated[Settings, Depends(settings_dep)],
    credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)],
) -> None:
    """The coordinator's password when one is set; otherwise only this machine may look."""
    password = settings.coordinator_password
    if password is None:
        if not is_loopback(request):
            raise HTTPException(403, "the coordinator's view is open to this machine only")
        return
    given = credentials.password if credentials else ""
    if not secrets.compare_digest(given.encode(), password.get_secret_value().encode()):
        raise HTTPException(
            401,
            "coordinator password required",
            headers={"WWW-Authenticate": 'Basic realm="Concord"'},
        )


def create_app() -> FastAPI:
    """The portal application."""
    app = FastAPI(
        title="Concord portal",
        version="1",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/a/{token}", response_class=HTMLResponse, include_in_schema=False)
    def show(
        token: str,
        request: Request,
        settings: Annotated[Settings, Depends(settings_dep)],
        engine: Annotated[Engine, Depends(engine_dep)],
        now: Annotated[datetime, Depends(clock)],
    ) -> Response:
        with Session(engine) as session:
            try:
                assignment = resolve(
                    session=session, token=token, key=settings.resolved_signing_key(), now=now
                )
            except LinkError as error:
                return link_error_page(error, request)
            return assignment_page(session, assignment, token, settings, now)

    @app.post("/a/{token}", response_class=HTMLResponse, include_in_schema=False)
    async def answer_form(
        token: str,
        request: Request,
        settings: Annotated[Settings, Depends(settings_dep)],
        engine: Annotated[Engine, Depends(engine_dep)],
        now: Annotated[datetime, Depends(clock)],
    ) -> Response:
        with Session(engine) as session:
            try:
                assignment = resolve(
                    session=session, token=token, key=settings.resolved_signing_key(), now=now
                )
            except LinkError as error:
                return link_error_page(error, request)
            if refusal_reason(assignment, now) is not None:
                return assignment_page(session, assignment, token, settings, now, status=409)
        language = TEXTS[_language(engine, assignment)]
        try:
            form = await request.form(
                max_files=1, max_fields=20, max_part_size=settings.portal_max_upload_bytes
            )
        except Exception:  # starlette raises several parser errors for malformed bodies
            return render("error.html", status=400, heading=language["bad_form"], help="")
        if not csrf_valid(str(form.get("csrf", "")), token, settings.resolved_signing_key()):
            return render("error.html", status=403, heading=language["csrf"], help="")
        values = {k: str(v) for k, v in form.items() if k in FORM_FIELDS}
        try:
            body = validate_answer(assignment.kind, values)
            attachment = await read_attachment(form.get("attachment"), settings)
            assignment, answer = record(
                engine, token, body, settings, now, actor_channel="form", attachment=attachment
            )
        except AnswerInvalid as invalid:
            with Session(engine) as session:
                fresh = session.get(Assignment, assignment.id)
                assert fresh is not None
                return assignment_page(
                    session,
                    fresh,
                    token,
                    settings,
                    now,
                    form=values,
                    errors=invalid.problems,
                    status=422,
                )
        except (AnswerRefused, LinkError):
            with Session(engine) as session:
                fresh = session.get(Assignment, assignment.id)
                assert fresh is not None
                return assignment_page(session, fresh, token, settings, now, status=409)
        lang = _language(engine, assignment)
        return render(
            "answered.html",
            lang=lang,
            assignment=assignment,
            received=local_text(answer.submitted_at, lang, settings),
        )

    @app.get(
        "/api/v1/assignments/{token}",
        response_model=AssignmentOut,
        responses={
            404: {"description": "unknown link"},
            410: {"description": "expired or withdrawn"},
        },
    )
    def api_show(
        token: str,
        request: Request,
        settings: Annotated[Settings, Depends(settings_dep)],
        engine: Annotated[Engine, Depends(engine_dep)],
        now: Annotated[datetime, Depends(clock)],
    ) -> Any:
        """The assignment a link opens, with every answer given so far."""
        with Session(engine) as session:
            try:
                assignment = resolve(
                    session=session, token=token, key=settings.resolved_signing_key(), now=now
                )
            except LinkError as error:
                return link_error_json(error, request)
            assert assignment.id is not None
            answers = answer_history(session=session, assignment_id=assignment.id)
            refusal = refusal_reason(assignment, now)
            return AssignmentOut(
                key=assignment.key,
                kind=assignment.kind,
                title=assignment.title,
                subject_type=assignment.subject_type,
                subject_ref=assignment.subject_ref,
                due_at=assignment.due_at,
                status=assignment.status,
                accepts_answers=refusal is None,
                refusal=refusal,
                answers=[_answer_out(a) for a in answers],
            )

    @app.post(
        "/api/v1/assignments/{token}",
        response_model=AnswerOut,
        status_code=201,
        responses={
            404: {"description": "unknown link"},
            409: {"description": "takes no answer"},
            410: {"description": "expired or withdrawn"},
            422: {"description": "invalid answer; each problem names its field"},
        },
    )
    def api_answer(
        token: str,
        request: Request,
        answer: Annotated[AnyAnswer, Body()],
        settings: Annotated[Settings, Depends(settings_dep)],
        engine: Annotated[Engine, Depends(engine_dep)],
        now: Annotated[datetime, Depends(clock)],
    ) -> Any:
        """Answer the assignment; a later answer replaces an earlier one until the deadline."""
        try:
            with Session(engine) as session:
                assignment = resolve(
                    session=session, token=token, key=settings.resolved_signing_key(), now=now
                )
            if answer.kind != assignment.kind:
                return JSONResponse(
                    {
                        "detail": [
                            {
                                "field": "kind",
                                "message": f"this assignment takes a {assignment.kind!r} answer",
                            }
                        ]
                    },
                    status_code=422,
                )
            _, stored = record(engine, token, answer, settings, now, actor_channel="api")
        except LinkError as error:
            return link_error_json(error, request)
        except AnswerRefused as refused:
            return JSONResponse({"detail": str(refused)}, status_code=409)
        return _answer_out(stored)

    @app.get(
        "/coordinator",
        response_class=HTMLResponse,
        include_in_schema=False,
        dependencies=[Depends(require_coordinator)],
    )
    def coordinator(
        settings: Annotated[Settings, Depends(settings_dep)],
        engine: Annotated[Engine, Depends(engine_dep)],
        now: Annotated[datetime, Depends(clock)],
        round: str | None = None,
    ) -> Response:
        with Session(engine) as session:
            prefix = round or current_round_prefix(session=session)
            rows = scope_rows(session=session, prefix=prefix) if prefix else []
            total = Rate("all")
            for row in rows:
                total.add(row, now)
            requests_ = [
                {
                    "title": a.title,
                    "key": a.key,
                    "institution": code,
                    "status": a.status,
                    "due": local_text(a.due_at, "en", settings),
                }
                for a, code in open_requests(session=session)
            ]
            runs = [
                {
                    "id": run,
                    "changes": count,
                    "when": local_text(at, "en", settings),
                    "url": f"{settings.prefect_ui_url.rstrip('/')}/runs/flow-run/{run}",
                }
                for run, at, count in recent_flow_runs(session=session)
            ]
            pillars = measure_pillars(session=session)
        return render(
            "coordinator.html",
            lang="en",
            prefix=prefix,
            total=total,
            csrf=csrf_token("coordinator", settings.resolved_signing_key()),
            by_institution=rates_by_institution(rows, now),
            by_pillar=rates_by_pillar(rows, pillars, now),
            requests=requests_,
            runs=runs,
            bad_links=sum(BAD_TOKENS.values()),
        )

    @app.post(
        "/coordinator/assignments",
        response_class=HTMLResponse,
        include_in_schema=False,
        dependencies=[Depends(require_coordinator)],
    )
    async def coordinator_action(
        request: Request,
        settings: Annotated[Settings, Depends(settings_dep)],
        engine: Annotated[Engine, Depends(engine_dep)],
    ) -> Response:
        form = await request.form(max_files=0, max_fields=10)
        values = {k: str(v).strip() for k, v in form.items()}
        if not csrf_valid(values.get("csrf", ""), "coordinator", settings.resolved_signing_key()):
            return render("error.html", status=403, lang="en", heading=TEXTS["en"]["csrf"], help="")
        outcome, status = coordinator_change(engine, values, settings)
        return render(
            "error.html",
            status=status,
            lang="en",
            heading=outcome,
            help="Back to the coordinator's view: /coordinator",
        )

    @app.get(
        "/mail",
        response_class=HTMLResponse,
        include_in_schema=False,
        dependencies=[Depends(require_coordinator)],
    )
    def mailbox(settings: Annotated[Settings, Depends(settings_dep)]) -> Response:
        return render("mail.html", lang="en", mails=list_mail(settings.var_dir / "mail"))

    @app.get(
        "/mail/{name}",
        response_class=HTMLResponse,
        include_in_schema=False,
        dependencies=[Depends(require_coordinator)],
    )
    def mail_message(name: str, settings: Annotated[Settings, Depends(settings_dep)]) -> Response:
        message = find_mail(settings.var_dir / "mail", name)
        if message is None:
            raise HTTPException(404, "no such email")
        calendar = message.get_body(("calendar",))
        return render(
            "mail_message.html",
            lang="en",
            subject=str(message["Subject"]),
            to=str(message["To"]),
            date=str(message["Date"]),
            kind=str(message["X-Concord-Kind"]),
            text=body_of(message, "plain"),
            html=body_of(message, "html"),
            calendar=calendar.get_param("method") if calendar else None,
        )

    settings = get_settings()
    app.add_middleware(BodyLimit, max_bytes=settings.portal_max_upload_bytes + 256 * 1024)
    app.add_middleware(AccessLog)
    return app


def coordinator_change(
    engine: Engine, values: dict[str, str], settings: Settings
) -> tuple[str, int]:
    """Snooze or waive one assignment from the coordinator's form; (message, HTTP status)."""
    action, ref = values.get("action", ""), values.get("assignment", "")
    if action not in ("snooze", "waive"):
        return f"action: expected snooze or waive, got {action!r}", 422
    now = utcnow()
    try:
        with write_session(engine) as session:
            found = find_assignment(session=session, ref=ref)
            if action == "waive":
                waive(
                    session=session,
                    assignment=found,
                    reason=values.get("reason", ""),
                    actor="coordinator",
                    now=now,
                )
            else:
                until = parse_day(values.get("until", ""), settings)
                snooze(
                    session=session,
                    assignment=found,
                    until=until,
                    actor="coordinator",
                    now=now,
                    reason=values.get("reason") or None,
                )
            session.commit()
    except AssignmentError as exc:
        return str(exc), 422
    return (
        f"{found.key}: {'waived' if action == 'waive' else 'snoozed until ' + values['until']}",
        200,
    )


def parse_day(value: str, settings: Settings) -> datetime:
    """Midnight of a YYYY-MM-DD date in the configured zone; AssignmentError names the field."""
    try:
        return datetime.combine(date.fromisoformat(value), time(0), tzinfo=settings.zone)
    except ValueError:
        raise AssignmentError(f"until: expected a date as YYYY-MM-DD, got {value!r}") from None


def _language(engine: Engine, assignment: Assignment) -> str:
    with Session(engine) as session:
        institution = session.get(Institution, assignment.institution_id)
        return institution.language if institution else "ro"


def _answer_out(answer: Answer) -> AnswerOut:
    return AnswerOut(
        submitted_at=answer.submitted_at,
        on_time=answer.on_time,
        current=answer.superseded_at is None,
        channel=answer.channel,
        answer=json.loads(answer.payload),
        attachment_name=answer.attachment_name,
    )
