"""The floor: a careful plain script doing a round's work with bulk SQL, Jinja2 and smtplib.

No Prefect, no outbox, no leases: it inserts the round's assignments and submissions in
bulk, renders one announcement per institution, sends each on one SMTP connection and
records what it sent in one statement at the end. Concord is measured against it.
"""

import smtplib
from collections import defaultdict
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from jinja2 import Environment
from sqlalchemy import insert, select
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


def _open_round(conn: Connection, strategy: str, period: str, due: datetime) -> tuple[int, int]:
    strategy_id = one_id(conn, select(col(Strategy.id)).where(col(Strategy.code) == strategy))
    values = {"strategy_id": strategy_id, "period": period, "opens_at": due - timedelta(days=30)}
    values |= {"due_at": due, "lock_at": due + timedelta(days=10), "created_at": values["opens_at"]}
    round_id = new_id(conn.execute(insert(MonitoringRound).values(values)))
    return strategy_id, round_id


def _expected(conn: Connection, strategy_id: int) -> list[Any]:
    return list(
        conn.execute(
            select(
                col(Measure.id),
                col(Measure.code),
                col(Measure.title),
                col(Institution.id),
                col(Institution.code),
            )
            .join(MeasureInstitution, col(MeasureInstitution.measure_id) == col(Measure.id))
            .join(Institution, col(Institution.id) == col(MeasureInstitution.institution_id))
            .where(col(Measure.strategy_id) == strategy_id, col(Measure.recurrence).is_not(None))
        )
    )


def _insert_reports(conn: Connection, round_id: int, period: str, due: datetime) -> list[Any]:
    """Every expected report of the round as an assignment and a submission, in bulk."""
    strategy_id = conn.execute(
        select(col(MonitoringRound.strategy_id)).where(col(MonitoringRound.id) == round_id)
    ).scalar_one()
    expected = _expected(conn, strategy_id)
    rows = [
        {
            "key": f"floor:{period}:{measure_code}:{code}",
            "kind": "monitoring-report",
            "institution_id": institution_id,
            "subject_type": "measure",
            "subject_ref": measure_code,
            "title": f"{measure_code} {title}"[:500],
            "due_at": due,
            "status": "open",
            "next_action_at": due - timedelta(days=10),
            "created_at": due - timedelta(days=14),
            "updated_at": due - timedelta(days=14),
        }
        for _, measure_code, title, institution_id, code in expected
    ]
    conn.execute(insert(Assignment), rows)
    ids = dict(conn.execute(select(col(Assignment.key), col(Assignment.id))).tuples().all())
    conn.execute(
        insert(Submission),
        [
            {
                "round_id": round_id,
                "assignment_id": ids[row["key"]],
                "measure_id": item[0],
                "institution_id": item[3],
            }
            for row, item in zip(rows, expected, strict=True)
        ],
    )
    return [(row["institution_id"], row["title"], ids[row["key"]]) for row in rows]


def _recipients(conn: Connection) -> dict[int, tuple[str, str]]:
    rows = conn.execute(
        select(col(Institution.id), col(Institution.name), col(Contact.email))
        .join(Contact, col(Contact.institution_id) == col(Institution.id))
        .where(col(Contact.role) == "focal-point")
    )
    return {institution_id: (name, email) for institution_id, name, email in rows}


def _email(to: str, subject: str, text: str, html: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = SENDER, to, subject
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def plain_round(
    *, engine: Engine, strategy: str, period: str, smtp_port: int, now: datetime
) -> int:
    """Run a whole round the plain way; return the number of emails sent."""
    due = now + timedelta(days=14)
    jinja = Environment(autoescape=False)
    text, html = jinja.from_string(TEXT), Environment(autoescape=True).from_string(HTML)
    with engine.begin() as conn:
        _, round_id = _open_round(conn, strategy, period, due)
        reports = _insert_reports(conn, round_id, period, due)
        recipients = _recipients(conn)
    owed: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for institution_id, title, assignment_id in reports:
        owed[institution_id].append((title, f"https://portal.example/a/{assignment_id}"))
    sent = []
    with smtplib.SMTP("127.0.0.1", smtp_port) as smtp:
        for institution_id, items in sorted(owed.items()):
            name, email = recipients[institution_id]
            context = {"name": name, "period": period, "strategy": strategy, "reports": items}
            context["due"] = due.strftime("%d.%m.%Y")
            subject = f"Runda de monitorizare {period}: {len(items)} rapoarte"
            smtp.send_message(_email(email, subject, text.render(context), html.render(context)))
            sent.append({"key": f"floor:{period}:{institution_id}", "recipient": email})
    with engine.begin() as conn:
        common: dict[str, object] = {"channel": "email", "kind": "round-opened", "language": "ro"}
        common |= {"state": "sent", "subject": "", "body_text": "", "attempts": 1, "sent_at": now}
        common |= {"created_at": now, "next_attempt_at": now}
        conn.execute(insert(OutboxMessage), [common | row for row in sent])
    return len(sent)
