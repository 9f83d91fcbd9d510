"""The summary's tables of strategies (with their period and status) and public services."""

from rich.table import Table

from deployments.cli_support import console, say
from models.core.i18n import N_
from models.messaging.vocabulary import VOCABULARY
from models.reference.summary import WORDS, Summary


def print_strategies(summary: Summary) -> None:
    """Each strategy or programme: its period, whether in force or closed, its measures."""
    plans = Table(title=say(N_("Strategies and programmes")), show_edge=False, title_justify="left")
    columns = (N_("code"), N_("period"), N_("status"), N_("objectives"), N_("measures"))
    for column in (*columns, N_("by pillar")):
        plans.add_column(say(column))
    for s in summary.strategies:
        by_pillar = ", ".join(
            f"{say(VOCABULARY[p])} {n}" for p, n in sorted(s.measures_by_pillar.items())
        )
        measures = str(sum(s.measures_by_pillar.values()))
        status = say(WORDS[s.status])
        plans.add_row(s.code, s.period, status, str(s.objectives), measures, by_pillar)
    console.print(plans)


def print_services(summary: Summary) -> None:
    """The phone lines, alerts and programmes the reference data lists, if any."""
    if not summary.services:
        return
    table = Table(title=say(N_("Public services")), show_edge=False, title_justify="left")
    for column in (N_("code"), N_("kind"), N_("number"), N_("name"), N_("run by"), N_("part of")):
        table.add_column(say(column))
    for s in summary.services:
        table.add_row(s.code, say(WORDS[s.kind]), s.number, s.name, s.run_by, s.part_of)
    console.print(table)
