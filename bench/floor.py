"""The floor: a careful plain script doing a round's work with bulk SQL, Jinja2 and smtplib.

No Prefect, no leases, no retries: in one transaction it inserts the round, its assignments
and submissions (one bulk insert per table, ids returned by the insert) and queues one
rendered announcement per institution, so a crash loses nothing; then it sends each on one
SMTP connection and marks them sent in one bulk update. Concord is measured against it.
"""

import smtplib
from collections import defaultdict
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from jinja2 import Environment
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from bench.state import new_id, one_id
from models.lifecycle.tables import Assignment
from models.messaging.outbox import OutboxMessage
from models.monitoring.tables import MonitoringRound, Submission
from models.reference.institutions import Contact, Institution
from models.reference.strategy import Measure, MeasureInstitution, Strategy

TEXT = """Stimate partener ({{ name }}),

Runda de monitorizare {{ period }} a strategiei {{ strategy }} este deschisă.
Vă rugăm să trimiteți {{ reports|length }} rapoarte până la {{ due }}:
{% for title, link in reports %}
- {{ title }}: {{ link }}
{% endfor %}
Secretariatul tehnic
"""
HTML = """<html><body><p>Stimate partener ({{ name }}),</p>
<p>Runda de monitorizare <b>{{ period }}</b> a strategiei {{ strategy }} este deschisă.
Vă rugăm să trimiteți {{ reports|length }} rapoarte până la {{ due }}:</p><ul>
{% for title, link in reports %}<li><a href="{{ link }}">{{ title }}</a></li>{% endfor %}
</ul><p>Secretariatul tehnic</p></body></html>"""
SENDER = "concord@coordination.example"
TEXT_TEMPLATE = Environment(autoescape=False).from_string(TEXT)
HTML_TEMPLATE = Environment(autoescape=True).from_string(HTML)


def _open_round(conn: Connection, strategy: str, period: str, due: datetime) -> tuple[int, int]:
    strategy_id = one_id(conn, select(col(Strategy.id)).where(col(Strategy.code) == strategy))
    values = {"strategy_id": strategy_id, "period": period, "opens_at": due - timedelta(days=30)}
    values |= {"due_at": due, "lock_at": due + timedelta(days=10), "created_at": values["opens_at"]}
    round_id = new_id(conn.execute(insert(MonitoringRound).values(values)))
    return strategy_id, round_id


def _expected(conn: Connection, strategy_id: int) -> list[Any]:
    return list(
        conn.execute(
            select(col(Measure.id), col(Measure.code), col(Measure.title), col(Institution.id))
            .join(MeasureInstitution, col(MeasureInstitution.measure_id) == col(Measure.id))
            .join(Institution, col(Institution.id) == col(MeasureInstitution.institution_id))
            .where(col(Measure.strategy_id) == strategy_id, col(Measure.recurrence).is_not(None))
        )
    )


def _assignment_row(
    period: str, measure_code: str, title: str, institution_id: int, due: datetime
) -> dict[str, Any]:
    created = due - timedelta(days=14)
    return {
        "key": f"floor:{period}:{measure_code}:{institution_id}",
        "kind": "monitoring-report",
        "institution_id": institution_id,
        "subject_type": "measure",
        "subject_ref": measure_code,
        "title": f"{measure_code} {title}"[:500],
        "due_at": due,
        "status": "open",
        "next_action_at": due - timedelta(days=10),
        "created_at": created,
        "updated_at": created,
    }


def _insert_reports(conn: Connection, strategy: str, period: str, due: datetime) -> list[Any]:
    """Every expected report as an assignment and a submission: one insert per table."""
    strategy_id, round_id = _open_round(conn, strategy, period, due)
    expected = _expected(conn, strategy_id)
    rows = [_assignment_row(period, code, title, inst, due) for _, code, title, inst in expected]
    returning = insert(Assignment).returning(col(Assignment.id), sort_by_parameter_order=True)
    ids = [found for found in conn.execute(returning, rows).scalars() if found is not None]
    submissions = [
        {"round_id": round_id, "assignment_id": assignment_id, "measure_id": item[0]}
        | {"institution_id": item[3]}
        for assignment_id, item in zip(ids, expected, strict=True)
    ]
    conn.execute(insert(Submission), submissions)
    return [(row["institution_id"], row["title"], i) for row, i in zip(rows, ids, strict=True)]


def _recipients(conn: Connection) -> dict[int, tuple[str, str]]:
    rows = conn.execute(
        select(col(Institution.id), col(Institution.name), col(Contact.email))
        .join(Contact, col(Contact.institution_id) == col(Institution.id))
        .where(col(Contact.role) == "focal-point")
    )
    return {institution_id: (name, email) for institution_id, name, email in rows}


def _letters(
    reports: list[Any],
    recipients: dict[int, tuple[str, str]],
    period: str,
    strategy: str,
    due: datetime,
    now: datetime,
) -> list[dict[str, Any]]:
    """One rendered announcement per institution, as outbox rows."""
    owed: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for institution_id, title, assignment_id in reports:
        owed[institution_id].append((title, f"https://portal.example/a/{assignment_id}"))
    letters = []
    for institution_id, items in sorted(owed.items()):
        name, email = recipients[institution_id]
        context = {"name": name, "period": period, "strategy": strategy, "reports": items}
        context["due"] = due.strftime("%d.%m.%Y")
        letters.append(
            {
                "key": f"floor:{period}:{institution_id}",
                "channel": "email",
                "kind": "round-opened",
                "institution_id": institution_id,
                "recipient": email,
                "language": "ro",
                "subject": f"Runda de monitorizare {period}: {len(items)} rapoarte",
                "body_text": TEXT_TEMPLATE.render(context),
                "body_html": HTML_TEMPLATE.render(context),
                "state": "queued",
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    return letters


def _email(letter: dict[str, Any]) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = (
        SENDER,
        letter["recipient"],
        letter["subject"],
    )
    message.set_content(letter["body_text"])
    message.add_alternative(letter["body_html"], subtype="html")
    return message


def _send(letters: list[dict[str, Any]], ids: list[int], smtp_port: int) -> list[int]:
    """Send each queued letter on one connection; the ids of those the server accepted."""
    sent = []
    with smtplib.SMTP("127.0.0.1", smtp_port) as smtp:
        for letter, message_id in zip(letters, ids, strict=True):
            smtp.send_message(_email(letter))
            sent.append(message_id)
    return sent


def plain_round(
    *, engine: Engine, strategy: str, period: str, smtp_port: int, now: datetime
) -> int:
    """Run a whole round the plain way; return the number of emails sent."""
    due = now + timedelta(days=14)
    with engine.begin() as conn:
        reports = _insert_reports(conn, strategy, period, due)
        letters = _letters(reports, _recipients(conn), period, strategy, due, now)
        queue = insert(OutboxMessage).returning(col(OutboxMessage.id), sort_by_parameter_order=True)
        ids = [found for found in conn.execute(queue, letters).scalars() if found is not None]
    sent = _send(letters, ids, smtp_port)
    with engine.begin() as conn:
        mark = update(OutboxMessage).where(
            col(OutboxMessage.id).in_(bindparam("ids", expanding=True))
        )
        conn.execute(mark.values(state="sent", attempts=1, sent_at=now), {"ids": sent})
    return len(sent)
