"""Every PDF Concord prints reads as a ministry files it: A4, numbered, nothing for screens."""

import io
import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session
from weasyprint import HTML

from models.campaigns.report import CampaignReport, Figures, MissingReport
from models.campaigns.report_page import BLUES, OUTSIDE, render_campaign_report, tile_map
from models.core.documents import PAGE_NUMBERS, html_to_pdf, page_environment
from models.core.i18n import translate
from models.lifecycle.rates import Rate
from models.monitoring.report import MeasureLine, RoundReport, build_round_report
from models.monitoring.report_files import write_report
from models.monitoring.report_page import render_report
from models.recommendations.reply import GivenEvidence, Reply, ReplyItem
from models.recommendations.reply_files import render_reply_page
from tests.models.monitoring.test_report import ON_TIME, a_round, fill

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Bucharest")
A4 = (595.3, 841.9)  # points


def printed_pages(pdf: bytes, language: str, title: str) -> list[str]:
    """Each page's text, once every page is checked to be A4, titled and numbered N of total."""
    reader = PdfReader(io.BytesIO(pdf))
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    for number, (page, text) in enumerate(zip(reader.pages, texts, strict=True), start=1):
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert abs(size[0] - A4[0]) < 1 and abs(size[1] - A4[1]) < 1, (number, size)
        footer = translate(language, PAGE_NUMBERS) % {"page": number, "pages": len(texts)}
        assert footer in text, (number, footer)
        assert title in text, (number, title)
    return texts


def printed(html: str) -> bytes:
    pdf = html_to_pdf(html)
    assert pdf is not None
    return pdf


def test_the_round_report_prints_objectives_by_title_and_values_by_institution(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    round_ = a_round(engine, session)
    done = {"progress": "done", "submitted_at": ON_TIME, "on_time": True}
    fill(session, "1.1.2", "ANITP", indicator_value="4 campanii", **done)
    fill(session, "1.1.2", "COORD", indicator_value="2 studii", **done)
    report = build_round_report(session=session, round_=round_)
    files = write_report(report, None, tmp_path, ZONE, NOW, "ro")
    assert files.pdf is not None
    text = " ".join(printed_pages(files.pdf.read_bytes(), "ro", "Raport consolidat 2026-S2"))
    assert "OS1.1 Inform" in text  # the objective's title beside its code
    assert "ANITP: 4 campanii; COORD: 2 studii" in text  # each value says who reported it
    assert "mouse" not in text  # 'the full name shows when the mouse pointer rests on it


def a_measure(number: int) -> MeasureLine:
    return MeasureLine(
        code=f"{number}.1.1",
        title=f"Măsura {number}",
        pillar="prevention",
        objective=f"OS{number}.1",
        deadline="annual",
        responsible=2,
        reported=2,
        progress="done",
        indicators=(("ANITP", "3"), ("MAI", "5")),
        past_deadline=False,
        objective_title=f"Obiectivul specific {number}",
    )


def a_report_of_many_institutions() -> RoundReport:
    """60 institutions (more than the page shows) and three objectives."""
    institutions = [Rate(f"I{n:03}", expected=4, answered=n % 5) for n in range(60)]
    measures = [a_measure(n) for n in (1, 2, 3)]
    return RoundReport(
        strategy_code="PLAN",
        strategy_name="Planul",
        period="2026-S2",
        due_at=NOW,
        lock_at=NOW,
        status="locked",
        total=Rate("all", expected=240, answered=120),
        by_institution=institutions,
        by_pillar=[Rate("prevention", expected=240, answered=120)],
        measures=measures,
        progress_by_pillar={"prevention": Counter(done=3)},
        progress_by_objective={m.objective: Counter(done=1) for m in measures},
    )


def test_a_long_round_report_names_its_tables_in_words_and_repeats_their_headers() -> None:
    page = render_report(
        a_report_of_many_institutions(), None, zone=ZONE, generated=NOW, language="ro"
    )
    pages = printed_pages(printed(page), "ro", "Raport consolidat 2026-S2 - PLAN")
    text = " ".join(pages)
    assert ".csv" not in text and len(pages) >= 3
    assert all(f"OS{n}.1 Obiectivul specific {n}" in text for n in (1, 2, 3))
    heading = next(p for p in pages if "Rata de raportare pe instituții" in p)
    assert "I000" in heading  # the heading stands on the page of its chart, not alone
    rows = [p for p in pages if re.search(r"I0\d\d \d \d \d ", p)]  # a row of the table
    assert len(rows) >= 2 and all("Fără răspuns" in p for p in rows)  # the header repeats


def a_campaign() -> CampaignReport:
    return CampaignReport(
        code="CAMP-2026-10",
        title="Munca în străinătate",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 12, 31),
        status="active",
        sample=False,
        counties=["CJ", "BH"],
        targets={"reach": 50_000},
        total=Figures(activities=4, participants=90, reach=12_400, materials=30),
        by_county={"CJ": Figures(4, 90, 12_400, 30), "BH": Figures()},
        by_month={"2026-10": Figures(3, 60, 9_000, 20), "2026-11": Figures(1, 30, 3_400, 10)},
        missing=[MissingReport("CR-CJ", "Centrul regional Cluj", "2026-11", NOW, "overdue")],
    )


def test_the_campaign_report_prints_month_names_and_a_map_that_reads() -> None:
    report = a_campaign()
    html = render_campaign_report(report, zone=ZONE, generated=NOW, language="ro")
    text = " ".join(printed_pages(printed(html), "ro", "Raportul campaniei - CAMP-2026-10"))
    assert "octombrie 2026" in text and "noiembrie 2026" in text and "2026-11" not in text
    no_activity, outside = (bytes.fromhex(colour[1:]) for colour in (BLUES[0], OUTSIDE))
    assert sum(abs(a - b) for a, b in zip(no_activity, outside, strict=True)) > 150
    figure = re.search(r'font-size="(\d+)"[^>]*>12\.400<', tile_map(report, "ro"))
    assert figure is not None and int(figure.group(1)) >= 14  # readable once printed


def test_the_minutes_print_numbered_a4_pages_in_english() -> None:
    minutes = SimpleNamespace(
        title="Meeting 5",
        body_name="Monitoring committee",
        location="Victoria Palace",
        agenda=[f"Item {n}" for n in range(1, 41)],
    )
    html = (
        page_environment("en")
        .get_template("minutes.html")
        .render(
            m=minutes,
            lang="en",
            when="3 December 2026, 10:00-12:00",
            attendance=[
                {"name": f"Institution {n}", "status": "present", "delegate": ""} for n in range(30)
            ],
            decisions=["The annual report is approved."],
            actions=[],
            recorded="3 December 2026",
        )
    )
    pages = printed_pages(printed(html), "en", "Minutes - Meeting 5 - Monitoring committee")
    assert len(pages) >= 2 and "Page 1 of" in pages[0]


def test_the_recommendation_reply_prints_numbered_a4_pages() -> None:
    given = GivenEvidence("MJ", "implemented", date(2027, 3, 15), "Ordin emis", "", NOW)
    items = [
        ReplyItem(f"GRETA-3/{n}", f"3/{n}", "Text " * 80, "", "urge", "", "", "open", "MJ")
        for n in range(1, 9)
    ]
    items[0].evidence = [given]
    reply = Reply("greta", "GRETA", "3", "GRETA(2026)01", date(2026, 6, 1), None, "ro", False)
    reply.items = items
    pages = printed_pages(printed(render_reply_page(reply, NOW, "ro")), "ro", "GRETA(2026)01")
    assert len(pages) >= 2


def overflow_per_page(html: str) -> list[float]:
    """How far the widest box of each printed page reaches past its right margin, in px."""
    document = HTML(string=html).render()
    reaches = []
    for page in document.pages:
        page_box = page._page_box  # WeasyPrint's laid-out page (no public API for boxes)
        right = page_box.margin_width() - page_box.margin_right - page_box.padding_right
        widest = max(
            box.position_x + box.width
            for box in _descendants(page_box)
            if getattr(box, "width", None) is not None
        )
        reaches.append(round(widest - right, 1))
    return reaches


def _descendants(box: object) -> list[object]:
    children = list(getattr(box, "children", None) or [])
    return children + [d for child in children for d in _descendants(child)]


def test_a_measure_with_thirty_values_stays_inside_the_page() -> None:
    crowded = replace(a_measure(1), indicators=tuple((f"I{n:05}", str(n)) for n in range(30)))
    report = replace(a_report_of_many_institutions(), measures=[crowded, a_measure(2)])
    page = render_report(report, None, zone=ZONE, generated=NOW, language="ro")
    assert max(overflow_per_page(page)) <= 0.5, "a column runs off the page"
