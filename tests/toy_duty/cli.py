"""`concord leaflets`: the toy duty's command-line group."""

import typer
from sqlmodel import Session, func, select

from deployments.cli_support import console, settings_or_exit
from models.core.db import get_engine
from tests.toy_duty.tables import LeafletCount

leaflets_app = typer.Typer(name="leaflets", help="Leaflet stock counts the institutions sent.")


@leaflets_app.callback(invoke_without_command=True)
def leaflets() -> None:
    """How many counts the institutions sent."""
    engine = get_engine(settings_or_exit().resolved_database_url())
    with Session(engine) as session:
        sent = session.exec(select(func.count()).select_from(LeafletCount)).one()
    console.print(f"counts: {sent}")
