"""Names of codes shown on the portal's pages, marked for translation.

The portal names only its own codes: the upload field and why a form takes no answer. Each
duty names its form fields and choices in `Duty.words`; CODES merges them all. The reasons
"closed" and "withdrawn" (and "locked") win over the statuses duties give the same codes:
on a portal page these codes only ever say why the form is shut.
"""

from models.core.i18n import N_
from models.messaging.vocabulary import ENGINE_WORDS, Vocabulary, name_in

FORM_WORDS = {
    "attachment": N_("Attachment"),
    # why a form takes no answer
    "locked": N_("The reporting period is locked; the form takes no more answers."),
    "closed": N_("The deadline has passed; your recorded answer stands."),
    "withdrawn": N_("This request was withdrawn and needs no answer."),
}
CODES = Vocabulary({**ENGINE_WORDS, **FORM_WORDS})


def name_of(code: str, language: str) -> str:
    """The name of a code in `language`; the code itself when it has none."""
    return name_in(CODES, code, language)
