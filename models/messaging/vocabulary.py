"""The names of the codes every reader meets: progress, assignment statuses, pillars."""

from models.core.i18n import N_, translate

VOCABULARY = {
    # progress of a measure or an action item
    "not-started": N_("not started"),
    "in-progress": N_("in progress"),
    "done": N_("done"),
    "blocked": N_("blocked"),
    # assignment statuses (done is shared with progress)
    "open": N_("open"),
    "reminded": N_("reminded"),
    "overdue": N_("overdue"),
    "escalated": N_("escalated"),
    "waived": N_("waived"),
    "cancelled": N_("cancelled"),
    # meeting statuses
    "draft": N_("draft"),
    "convened": N_("convened"),
    "held": N_("held"),
    "minuted": N_("minuted"),
    "closed": N_("closed"),
    # cooperation request statuses and directions
    "registered": N_("registered"),
    "acknowledged": N_("acknowledged"),
    "decided": N_("decided"),
    "executed": N_("executed"),
    "refused": N_("refused"),
    "withdrawn": N_("withdrawn"),
    # referral statuses (refused, closed shared above)
    "notified": N_("notified"),
    "accepted": N_("accepted"),
    "rejected": N_("rejected"),
    "assisted": N_("assisted"),
    "revoked": N_("revoked"),
    "incoming": N_("incoming"),
    "outgoing": N_("outgoing"),
    # pillars of the strategy
    "prevention": N_("prevention"),
    "combating": N_("combating"),
    "protection": N_("protection"),
    "partnership": N_("partnership"),
}


def name_in(names: dict[str, str], code: str, language: str) -> str:
    """The name `names` gives a code, in `language`; the code itself when it has none."""
    return translate(language, names[code]) if code in names else code
