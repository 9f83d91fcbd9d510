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


class Recurrence(StrEnum):
    ANNUAL = "annual"
    SEMESTER = "semester"
    QUARTERLY = "quarterly"
    PERMANENT = "permanent"


class MeasureRole(StrEnum):
    RESPONSIBLE = "responsible"
    PARTNER = "partner"


class AssignmentKind(StrEnum):
    MONITORING_REPORT = "monitoring-report"
    ACTION_ITEM = "action-item"
    COOPERATION_REQUEST = "cooperation-request"
    ATTENDANCE = "attendance"
    REFERRAL = "referral"
    AGENDA_ITEMS = "agenda-items"


class AssignmentStatus(StrEnum):
    OPEN = "open"
    REMINDED = "reminded"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    DONE = "done"
    WAIVED = "waived"
    CANCELLED = "cancelled"


OPEN_ASSIGNMENT_STATUSES = frozenset(
    {
        AssignmentStatus.OPEN,
        AssignmentStatus.REMINDED,
        AssignmentStatus.OVERDUE,
        AssignmentStatus.ESCALATED,
    }
)
