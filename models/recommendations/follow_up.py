"""Asking each lead institution for progress on the open recommendations it owns."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import col, select

from models.core.i18n import N_, translate
from models.lifecycle.assignments import new_assignment
from models.lifecycle.desk import Desk
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment
from models.messaging.compose import addressee_or_coordinator, linked_view
from models.messaging.emails import AssignmentCreated, Post
from models.recommendations.messages import FollowUpDigest
from models.recommendations.rules import (
    ASK_BEFORE_REPORTING,
    CLOSED_STATUSES,
    DIGEST_FROM,
    FOLLOW_UP_KIND,
    follow_up_due,
    follow_up_key,
    quarter_label,
)
from models.recommendations.tables import Recommendation, RecommendationSource
from models.reference.institutions import Institution

TITLE = N_("Recommendation %(code)s: %(summary)s")
MAX_TITLE = 120  # a heading and a line in a digest; the page shows the whole summary


@dataclass
class FollowUp:
    """What one follow-up run opened and queued."""

    period: str
    opened: list[str] = field(default_factory=list)
    queued: int = 0


def shortened(text: str, most: int) -> str:
    """The text cut at a word before `most` characters, with an ellipsis when cut."""
    if len(text) <= most:
        return text
    return text[: most - 1].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def summary_in(recommendation: Recommendation, language: str) -> str:
    """The Romanian summary for a Romanian reader; the body's own words for the others."""
    return recommendation.summary_ro if language == "ro" else recommendation.text


def follow_up_period(source: RecommendationSource, today: date) -> str:
    """The quarter, or 'before-DATE' when the source's reporting date is near."""
    reporting = source.reporting_on
    if reporting is not None and today < reporting <= today + ASK_BEFORE_REPORTING:
        return f"before-{reporting.isoformat()}"
    return quarter_label(today)


def open_recommendations(desk: Desk) -> list[tuple[Recommendation, RecommendationSource]]:
    """Every recommendation not yet implemented, with its source, in code order."""
    query = (
        select(Recommendation, RecommendationSource)
        .join(RecommendationSource, col(RecommendationSource.id) == col(Recommendation.source_id))
        .where(col(Recommendation.status).not_in(CLOSED_STATUSES))
        .order_by(col(Recommendation.code))
    )
    return list(desk.session.exec(query).all())


def _asked_already(desk: Desk, code: str, key: str) -> bool:
    """This period's follow-up exists, or an earlier one is still waiting for its answer."""
    query = select(Assignment.id).where(
        Assignment.subject_type == "recommendation",
        Assignment.subject_ref == code,
        (col(Assignment.key) == key) | col(Assignment.status).in_(OPEN_ASSIGNMENT_STATUSES),
    )
    return desk.session.exec(query).first() is not None


def _open_one(
    desk: Desk, recommendation: Recommendation, source: RecommendationSource
) -> Assignment | None:
    today = desk.calendar.local_date(desk.now)
    period = follow_up_period(source, today)
    key = follow_up_key(recommendation.code, period)
    if _asked_already(desk, recommendation.code, key):
        return None
    lead = desk.session.get(Institution, recommendation.lead_institution_id)
    assert lead is not None
    summary = summary_in(recommendation, lead.language)
    title = translate(lead.language, TITLE) % {"code": recommendation.code, "summary": summary}
    reporting = source.reporting_on if period.startswith("before-") else None
    assignment = new_assignment(
        key=key,
        kind=FOLLOW_UP_KIND,
        institution_id=recommendation.lead_institution_id,
        subject_type="recommendation",
        subject_ref=recommendation.code,
        title=shortened(title, MAX_TITLE),
        due_at=follow_up_due(desk.now, reporting, desk.calendar),
        calendar=desk.calendar,
        now=desk.now,
    )
    desk.session.add(assignment)
    desk.session.flush()
    return assignment


def _announce(desk: Desk, period: str, institution_id: int, assignments: list[Assignment]) -> int:
    """One email per follow-up, or one digest when the institution owns many."""
    to = addressee_or_coordinator(
        session=desk.session,
        institution_id=institution_id,
        roles=("focal-point", "deputy"),
        settings=desk.settings,
    )
    post = Post(desk.session, desk.settings, desk.now)
    views = [linked_view(a, settings=desk.settings, now=desk.now) for a in assignments]
    if len(assignments) < DIGEST_FROM:
        queued = [
            post.queue(f"{a.key}:opened", to, AssignmentCreated(assignment=view))
            for a, view in zip(assignments, views, strict=True)
        ]
        return sum(len(keys) for keys in queued)
    digest = FollowUpDigest(
        period=period, due_at=min(a.due_at for a in assignments), items=views, total=len(views)
    )
    return len(post.queue(f"recommendation-follow-up:{period}:{institution_id}", to, digest))


def open_follow_ups(desk: Desk) -> FollowUp:
    """Open this period's follow-up of every open recommendation, and tell the owners."""
    done = FollowUp(quarter_label(desk.calendar.local_date(desk.now)))
    new: dict[int, list[Assignment]] = defaultdict(list)
    for recommendation, source in open_recommendations(desk):
        assignment = _open_one(desk, recommendation, source)
        if assignment is not None:
            new[assignment.institution_id].append(assignment)
            done.opened.append(assignment.key)
    for institution_id, assignments in sorted(new.items()):
        period = assignments[0].key.rsplit(":", 1)[1]
        done.queued += _announce(desk, period, institution_id, assignments)
    return done


def months_open(published_on: date, today: date) -> int:
    """Whole months from publication to today."""
    return (
        (today.year - published_on.year) * 12
        + today.month
        - published_on.month
        - (1 if today.day < published_on.day else 0)
    )
