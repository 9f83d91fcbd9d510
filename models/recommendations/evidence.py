"""An owner's answer becomes the recommendation's evidence and its current status."""

from pathlib import PurePath
from typing import Any

from sqlmodel import Session, select

from models.core.i18n import N_
from models.core.settings import get_settings
from models.lifecycle.answers import AnswerInvalid
from models.lifecycle.forms import AnswerForm
from models.lifecycle.tables import Answer, Assignment
from models.recommendations.forms import RecommendationProgressAnswer
from models.recommendations.saving import move_recommendation
from models.recommendations.tables import Evidence, Recommendation

FUTURE = N_("%(date)s has not come yet; give the date the work was done.")
# documents and scans an evidence file may be: office documents, PDF, OpenDocument, images
EVIDENCE_TYPES = (
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".csv",
    ".jpg", ".jpeg", ".png", ".tif", ".tiff",
)  # fmt: skip
NOT_EVIDENCE = N_(
    "%(name)s cannot be kept as evidence: send a PDF, Word, Excel or OpenDocument file or an "
    "image (%(types)s)."
)
DOCUMENT_LENGTH = 300  # Evidence.document


def _check_file(answer: Answer) -> None:
    """Refuse an evidence file of a type no reader of the reply could open."""
    name = answer.attachment_name
    if name is not None and PurePath(name).suffix.lower() not in EVIDENCE_TYPES:
        types = ", ".join(suffix.removeprefix(".").upper() for suffix in EVIDENCE_TYPES)
        raise AnswerInvalid({"attachment": (NOT_EVIDENCE, {"name": name, "types": types})})


def document_with_file(document: str, file_name: str | None) -> str:
    """The document the owner named, then the file sent with the answer, as the reply shows."""
    if not file_name:
        return document
    room = DOCUMENT_LENGTH - len(document) - 2
    path = PurePath(file_name)
    if len(file_name) > room:  # keep the file's type: cut its stem
        file_name = path.stem[: max(room - len(path.suffix), 1)] + path.suffix
    return f"{document}; {file_name}" if document else file_name


def _check_done_on(form: RecommendationProgressAnswer, answer: Answer) -> None:
    """Refuse a day the work was done that is still to come where the coordinator works."""
    today = answer.submitted_at.astimezone(get_settings().zone).date()
    if form.done_on is not None and form.done_on > today:
        raise AnswerInvalid({"done_on": (FUTURE, {"date": form.done_on.strftime("%d.%m.%Y")})})


def _keep_evidence(
    session: Session,
    assignment: Assignment,
    recommendation: Recommendation,
    form: RecommendationProgressAnswer,
    answer: Answer,
) -> None:
    """Store the answer as the assignment's evidence, replacing what it gave before."""
    evidence = session.exec(select(Evidence).where(Evidence.assignment_id == assignment.id)).first()
    given: dict[str, Any] = {
        "answer_id": answer.id,
        "status": form.recommendation_status,
        "text": form.evidence,
        "done_on": form.done_on,
        "document": document_with_file(form.document, answer.attachment_name),
        "given_at": answer.submitted_at,
    }
    if evidence is None:
        evidence = Evidence(
            recommendation_id=recommendation.id or 0,
            institution_id=assignment.institution_id,
            assignment_id=assignment.id or 0,
            **given,
        )
    else:
        for name, value in given.items():
            setattr(evidence, name, value)
    session.add(evidence)


def _move_status(
    session: Session,
    recommendation: Recommendation,
    status: str,
    institution_id: int,
    answer: Answer,
) -> None:
    """Give the recommendation the status the answer reports, with its event, if it changed."""
    actor, note = f"institution:{institution_id}", f"answer {answer.id}"
    move_recommendation(session, recommendation, status, actor, note, answer.submitted_at)


def record_evidence(
    session: Session, assignment: Assignment, form: AnswerForm, answer: Answer
) -> None:
    """Keep the answer, with the name of its evidence file, as the evidence (a later answer
    replaces it) and move the status."""
    assert isinstance(form, RecommendationProgressAnswer) and assignment.id is not None
    _check_done_on(form, answer)
    _check_file(answer)
    recommendation = session.exec(
        select(Recommendation).where(Recommendation.code == assignment.subject_ref)
    ).one()
    _keep_evidence(session, assignment, recommendation, form, answer)
    _move_status(
        session, recommendation, form.recommendation_status, assignment.institution_id, answer
    )
