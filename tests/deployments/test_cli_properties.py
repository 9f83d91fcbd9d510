"""Hostile values at every command of the command line: a message, never a traceback or a write.

Each command's parameters are read from the command tree itself, so a new command or option
is covered the day it is added. The commands that start servers or long work are left out.
"""

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session
from typer.testing import CliRunner

from deployments.cli import app
from models.core.db import make_engine
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.samples import NOW

ROMANIA = Path(__file__).resolve().parents[2] / "data" / "romania.yaml"
LEFT_OUT = {"up", "demo", "portal", "bench", "automations", "retention"}  # servers, long work
HOSTILE = [
    "",
    " ",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "nan",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01",
    "2026-06-01T25:00",
    "2026-06-01T08:00:00+25:00",
    "{{ 7 * 7 }}",
    "{% raw %}",
    "'; DROP TABLE assignment; --",
    "[bold red]markup[/]",
    "\x1b[31mred\x1b[0m",
    "line\nbreak\r\x07",
    "ANITP",
    "SNITP-2024-2028",
    "2026-S2",
    "/nonexistent/folder/file.csv",
    "/dev/zero",
    "/",
    "x" * 20_000,
]
# An argv cannot carry NUL, and undecodable bytes arrive as surrogates the terminal cannot show.
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60),
)


def commands() -> list[tuple[str, ...]]:
    """Every command path, groups that run by themselves included."""
    found: list[tuple[str, ...]] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        runs = subcommands is None or getattr(command, "invoke_without_command", False)
        if runs and path and path[0] not in LEFT_OUT:
            found.append(path)
        for name, sub in (subcommands or {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


def command_at(path: tuple[str, ...]) -> Any:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


@st.composite
def command_lines(draw: st.DrawFn, path: tuple[str, ...]) -> list[str]:
    """The command's path, then every argument and a drawn choice of its options."""
    argv: list[str] = list(path)
    for param in command_at(path).params:
        if param.param_type_name == "argument":
            argv.append(draw(VALUES))
        elif param.required or draw(st.booleans()):
            argv.append(param.opts[0])
            if not param.is_flag:
                argv.append(draw(VALUES))
    return argv


def database_digest(path: Path) -> str:
    """A digest of every row, so any write shows."""
    with sqlite3.connect(path) as connection:
        return hashlib.sha256("\n".join(connection.iterdump()).encode()).hexdigest()


@pytest.fixture(scope="module")
def loaded_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated database with the national reference data loaded."""
    path = tmp_path_factory.mktemp("cli") / "concord.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        load_reference(
            session=session,
            doc=parse_reference_document(ROMANIA.read_text(encoding="utf-8")),
            source="test",
            now=NOW,
        )
        session.commit()
    engine.dispose()
    return path


@pytest.fixture
def database(
    loaded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    path = tmp_path / "concord.db"
    shutil.copy(loaded_template, path)
    monkeypatch.setenv("CONCORD_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("COLUMNS", "200")
    yield path


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_hostile_values_get_a_message_and_change_nothing(
    path: tuple[str, ...], database: Path
) -> None:
    before = database_digest(database)

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(argv=command_lines(path))
    def one(argv: list[str]) -> None:
        result = CliRunner().invoke(app, argv)
        shown = (result.stdout or "") + (result.stderr or "")
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            argv,
            repr(result.exception),
        )
        assert result.exit_code in (0, 1, 2) and "Traceback" not in shown, (argv, shown)
        if result.exit_code != 0:
            assert database_digest(database) == before, (argv, "wrote before refusing")

    one()
