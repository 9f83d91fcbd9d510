"""The demo's recommendations: the sample set imported, followed up, two owners answering."""

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session, col, select

from models.core.db import get_engine, session_scope
from models.core.settings import get_settings
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment
from models.recommendations.importing import SAMPLE_FILE, read_recommendation_file
from models.recommendations.saving import save_recommendations

# (recommendation, what its lead institution reports)
ANSWERS = {
    "GRETA-3/1": {
        "recommendation_status": "partially",
        "evidence": "Ordinul privind plata despăgubirilor din fondul bunurilor confiscate a fost "
        "adoptat; primele plăți sunt programate.",
        "document": "Ordinul ministrului justiției (exemplu)",
    },
    "GRETA-3/2": {
        "recommendation_status": "in-progress",
        "evidence": "Ghidul de identificare pentru solicitanții de azil a fost difuzat "
        "centrelor regionale; 120 de specialiști formați.",
        "document": "Raportul ANITP de formare (exemplu)",
    },
}
Post = Callable[[Assignment, datetime, dict[str, str]], int]


def run_recommendations(post: Post, say: Callable[[str], None]) -> None:
    """Import the sample set, ask the owners, let two answer, and draft the reply to GRETA."""
    from flows.recommendation_follow_up import recommendation_follow_up
    from tasks.recommendations.follow_up import FollowedUp

    settings = get_settings()
    engine = get_engine(settings.resolved_database_url())
    rows = read_recommendation_file(SAMPLE_FILE.name, SAMPLE_FILE.read_bytes())
    with session_scope(engine) as session:
        imported = save_recommendations(session, rows, datetime.now(settings.zone))
    say(f"sample recommendations: {imported.added} added, {imported.unchanged} already there")
    followed = recommendation_follow_up()["followed"]
    assert isinstance(followed, FollowedUp)
    say(f"recommendation follow-up: {followed.opened} asked, {followed.unlinked} with no measure")
    now = datetime.now(settings.zone)
    with Session(engine) as session:
        for code, form in ANSWERS.items():
            waiting = session.exec(
                select(Assignment).where(
                    Assignment.subject_ref == code,
                    col(Assignment.status).in_(OPEN_ASSIGNMENT_STATUSES),
                )
            ).first()
            if waiting is not None:
                say(f"  {code}: its lead institution answered, HTTP {post(waiting, now, form)}")
    replies = recommendation_follow_up(reply_for="GRETA-3")["replies"]
    assert isinstance(replies, list)
    say(f"  drafted reply to GRETA: {replies[-1]} (and reply.html, reply.xlsx)")
