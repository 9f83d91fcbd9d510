from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.core.history import StatusEvent
from models.reference.document import ReferenceDataError, parse_reference_document
from models.reference.institutions import Body, Contact, Institution, Membership
from models.reference.loader import load_reference
from models.reference.strategy import Measure, MeasureInstitution, Objective, Strategy
from models.schema import METADATA
from tests.support.reference import dump, small_document

ROMANIA = Path(__file__).resolve().parents[3] / "data" / "romania.yaml"
NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)


def load_text(session: Session, text: str) -> Any:
    report = load_reference(
        session=session, doc=parse_reference_document(text), source="test.yaml", now=NOW
    )
    session.commit()
    return report


def row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.exec(select(func.count()).select_from(table)).one()
        for table in METADATA.sorted_tables
    }


def problems_of(document: dict[str, Any]) -> list[str]:
    with pytest.raises(ReferenceDataError) as caught:
        parse_reference_document(dump(document))
    return caught.value.problems


def test_the_romanian_mechanism_is_complete(session: Session) -> None:
    load_text(session, ROMANIA.read_text(encoding="utf-8"))
    kinds = Counter(session.exec(select(Institution.kind)).all())
    codes = set(session.exec(select(Institution.code)).all())
    assert sum(1 for c in codes if c.startswith("DGASPC-")) == 47
    assert kinds["regional-centre"] == 15
    assert {
        "COORD",
        "ANITP",
        "DIICOT",
        "ANPDCA",
        "IGPF",
        "IGI",
        "ITM-IM",
        "EUROPOL",
        "EUROJUST",
        "EU-ATC",
        "US-EMB",
    } <= codes
    assert all(e.endswith(".example") for e in session.exec(select(Contact.email)).all())
    assert session.exec(select(func.count()).select_from(Body)).one() == 3
    plan = session.exec(select(Strategy).where(Strategy.code == "SNITP-2024-2028")).one()
    pillars = set(session.exec(select(Objective.pillar).where(Objective.strategy_id == plan.id)))
    assert pillars == {"prevention", "combating", "protection", "partnership"}
    measures = session.exec(select(Measure).where(Measure.strategy_id == plan.id)).all()
    assert len(measures) >= 40
    assert all(m.indicator for m in measures)
    compact = session.exec(select(Strategy).where(Strategy.code == "RO-US-CPC-2024-2029")).one()
    general = session.exec(
        select(Objective).where(
            Objective.strategy_id == compact.id, col(Objective.parent_id).is_(None)
        )
    ).all()
    assert len(general) == 4
    institutions = session.exec(select(Institution)).all()
    assert all(i.name_en and i.short_name for i in institutions), "every name in both forms"
    cluj = next(i for i in institutions if i.code == "DGASPC-CJ")
    assert (cluj.label, cluj.name_in("en")) == (
        "DGASPC Cluj",
        "General Directorate for Social Assistance and Child Protection Cluj",
    )


def test_a_second_load_changes_nothing(session: Session) -> None:
    text = ROMANIA.read_text(encoding="utf-8")
    first = load_text(session, text)
    events_after_first = session.exec(select(func.count()).select_from(StatusEvent)).one()
    second = load_text(session, text)
    assert first.changed and not second.changed
    assert session.exec(select(func.count()).select_from(StatusEvent)).one() == events_after_first


def test_an_edited_file_updates_in_place_and_records_the_change(session: Session) -> None:
    document = small_document()
    load_text(session, dump(document))
    anitp_id = session.exec(select(Institution.id).where(Institution.code == "ANITP")).one()
    document["institutions"][1]["name"] = "Agenția Națională"
    document["strategies"][0]["objectives"][0]["specific"][0]["measures"][0]["partners"] = []
    document["bodies"][0]["members"] = ["ANITP"]
    report = load_text(session, dump(document))
    assert report.updated["institution"] == 1
    assert report.removed == Counter({"measureinstitution": 1, "membership": 1})
    institution = session.get(Institution, anitp_id)
    assert institution is not None and institution.name == "Agenția Națională"
    [event] = session.exec(
        select(StatusEvent).where(
            StatusEvent.entity_type == "institution", StatusEvent.to_status == "updated"
        )
    ).all()
    assert event.entity_id == anitp_id
    assert event.note == "name: 'Agenția' -> 'Agenția Națională'"
    assert event.actor == "loader:test.yaml"
    assert session.exec(select(func.count()).select_from(Membership)).one() == 1
    assert session.exec(select(func.count()).select_from(MeasureInstitution)).one() == 3


def test_a_new_address_for_a_contact_that_bounced_is_working_again(session: Session) -> None:
    document = small_document()
    load_text(session, dump(document))
    contact = session.exec(select(Contact)).first()
    assert contact is not None
    contact.failing_since, contact.failure = NOW, "5.1.1 user unknown"
    session.add(contact)
    session.commit()
    load_text(session, dump(document))
    assert not session.get(Contact, contact.id).working, "the same address still bounces"
    spec = next(
        c
        for i in document["institutions"]
        for c in i.get("contacts", [])
        if c["email"] == contact.email
    )
    spec["email"] = "new-desk@" + contact.email.split("@")[1]
    load_text(session, dump(document))
    renewed = session.get(Contact, contact.id)
    assert renewed is not None and renewed.working and renewed.failure is None


def test_parents_are_linked(session: Session) -> None:
    load_text(session, dump(small_document()))
    child = session.exec(select(Institution).where(Institution.code == "ANITP")).one()
    parent = session.exec(select(Institution).where(Institution.code == "COORD")).one()
    assert child.parent_id == parent.id


def test_an_unknown_responsible_institution_is_named_with_its_place() -> None:
    document = small_document()
    measure = document["strategies"][0]["objectives"][0]["specific"][0]["measures"][1]
    measure["responsible"] = ["ANITP", "XYZ"]
    assert problems_of(document) == [
        "strategies[0].objectives[0].specific[0].measures[1].responsible[1]: "
        "unknown institution 'XYZ'"
    ]


def test_every_problem_is_reported_at_once() -> None:
    document = small_document()
    document["institutions"][2]["kind"] = "ministery"
    document["institutions"][3]["contacts"] = [{"role": "head", "email": "not-an-address"}]
    document["bodies"][0]["colour"] = "blue"
    problems = problems_of(document)
    assert any(p.startswith("institutions[2].kind: Input should be") for p in problems)
    assert any(p.startswith("institutions[3].contacts[0].email:") for p in problems)
    assert "bodies[0].colour: Extra inputs are not permitted" in problems


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["institutions"].append(dict(d["institutions"][0])),
            "institutions[4].code: duplicate code 'COORD'",
        ),
        (
            lambda d: d["institutions"][0].update(parent="ANITP"),
            "institutions[0].parent: cycle through 'COORD'",
        ),
        (
            lambda d: d["bodies"][0].update(chair="NOPE"),
            "bodies[0].chair: unknown institution 'NOPE'",
        ),
        (
            lambda d: d["strategies"][0]["objectives"][0]["specific"][0]["measures"][0].update(
                deadline="2026-01-01"
            ),
            "strategies[0].objectives[0].specific[0].measures[0]: give exactly one of "
            "'deadline' (a date) or 'recurrence'",
        ),
        (
            lambda d: d["strategies"][0]["objectives"][0]["specific"][0]["measures"][0].update(
                partners=["ANITP"]
            ),
            "strategies[0].objectives[0].specific[0].measures[0].partners[0]: "
            "'ANITP' is already responsible",
        ),
        (
            lambda d: d["strategies"][0].update(ends="2020-01-01"),
            "strategies[0]: ends (2020-01-01) is before starts (2024-01-01)",
        ),
        (
            lambda d: [i.update(short_name="Agenția") for i in d["institutions"][:2]],
            "institutions: short name 'Agenția' is used twice",
        ),
    ],
)
def test_reference_problems_are_explained(edit: Any, expected: str) -> None:
    document = small_document()
    edit(document)
    assert expected in problems_of(document)


def test_broken_yaml_names_the_line() -> None:
    with pytest.raises(ReferenceDataError) as caught:
        parse_reference_document("version: 1\ninstitutions:\n  - code: [unclosed\n")
    assert caught.value.problems[0].startswith("line 4, column 1: not valid YAML")


def test_a_bad_file_writes_nothing(session: Session) -> None:
    load_text(session, dump(small_document()))
    before = row_counts(session)
    document = small_document()
    document["institutions"][0]["name"] = "Renamed"
    document["bodies"][0]["members"].append("GHOST")
    with pytest.raises(ReferenceDataError):
        load_text(session, dump(document))
    assert row_counts(session) == before
    coordinator = session.exec(select(Institution).where(Institution.code == "COORD")).one()
    assert coordinator.name == "Coordonator"


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=30),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def mutate(document: dict[str, Any], path: tuple[Any, ...], junk: Any, delete: bool) -> None:
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = junk


ALL_PATHS = paths(small_document())


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(ALL_PATHS), JUNK, st.booleans())
def test_malformed_documents_never_escape_as_a_traceback_or_write_partially(
    engine: Engine, path: tuple[Any, ...], junk: Any, delete: bool
) -> None:
    document = small_document()
    mutate(document, path, junk, delete)
    with Session(engine) as session:
        before = row_counts(session)
        try:
            load_text(session, dump(document))
        except ReferenceDataError as exc:
            assert exc.problems and all(": " in p for p in exc.problems)
            session.rollback()
            assert row_counts(session) == before


@given(st.text(max_size=200))
@example("\x00")  # NUL, which PostgreSQL cannot store
@example("institutions:\n- code: A\x00B\n")
@example("\x1b[2J\x07")  # C0 controls
@example("a: \x85\x9b")  # C1 controls
@example("a: \u202eb\u2028\u200b\ufeff")  # direction, separators, zero width, BOM
@example("a: \ud800")  # a lone surrogate, as undecodable bytes arrive
def test_arbitrary_text_is_refused_cleanly_or_parsed(text: str) -> None:
    try:
        parse_reference_document(text)
    except ReferenceDataError as exc:
        assert exc.problems
