import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.core.history import StatusEvent
from models.core.migrate import head_revision
from models.reference.institutions import Institution
from tests.support.servers import free_port

CONCORD = str(Path(sys.executable).parent / "concord")
ROMANIA = Path(__file__).resolve().parents[2] / "data" / "romania.yaml"


def concord(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    return subprocess.run([CONCORD, *args], capture_output=True, text=True, env=env, timeout=120)


def test_up_setup_migrates_loads_and_summarises_the_embedded_database(
    isolated_settings: Path,
) -> None:
    result = concord("up", "--setup-only")
    assert result.returncode == 0, result.stderr
    assert (isolated_settings / "concord.db").exists()
    assert "Instituții: 99" in result.stdout  # the coordinator's language, Romanian by default
    assert "SNITP-2024-2028" in result.stdout and "RO-US-CPC-2024-2029" in result.stdout
    assert "Solicitări deschise: 0" in result.stdout and "prevenire 14" in result.stdout
    assert "protecția copilului 49" in result.stdout and "child-protection" not in result.stdout
    english = concord("summary", env={"CONCORD_LANGUAGE": "en"})
    assert "Institutions: 99" in english.stdout and "Open assignments: 0" in english.stdout
    assert "child protection 49" in english.stdout and "border police 1" in english.stdout
    again = concord("up", "--setup-only")
    assert again.returncode == 0, again.stderr
    assert "romania.yaml: no change" in again.stdout


def test_up_refuses_a_port_another_program_holds_without_a_traceback(
    isolated_settings: Path,
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        ports = ("--prefect-port", str(free_port()), "--smtp-port", str(free_port()))
        result = concord("up", "--portal-port", str(taken), *ports)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"port {taken} is already in use" in result.stderr and "--portal-port" in result.stderr


def test_loading_twice_reports_no_change_the_second_time(engine: Engine) -> None:
    first = concord("load", str(ROMANIA))
    assert first.returncode == 0, first.stderr
    assert "institution" in first.stdout and "created" in first.stdout
    second = concord("load", str(ROMANIA))
    assert second.returncode == 0, second.stderr
    assert "no change" in second.stdout
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Institution)).one() == 99


def test_a_bad_file_is_explained_and_nothing_is_written(engine: Engine, tmp_path: Path) -> None:
    document = yaml.safe_load(ROMANIA.read_text(encoding="utf-8"))
    measure = document["strategies"][0]["objectives"][0]["specific"][0]["measures"][0]
    measure["responsible"].append("XYZ")
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(document, allow_unicode=True))
    result = concord("load", str(bad))
    assert result.returncode == 1
    assert "unknown institution 'XYZ'" in result.stderr
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Institution)).one() == 0
        assert session.exec(select(func.count()).select_from(StatusEvent)).one() == 0


def test_dry_run_shows_changes_but_writes_nothing(engine: Engine) -> None:
    result = concord("load", "--dry-run", str(ROMANIA))
    assert result.returncode == 0, result.stderr
    assert "(probă, nu s-a scris nimic)" in result.stdout  # the coordinator's language
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Institution)).one() == 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--from", "2026-04-08", "--working-days", "10"], "2026-04-24"),
        (["--from", "2026-12-24", "--calendar-days", "7"], "2026-12-31"),
        (["--instrument", "eio-recognition", "--received", "2026-12-20"], "2027-01-19"),
    ],
)
def test_deadline_prints_the_due_date(args: list[str], expected: str) -> None:
    result = concord("deadline", *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(expected)


def test_deadline_for_an_instrument_states_its_rule_in_the_coordinators_language() -> None:
    result = concord("deadline", "--instrument", "eio-recognition", "--received", "2026-12-20")
    assert "30 de zile calendaristice de la primire" in result.stdout
    assert (
        "ziua evenimentului nu se socotește" in result.stdout
        and "art. 12 alin. (3)" in result.stdout
    )
    assert "+ cel mult 1 prelungire cu 30 de zile calendaristice" in result.stdout
    english = concord(
        "deadline",
        "--instrument",
        "eio-recognition",
        "--received",
        "2026-12-20",
        env={"CONCORD_LANGUAGE": "en"},
    )
    assert "30 calendar days of receipt" in english.stdout


def test_an_extension_without_a_fixed_period_states_its_condition_without_a_count() -> None:
    result = concord("deadline", "--instrument", "eio-execution", "--received", "2026-12-20")
    assert "x 0" not in result.stdout and " 0 zile" not in result.stdout
    assert "+ prelungire: dacă nu este posibil" in result.stdout
    assert "art. 12 alin. (6)" in result.stdout


def test_the_list_of_clocks_marks_those_to_verify_in_the_coordinators_language() -> None:
    result = concord("deadline", "--list", env={"COLUMNS": "400"})
    assert result.returncode == 0, result.stderr
    marked = [line for line in result.stdout.splitlines() if "în textul actului normativ" in line]
    assert len(marked) == 8 and "[verify]" not in result.stdout
    assert any(line.lstrip().startswith("eio-provisional-measure") for line in marked)
    assert "de verificat" in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["siena-urgent-direct", "--received", "2026-03-29T00:00"], "2026-03-29 09:00 EEST"),
        (["siena-urgent-direct", "--received", "2026-03-28T22:00"], "2026-03-29 07:00 EEST"),
        (["eio-recognition", "--received", "2026-12-20", "--extend", "1"], "2027-02-18"),
    ],
)
def test_a_legal_clock_counts_real_hours_from_the_given_time_and_extends(
    args: list[str], expected: str
) -> None:
    result = concord("deadline", "--instrument", *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["siena-urgent-direct", "--received", "2026-03-29"], "give the time too"),
        (["eio-recognition", "--received", "2026-12-20", "--extend", "2"], "already extended"),
        (
            ["siena-urgent-direct", "--received", "2026-03-29T00:00", "--extend", "1"],
            "cannot be extended",
        ),
        (["eio-recognition", "--received", "yesterday"], "expected YYYY-MM-DDTHH:MM"),
        (["eio-recognition", "--received", "9999-01-01"], "out of range"),
    ],
)
def test_a_clock_question_that_cannot_be_answered_says_why(args: list[str], message: str) -> None:
    result = concord("deadline", "--instrument", *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_an_unknown_instrument_lists_the_known_ones() -> None:
    result = concord("deadline", "--instrument", "eio-nope", "--received", "2026-12-20")
    assert result.returncode == 2
    assert "unknown clock 'eio-nope'" in result.stderr and "eio-recognition" in result.stderr


def test_a_wrong_setting_stops_the_program_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONCORD_SMTP_PORT", "twenty-five")
    result = concord("summary")
    assert result.returncode == 2
    assert "CONCORD_SMTP_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_commands_report_the_revision(isolated_settings: Path) -> None:
    head = head_revision()
    assert f"-> {head}" in concord("db", "upgrade").stdout
    assert f"database: {head}; newest: {head}" in concord("db", "current").stdout
    assert "base" in concord("db", "downgrade", "base").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["db", "upgrade", "nope"], "revision 'nope'"),
        (["db", "downgrade", "nope"], "revision 'nope'"),
        (["deadline", "--from", "9999-12-31", "--calendar-days", "5"], "outside the calendar"),
        (["deadline", "--from", "2026-01-01", "--working-days", "99999999"], "expected -3650"),
        (["assignments", "--csv", "/nonexistent/folder/open.csv"], "does not exist"),
        (
            ["assignments", "snooze", "99999999999999999999", "--until", "2027-01-01"],
            "no assignment",
        ),
    ],
)
def test_absurd_command_lines_get_a_message_not_a_traceback(
    isolated_settings: Path, args: list[str], message: str
) -> None:
    assert concord("db", "upgrade").returncode == 0
    result = concord(*args)
    assert result.returncode in (1, 2) and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_the_command_line_starts_without_loading_prefect() -> None:
    # Prefect takes seconds to import; only the commands that run flows or tasks load it.
    check = "import sys, deployments.cli; print(sorted(m for m in sys.modules if m == 'prefect'))"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stderr[-2000:]
