"""Why a referral is rejected is defined once, in RejectionReason, and read everywhere."""

from pathlib import Path

from models.lifecycle.forms import choices
from models.messaging.vocabulary import VOCABULARY
from models.referrals.forms import WORDS, ReferralAnswer
from models.referrals.tables import RejectionReason

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ("models", "portal", "tasks", "flows", "deployments", "templates")
OWN = [reason for reason in RejectionReason if reason != "other"]  # "other" is any list's


def test_the_form_offers_the_rejection_reasons_in_their_order() -> None:
    assert choices(ReferralAnswer, "reason") == tuple(RejectionReason)


def test_every_rejection_reason_has_its_words() -> None:
    assert all(reason in WORDS and reason in VOCABULARY for reason in RejectionReason)


def test_no_reason_is_spelt_out_anywhere_else() -> None:
    spelt = [
        path.relative_to(ROOT)
        for folder in SOURCES
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".html", ".txt", ".yaml")
        and any(f'"{reason}"' in path.read_text(encoding="utf-8") for reason in OWN)
    ]
    assert spelt == [Path("models/referrals/tables.py")]
