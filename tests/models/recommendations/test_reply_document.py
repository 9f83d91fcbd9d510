"""The drafted reply prints on A4, is checked in its reader's language and numbers its pages."""

import re
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Cm
from lxml import etree
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.core.i18n import translate
from models.core.workbooks import PAGE
from models.recommendations.reply import Reply, build_reply
from models.recommendations.reply_files import (
    GAP,
    HEADINGS,
    LABELS,
    NO_MEASURE,
    word,
    write_reply_docx,
)
from models.recommendations.tables import Evidence, Recommendation, RecommendationSource
from models.reference.institutions import Institution
from tests.models.recommendations.test_recommendations import loaded  # noqa: F401

NOW = datetime(2027, 1, 4, 8, tzinfo=UTC)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def answered_reply(engine: Engine, language: str) -> Reply:
    """The reply to GRETA's third round, its first recommendation answered, the rest gaps."""
    with Session(engine) as session:
        if not session.exec(select(Evidence)).first():
            anitp = session.exec(select(Institution).where(Institution.code == "ANITP")).one()
            first = session.exec(
                select(Recommendation)
                .join(RecommendationSource)
                .where(RecommendationSource.code == "GRETA-3", Recommendation.ref == "1")
            ).one()
            evidence = Evidence(
                recommendation_id=first.id or 0,
                institution_id=anitp.id or 0,
                status="partial",
                done_on=date(2026, 11, 30),
                text="Ordinul privind plata despăgubirilor a fost adoptat.",
                document="Ordinul ministrului justiției",
                given_at=NOW,
            )
            session.add(evidence)
            session.commit()
        return build_reply(session, "GRETA-3", language)


def written(engine: Engine, tmp_path: Path, language: str) -> tuple[Reply, Path]:
    reply = answered_reply(engine, language)
    path = tmp_path / f"reply-{language}.docx"
    write_reply_docx(reply, path, NOW, language)
    return reply, path


def default_language(path: Path) -> str | None:
    """The proofing language every run of the document defaults to (styles.xml)."""
    with zipfile.ZipFile(path) as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    return None if lang is None else lang.get(f"{W}val")


def all_text(path: Path) -> str:
    """Every paragraph, table cell, header and footer of the document."""
    document = Document(str(path))
    section = document.sections[0]
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for p in (*section.header.paragraphs, *section.footer.paragraphs)]
    return "\n".join(parts)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("language", "proofing"), [("ro", "ro-RO"), ("en", "en-GB")])
def test_the_reply_is_a4_in_its_language_with_a_title_and_page_numbers_on_each_page(
    loaded: Engine,  # noqa: F811
    tmp_path: Path,
    language: str,
    proofing: str,
) -> None:
    reply, path = written(loaded, tmp_path, language)
    section = Document(str(path)).sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.01)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.01)
    assert min(section.left_margin, section.right_margin, section.top_margin) >= Cm(2)
    assert default_language(path) == proofing
    assert reply.document in section.header.paragraphs[0].text
    footer = section.footer._element
    fields = [text.strip() for text in footer.itertext() if text.strip() in ("PAGE", "NUMPAGES")]
    assert fields == ["PAGE", "NUMPAGES"]
    words = [w for w in re.split(r"%\(pages?\)s", translate(language, PAGE)) if w.strip()]
    shown = section.footer.paragraphs[0].text
    assert words and all(w in shown for w in words)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_english_reply_has_none_of_concords_romanian_labels(
    loaded: Engine,  # noqa: F811
    tmp_path: Path,
) -> None:
    romanian, _ = written(loaded, tmp_path, "ro")
    _, path = written(loaded, tmp_path, "en")
    text = all_text(path)
    labels = [*LABELS.values(), HEADINGS["evidence"], GAP, NO_MEASURE, PAGE, HEADINGS["title"]]
    romanian_labels = [translate("ro", m) for m in labels if translate("ro", m) != m]
    pieces = [p for label in romanian_labels for p in re.split(r"%\(\w+\)s", label)]
    pieces = [p.strip() for p in pieces if len(p.strip()) > 3]  # "din" is no label
    words = {
        word(code, "ro")
        for item in romanian.items
        for code in (item.status, item.strength, item.theme)
    }
    found = [p for p in pieces if p in text] + [w for w in words if w in text]
    assert found == []
    assert translate("en", GAP) in text and "Page" in text
    assert translate("en", LABELS["measures_ro"]) in text  # the titles are Romanian, and say so
