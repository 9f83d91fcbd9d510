"""`concord privacy`: where personal data sits in Concord's tables and Prefect's runs."""

import json
import os
from collections import Counter
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from sqlmodel import select

from deployments.cli_support import console, migrate_quietly, say, settings_or_exit
from models.core.db import get_engine, read_scope, session_scope
from models.core.i18n import N_
from models.core.privacy import KINDS
from models.core.privacy_scan import MARKER, Finding, kind_in, scan_database
from models.core.settings import Settings
from models.core.types import utcnow
from models.reference.institutions import Contact

if TYPE_CHECKING:
    from prefect.client.schemas.objects import FlowRun

privacy_app = typer.Typer(help="Find personal data Concord should never have kept.")
RUNS_PAGE = 200


def known_mailboxes(settings: Settings) -> frozenset[str]:
    """The addresses Concord writes to or from by design: contacts, partners, its own."""
    with read_scope(get_engine(settings.resolved_database_url())) as session:
        contacts = set(session.exec(select(Contact.email)).all())
    partners = {p.email for p in settings.partners.values() if p.email}
    own = {str(settings.sender), str(settings.coordinator_email)}
    return frozenset(a.lower() for a in contacts | partners | own)


def _run_finding(run: "FlowRun", known: frozenset[str]) -> tuple[str | None, dict[str, str]]:
    """The kind found in a run's name, and in each of its parameters."""
    in_parameters = {
        name: kind
        for name, value in run.parameters.items()
        if (kind := kind_in(json.dumps(value, ensure_ascii=False, default=str), known))
    }
    return kind_in(run.name, known), in_parameters


def _redact_run(client: Any, run: "FlowRun", name_kind: str | None, found: dict[str, str]) -> None:
    """Replace the run's name and the parameters holding personal data with the marker."""
    parameters = {k: (MARKER if k in found else v) for k, v in run.parameters.items()}
    name = f"{MARKER} {str(run.id)[:8]}" if name_kind else None
    client.update_flow_run(run.id, parameters=parameters, name=name)


def scan_prefect(known: frozenset[str], redact: bool) -> list[Finding]:
    """Personal data in the names and parameters of the runs Prefect keeps."""
    from prefect.client.orchestration import get_client  # loads Prefect: only when asked

    counts: Counter[tuple[str, str]] = Counter()
    with get_client(sync_client=True) as client:
        offset = 0
        while runs := client.read_flow_runs(limit=RUNS_PAGE, offset=offset):
            offset += len(runs)
            for run in runs:
                name_kind, found = _run_finding(run, known)
                places = ([("name", name_kind)] if name_kind else []) + list(found.items())
                counts.update(places)
                if redact and places:
                    _redact_run(client, run, name_kind, found)
    return [Finding("prefect:flow_run", c, k, n) for (c, k), n in sorted(counts.items())]


def show(findings: list[Finding], redact: bool) -> None:
    """The findings as a table: where, what kind, how many; never the values."""
    table = Table(show_edge=False)
    for heading in (N_("Table"), N_("Column"), N_("Personal data")):
        table.add_column(say(heading))
    table.add_column(say(N_("Removed") if redact else N_("Values")), justify="right")
    for finding in findings:
        table.add_row(finding.table, finding.column, say(KINDS[finding.kind]), f"{finding.count:,}")
    console.print(table)


@privacy_app.command("scan")
def scan(
    redact: Annotated[
        bool, typer.Option("--redact", help="replace each value found with a marker")
    ] = False,
) -> None:
    """Look through every text column, and Prefect's runs, for personal data."""
    settings = settings_or_exit()
    migrate_quietly()
    known = known_mailboxes(settings)
    scope = session_scope if redact else read_scope  # redacting writes as it reads
    with scope(get_engine(settings.resolved_database_url())) as session:
        findings = scan_database(
            session,
            known=known,
            now=utcnow(),
            redact=redact,
            progress=lambda where: console.print(f"  {where}", style="dim", highlight=False),
        )
        session.commit()
    if os.environ.get("PREFECT_API_URL"):
        findings += scan_prefect(known, redact)
    else:
        console.print(say(N_("Prefect's runs: not looked at (PREFECT_API_URL is not set).")))
    if not findings:
        console.print(say(N_("No personal data found.")))
        raise typer.Exit(0)
    show(findings, redact)
    raise typer.Exit(0 if redact else 1)
