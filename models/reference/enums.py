"""The closed vocabularies of the domain, as kebab-case string enums."""

from enum import StrEnum


class Language(StrEnum):
    RO = "ro"
    EN = "en"


class InstitutionKind(StrEnum):
    COORDINATOR = "coordinator"
    AGENCY = "agency"
    REGIONAL_CENTRE = "regional-centre"
    MINISTRY = "ministry"
    POLICE = "police"
    PROSECUTION = "prosecution"
    CHILD_PROTECTION = "child-protection"
    LABOUR = "labour"
    BORDER = "border"
    IMMIGRATION = "immigration"
    NGO = "ngo"
    INTERNATIONAL = "international"
    EMBASSY = "embassy"


class ContactRole(StrEnum):
    FOCAL_POINT = "focal-point"
    DEPUTY = "deputy"
    HEAD = "head"


class BodyKind(StrEnum):
    COMMITTEE = "committee"
    WORKING_GROUP = "working-group"


class Cadence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMESTER = "semester"
    ANNUAL = "annual"


class MembershipRole(StrEnum):
    CHAIR = "chair"
    MEMBER = "member"


class Pillar(StrEnum):
    PREVENTION = "prevention"
    COMBATING = "combating"
    PROTECTION = "protection"
    PARTNERSHIP = "partnership"


def pillar_rank(name: str) -> int:
    """The pillar's place in the strategy's order; anything else comes last."""
    order = list(Pillar)
    return order.index(Pillar(name)) if name in order else len(order)


class Recurrence(StrEnum):
    ANNUAL = "annual"
    SEMESTER = "semester"
    QUARTERLY = "quarterly"
    PERMANENT = "permanent"


class MeasureRole(StrEnum):
    RESPONSIBLE = "responsible"
    PARTNER = "partner"


class StrategyStatus(StrEnum):
    IN_FORCE = "in-force"
    CLOSED = "closed"  # its period is over: kept for the record, no new monitoring rounds


class ServiceKind(StrEnum):
    PHONE_LINE = "phone-line"
    ALERT = "alert"
    PROGRAMME = "programme"
