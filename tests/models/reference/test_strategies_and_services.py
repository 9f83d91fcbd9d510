"""The earlier strategies are closed and get no round; the public services load and validate."""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.core.calendar import WorkingCalendar
from models.monitoring.rounds import open_round
from models.monitoring.rules import RoundError
from models.monitoring.tables import MonitoringRound
from models.reference.document import ReferenceDataError, parse_reference_document
from models.reference.loader import load_reference
from models.reference.services import PublicService
from models.reference.strategy import Strategy
from models.reference.summary import build_summary
from tests.support.reference import dump, small_document

ROMANIA = Path(__file__).resolve().parents[3] / "data" / "romania.yaml"
NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)


def loaded_romania(session: Session) -> None:
    doc = parse_reference_document(ROMANIA.read_text(encoding="utf-8"))
    load_reference(session=session, doc=doc, source="romania.yaml", now=NOW)
    session.commit()


def a_round(engine: Engine, strategy: str, period: str) -> int:
    return open_round(
        engine=engine,
        strategy_code=strategy,
        period_label=period,
        due_date=None,
        working_days_after_end=20,
        lock_after_days=10,
        calendar=WorkingCalendar(),
        now=NOW,
    )


def test_the_earlier_strategies_are_closed_and_the_current_one_in_force(
    session: Session,
) -> None:
    loaded_romania(session)
    status = {s.code: (s.status, s.starts, s.ends) for s in session.exec(select(Strategy))}
    assert status["SNITP-2012-2016"] == ("closed", date(2012, 1, 1), date(2016, 12, 31))
    assert status["SNITP-2018-2022"] == ("closed", date(2018, 1, 1), date(2022, 12, 31))
    assert status["SNITP-2024-2028"][0] == "in-force"
    counts = {s.code: s for s in build_summary(session=session).strategies}
    assert counts["SNITP-2018-2022"].objectives == 5 + 5  # five general, five specific
    assert (counts["SNITP-2012-2016"].status, counts["SNITP-2012-2016"].period) == (
        "closed",
        "2012-2016",
    )


def test_a_closed_strategy_gets_no_round_and_the_current_one_does(
    engine: Engine, session: Session
) -> None:
    loaded_romania(session)
    for strategy, period in [("SNITP-2018-2022", "2022-S2"), ("SNITP-2012-2016", "2016")]:
        with pytest.raises(RoundError, match=f"{strategy} is closed"):
            a_round(engine, strategy, period)
    assert session.exec(select(MonitoringRound)).all() == []
    session.rollback()  # end the read, to see the round written through the engine
    round_id = a_round(engine, "SNITP-2024-2028", "2026-S2")
    assert [r.id for r in session.exec(select(MonitoringRound))] == [round_id]


def test_the_phone_lines_alerts_and_programme_load_with_who_runs_them(session: Session) -> None:
    loaded_romania(session)
    services = {s.code: s for s in session.exec(select(PublicService))}
    lines = {s.number: s.code for s in services.values() if s.kind == "phone-line"}
    assert lines == {"0800 800 678": "HELPLINE", "119": "LINIA-119", "116 000": "LINIA-116000"}
    assert services["LINIA-119"].part_of == "OUT-OF-CARE" and services["LINIA-119"].for_children
    assert services["ALERTA-COPIL-DISPARUT"].part_of == "OUT-OF-CARE"
    assert services["OUT-OF-CARE"].name_in("en") == "Out of care for the children"
    assert services["LINIA-116000"].verify and not services["LINIA-119"].verify
    listed = {line.code: line for line in build_summary(session=session).services}
    assert [line.kind for line in listed.values()][:1] == ["programme"]
    assert (listed["HELPLINE"].run_by, listed["HELPLINE"].number) == ("ANITP", "0800 800 678")
    assert listed["LINIA-119"].name == "Numărul de urgență pentru copii"


def test_a_service_dropped_from_the_file_is_removed(session: Session) -> None:
    loaded_romania(session)
    doc = small_document()
    doc["services"] = [phone_line()]
    load_reference(session=session, doc=parse_reference_document(dump(doc)), source="t", now=NOW)
    session.commit()
    assert [s.code for s in session.exec(select(PublicService))] == ["LINIA-119"]


def phone_line(**changes: Any) -> dict[str, Any]:
    line = {
        "code": "LINIA-119",
        "kind": "phone-line",
        "number": "119",
        "name": "Numărul de urgență pentru copii",
        "about": "Semnalarea unui copil în pericol",
    }
    return {**line, **changes}


def problems_of(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(ReferenceDataError) as caught:
        parse_reference_document(dump(doc))
    return caught.value.problems


@pytest.mark.parametrize(
    ("services", "expected"),
    [
        ([phone_line(number=None)], "services[0]: a phone line needs a 'number'"),
        ([phone_line(kind="alert")], "only a phone line has one"),
        ([phone_line(number="0721 234 567")], "services[0].number"),
        ([phone_line(run_by="NOBODY")], "services[0].run_by: unknown institution 'NOBODY'"),
        ([phone_line(part_of="ANITP")], "services[0].part_of: 'ANITP' is no programme here"),
        ([phone_line(), phone_line()], "services[1].code: duplicate code 'LINIA-119'"),
        ([phone_line(colour="red")], "services[0].colour: Extra inputs are not permitted"),
    ],
)
def test_a_wrong_service_is_named_with_its_place(services: list[Any], expected: str) -> None:
    doc = small_document()
    doc["services"] = services
    assert any(expected in problem for problem in problems_of(doc)), problems_of(doc)


def test_a_strategy_status_is_checked_and_only_a_closed_one_may_omit_its_objectives() -> None:
    doc = small_document()
    doc["strategies"][0]["status"] = "finished"
    assert any("strategies[0].status" in p for p in problems_of(doc))
    doc["strategies"][0] |= {"status": "in-force", "objectives": []}
    assert any("a strategy in force needs objectives" in p for p in problems_of(doc))
    doc["strategies"][0]["status"] = "closed"
    assert parse_reference_document(dump(doc)).strategies[0].objectives == []
