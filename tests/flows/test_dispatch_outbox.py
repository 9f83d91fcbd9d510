from datetime import timedelta

from prefect.client.orchestration import get_client
from sqlmodel import Session, select

from flows.dispatch_outbox import dispatch_outbox
from models.core.settings import get_settings
from models.messaging.compose import addressee_for, notify
from models.messaging.emails import MessageKind
from models.messaging.outbox import OutboxMessage
from tests.support.factories import make_institution
from tests.support.samples import NOW, sample_context
from tests.support.servers import SmtpServer


def latest_artifact_markdown() -> str:
    with get_client(sync_client=True) as client:
        response = client.request(
            "POST",
            "/artifacts/latest/filter",
            json={
                "artifacts": {"key": {"any_": ["outbox-dispatch"]}},
                "sort": "CREATED_DESC",
                "limit": 1,
            },
        )
    [artifact] = response.json()
    return str(artifact["data"])


def queue(session: Session, codes: list[str], addresses: dict[str, str] | None = None) -> None:
    for code in codes:
        institution = make_institution(session, code, emails=addresses)
        assert institution.id is not None
        to = addressee_for(session=session, institution_id=institution.id, roles=("focal-point",))
        notify(
            session=session,
            key=f"overdue:{code}",
            kind=MessageKind.OVERDUE,
            to=to,
            context=sample_context(MessageKind.OVERDUE),
            settings=get_settings(),
            now=NOW,
        )
    session.commit()


def test_the_dispatch_flow_delivers_reports_and_can_run_again(
    prefect_api: None, session: Session, smtp_server: SmtpServer
) -> None:
    queue(session, [f"INST-{n}" for n in range(7)])
    queue(session, ["BROKEN"], addresses={"focal-point": "reject@broken.example"})
    counts = dispatch_outbox(now=NOW, batch_size=3)
    assert counts == {"claimed": 8, "sent": 7, "dead": 1}
    assert len(smtp_server.messages) == 7
    markdown = latest_artifact_markdown()
    assert "| sent | 7 |" in markdown and "| dead | 1 |" in markdown
    assert dispatch_outbox(now=NOW + timedelta(hours=1)) == {}
    assert len(smtp_server.messages) == 7
    states = session.exec(select(OutboxMessage.state)).all()
    assert sorted(states).count("sent") == 7
