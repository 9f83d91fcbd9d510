"""Small builders for rows the tests need."""

from datetime import datetime

from sqlmodel import Session

from models.lifecycle.tables import Assignment
from models.reference.institutions import Contact, Institution


def make_institution(
    session: Session,
    code: str,
    *,
    language: str = "ro",
    emails: dict[str, str] | None = None,
    webhook_url: str | None = None,
) -> Institution:
    """An institution with contacts (default: the three roles at `<code>.example`)."""
    institution = Institution(
        code=code,
        name=f"Instituția {code}",
        kind="agency",
        language=language,
        webhook_url=webhook_url,
    )
    session.add(institution)
    session.flush()
    assert institution.id is not None
    domain = f"{code.lower()}.example"
    roles = emails or {role: f"{role}@{domain}" for role in ("focal-point", "deputy", "head")}
    for role, address in roles.items():
        session.add(Contact(institution_id=institution.id, role=role, email=address))
    session.commit()
    return institution


def make_assignment(
    session: Session,
    institution: Institution,
    *,
    key: str,
    due_at: datetime,
    kind: str = "monitoring-report",
    title: str = "Raport semestrial",
    subject_ref: str = "1.1.1",
) -> Assignment:
    """An open assignment for `institution`."""
    assert institution.id is not None
    assignment = Assignment(
        key=key,
        kind=kind,
        institution_id=institution.id,
        subject_type="measure",
        subject_ref=subject_ref,
        title=title,
        due_at=due_at,
    )
    session.add(assignment)
    session.commit()
    return assignment
