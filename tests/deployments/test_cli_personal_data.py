"""Personal data typed at any command of the command line is stored nowhere.

Each command's parameters are read from the command tree, so a new command or option is
covered the day it is added; every argument and option gets each kind of personal data.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from deployments.cli import app
from models.core.db import make_engine
from models.reference.institutions import Institution
from tests.deployments.test_cli_properties import (
    command_at,
    commands,
    database,  # noqa: F401 (fixture)
    database_digest,
    loaded_template,  # noqa: F401 (fixture)
)
from tests.support.factories import make_assignment
from tests.support.personal_data import CORPUS

SOON = datetime.now(UTC) + timedelta(days=10)

ONE_OF_EACH = [texts[0] for texts in CORPUS.values()]
# values that reach past the first check, so a note or reason is really looked at
FILLERS = {"ref": "1", "until": "2099-01-15"}


@pytest.fixture
def seeded(database: Path) -> Path:  # noqa: F811
    """The loaded database with one open assignment, id 1."""
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        institution = session.exec(select(Institution).where(Institution.code == "ANITP")).one()
        make_assignment(session, institution, key="report:X:2026-S2:1.1.1:ANITP", due_at=SOON)
    engine.dispose()
    return database


def command_lines(path: tuple[str, ...], spoiled: str, text: str) -> list[str]:
    """The command with `text` in the parameter `spoiled`, and a filler in every other one."""
    argv = list(path)
    for param in command_at(path).params:
        value = text if param.name == spoiled else FILLERS.get(str(param.name), "x")
        if param.param_type_name == "argument":
            argv.append(value)
        elif (param.name == spoiled or param.required) and not param.is_flag:
            argv += [param.opts[0], value]
    return argv


def text_doors() -> list[tuple[tuple[str, ...], str]]:
    return [
        (path, param.name)
        for path in commands()
        for param in command_at(path).params
        if not getattr(param, "is_flag", False) and param.name is not None
    ]


def test_the_command_line_has_its_doors_found() -> None:
    assert len(text_doors()) >= 40


@pytest.mark.parametrize(("path", "spoiled"), text_doors(), ids=lambda v: str(v))
def test_personal_data_at_a_command_is_stored_nowhere(
    path: tuple[str, ...], spoiled: str, seeded: Path
) -> None:
    before = database_digest(seeded)
    for text in ONE_OF_EACH:
        result = CliRunner().invoke(app, command_lines(path, spoiled, text))
        shown = (result.stdout or "") + (result.stderr or "")
        assert "Traceback" not in shown and result.exit_code in (0, 1, 2), (text, shown)
    assert database_digest(seeded) == before
