"""The JSON API: read an assignment through its signed link, and answer it."""

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Body, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.core.settings import Settings
from models.lifecycle.answers import AnswerInvalid, AnswerRefused, answer_history, refusal_reason
from models.lifecycle.duty import answer_form_union
from models.lifecycle.forms import AnswerForm
from models.lifecycle.tables import Answer
from portal.answering import record
from portal.dependencies import EngineDep, Link, LinkDep, Now, SettingsDep


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


def answer_out(answer: Answer) -> AnswerOut:
    """One answer as the API shows it."""
    return AnswerOut(
        submitted_at=answer.submitted_at,
        on_time=answer.on_time,
        current=answer.superseded_at is None,
        channel=answer.channel,
        answer=json.loads(answer.payload),
        attachment_name=answer.attachment_name,
    )


async def invalid_body(request: Request, error: Exception) -> JSONResponse:
    """422 naming each wrong field; the values sent are never echoed (they may be anything)."""
    assert isinstance(error, RequestValidationError)
    problems = [
        {"field": ".".join(str(p) for p in e["loc"] if p != "body"), "message": e["msg"]}
        for e in error.errors()
    ]
    return JSONResponse({"detail": problems}, status_code=422)


def wrong_kind(expected: str) -> JSONResponse:
    """422 for an answer of another kind than the assignment takes."""
    message = f"this assignment takes a {expected!r} answer"
    return JSONResponse({"detail": [{"field": "kind", "message": message}]}, status_code=422)


LINK_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "unknown link"},
    410: {"description": "expired or withdrawn"},
}


def api_show(link: LinkDep, engine: EngineDep, now: Now) -> Any:
    """The assignment a link opens, with every answer given so far."""
    assignment = link.assignment
    assert assignment.id is not None
    with Session(engine) as session:
        answers = answer_history(session=session, assignment_id=assignment.id)
        refusal = refusal_reason(assignment, now, session)
    return AssignmentOut(
        **assignment.model_dump(include=set(AssignmentOut.model_fields)),
        accepts_answers=refusal is None,
        refusal=refusal,
        answers=[answer_out(a) for a in answers],
    )


ANSWER_RESPONSES: dict[int | str, dict[str, Any]] = {
    **LINK_RESPONSES,
    409: {"description": "takes no answer"},
    422: {"description": "invalid answer; each problem names its field"},
}


def record_api_answer(
    link: Link,
    form: AnswerForm,
    background: BackgroundTasks,
    settings: Settings,
    engine: Engine,
    now: datetime,
) -> Any:
    """The stored answer, or the JSON refusal naming why it was not recorded."""
    if form.kind != link.assignment.kind:
        return wrong_kind(link.assignment.kind)
    try:
        _, stored = record(engine, link, form, settings, now, channel="api", background=background)
    except AnswerRefused as refused:
        return JSONResponse({"detail": str(refused)}, status_code=409)
    except AnswerInvalid as invalid:  # the duty's own checks, e.g. a campaign's counties
        problems = [{"field": f, "message": m} for f, m in invalid.english.items()]
        return JSONResponse({"detail": problems}, status_code=422)
    return answer_out(stored)


def api_router() -> APIRouter:
    """The API's routes; the answer body is any installed duty's answer form."""
    router = APIRouter(prefix="/api/v1")  # built when the app is: the duties are installed
    any_answer = answer_form_union()

    router.add_api_route(
        "/assignments/{token}",
        api_show,
        methods=["GET"],
        response_model=AssignmentOut,
        responses=LINK_RESPONSES,
    )

    @router.post(
        "/assignments/{token}",
        response_model=AnswerOut,
        status_code=201,
        responses=ANSWER_RESPONSES,
    )
    def api_answer(
        link: LinkDep,
        answer: Annotated[any_answer, Body(discriminator="kind")],  # type: ignore[valid-type]
        background: BackgroundTasks,
        settings: SettingsDep,
        engine: EngineDep,
        now: Now,
    ) -> Any:
        """Answer the assignment; a later answer replaces an earlier one until the period locks."""
        return record_api_answer(link, answer, background, settings, engine, now)

    return router
