"""The page a signed link opens, and the form an institution answers with."""

from datetime import datetime

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from models.core.i18n import N_, translate
from models.core.settings import Settings
from models.lifecycle.answers import AnswerInvalid, AnswerRefused, refusal_reason, validate_answer
from models.lifecycle.duty import assignment_kind
from models.lifecycle.forms import FileRows
from models.lifecycle.tables import Assignment
from portal.answering import form_rows, posted_values, read_attachment, record, with_file_rows
from portal.dependencies import EngineDep, Link, LinkDep, Now, SettingsDep
from portal.field_errors import FieldError
from portal.pages import assignment_page, language_of, local_text, render
from portal.security import LinkError, csrf_valid
from portal.words import name_of

router = APIRouter(include_in_schema=False)
FORM_EXPIRED = N_("The form has expired. Reload the page and send it again.")


def _page_again(
    link: Link,
    settings: Settings,
    engine: Engine,
    now: datetime,
    *,
    form: dict[str, str] | None = None,
    errors: list[FieldError] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The assignment's page as it is now, e.g. with the form's errors."""
    with Session(engine) as session:
        fresh = session.get(Assignment, link.assignment.id)
        assert fresh is not None
        return assignment_page(
            session, fresh, link.token, settings, now, form=form, errors=errors, status=status
        )


def translated(
    invalid: AnswerInvalid, language: str, rows: FileRows | list[int] | None = None
) -> list[FieldError]:
    """The form's problems in the reader's language, a table's by row (or file line) and field.

    `rows` says where a table's rows came from: a file's lines, or the form's rows."""
    problems = []
    for field, (message, params) in invalid.problems.items():
        text = translate(language, message) % {k: _word(v, language) for k, v in params.items()}
        place = _place(field, language, rows)
        name = input_name(field, rows)
        beside = f"{place}: {text}" if isinstance(rows, FileRows) and name != field else text
        problems.append(FieldError(name, place, text, beside))
    return problems


def input_name(field: str, rows: FileRows | list[int] | None) -> str:
    """The input a problem is about: 'activities.2.county' is the cell of its form row
    ('activities-4-county' when two rows were left empty above), or the file it came in."""
    table, _, rest = field.partition(".")
    index, _, column = rest.partition(".")
    if not index.isdigit():
        return field
    if isinstance(rows, FileRows):
        return "attachment"
    return "-".join((table, str(_form_row(int(index), rows)), column)).rstrip("-")


def _form_row(index: int, rows: list[int] | None) -> int:
    """The form's row of the table's row `index`."""
    return rows[index] if rows is not None and index < len(rows) else index


def _place(field: str, language: str, rows: FileRows | list[int] | None) -> str:
    """'activities.2.county' -> 'Row 3, County' (or the file's line 4), in `language`."""
    table, _, rest = field.partition(".")
    index, _, column = rest.partition(".")
    if not index.isdigit():
        return name_of(field, language)
    if isinstance(rows, FileRows) and int(index) < len(rows.lines):
        where = translate(language, N_("Line %(line)s of the file")) % {
            "line": rows.lines[int(index)]
        }
    else:
        form_row = _form_row(int(index), None if isinstance(rows, FileRows) else rows)
        where = translate(language, N_("Row %(row)s")) % {"row": form_row + 1}
    return f"{where}, {name_of(column or table, language)}"


def _word(value: object, language: str) -> object:
    """A parameter that is itself a message id (e.g. 'a phone number'), translated."""
    if isinstance(value, list):
        return ", ".join(translate(language, item) for item in value)
    return translate(language, value) if isinstance(value, str) else value


@router.get("/a/{token}", response_class=HTMLResponse)
def show(link: LinkDep, settings: SettingsDep, engine: EngineDep, now: Now) -> Response:
    """The assignment, its form and its earlier answers."""
    return _page_again(link, settings, engine, now)


@router.post("/a/{token}", response_class=HTMLResponse)
async def answer_form(
    link: LinkDep,
    request: Request,
    background: BackgroundTasks,
    settings: SettingsDep,
    engine: EngineDep,
    now: Now,
) -> Response:
    """Validate the form and record the answer, or show the page again with what is wrong."""
    if refusal_reason(link.assignment, now) is not None:
        return _page_again(link, settings, engine, now, status=409)
    with Session(engine) as session:
        lang = language_of(session, link.assignment)
    try:
        form = await request.form(
            max_files=1, max_fields=200, max_part_size=settings.portal_max_upload_bytes
        )
    except Exception:  # starlette raises several parser errors for malformed bodies
        heading = translate(lang, N_("The form could not be read. Reload the page and try again."))
        return render("error.html", status=400, lang=lang, heading=heading, help="")
    if not csrf_valid(str(form.get("csrf", "")), link.token, settings.resolved_signing_key()):
        return render(
            "error.html", status=403, lang=lang, heading=translate(lang, FORM_EXPIRED), help=""
        )
    return await _record_form(link, form, background, settings, engine, now, lang)


async def _record_form(
    link: Link,
    form: FormData,
    background: BackgroundTasks,
    settings: Settings,
    engine: Engine,
    now: datetime,
    lang: str,
) -> Response:
    """Record the form's answer and confirm it, or show the page again with what is wrong."""
    posted = {k: str(v) for k, v in form.items() if not isinstance(v, UploadFile)}
    kind = assignment_kind(link.assignment.kind)
    values = posted_values(kind, posted)
    shown = {k: v for k, v in posted.items() if k != "csrf"}
    file_rows = None
    try:
        attachment = await read_attachment(form.get("attachment"), settings)
        file_rows = await with_file_rows(kind, values, attachment)
        answer_body = validate_answer(link.assignment.kind, values)
        assignment, answer = record(
            engine,
            link,
            answer_body,
            settings,
            now,
            channel="form",
            attachment=attachment,
            background=background,
        )
    except AnswerInvalid as invalid:
        errors = translated(invalid, lang, file_rows or form_rows(kind, posted))
        return _page_again(link, settings, engine, now, form=shown, errors=errors, status=422)
    except (AnswerRefused, LinkError):
        return _page_again(link, settings, engine, now, status=409)
    received = local_text(answer.submitted_at, lang, settings)
    return render("answered.html", lang=lang, assignment=assignment, received=received)
