"""The duties Concord runs: adding a duty is one line here (see docs/architecture.md)."""

from models.campaigns.duty import DUTY as CAMPAIGNS
from models.contacts.duty import DUTY as CONTACTS
from models.cooperation.duty import DUTY as COOPERATION
from models.lifecycle.duty import Duty
from models.meetings.duty import DUTY as MEETINGS
from models.monitoring.duty import DUTY as MONITORING
from models.recommendations.duty import DUTY as RECOMMENDATIONS
from models.referrals.duty import DUTY as REFERRALS

INSTALLED: tuple[Duty, ...] = (
    MONITORING,
    MEETINGS,
    COOPERATION,
    REFERRALS,
    CAMPAIGNS,
    RECOMMENDATIONS,
    CONTACTS,
)
