"""Hostile values at the command line: a one-line refusal naming the option, never a traceback."""

from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from deployments.cli import app
from models.lifecycle.tables import Assignment
from models.reference.institutions import Institution
from models.schema import METADATA
from tests.support.factories import make_assignment, make_institution
from tests.support.meetings import convened_meeting
from tests.support.reference import dump, small_document
from tests.support.samples import NOW


def rows(engine: Engine) -> dict[str, object]:
    """Every table's rows, so that any write shows."""
    with engine.connect() as connection:
        return {
            table.name: sorted(map(repr, connection.execute(select(table)).all()))
            for table in METADATA.sorted_tables
        }


def concord(*argv: str) -> Result:
    """Run `concord` in this process, as a terminal would."""
    return CliRunner().invoke(app, list(argv), env={"COLUMNS": "200", "NO_COLOR": "1"})


def refused(result: Result, code: int, *problem: str) -> None:
    """The command stopped with `code`, no traceback, and its message names the problem."""
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for words in problem:
        assert words in result.output, result.output


def one_assignment(engine: Engine) -> Assignment:
    with Session(engine, expire_on_commit=False) as session:
        institution = make_institution(session, "ANITP")
        return make_assignment(session, institution, key="report:P:1", due_at=NOW)


@pytest.mark.parametrize(
    ("ref", "code", "problem"),
    [
        ("²", 1, "assignment: no assignment '²'"),
        (str(2**31), 1, f"assignment: no assignment '{2**31}'"),
        ("a\x00b", 2, "REF: contains the control character U+0000"),
    ],
)
def test_snooze_and_waive_refuse_an_assignment_no_id_or_key_can_name(
    engine: Engine, ref: str, code: int, problem: str
) -> None:
    one_assignment(engine)
    before = rows(engine)
    refused(concord("assignments", "snooze", ref, "--until", "2099-01-01"), code, problem)
    refused(concord("assignments", "waive", ref, "--reason", "duplicate"), code, problem)
    assert rows(engine) == before


@pytest.mark.parametrize("until", ["9999-12-31", "0001-01-01"])
def test_snooze_refuses_a_day_out_of_range(engine: Engine, until: str) -> None:
    assignment = one_assignment(engine)
    before = rows(engine)
    result = concord("assignments", "snooze", str(assignment.id), "--until", until)
    refused(result, 2, f"--until: {until} is not between 2000-01-01 and 2100-12-31")
    assert rows(engine) == before


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("command", [("show",), ("cancel",), ("move", "--place", "Sala 2")])
def test_a_meeting_on_a_day_out_of_range_is_refused(
    engine: Engine, day: str, command: tuple[str, ...]
) -> None:
    convened_meeting(engine)
    before = rows(engine)
    result = concord("meetings", command[0], "WG", day, *command[1:])
    refused(result, 2, f"DAY: {day} is not between 2000-01-01 and 2100-12-31")
    assert rows(engine) == before


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["assignments", "--institution", "AN\x00ITP"], "--institution"),
        (["assignments", "--kind", "report\x00"], "--kind"),
        (["outbox", "retry", "key\x00"], "KEY"),
        (["meetings", "--body=W\x00G"], "--body"),
        (["meetings", "show", "W\x00G", "2026-01-01"], "BODY"),
        (["referrals", "status", "RO-REF-2026-00001\x00", "assisted"], "REFERENCE"),
    ],
)
def test_a_nul_in_any_argument_is_refused_by_name(
    engine: Engine, argv: list[str], option: str
) -> None:
    convened_meeting(engine)
    before = rows(engine)
    refused(concord(*argv), 2, f"{option}: contains the control character U+0000")
    assert rows(engine) == before


def test_a_refusal_shows_console_markup_as_typed(engine: Engine) -> None:
    before = rows(engine)
    result = concord("assignments", "--status", "[/]")
    refused(result, 2, "--status: '[/]' is not an open status")
    assert rows(engine) == before


MARKUP = ["[/]", "[bold]Agenția[/bold", "[link=https://attacker.example]Agenția[/link]"]


@pytest.mark.parametrize("name", MARKUP)
def test_names_with_console_markup_are_loaded_and_shown_as_written(
    engine: Engine, tmp_path: Path, name: str
) -> None:
    first, second = small_document(), small_document()
    second["institutions"][1]["name"] = name
    second["bodies"][0]["name"] = name
    (tmp_path / "first.yaml").write_text(dump(first), encoding="utf-8")
    (tmp_path / "second.yaml").write_text(dump(second), encoding="utf-8")
    assert concord("load", str(tmp_path / "first.yaml")).exit_code == 0
    loaded = concord("load", str(tmp_path / "second.yaml"))
    assert loaded.exit_code == 0 and loaded.exception is None, loaded.output
    assert f"-> {name!r}" in loaded.output
    summary = concord("summary")
    assert summary.exit_code == 0 and summary.exception is None, summary.output
    assert name in summary.output
    with Session(engine) as session:
        query = select(func.count()).select_from(Institution).where(Institution.name == name)
        assert session.scalar(query) == 1
