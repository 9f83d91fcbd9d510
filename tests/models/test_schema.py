"""The schema is built from the engine's tables and the tables each installed duty declares."""

from sqlmodel import SQLModel

from models.duties import INSTALLED
from models.schema import DUTY_TABLES, ENGINE_TABLES, METADATA, TABLES


def concord_tables() -> dict[str, type]:
    """Every class of Concord's models mapped to a table, by table name (tests' own aside)."""
    return {
        mapper.class_.__table__.name: mapper.class_
        for mapper in SQLModel._sa_registry.mappers  # type: ignore[attr-defined]
        if hasattr(mapper.class_, "__table__") and mapper.class_.__module__.startswith("models.")
    }


def test_the_schema_holds_exactly_the_declared_tables() -> None:
    declared = {table.__table__.name for table in TABLES}  # type: ignore[attr-defined]
    assert len(declared) == len(TABLES), "a table is declared twice"
    assert declared == set(METADATA.tables) == set(concord_tables())
    assert declared <= set(SQLModel.metadata.tables)


def test_each_duty_declares_the_tables_of_its_own_package_and_no_other() -> None:
    for duty in INSTALLED:
        package = f"models.{duty.name}."
        own = {table for table in concord_tables().values() if table.__module__.startswith(package)}
        assert set(duty.tables) == own, duty.name


def test_the_engine_declares_no_duty_table() -> None:
    packages = {f"models.{duty.name}" for duty in INSTALLED}
    for table in ENGINE_TABLES:
        assert table.__module__.rsplit(".", 1)[0] not in packages
    assert not set(ENGINE_TABLES) & set(DUTY_TABLES)
