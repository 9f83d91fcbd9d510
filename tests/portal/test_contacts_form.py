"""The contacts form: it offers the addresses as they stand, so that sending it confirms them;
a changed address is recorded, and one holding a person's private data is refused."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from lxml import html
from sqlmodel import Session, col, select

from models.contacts.forms import PRIVATE
from models.contacts.rules import CONFIRMATION_KIND
from models.core.history import StatusEvent
from models.lifecycle.tables import Answer, Assignment, AssignmentStatus
from models.reference.institutions import Contact, Institution
from tests.portal.conftest import assignment_of, path_of
from tests.portal.test_forms import csrf_of

BOUNCED_AT = datetime(2026, 11, 23, 10, tzinfo=UTC)


def page_of(client: TestClient, assignment: Assignment) -> html.HtmlElement:
    response = client.get(path_of(assignment))
    assert response.status_code == 200, response.text
    return html.fromstring(response.text)


def rows(page: html.HtmlElement) -> dict[str, str]:
    """The rows above the form: label to text."""
    return {
        " ".join(row.xpath("th")[0].text_content().split()): " ".join(
            row.xpath("td")[0].text_content().split()
        )
        for row in page.xpath("//table//tr[th and td]")
    }


def values(page: html.HtmlElement) -> dict[str, str]:
    """The value each address field offers."""
    return {field.get("name"): field.get("value") for field in page.xpath("//input[@type='email']")}


def contacts(session: Session, institution: Institution) -> dict[str, Contact]:
    session.expire_all()
    query = select(Contact).where(Contact.institution_id == institution.id)
    return {contact.role: contact for contact in session.exec(query).all()}


def failing_head(session: Session, institution: Institution) -> None:
    head = contacts(session, institution)["head"]
    head.failing_since, head.failure = BOUNCED_AT, "5.1.1 550 mailbox unavailable"
    session.add(head)
    session.commit()


def test_the_form_offers_the_current_addresses_and_says_which_one_bounces(
    client: TestClient, session: Session, institutions: tuple[Institution, Institution]
) -> None:
    romanian, english = institutions
    failing_head(session, romanian)
    page = page_of(client, assignment_of(session, romanian, CONFIRMATION_KIND))
    assert values(page) == {
        "focal_point": "focal-point@anitp.example",
        "deputy": "deputy@anitp.example",
        "head": "head@anitp.example",
    }
    shown = rows(page)
    bounced = [text for text in shown.values() if text.startswith("head@anitp.example, ")]
    assert len(bounced) == 1 and bounced[0].endswith(
        " 23 noiembrie 2026: 5.1.1 550 mailbox unavailable"
    )
    assert "head@anitp.example" in shown.values()
    in_english = rows(page_of(client, assignment_of(session, english, CONFIRMATION_KIND)))
    assert in_english["Focal point now"] == "focal-point@europol.example"
    assert in_english["Last confirmed"] == "never"
    assert "Mail that comes back" not in in_english


def test_a_posted_change_is_recorded_and_the_rest_confirmed(
    client: TestClient, session: Session, institutions: tuple[Institution, Institution]
) -> None:
    romanian = institutions[0]
    failing_head(session, romanian)
    assignment = assignment_of(session, romanian, CONFIRMATION_KIND)
    path = path_of(assignment)
    form = {
        "focal_point": "focal-point@anitp.example",
        "deputy": "",
        "head": "director@anitp.example",
        "csrf": csrf_of(client.get(path).text),
    }
    response = client.post(path, data=form)
    assert response.status_code == 200, response.text
    now = contacts(session, romanian)
    assert set(now) == {"focal-point", "head"}, "the deputy left empty is removed"
    assert now["head"].email == "director@anitp.example" and now["head"].working
    assert now["focal-point"].confirmed_at is not None and now["head"].confirmed_at is not None
    query = select(StatusEvent).where(StatusEvent.entity_type == "contact")
    recorded = [
        (e.from_status, e.to_status) for e in session.exec(query.order_by(col(StatusEvent.id)))
    ]
    assert recorded == [("working", "confirmed"), ("working", "removed"), ("failing", "changed")]
    session.refresh(assignment)
    assert assignment.status == AssignmentStatus.DONE


def test_an_address_with_private_data_is_refused_beside_its_field_and_nothing_stored(
    client: TestClient, session: Session, institutions: tuple[Institution, Institution]
) -> None:
    english = institutions[1]
    assignment = assignment_of(session, english, CONFIRMATION_KIND)
    path = path_of(assignment)
    form = {
        "focal_point": "focal-point@europol.example",
        "deputy": "deputy@europol.example",
        "head": "0721234567@gmail.com",
        "csrf": csrf_of(client.get(path).text),
    }
    response = client.post(path, data=form)
    assert response.status_code == 422
    page = html.fromstring(response.text)
    [error] = page.xpath("//*[@id='error-head']")
    assert error.text_content() == PRIVATE
    [field] = page.xpath("//input[@name='head']")
    assert field.get("aria-invalid") == "true"
    assert values(page)["head"] == "0721234567@gmail.com", "what was sent is offered again"
    assert session.exec(select(Answer)).all() == []
    assert contacts(session, english)["head"].email == "head@europol.example"
