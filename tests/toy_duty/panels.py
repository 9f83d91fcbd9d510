"""The toy duty's table on the coordinator's view."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from models.lifecycle.duty import Panel
from tests.toy_duty.tables import LeafletCount


def leaflet_panel(session: Session, now: datetime, language: str, zone: ZoneInfo) -> list[Panel]:
    """Boxes of leaflets reported, by state."""
    counts = session.exec(select(LeafletCount)).all()
    rows = [[count.state, str(count.boxes)] for count in counts]
    return [Panel(title="Leaflet stock", headers=["State", "Boxes"], rows=rows)]
