"""Asking institutions to confirm their contacts now, as the daily sweep does every day."""

from datetime import datetime

from prefect import flow

from models.core.types import utcnow
from tasks.contacts.confirmation import ask_contacts_task
from tasks.messaging.outbox import deliver_outbox


@flow(name="contacts-confirmation", flow_run_name="contacts confirmation", validate_parameters=True)
def contacts_confirmation(now: datetime | None = None) -> dict[str, object]:
    """Ask every institution that owes it to confirm its contacts, and send the emails.

    An institution owes it in its own two weeks of the year when its contacts were never
    confirmed or last confirmed over a year ago, and at once after a bounce; the daily sweep
    asks the same each day, so running this between sweeps only brings the asking forward.

    Args:
        now: The moment to act as if it were (empty means now); for demos and tests.
    """
    moment = now or utcnow()
    opened = ask_contacts_task(moment)
    delivery = deliver_outbox(moment)
    return {"opened": opened, "delivery": delivery}
