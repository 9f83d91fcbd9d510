"""Every portal page an institution or the coordinator reads is in its reader's language."""

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models.core.settings import get_settings
from tests.portal.conftest import assignment_of, path_of
from tests.portal.test_forms import FORMS, submit

ENGLISH = re.compile(
    r"\b(the|and|your|with|has|have|please|due|answer|send|reports?|institutions?|status|"
    r"progress|rate|round|request|link)\b",
    re.IGNORECASE,
)


class Text(HTMLParser):
    """The text a reader sees: no tags, no attributes, no styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip = tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def english_in(page: str) -> list[str]:
    parser = Text()
    parser.feed(page)
    prose = re.sub(r"\S*[-:/]\S*", "", " ".join(parser.parts))  # codes and keys are not prose
    return ENGLISH.findall(prose)


@pytest.mark.parametrize("kind", list(FORMS))
def test_a_romanian_institution_reads_every_page_in_romanian(
    kind: str, client: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], kind)
    path = path_of(assignment)
    empty = {name: "" for name in FORMS[kind]}
    pages = {
        "form": client.get(path).text,
        "errors": submit(client, path, empty).text,
        "answered": submit(client, path, FORMS[kind]).text,
        "history": client.get(path).text,
    }
    for name, page in pages.items():
        assert '<html lang="ro">' in page and not english_in(page), (name, english_in(page))


def test_the_coordinators_view_is_romanian_unless_english_is_asked_for(
    client: TestClient, session: Session, institutions: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCORD_COORDINATOR_PASSWORD", "s3cret")
    get_settings.cache_clear()
    client.auth = ("coordinator", "s3cret")
    request = assignment_of(session, institutions[0], "cooperation-request", key="eio:1")
    request.urgent = True
    session.add(request)
    session.commit()
    romanian = client.get("/coordinator").text
    assert "Cine nu a răspuns" in romanian and not english_in(romanian), english_in(romanian)
    english = client.get("/coordinator?lang=en").text
    assert "Who has not answered" in english and '<html lang="en">' in english
    assert client.get("/coordinator?lang=fr").status_code == 422  # a language Concord lacks


def test_a_refused_link_says_so_in_both_languages(client: TestClient) -> None:
    page = client.get("/a/not-a-token").text
    assert "Linkul nu este valid." in page and "This link is not valid." in page
