"""Names of codes shown on the portal's pages, marked for translation."""

from models.core.i18n import N_
from models.messaging.vocabulary import VOCABULARY, name_in

CODES = {
    **VOCABULARY,
    # answer form fields
    "progress": N_("Progress"),
    "indicator_value": N_("Indicator value"),
    "narrative": N_("What was done"),
    "attachment": N_("Attachment"),
    "attending": N_("Attendance"),
    "delegate_name": N_("Name and position of the delegate"),
    "action": N_("Action"),
    "message": N_("Answer"),
    "decision": N_("Decision"),
    "reason": N_("Reason"),
    "proposals": N_("Agenda proposals"),
    "activities": N_("Activities"),
    "held_on": N_("Date"),
    "county": N_("County"),
    "channel": N_("Channel"),
    "target_group": N_("Target group"),
    "form": N_("Form of exploitation"),
    "participants": N_("Participants"),
    "reach": N_("People reached"),
    "materials": N_("Materials distributed"),
    "partner": N_("Partner"),
    "recommendation_status": N_("Where the recommendation stands"),
    "evidence": N_("What was done, as evidence for the state's reply"),
    "done_on": N_("When it was done"),
    "document": N_("Document that shows it (e.g. an order, a report, a law)"),
    "partially": N_("partially implemented"),
    "implemented": N_("implemented"),
    "not-implemented": N_("not implemented"),
    # answer choices
    "yes": N_("Yes, we attend"),
    "no": N_("We do not attend"),
    "delegate": N_("A delegate attends"),
    "acknowledge": N_("We acknowledge receipt"),
    "decide": N_("We decided on recognition and execution"),
    "answer": N_("We send our answer"),
    "refuse": N_("We refuse the request"),
    "accept": N_("We accept the referral"),
    "reject": N_("We reject the referral"),
    "note": N_("Note"),
    "out-of-area": N_("The case is outside our area"),
    "no-capacity": N_("We have no place or staff for it now"),
    "not-eligible": N_("The person does not meet the conditions for assistance"),
    "already-assisted": N_("The person is already assisted"),
    "consent-withdrawn": N_("The person withdrew consent"),
    "other": N_("Another reason (say which in the note)"),
    # campaign activities: channels, target groups, forms of exploitation
    "channel:direct-meetings": N_("direct meetings"),
    "channel:campaign-materials": N_("campaign materials"),
    "channel:theatre": N_("theatre"),
    "channel:film": N_("film"),
    "channel:audiovisual": N_("radio and television"),
    "channel:print-media": N_("print media"),
    "channel:online": N_("online and social networks"),
    "target_group:vulnerable-groups": N_("vulnerable groups"),
    "target_group:general-public": N_("general public"),
    "target_group:professionals": N_("professionals in contact with victims"),
    "target_group:pupils": N_("pupils"),
    "target_group:parents-teachers": N_("parents and teachers"),
    "target_group:workers-abroad": N_("people leaving to work abroad"),
    "form:sexual": N_("sexual exploitation"),
    "form:labour": N_("labour exploitation"),
    "form:begging": N_("forced begging"),
    "form:online": N_("online recruitment"),
    "form:demand": N_("demand for services of victims"),
    # why a form takes no answer
    "locked": N_("The reporting period is locked; the form takes no more answers."),
    "closed": N_("The deadline has passed; your recorded answer stands."),
    "withdrawn": N_("This request was withdrawn and needs no answer."),
}


def name_of(code: str, language: str) -> str:
    """The name of a code in `language`; the code itself when it has none."""
    return name_in(CODES, code, language)
