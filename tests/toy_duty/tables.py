"""The toy duty's one table: what each institution counted."""

from sqlmodel import Field, SQLModel


class LeafletCount(SQLModel, table=True):
    """Leaflets an institution reports it still holds, by the assignment that asked."""

    __tablename__ = "toy_leaflet_count"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(unique=True)
    state: str = Field(max_length=10)
    boxes: int
