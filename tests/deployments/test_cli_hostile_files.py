"""Files built to exhaust their reader are refused by the command line: named, clear, unwritten."""

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.campaigns.tables import HelplineMonth
from models.recommendations.tables import Recommendation
from models.reference.institutions import Institution
from tests.deployments.test_cli import concord
from tests.support import hostile_files as hostile

ALIASES = "its aliases expand to more than 1,000,000 values; Concord refuses such a document"
CASES: list[tuple[tuple[str, ...], str, Callable[[], bytes], str]] = [
    (
        ("campaigns", "helpline"),
        "apeluri.xlsx",
        lambda: hostile.zip_bomb(500),
        "The workbook unpacks to more than 64 MB; send it in parts.",
    ),
    (
        ("campaigns", "helpline"),
        "apeluri.xlsx",
        hostile.entity_bomb,
        "The workbook declares XML entities (a DOCTYPE), which Concord refuses.",
    ),
    (
        ("recommendations", "import"),
        "greta.xlsx",
        lambda: hostile.zip_bomb(500),
        "The workbook unpacks to more than 64 MB; send it in parts.",
    ),
    (
        ("recommendations", "import"),
        "greta.xlsx",
        lambda: hostile.external_entity("/etc/hostname"),
        "The workbook declares XML entities (a DOCTYPE), which Concord refuses.",
    ),
    (
        ("recommendations", "import"),
        "greta.yaml",
        lambda: hostile.yaml_bomb(9).encode(),
        ALIASES,
    ),
    (("load",), "romania.yaml", lambda: hostile.yaml_bomb(9).encode(), ALIASES),
]


# the command line reads both databases alike; the model tests cover PostgreSQL
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("command", "name", "build", "said"),
    CASES,
    ids=[
        "helpline zip bomb",
        "helpline entities",
        "recommendations zip bomb",
        "xxe",
        "yaml",
        "load",
    ],
)
def test_a_hostile_file_is_refused_by_name_without_a_traceback_and_nothing_is_written(
    command: tuple[str, ...],
    name: str,
    build: Callable[[], bytes],
    said: str,
    engine: Engine,
    tmp_path: Path,
) -> None:
    hostile_file = tmp_path / name
    hostile_file.write_bytes(build())
    refused = concord(*command, str(hostile_file), env={"CONCORD_LANGUAGE": "en"})
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr and "MemoryError" not in refused.stderr
    assert f"{hostile_file}: " in refused.stderr and said in refused.stderr
    with Session(engine) as session:
        for table in (HelplineMonth, Recommendation, Institution):
            assert session.exec(select(table)).first() is None
