"""An institution's browser for flow tests: opens the link an email carries and answers."""

import re
from datetime import datetime

from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, select

from models.core.settings import get_settings
from models.lifecycle.tables import Assignment
from models.messaging.compose import assignment_link
from portal.app import create_app
from portal.dependencies import clock


class Portal:
    """An institution's browser: opens the link from its email and sends the form."""

    def __init__(self, session: Session) -> None:
        self.now = datetime.now().astimezone()
        self.app = create_app()
        self.app.dependency_overrides[clock] = lambda: self.now
        self.client = TestClient(self.app)
        self.session = session

    def answer(self, key: str, when: datetime, **form: str) -> int:
        """Open the assignment's link at `when` and send the form; the response's status."""
        return self.send(key, when, form).status_code

    def send(
        self,
        key: str,
        when: datetime,
        form: dict[str, str],
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Response:
        """Open the assignment's link at `when` and send the form (and files): the response."""
        self.now = when
        self.session.rollback()  # end the read snapshot: flows wrote since
        self.session.expire_all()
        assignment = self.session.exec(select(Assignment).where(Assignment.key == key)).one()
        link = assignment_link(
            assignment_id=assignment.id or 0,
            institution_id=assignment.institution_id,
            due_at=assignment.due_at,
            now=when,
            settings=get_settings(),
            version=assignment.link_version,
        )
        path = link.removeprefix(get_settings().portal_base_url)
        page = self.client.get(path)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        data = {**form, "csrf": csrf.group(1) if csrf else ""}
        return self.client.post(path, data=data, files=files)
