"""An institution's browser for flow tests: opens the link an email carries and answers."""

import re
from datetime import datetime

from fastapi.testclient import TestClient
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
        response = self.client.post(path, data={**form, "csrf": csrf.group(1) if csrf else ""})
        return response.status_code
