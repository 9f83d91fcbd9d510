"""The HelpLine's figures broken down by the topics ANITP says the line informs on."""

from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.campaigns.helpline import read_helpline_file, save_helpline
from models.campaigns.rules import WORDS, HelplineTopic
from models.core.i18n import translate
from models.core.spreadsheets import SpreadsheetError

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "helpline-sample.csv"
TODAY = date(2026, 12, 7)
SEEDS_TOPICS = [
    "work-abroad",
    "employment-contracts",
    "recruitment-agencies",
    "travel-abroad",
    "leaving-trafficking",
]


def test_the_topics_the_line_informs_on_come_first_and_have_names() -> None:
    assert [topic.value for topic in HelplineTopic][:5] == SEEDS_TOPICS
    names = {topic: translate("en", WORDS[topic]) for topic in HelplineTopic}
    assert names[HelplineTopic.RECRUITMENT_AGENCIES] == "the role of recruitment agencies"
    assert len(set(names.values())) == len(names)


def test_a_file_by_topic_is_taken_with_codes_or_names_and_reported_by_topic(
    engine: Engine,
) -> None:
    content = (
        "month,topic,county,calls\n"
        "2026-09,employment-contracts,CJ,12\n"
        "2026-09,the role of recruitment agencies,,7\n"
        f"2026-09,{translate('ro', WORDS[HelplineTopic.TRAVEL_ABROAD])},IS,3\n"
        "2026-09,avoiding or leaving a trafficking situation,,2\n"
        "2026-10,employment-contracts,CJ,8\n"
    ).encode()
    rows = read_helpline_file(content, TODAY)
    assert [row.topic for row in rows][:4] == SEEDS_TOPICS[1:]
    with Session(engine) as session:
        saved = save_helpline(session, rows)
        session.commit()
    assert saved.calls_by_topic == {
        "employment-contracts": 20,
        "recruitment-agencies": 7,
        "travel-abroad": 3,
        "leaving-trafficking": 2,
    }
    shown = saved.topics_in("ro")
    assert shown.startswith(f"{translate('ro', WORDS[HelplineTopic.EMPLOYMENT_CONTRACTS])} 20;")


def test_an_unknown_topic_lists_every_topic_in_the_readers_words() -> None:
    try:
        read_helpline_file(b"month,topic,calls\n2026-09,visas,4\n", TODAY)
    except SpreadsheetError as error:
        (problem,) = error.problems
        topics = problem.params["topics"]
        assert [translate("en", t) for t in topics][1] == "employment contracts"
    else:
        raise AssertionError("an unknown topic was taken")


def test_the_sample_file_holds_every_topic(engine: Engine) -> None:
    rows = read_helpline_file(SAMPLE.read_bytes(), TODAY)
    with Session(engine) as session:
        saved = save_helpline(session, rows)
    assert list(saved.calls_by_topic) == [topic.value for topic in HelplineTopic]
    assert all(calls > 0 for calls in saved.calls_by_topic.values())
