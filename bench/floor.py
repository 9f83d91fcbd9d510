"""The floor: a careful plain script doing a round's work with set-based SQL, Jinja2 and smtplib.

No Prefect, no leases, no retries: in one transaction it inserts the round, its assignments
and submissions (each one INSERT ... SELECT, parameters bound once) and queues one rendered
announcement per institution (executemany on SQLite, COPY on PostgreSQL), so a crash loses
nothing; then it sends each as wire bytes built directly on one SMTP connection and marks
them sent in one update. Concord is measured against it.
"""

import hmac
import json
import smtplib
from base64 import encodebytes, urlsafe_b64encode
from collections import defaultdict
from datetime import datetime, timedelta
from email.header import Header
from email.utils import format_datetime, make_msgid
from typing import Any

from jinja2 import Environment
from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from bench.state import new_id, one_id
from models.core.types import UTCDateTime
from models.monitoring.tables import MonitoringRound
from models.reference.institutions import Contact, Institution
from models.reference.strategy import Strategy

# The same announcement Concord sends (its words, layout and signed links, about 3.4 KB), so
# that the floor does the same job: a shorter letter costs less to render, encode and accept.
TEXT = """Stimați colegi de la {{ name }},

Runda de monitorizare {{ period }} pentru {{ strategy }} este deschisă. Instituției \
dumneavoastră i se solicită {{ reports|length }} rapoarte de progres, câte unul pentru fiecare \
măsură pentru care este responsabilă, până la {{ due }}, ora 23:59 (ora României). După \
{{ lock }} runda se închide și nu mai sunt primite rapoarte.

Raport de monitorizare, termen: {{ due }}:
{% for title, link in reports %}  - {{ title }}
    {{ link }}
{% endfor %}
Fiecare link deschide un singur formular și nu necesită un cont.

--
Transmis automat în numele Coordonatorului Național Anti-Trafic către {{ name }}.
Mesajul nu conține date cu caracter personal privind victimele. Pentru întrebări: \
{{ coordinator }}
"""
HTML = """<!DOCTYPE html>
<html lang="ro">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Runda de monitorizare {{ period }}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;\
color:#1f2933;">
<div style="max-width:640px;margin:0 auto;padding:24px 16px;">
<div style="background:#ffffff;border-radius:6px;padding:24px;line-height:1.5;font-size:15px;">
<p style="margin-top:0;color:#52606d;font-size:13px;">Coordonatorul Național Anti-Trafic \
&middot; Concord</p>
<h1 style="font-size:20px;">Runda de monitorizare {{ period }}</h1>
<p>Stimați colegi de la {{ name }},</p>
<p>Runda de monitorizare {{ period }} pentru {{ strategy }} este deschisă. Instituției \
dumneavoastră i se solicită {{ reports|length }} rapoarte de progres, câte unul pentru fiecare \
măsură pentru care este responsabilă, până la {{ due }}, ora 23:59 (ora României). După \
{{ lock }} runda se închide și nu mai sunt primite rapoarte.</p>
<h2 style="font-size:16px;margin-bottom:4px;">Raport de monitorizare, termen: {{ due }}:</h2>
<ul style="margin-top:4px;">
{% for title, link in reports %}<li style="margin-bottom:6px;"><a href="{{ link }}">{{ title }}\
</a></li>
{% endfor %}</ul>
<p style="font-size:13px;color:#52606d;">Fiecare link deschide un singur formular și nu \
necesită un cont.</p>
</div>
<p style="color:#7b8794;font-size:12px;line-height:1.4;">
Transmis automat în numele Coordonatorului Național Anti-Trafic către {{ name }}.
Mesajul nu conține date cu caracter personal privind victimele.
Pentru întrebări: <a href="mailto:{{ coordinator }}">{{ coordinator }}</a>
</p>
</div>
</body>
</html>
"""
MONTHS = [
    "ianuarie",
    "februarie",
    "martie",
    "aprilie",
    "mai",
    "iunie",
    "iulie",
    "august",
    "septembrie",
    "octombrie",
    "noiembrie",
    "decembrie",
]
PORTAL = "https://portal.example/a/"
LINK_KEY = b"the floor's own signing key"
COORDINATOR_EMAIL = "secretariat@coordination.example"
SENDER = "concord@coordination.example"
DOMAIN = SENDER.split("@")[1]
TEXT_TEMPLATE = Environment(autoescape=False).from_string(TEXT)
HTML_TEMPLATE = Environment(autoescape=True).from_string(HTML)
# "=_" cannot occur in base64 text, so one boundary serves every message.
BOUNDARY = "=_concord-floor-alternative"
PART = (
    f'--{BOUNDARY}\r\nContent-Type: text/{{}}; charset="utf-8"\r\n'
    "Content-Transfer-Encoding: base64\r\n\r\n"
)
PLAIN_PART, HTML_PART = PART.format("plain").encode(), PART.format("html").encode()
CLOSE = f"--{BOUNDARY}--\r\n".encode()

KEY = "'floor:' || :period || ':' || m.code || ':' || CAST(i.id AS TEXT)"
EXPECTED = (
    "FROM measure m JOIN measureinstitution mi ON mi.measure_id = m.id "
    "JOIN institution i ON i.id = mi.institution_id "
    "WHERE m.strategy_id = :strategy_id AND m.recurrence IS NOT NULL"
)
ASSIGNMENTS = (
    "INSERT INTO assignment (key, kind, institution_id, subject_type, subject_ref, title, "
    "due_at, urgent, status, next_action_at, reminders_sent, escalation_level, link_version, "
    f"created_at, updated_at) SELECT {KEY}, 'monitoring-report', i.id, 'measure', m.code, "
    "substr(m.code || ' ' || m.title, 1, 500), :due_at, false, 'open', :next_action_at, 0, 0, 0, "
    f":created_at, :created_at {EXPECTED} ORDER BY i.id, m.id "
    "RETURNING institution_id, title, id"
)
SUBMISSIONS = (
    "INSERT INTO submission (round_id, assignment_id, measure_id, institution_id) "
    f"SELECT :round_id, a.id, m.id, i.id "
    f"{EXPECTED.replace('WHERE', f'JOIN assignment a ON a.key = {KEY} WHERE')}"
)
OUTBOX_COLUMNS = (
    "key, channel, kind, institution_id, recipient, language, subject, body_text, body_html, "
    "state, attempts, next_attempt_at, created_at"
)
QUEUE = (
    f"INSERT INTO outbox_message ({OUTBOX_COLUMNS}) VALUES (:key, 'email', 'round-opened', "
    ":institution_id, :recipient, 'ro', :subject, :body_text, :body_html, 'queued', 0, :now, :now)"
)
MARK = "UPDATE outbox_message SET state = 'sent', attempts = 1, sent_at = :now WHERE key "
MARK_IN = {"postgresql": "= ANY(:keys)", "sqlite": "IN (SELECT value FROM json_each(:keys))"}


def _strategy_name(conn: Connection, strategy: str) -> str:
    return str(
        conn.execute(select(col(Strategy.name)).where(col(Strategy.code) == strategy)).one()[0]
    )


def _open_round(conn: Connection, strategy: str, period: str, due: datetime) -> tuple[int, int]:
    strategy_id = one_id(conn, select(col(Strategy.id)).where(col(Strategy.code) == strategy))
    values = {"strategy_id": strategy_id, "period": period, "opens_at": due - timedelta(days=30)}
    values |= {"due_at": due, "lock_at": due + timedelta(days=10), "created_at": values["opens_at"]}
    round_id = new_id(conn.execute(insert(MonitoringRound).values(values)))
    return strategy_id, round_id


def _insert_reports(conn: Connection, strategy: str, period: str, due: datetime) -> list[Any]:
    """Every expected report as an assignment and a submission: one INSERT ... SELECT each."""
    strategy_id, round_id = _open_round(conn, strategy, period, due)
    dates = {"due_at": due, "next_action_at": due - timedelta(days=10)}
    dates["created_at"] = due - timedelta(days=14)
    assignments = text(ASSIGNMENTS).bindparams(
        *(bindparam(name, value, type_=UTCDateTime()) for name, value in dates.items()),
        period=period,
        strategy_id=strategy_id,
    )
    reports = list(conn.execute(assignments))
    submissions = text(SUBMISSIONS).bindparams(
        round_id=round_id, period=period, strategy_id=strategy_id
    )
    conn.execute(submissions)
    return reports


def _recipients(conn: Connection) -> dict[int, tuple[str, str]]:
    rows = conn.execute(
        select(col(Institution.id), col(Institution.name), col(Contact.email))
        .join(Contact, col(Contact.institution_id) == col(Institution.id))
        .where(col(Contact.role) == "focal-point")
    )
    return {institution_id: (name, email) for institution_id, name, email in rows}


def _in_words(moment: datetime) -> str:
    """29 ianuarie 2027."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def signed_link(assignment_id: int, due: datetime) -> str:
    """A portal link that names the assignment and its expiry and carries their HMAC."""
    claims = urlsafe_b64encode(f"{assignment_id}.{int(due.timestamp())}".encode()).rstrip(b"=")
    mac = urlsafe_b64encode(hmac.digest(LINK_KEY, claims, "sha256")).rstrip(b"=")
    return f"{PORTAL}{claims.decode()}.{mac.decode()}"


def _letters(
    reports: list[Any],
    recipients: dict[int, tuple[str, str]],
    period: str,
    strategy: str,
    due: datetime,
) -> list[dict[str, Any]]:
    """One rendered announcement per institution, as outbox rows."""
    owed: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for institution_id, title, assignment_id in reports:
        owed[institution_id].append((assignment_id, title))
    dates = {"due": _in_words(due), "lock": _in_words(due + timedelta(days=10))}
    letters = []
    for institution_id, found in sorted(owed.items()):
        items = [(title, signed_link(i, due)) for i, title in sorted(found)]
        name, email = recipients[institution_id]
        context = {"name": name, "period": period, "strategy": strategy, "reports": items}
        context |= dates | {"coordinator": COORDINATOR_EMAIL}
        subject = f"Runda de monitorizare {period}: {len(items)} rapoarte solicitate până la"
        letters.append(
            {
                "key": f"floor:{period}:{institution_id}",
                "institution_id": institution_id,
                "recipient": email,
                "subject": f"{subject} {dates['due']}",
                "body_text": TEXT_TEMPLATE.render(context),
                "body_html": HTML_TEMPLATE.render(context),
            }
        )
    return letters


def _queue(conn: Connection, letters: list[dict[str, Any]], now: datetime) -> None:
    """Queue the letters: COPY on PostgreSQL, one executemany on SQLite."""
    if conn.dialect.name != "postgresql":
        queue = text(QUEUE).bindparams(bindparam("now", type_=UTCDateTime()))
        conn.execute(queue, [letter | {"now": now} for letter in letters])
        return
    copy_sql = f"COPY outbox_message ({OUTBOX_COLUMNS}) FROM STDIN"
    fixed = ("email", "round-opened")
    with conn.connection.driver_connection.cursor().copy(copy_sql) as copy:  # type: ignore[union-attr]
        for letter in letters:
            key, institution_id, recipient, subject, body_text, body_html = letter.values()
            head = (key, *fixed, institution_id, recipient, "ro", subject)
            copy.write_row((*head, body_text, body_html, "queued", 0, now, now))


def _subject(subject: str) -> str:
    """The Subject header's value: as is when ASCII, else RFC 2047 encoded words."""
    # Header() costs ~0.1 ms a message even for ASCII text; most subjects need none of it.
    if subject.isascii() and subject.isprintable():
        return subject
    return Header(subject, "utf-8").encode()


def wire_letter(letter: dict[str, Any]) -> bytes:
    """A multipart/alternative UTF-8 message with both parts in base64, built as bytes."""
    head = (
        f"From: {SENDER}\r\nTo: {letter['recipient']}\r\n"
        f"Subject: {_subject(letter['subject'])}\r\n"
        f"Date: {format_datetime(datetime.now().astimezone())}\r\n"
        f"Message-ID: {make_msgid(domain=DOMAIN)}\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/alternative; boundary="{BOUNDARY}"\r\n\r\n'
    )
    return b"".join(
        (
            head.encode("ascii"),
            PLAIN_PART,
            encodebytes(letter["body_text"].encode()).replace(b"\n", b"\r\n"),
            HTML_PART,
            encodebytes(letter["body_html"].encode()).replace(b"\n", b"\r\n"),
            CLOSE,
        )
    )


def _send(letters: list[dict[str, Any]], smtp_port: int) -> list[str]:
    """Send each queued letter on one connection; the keys of those the server accepted."""
    sent = []
    with smtplib.SMTP("127.0.0.1", smtp_port) as smtp:
        for letter in letters:
            smtp.sendmail(SENDER, [letter["recipient"]], wire_letter(letter))
            sent.append(letter["key"])
    return sent


def _mark(conn: Connection, sent: list[str], now: datetime) -> None:
    """Mark the delivered letters sent in one statement."""
    dialect = conn.dialect.name
    keys: list[str] | str = sent if dialect == "postgresql" else json.dumps(sent)
    mark = text(MARK + MARK_IN[dialect]).bindparams(
        bindparam("now", now, type_=UTCDateTime()), keys=keys
    )
    conn.execute(mark)


def _send_marking_each(
    engine: Engine, letters: list[dict[str, Any]], smtp_port: int, now: datetime
) -> list[str]:
    """Send each letter on one connection and commit it sent before the next, as Concord does."""
    mark = text(MARK + "= :key").bindparams(bindparam("now", now, type_=UTCDateTime()))
    sent = []
    with engine.connect() as conn, smtplib.SMTP("127.0.0.1", smtp_port) as smtp:
        for letter in letters:
            smtp.sendmail(SENDER, [letter["recipient"]], wire_letter(letter))
            conn.execute(mark, {"key": letter["key"]})
            conn.commit()
            sent.append(letter["key"])
    return sent


def plain_round(
    *,
    engine: Engine,
    strategy: str,
    period: str,
    smtp_port: int,
    now: datetime,
    mark_each: bool = False,
) -> int:
    """Run a whole round the plain way; return the number of emails sent.

    With `mark_each`, each email is committed sent before the next is sent, so a crash sends
    at most one twice: Concord's guarantee, and what it costs in the plain script.
    """
    due = now + timedelta(days=14)
    with engine.begin() as conn:
        reports = _insert_reports(conn, strategy, period, due)
        name = _strategy_name(conn, strategy)
        letters = _letters(reports, _recipients(conn), period, name, due)
        _queue(conn, letters, now)
    if mark_each:
        return len(_send_marking_each(engine, letters, smtp_port, now))
    sent = _send(letters, smtp_port)
    with engine.begin() as conn:
        _mark(conn, sent, now)
    return len(sent)
