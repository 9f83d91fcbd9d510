"""The portal's HTML pages: rendering, dates in the reader's language, the assignment page."""

from datetime import datetime
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from sqlmodel import Session

from models.core.i18n import N_, install_translations, moment_text, percent, translate
from models.core.settings import Settings
from models.lifecycle.answers import answer_history, changes_until, refusal_reason
from models.lifecycle.duty import AssignmentKind, assignment_kind, installed_duties, kind_label
from models.lifecycle.forms import form_choices
from models.lifecycle.tables import Answer, Assignment, AssignmentStatus
from models.messaging.render import TEMPLATES_DIR
from models.reference.institutions import Institution
from portal.field_errors import FieldError, FormValues, mark_fields
from portal.history import history_row
from portal.security import LinkError, count_bad_token, csrf_token
from portal.words import name_of

TABLE_ROWS = 12  # blank activity rows a form offers; more come in a file

LINK_UNKNOWN = (
    N_("This link is not valid."),
    N_(
        "Check that you copied the whole link from the email, or contact the coordinator's "
        "secretariat."
    ),
)
LINK_GONE = (
    N_("This link is no longer valid."),
    N_(
        "The link has expired or the request was withdrawn. Contact the coordinator's "
        "secretariat if you need a new link."
    ),
)


def loader() -> ChoiceLoader:
    """Each installed duty's partials under its name ("referrals/referral-form.html"), then
    the engine's templates ("portal/assignment.html")."""
    folders = {d.name: FileSystemLoader(d.templates) for d in installed_duties() if d.templates}
    return ChoiceLoader([PrefixLoader(folders), FileSystemLoader(TEMPLATES_DIR.parent)])


@cache
def partials() -> dict[str, str]:
    """The form partial of every installed assignment kind, as the page includes it."""
    return {
        kind.name: f"{duty.name}/{kind.template}"
        for duty in installed_duties()
        for kind in duty.kinds
    }


@cache
def pages(language: str) -> Environment:
    """The page templates with the gettext catalog and formats of one language."""
    env = Environment(
        loader=loader(),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    install_translations(env, language)
    env.globals["code"] = lambda value: name_of(str(value), language)
    env.globals["pct"] = lambda value: percent(value, language)
    env.globals["mark_fields"] = mark_fields
    env.globals["request_status"] = lambda status: request_status(status, language)
    return env


ANSWER_RECEIVED = N_("answer received")


def request_status(status: str, language: str) -> str:
    """An assignment's status as its institution reads it: a done one has its answer."""
    if status == AssignmentStatus.DONE:
        return translate(language, ANSWER_RECEIVED)
    return name_of(status, language)


def render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """An HTML page from templates/portal/ in the language `lang` (Romanian by default)."""
    language = context.get("lang", "ro")
    html = (
        pages(language).get_template(f"portal/{template}").render(**{"lang": language, **context})
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


def link_refused(request: Request, error: Exception) -> HTMLResponse | JSONResponse:
    """The answer to a refused link: JSON for the API, a page otherwise; nothing about any
    assignment shows."""
    assert isinstance(error, LinkError)
    count_bad_token(error.reason, request.client.host if request.client else "?")
    if request.url.path.startswith("/api/"):
        detail = "not found" if error.status == 404 else "gone"
        return JSONResponse({"detail": detail}, status_code=error.status)
    heading, help_text = LINK_GONE if error.status == 410 else LINK_UNKNOWN
    both = f"{translate('ro', heading)} / {translate('en', heading)}"
    return render("error.html", status=error.status, heading=both, help=translate("ro", help_text))


def local_text(moment: datetime, language: str, settings: Settings) -> str:
    """'24 aprilie 2026, 23:59' in the configured zone."""
    return moment_text(moment, settings.zone, language)


def history_rows(
    answers: list[Answer], kind: AssignmentKind, language: str, settings: Settings
) -> list[dict[str, Any]]:
    """Earlier answers, ready for the page."""
    return [history_row(answer, kind, language, settings) for answer in answers]


def language_of(session: Session, assignment: Assignment) -> str:
    """The language the assignment's institution reads."""
    institution = session.get(Institution, assignment.institution_id)
    return institution.language if institution else "ro"


CHANGES_UNTIL = N_("You can send or correct your answer until")
NO_CHANGES = N_("Once sent, your answer can no longer be corrected.")
LATE = N_("The deadline passed on %(due)s (Bucharest time).")
LATE_TAKEN = N_("Your answer is still accepted and will be recorded as late.")


def changes_row(
    assignment: Assignment, refusal: str | None, now: datetime, language: str, settings: Settings
) -> tuple[str, str, bool] | None:
    """Until when an answer can be sent or corrected: (label, text, whether it is a time)."""
    if refusal is not None:
        return None
    until = changes_until(assignment.due_at, assignment.locked_at)
    if until <= now:
        return translate(language, N_("Corrections")), translate(language, NO_CHANGES), False
    return translate(language, CHANGES_UNTIL), local_text(until, language, settings), True


def late_warning(
    assignment: Assignment, refusal: str | None, now: datetime, language: str, settings: Settings
) -> tuple[str, str] | None:
    """When the deadline passed but the form still takes an answer: that it will be late."""
    if refusal is not None or now <= assignment.due_at:
        return None
    due = local_text(assignment.due_at, language, settings)
    return translate(language, LATE) % {"due": due}, translate(language, LATE_TAKEN)


def timing(
    assignment: Assignment, refusal: str | None, now: datetime, language: str, settings: Settings
) -> dict[str, Any]:
    """What the page says of time: the deadline, until when to correct, and whether it is late."""
    return {
        "due": local_text(assignment.due_at, language, settings),
        "changes": changes_row(assignment, refusal, now, language, settings),
        "late": late_warning(assignment, refusal, now, language, settings),
    }


def assignment_page(
    session: Session,
    assignment: Assignment,
    token: str,
    settings: Settings,
    now: datetime,
    *,
    form: dict[str, str] | None = None,
    errors: list[FieldError] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The assignment with its form (or why it takes no answer) and its history."""
    institution = session.get(Institution, assignment.institution_id)
    assert institution is not None and assignment.id is not None
    language = institution.language
    kind = assignment_kind(assignment.kind)
    refusal = refusal_reason(assignment, now, session)
    return render(
        "assignment.html",
        status=status,
        lang=language,
        assignment=assignment,
        institution=institution,
        kind_label=kind_label(assignment.kind, language),
        refusal=refusal,
        csrf=csrf_token(token, settings.resolved_signing_key()),
        form=FormValues(form, errors),
        errors=errors or [],
        upload_limit=f"{settings.portal_max_upload_bytes / (1024 * 1024):g} MiB",
        table_rows=TABLE_ROWS,
        wide=kind.table is not None,  # room for a table of rows
        kind_partial=partials()[assignment.kind],
        choices=form_choices(kind.form),
        details=kind.details(session, assignment, language, now) if kind.details else [],
        history=history_rows(
            answer_history(session=session, assignment_id=assignment.id), kind, language, settings
        ),
        **timing(assignment, refusal, now, language, settings),
    )
