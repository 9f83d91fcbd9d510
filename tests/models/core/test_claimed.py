"""A row claimed by one transaction is skipped by another on PostgreSQL, never failed on."""

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.core.sql import claimed
from models.reference.institutions import Institution
from tests.support.factories import make_institution


def test_a_row_another_transaction_holds_is_skipped_on_postgresql(engine: Engine) -> None:
    with Session(engine) as first, Session(engine) as second:
        institution = make_institution(first, "IGPR")
        first.commit()
        assert institution.id is not None
        assert claimed(first, Institution, 10_000) is None, "no such row"
        assert claimed(first, Institution, institution.id) is not None  # held until commit
        held = claimed(second, Institution, institution.id)
        if engine.dialect.name == "postgresql":
            assert held is None, "skipped while the first transaction holds it"
        else:
            assert held is not None, "SQLite runs one write transaction at a time anyway"
        first.commit()
        second.rollback()
        assert claimed(second, Institution, institution.id) is not None
        second.rollback()
