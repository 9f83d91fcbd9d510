"""Every text field of every answer form refuses personal data by name and stores nothing.

The fields are read from the installed duties' forms, so a new form or field is covered the
day it is added; a new kind fails here until it has a valid answer below.
"""

import re
import typing
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlmodel import Session, func, select

from models.cooperation.tables import CooperationRequest
from models.core.history import StatusEvent
from models.lifecycle.duty import assignment_kinds, partner_intakes
from models.lifecycle.tables import Answer
from models.messaging.outbox import OutboxMessage
from tests.portal.conftest import BKA, assignment_of, path_of
from tests.support.personal_data import corpus

VALID: dict[str, dict[str, Any]] = {
    "contacts-confirmation": {
        "focal_point": "focal-point@anitp.example",
        "head": "head@anitp.example",
    },
    "monitoring-report": {"progress": "in-progress", "indicator_value": "12", "narrative": "Da."},
    "action-item": {"progress": "done", "narrative": "Semnat."},
    "attendance": {"attending": "delegate", "delegate_name": "Director adjunct"},
    "agenda-items": {"proposals": "Stadiul planului."},
    "cooperation-request": {"action": "answer", "message": "Anexat."},
    "referral": {"decision": "reject", "reason": "other", "note": "Alt județ."},
    "campaign-report": {
        "activities": [
            {
                "held_on": "2026-10-05",
                "county": "CJ",
                "channel": "school",
                "target_group": "pupils",
                "form": "session",
                "partner": "Liceul nr. 2",
            }
        ],
        "note": "Fără probleme.",
    },
    "recommendation-progress": {
        "recommendation_status": "in-progress",
        "evidence": "Ordinul a fost publicat.",
        "document": "Monitorul Oficial",
    },
}


# a delegate is an official acting for the institution: the one field where a name belongs
NAMES_ALLOWED = {("attendance", ("delegate_name",))}


def text_fields(model: type[BaseModel], prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every free-text field of a form, rows of its tables included."""
    paths: list[tuple[Any, ...]] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if annotation is str:
            paths.append((*prefix, name))
        elif typing.get_origin(annotation) is list:
            [row] = typing.get_args(annotation)
            paths += text_fields(row, (*prefix, name, 0))
    return paths


def doors() -> list[tuple[str, tuple[Any, ...]]]:
    return [(kind.name, path) for kind in assignment_kinds() for path in text_fields(kind.form)]


def with_value(answer: dict[str, Any], path: tuple[Any, ...], value: str) -> dict[str, Any]:
    """A deep copy of the answer with the field at `path` set to `value`."""
    if len(path) == 1:
        return {**answer, path[0]: value}
    head, index, *rest = path
    rows = [dict(row) for row in answer[head]]
    rows[index] = with_value(rows[index], tuple(rest), value)
    return {**answer, head: rows}


def written(session: Session) -> tuple[int, ...]:
    session.rollback()
    tables = (Answer, OutboxMessage, StatusEvent)
    return tuple(session.exec(select(func.count()).select_from(t)).one() for t in tables)


def test_every_kind_of_answer_has_a_valid_example_here() -> None:
    assert {kind.name for kind in assignment_kinds()} == set(VALID)
    assert len(doors()) >= 12


@pytest.mark.parametrize(("kind", "path"), doors(), ids=lambda v: ".".join(map(str, v)))
def test_personal_data_in_a_text_field_is_refused_by_name_and_stored_nowhere(
    kind: str, path: tuple[Any, ...], client: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], kind)
    api = "/api/v1/assignments/" + path_of(assignment).removeprefix("/a/")
    before = written(session)
    missed = []
    for what, text in corpus():
        if what == "name" and (kind, path) in NAMES_ALLOWED:
            continue
        answer = with_value({"kind": kind, **VALID[kind]}, path, text)
        response = client.post(api, json=answer)
        fields = [p["field"] for p in response.json()["detail"]] if response.is_error else []
        if response.status_code != 422 or not any(f.endswith(path[-1]) for f in fields):
            missed.append((what, text, response.status_code))
        assert text not in response.text
    assert missed == []
    assert written(session) == before


def test_an_attachment_named_with_personal_data_is_refused_and_stored_nowhere(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], "monitoring-report")
    path = path_of(assignment)
    before = written(session)
    for _, text in corpus():
        page = client.get(path)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf is not None
        response = client.post(
            path,
            data={**VALID["monitoring-report"], "csrf": csrf.group(1)},
            files={"attachment": (f"{text}.pdf", b"%PDF-1.7 test", "application/pdf")},
        )
        assert response.status_code == 422 and "Textul pare să conțină" in response.text, text
    assert written(session) == before


def test_a_delegate_is_named_but_not_reached_by_phone(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], "attendance")
    api = "/api/v1/assignments/" + path_of(assignment).removeprefix("/a/")
    phone = {
        "kind": "attendance",
        "attending": "delegate",
        "delegate_name": "Ion Popescu 0721234567",
    }
    assert client.post(api, json=phone).status_code == 422
    named = {**phone, "delegate_name": "Ion Popescu, director adjunct"}
    assert client.post(api, json=named).status_code == 201


def partner_doors() -> list[tuple[str, str]]:
    """(intake path, field) for every text field partner systems send."""
    return [
        (intake.path, name)
        for intake in partner_intakes()
        for name, field in intake.form.model_fields.items()
        if field.annotation is str
    ]


SIENA = {
    "partner_reference": "DE-SIENA-2026-4411",
    "instrument": "siena",
    "institution": "ANITP",
    "summary": "Verificarea unui vehicul",
    "received_at": "2026-11-22T09:30:00+01:00",
}


@pytest.mark.parametrize(("path", "field"), partner_doors())
def test_personal_data_a_partner_sends_is_refused_by_name_and_stored_nowhere(
    path: str, field: str, client: TestClient, session: Session, institutions: tuple, partners: None
) -> None:
    assert path == "requests", "a new kind of partner case needs its valid example here"
    before = written(session)
    for _, text in corpus():
        response = client.post(f"/api/v1/partners/{path}", json={**SIENA, field: text}, auth=BKA)
        assert response.status_code == 422, (text, response.text)
        assert [p["field"] for p in response.json()["detail"]] == [field]
        assert text not in response.text
    assert written(session) == before
    assert session.exec(select(func.count()).select_from(CooperationRequest)).one() == 0
