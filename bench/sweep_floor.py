"""The sweep's floor: a careful plain script doing the daily sweep's job with bulk SQL.

No Prefect, no ORM session: in one transaction it selects the due assignments (skipping rows
a concurrent run holds on PostgreSQL), takes each one's step with guarded updates, writes
their status events and notices, and queues one rendered digest per institution and
audience, so a crash loses nothing; then it sends them as wire bytes built directly on one
SMTP connection and marks them sent in one bulk update. Concord's sweep is measured against it.
"""

import json
import smtplib
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment
from sqlalchemy import Integer, bindparam, case, insert, select, text, update
from sqlalchemy.engine import Connection, Engine, Row
from sqlmodel import col

from bench.floor import signed_link, wire_letter
from models.core.calendar import WorkingCalendar
from models.core.history import StatusEvent
from models.core.types import UTCDateTime
from models.lifecycle.ladder import COORDINATOR, HEAD, LADDER, audiences_of, next_step
from models.lifecycle.policy import effective_policy
from models.lifecycle.status import ASSIGNMENT_LIFECYCLE
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment, Notice
from models.messaging.outbox import OutboxMessage
from models.reference.institutions import Contact, Institution

TEXT = """{{ items|length }} solicitări deschise pentru {{ name }} ({{ day }})

Stimați colegi de la {{ name }},

La data de {{ day }}, instituția dumneavoastră are {{ items|length }} solicitări deschise.
{% for a in items %}
  - {{ a.title }} ({{ a.subject_ref }}), termen {{ a.due }}{% if a.step != "reminder" %}
    - {{ a.step }}{% endif %}

    {{ a.link }}
{% endfor %}

Fiecare legătură deschide o solicitare și nu cere un cont.

Trimis automat în numele Coordonatorului național împotriva traficului de persoane
către {{ name }}. Nu conține date personale despre victime.
Întrebări: {{ coordinator }}
"""
HTML = """<!DOCTYPE html><html lang="ro"><head><meta charset="utf-8">
<title>Solicitări deschise</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:Arial,sans-serif;color:#1f2933;">
<div style="max-width:640px;margin:0 auto;padding:24px 16px;">
<div style="background:#ffffff;border-radius:6px;padding:24px;line-height:1.5;font-size:15px;">
<p style="margin-top:0;color:#52606d;font-size:13px;">Coordonatorul național · Concord</p>
<h1 style="font-size:20px;margin-bottom:12px;">{{ items|length }} solicitări deschise</h1>
<p>Stimați colegi de la {{ name }},</p>
<p>La data de {{ day }}, instituția dumneavoastră are {{ items|length }} solicitări deschise.</p>
<ul style="margin-top:4px;">{% for a in items %}
<li style="margin-bottom:6px;"><a href="{{ a.link }}">{{ a.title }}</a>
<span style="color:#52606d;font-size:13px;">({{ a.subject_ref }}), termen {{ a.due }}</span>
{% if a.step != "reminder" %} <strong style="color:#b91c1c;">{{ a.step }}</strong>{% endif %}</li>
{% endfor %}</ul>
<p style="font-size:13px;color:#52606d;">
Fiecare legătură deschide o solicitare și nu cere un cont.</p>
</div><p style="color:#7b8794;font-size:12px;line-height:1.4;">
Trimis automat în numele Coordonatorului național către {{ name }}.
Nu conține date personale despre victime.
Întrebări: <a href="mailto:{{ coordinator }}">{{ coordinator }}</a></p>
</div></body></html>"""
SENDER = "concord@coordination.example"
COORDINATOR_EMAIL = "secretariat@coordination.example"
ACTOR = "flow:daily-sweep"
ROLES = {HEAD: ("head", "deputy"), COORDINATOR: ()}
TEXT_TEMPLATE = Environment(autoescape=False).from_string(TEXT)
HTML_TEMPLATE = Environment(autoescape=True).from_string(HTML)
COLUMNS = (
    Assignment.id,
    Assignment.kind,
    Assignment.policy_override,
    Assignment.institution_id,
    Assignment.title,
    Assignment.subject_ref,
    Assignment.due_at,
    Assignment.status,
    Assignment.next_action_at,
    Assignment.escalation_level,
)


def _due(conn: Connection, now: datetime) -> list[Row[Any]]:
    query = (
        select(*(col(c) for c in COLUMNS))
        .where(
            col(Assignment.status).in_(OPEN_ASSIGNMENT_STATUSES),
            col(Assignment.next_action_at) <= now,
        )
        .order_by(col(Assignment.next_action_at))
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(conn.execute(query))


def _path(status: str, targets: tuple[str, ...]) -> list[tuple[str, str]]:
    """The (from, to) transitions a step makes from `status`."""
    moves = []
    for target in targets:
        if target != status and target in ASSIGNMENT_LIFECYCLE[status]:
            moves.append((status, target))
            status = target
    return moves


def _plan(rows: list[Row[Any]], calendar: WorkingCalendar, now: datetime) -> dict[str, list[Any]]:
    """Each due row's update, status events and notices (as plain rows)."""
    day = calendar.local_date(now).isoformat()
    plan: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        upcoming = next_step(
            row.due_at, effective_policy(row.kind, row.policy_override), calendar, now
        )
        step = upcoming.step
        rung = LADDER[step] if step else None
        moves = _path(row.status, rung.statuses) if rung else []
        level = max(row.escalation_level, rung.escalation_level if rung else 0)
        final = moves[-1][1] if moves else row.status
        reminded = int(step == "reminder")
        seen = (row.id, row.next_action_at, row.status)
        plan["updates"].append((*seen, final, upcoming.next_action_at, reminded, level))
        note = f"{step} step"
        plan["events"] += [
            {"entity_type": "assignment", "entity_id": row.id, "from_status": was}
            | {"to_status": to, "at": now, "actor": ACTOR, "note": note}
            for was, to in moves
        ]
        for audience in audiences_of(step, row.escalation_level) if step else ():
            plan["notices"].append((row, step.value if step else "", audience, day))
    return plan


CLAIM_SQLITE = (
    update(Assignment)
    .where(
        col(Assignment.id) == bindparam("v_id"),
        col(Assignment.next_action_at) == bindparam("v_seen_next", type_=UTCDateTime()),
        col(Assignment.status) == bindparam("v_seen_status"),
    )
    .values(
        status=bindparam("v_status"),
        next_action_at=bindparam("v_next", type_=UTCDateTime()),
        reminders_sent=col(Assignment.reminders_sent) + bindparam("v_reminded", type_=Integer()),
        last_reminded_at=case(
            (bindparam("v_reminded") == 1, bindparam("v_now", type_=UTCDateTime())),
            else_=col(Assignment.last_reminded_at),
        ),
        escalation_level=bindparam("v_level"),
        updated_at=bindparam("v_now"),
    )
)
CLAIM_POSTGRESQL = text(
    """UPDATE assignment AS a SET status = v.status, next_action_at = v.next,
    reminders_sent = a.reminders_sent + v.reminded, escalation_level = v.level,
    last_reminded_at = CASE WHEN v.reminded = 1 THEN v.now ELSE a.last_reminded_at END,
    updated_at = v.now
    FROM json_to_recordset(CAST(:rows AS json)) AS v(id int, seen_next timestamptz,
    seen_status text, status text, next timestamptz, reminded int, level int, now timestamptz)
    WHERE a.id = v.id AND a.next_action_at = v.seen_next AND a.status = v.seen_status
    RETURNING a.id"""
)
CLAIMED = ("id", "seen_next", "seen_status", "status", "next", "reminded", "level")


def _claim(conn: Connection, updates: list[tuple[Any, ...]], now: datetime) -> set[int]:
    """One guarded update of every due row; the ids it moved (all, unless another run did).

    SQLite runs it once per row in one call, under the write lock taken before the rows
    were read; PostgreSQL joins the rows passed as one JSON parameter.
    """
    rows = [dict(zip(CLAIMED, update, strict=True)) | {"now": now} for update in updates]
    if conn.dialect.name == "sqlite":
        named = [{f"v_{name}": value for name, value in row.items()} for row in rows]
        if conn.execute(CLAIM_SQLITE, named).rowcount != len(rows):
            raise RuntimeError("a due row changed under the write lock")
        return {row["id"] for row in rows}
    found = conn.execute(CLAIM_POSTGRESQL, {"rows": json.dumps(rows, default=_iso)})
    return {found for found in found.scalars() if found is not None}


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _recipients(conn: Connection, institution_ids: list[int]) -> dict[int, Any]:
    """Each institution's code, name and contacts by role, in two queries."""
    found: dict[int, Any] = {}
    chosen = col(Institution.id).in_(institution_ids)
    for i, code, name in conn.execute(
        select(col(Institution.id), col(Institution.code), col(Institution.name)).where(chosen)
    ):
        found[i] = {"code": code, "name": name, "emails": {}}
    contacts = select(col(Contact.institution_id), col(Contact.role), col(Contact.email))
    for i, role, email in conn.execute(
        contacts.where(col(Contact.institution_id).in_(institution_ids))
    ):
        found[i]["emails"][role] = email
    return found


def _item(row: Row[Any], step: str) -> dict[str, Any]:
    link = signed_link(row.id, row.due_at)
    return {"title": row.title, "subject_ref": row.subject_ref, "step": step, "link": link} | {
        "due": row.due_at.strftime("%d.%m.%Y")
    }


def _letters(
    conn: Connection, notices: list[tuple[Row[Any], str, str, str]], now: datetime, day: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One digest per institution and audience (the coordinator's in one), and the notices."""
    groups: dict[tuple[str, int], list[tuple[Row[Any], str]]] = defaultdict(list)
    for row, step, audience, _ in notices:
        place = 0 if audience == COORDINATOR else row.institution_id
        groups[(audience, place)].append((row, step))
    people = _recipients(conn, sorted({row.institution_id for row, *_ in notices}))
    letters, notice_rows = [], []
    for (audience, place), members in sorted(groups.items()):
        who = people.get(place, {"code": "COORD", "name": "Coordonator", "emails": {}})
        roles = ROLES.get(audience, (audience,))
        emails = [who["emails"][r] for r in roles if r in who["emails"]] or [COORDINATOR_EMAIL]
        key = f"floor-sweep:{who['code']}:{audience}:{day}"
        items = [_item(r, s) for r, s in members]
        context = {
            "name": who["name"],
            "day": day,
            "items": items,
            "coordinator": COORDINATOR_EMAIL,
        }
        letters.append(
            {"key": key, "channel": "email", "kind": "daily-digest", "recipient": ", ".join(emails)}
            | {"institution_id": place or None, "language": "ro", "state": "queued"}
            | {"subject": f"{len(members)} solicitări deschise pentru {who['name']} ({day})"}
            | {
                "body_text": TEXT_TEMPLATE.render(context),
                "body_html": HTML_TEMPLATE.render(context),
            }
            | {"next_attempt_at": now, "created_at": now}
        )
        notice_rows += [
            {"assignment_id": r.id, "institution_id": r.institution_id, "step": s, "day": day}
            | {"audience": audience, "urgent": False, "created_at": now, "bundle_key": key}
            for r, s in members
        ]
    return letters, notice_rows


Queued = tuple[list[dict[str, Any]], list[int]]


def _queue(
    conn: Connection, rows: list[Row[Any]], calendar: WorkingCalendar, now: datetime
) -> Queued:
    """Take every step and queue the digests, in the caller's transaction."""
    plan = _plan(rows, calendar, now)
    if not plan["updates"]:
        return [], []
    moved = _claim(conn, plan["updates"], now)
    events = [event for event in plan["events"] if event["entity_id"] in moved]
    if events:
        conn.execute(insert(StatusEvent), events)
    notices = [notice for notice in plan["notices"] if notice[0].id in moved]
    if not notices:
        return [], []
    letters, notice_rows = _letters(conn, notices, now, calendar.local_date(now).isoformat())
    conn.execute(insert(Notice), notice_rows)
    queue = insert(OutboxMessage).returning(col(OutboxMessage.id), sort_by_parameter_order=True)
    return letters, [found for found in conn.execute(queue, letters).scalars() if found]


def plain_sweep(
    *, engine: Engine, calendar: WorkingCalendar, smtp_port: int, now: datetime
) -> dict[str, int]:
    """Sweep the plain way; the due rows, the steps taken and the emails sent."""
    with engine.connect() as conn:
        conn.execution_options(sqlite_write=True)  # BEGIN IMMEDIATE: the write lock first
        with conn.begin():
            rows = _due(conn, now)
            letters, ids = _queue(conn, rows, calendar, now)
    sent = []
    with smtplib.SMTP("127.0.0.1", smtp_port) as smtp:
        for letter, message_id in zip(letters, ids, strict=True):
            recipients = [address.strip() for address in letter["recipient"].split(",")]
            smtp.sendmail(SENDER, recipients, wire_letter(letter))
            sent.append(message_id)
    if sent:
        with engine.begin() as conn:
            mark = update(OutboxMessage).where(
                col(OutboxMessage.id).in_(bindparam("ids", expanding=True))
            )
            conn.execute(mark.values(state="sent", attempts=1, sent_at=now), {"ids": sent})
    return {"due": len(rows), "emails": len(sent)}
