"""Contacts as a duty: the yearly (and after a bounce) confirmation, its form and its panels."""

from models.contacts.changes import take_answer
from models.contacts.details import contacts_details
from models.contacts.forms import PARTIALS, WORDS, ContactsAnswer
from models.contacts.panels import contacts_panels
from models.contacts.rules import CONFIRMATION_KIND, POLICY
from models.contacts.sweep import sweep_contacts
from models.lifecycle.duty import AssignmentKind, Duty

DUTY = Duty(
    name="contacts",
    kinds=(
        AssignmentKind(
            CONFIRMATION_KIND,
            ContactsAnswer,
            {"ro": "confirmarea persoanelor de contact", "en": "confirmation of the contacts"},
            template="contacts-form.html",
            policy=POLICY,
            on_answer=take_answer,
            details=contacts_details,
        ),
    ),
    words=WORDS,
    templates=PARTIALS,
    commands="deployments.cli_contacts:contacts_app",
    flows=("flows.contacts_confirmation",),
    sweep=sweep_contacts,
    panels=contacts_panels,
)
