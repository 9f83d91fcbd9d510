"""The coordinator's view shows the bodies' meetings and the open action items."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from models.core.settings import get_settings
from tests.portal.test_languages import english_in
from tests.support.meetings import convened_meeting


def test_the_next_meeting_and_who_has_not_answered_are_shown(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCORD_COORDINATOR_PASSWORD", "s3cret")
    get_settings.cache_clear()
    client.auth = ("coordinator", "s3cret")
    convened_meeting(engine)
    page = client.get("/coordinator").text
    assert "Ședințele organismelor permanente" in page and not english_in(page), english_in(page)
    assert "<td>WG</td><td>Ședința nr. 1</td>" in page and "<td>convocată</td>" in page
    assert "<td>ANITP, DGASPC-CJ</td>" in page  # neither has proposed agenda items yet
    assert "Acțiuni de îndeplinit rămase deschise" in page
    english = client.get("/coordinator?lang=en").text
    assert "Meetings of the standing bodies" in english and "<td>convened</td>" in english
