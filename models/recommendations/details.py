"""What the owner reads above the follow-up form: the recommendation summarised in Romanian
beside the body's own words, where it comes from, and how far it is implemented."""

from datetime import datetime

from sqlmodel import Session

from models.core.i18n import N_, translate
from models.lifecycle.tables import Assignment
from models.messaging.vocabulary import VOCABULARY, name_in
from models.recommendations.reply import recommendation_details, with_source
from models.recommendations.rules import WORDS
from models.recommendations.tables import Recommendation, RecommendationSource

RECOMMENDATION = N_("Recommendation")
SUMMARY = N_("Summary in Romanian")
NO_SUMMARY = N_("No summary in Romanian has been written yet; read the original text below.")
ORIGINAL = N_("Original text (%(language)s)")
LANGUAGE_NAMES = {"en": N_("in English"), "fr": N_("in French"), "ro": N_("in Romanian")}
IMPLEMENTATION = N_("Implementation status of the recommendation")
QUOTES = {"ro": ("„", "”"), "en": ("“", "”")}


def follow_up_details(
    session: Session, assignment: Assignment, language: str, now: datetime
) -> list[tuple[str, str]]:
    """The summary and the quoted original, the source, the measures, the status reached."""
    found = with_source(session, assignment.subject_ref)
    if found is None:
        return []
    recommendation, source = found
    text_label = translate(language, RECOMMENDATION)
    others = recommendation_details(session, assignment, language)
    return [
        *wording_rows(recommendation, source, language),
        *(row for row in others if row[0] != text_label),
        (translate(language, IMPLEMENTATION), status_name(recommendation.status, language)),
    ]


def wording_rows(
    recommendation: Recommendation, source: RecommendationSource, language: str
) -> list[tuple[str, str]]:
    """The summary and the quoted original for a Romanian reader; the original for others."""
    opening, closing = QUOTES.get(language, QUOTES["en"])
    quoted = f"{opening}{recommendation.text}{closing}"
    if language != "ro":
        return [(translate(language, RECOMMENDATION), quoted)]
    summary = recommendation.summary_ro.strip() or translate(language, NO_SUMMARY)
    named = LANGUAGE_NAMES.get(source.language)
    original = translate(language, ORIGINAL) % {
        "language": translate(language, named) if named else source.language
    }
    return [(translate(language, SUMMARY), summary), (original, quoted)]


def status_name(status: str, language: str) -> str:
    """The recommendation's status in `language` ("implementată parțial")."""
    return name_in({**VOCABULARY, **WORDS}, status, language)
