"""The drafted reply as the ministries edit it (DOCX), read it (HTML) and sort it (workbook)."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from openpyxl import Workbook

from models.core.documents import page_environment
from models.core.i18n import N_, long_date, translate
from models.core.settings import get_settings
from models.core.workbooks import DAY, PAGE, Column, add_summary, add_table, new_book
from models.messaging.vocabulary import VOCABULARY, name_in
from models.recommendations.reply import GivenEvidence, Reply, ReplyItem
from models.recommendations.rules import WORDS

GAP = N_("Gap: no evidence has been given for this recommendation yet.")
HEADINGS = {
    "title": N_("Draft reply of Romania: %(document)s"),
    "draft": N_(
        "Draft for the ministries to complete and edit; drafted on %(date)s from the "
        "evidence the institutions gave."
    ),
    "sample": N_(
        "Sample recommendations: they show how the reply reads and are not the body's own words."
    ),
    "recommendation": N_("Recommendation %(ref)s"),
    "evidence": N_("What was done"),
}
LABELS = {
    "status": N_("Status"),
    "strength": N_("How the body asks"),
    "theme": N_("Theme"),
    "lead": N_("Lead institution"),
    "measures": N_("Strategy measures"),
    # the strategy is Romania's, its measures' titles in Romanian whoever reads the reply
    "measures_ro": N_("Strategy measures (titles in Romanian)"),
    "summary": N_("Summary in Romanian"),
}
NO_MEASURE = N_("No measure of the strategy answers it.")
PROOFING = {"ro": "ro-RO", "en": "en-GB"}  # the language Word checks the spelling in
PAGE_FIELDS = {"%(page)s": "PAGE", "%(pages)s": "NUMPAGES"}


@dataclass(frozen=True)
class ReplyFiles:
    folder: Path
    docx: Path
    html: Path
    xlsx: Path


def _translator(language: str) -> Callable[[str], str]:
    def t(message: str) -> str:
        return translate(language, message)

    return t


def word(code: str, language: str) -> str:
    """A status, strength, theme, pillar or body code in words."""
    return name_in({**VOCABULARY, **WORDS}, code, language)


def evidence_line(given: GivenEvidence, language: str) -> str:
    """'15 martie 2027, Ministerul Justiției: text (document)'."""
    when = long_date(given.done_on, language) + ", " if given.done_on else ""
    document = f" ({given.document})" if given.document else ""
    return f"{when}{given.institution}: {given.text}{document}"


def measures_label(language: str) -> str:
    """The measures' label, saying their titles are Romanian to a reader of another language."""
    return LABELS["measures"] if language == "ro" else LABELS["measures_ro"]


def facts(item: ReplyItem, language: str) -> list[tuple[str, str]]:
    """The recommendation's facts as (label, value) rows, in `language`."""
    t = _translator(language)
    return [
        (t(LABELS["status"]), word(item.status, language)),
        (t(LABELS["strength"]), word(item.strength, language)),
        (t(LABELS["theme"]), word(item.theme, language)),
        (t(LABELS["lead"]), item.lead),
        (t(measures_label(language)), "; ".join(item.measures) or t(NO_MEASURE)),
    ]


def _docx_item(document: Any, item: ReplyItem, language: str) -> None:
    heading = translate(language, HEADINGS["recommendation"]) % {"ref": item.ref}
    document.add_heading(f"{heading} ({word(item.strength, language)})", level=2)
    document.add_paragraph(item.text).runs[0].italic = True
    table = document.add_table(rows=0, cols=2)
    table.style = "Light Grid Accent 1"
    for label, value in facts(item, language):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    document.add_heading(translate(language, HEADINGS["evidence"]), level=3)
    if item.gap:
        run = document.add_paragraph().add_run(translate(language, GAP))
        run.bold = True
        run.font.color.rgb = RGBColor(0xB9, 0x1C, 0x1C)
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    for given in item.evidence:
        document.add_paragraph(evidence_line(given, language), style="List Bullet")


def _a4_in(document: Any, language: str) -> None:
    """A4 paper with 2.5 cm margins, the text's language set for spelling and hyphenation."""
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = section.bottom_margin = Cm(2.5)
        section.left_margin = section.right_margin = Cm(2.5)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run.append(lang)
    lang.set(qn("w:val"), PROOFING[language])
    theme = document.settings.element.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), PROOFING[language])


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A field the word processor fills in as it lays out the pages (PAGE, NUMPAGES)."""
    parts: list[tuple[str, str | None]] = [
        ("w:fldChar", "begin"),
        ("w:instrText", f" {instruction} "),
        ("w:fldChar", "separate"),
        ("w:t", "1"),
        ("w:fldChar", "end"),
    ]
    for tag, value in parts:
        element = OxmlElement(tag)
        if tag == "w:fldChar":
            element.set(qn("w:fldCharType"), str(value))
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = value
        paragraph.add_run()._r.append(element)


def _header_and_footer(document: Any, title: str, language: str) -> None:
    """The reply's title above each page, 'Page X of Y' below it."""
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.add_run(title).font.size = Pt(9)
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in re.split(r"(%\(pages?\)s)", translate(language, PAGE)):
        if piece in PAGE_FIELDS:
            _field(footer, PAGE_FIELDS[piece])
        elif piece:
            footer.add_run(piece)


def write_reply_docx(reply: Reply, path: Path, drafted: datetime, language: str) -> None:
    """The reply as a Word document the ministries can edit."""
    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    t = _translator(language)
    title = t(HEADINGS["title"]) % {"document": reply.document}
    _a4_in(document, language)
    _header_and_footer(document, f"{word(reply.body, language)} · {title}", language)
    document.add_heading(title, level=1)
    document.add_paragraph(t(HEADINGS["draft"]) % {"date": long_date(drafted, language)})
    if reply.sample:
        document.add_paragraph(t(HEADINGS["sample"])).runs[0].italic = True
    for item in reply.items:
        _docx_item(document, item, language)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))


def render_reply_page(reply: Reply, drafted: datetime, language: str) -> str:
    """The reply as a page to read."""
    env = page_environment(language)
    env.globals.update(
        word=lambda code: word(code, language),
        facts=lambda item: facts(item, language),
        evidence_line=lambda given: evidence_line(given, language),
    )
    context = {
        "r": reply,
        "lang": language,
        "drafted": long_date(drafted, language),
        "headings": HEADINGS,
        "gap": GAP,
    }
    return env.get_template("recommendation-reply.html").render(context)


def _recommendations_sheet(book: Workbook, reply: Reply, language: str) -> None:
    """One row per recommendation: its status, lead, measures and how much evidence it has."""
    columns: list[Column] = [
        (N_("Recommendation"), None),
        (N_("Status"), None),
        (N_("Lead institution"), None),
        (measures_label(language), None),
        (N_("Evidence given"), None),
        (N_("Text"), None),
    ]
    rows = [
        [i.code, word(i.status, language), i.lead, "; ".join(i.measures), len(i.evidence), i.text]
        for i in reply.items
    ]
    add_table(book, N_("Recommendations"), columns, rows, language)


def _evidence_sheet(book: Workbook, reply: Reply, language: str) -> None:
    """One row per piece of evidence: the day it came, and the day the work was done if given."""
    zone = get_settings().zone
    # the day the work was done is optional in the answer; without any, the column is left out
    dated = any(e.done_on for i in reply.items for e in i.evidence)
    given: list[list[Any]] = [
        [
            i.code,
            e.institution,
            e.given_at.astimezone(zone).date(),
            *([e.done_on] if dated else []),
            word(e.status, language),
            e.text,
            e.document,
        ]
        for i in reply.items
        for e in i.evidence
    ]
    evidence_columns: list[Column] = [
        (N_("Recommendation"), None),
        (N_("Institution"), None),
        (N_("Received at"), DAY),
        *([(N_("Done on"), DAY)] if dated else []),
        (N_("Status"), None),
        (N_("What was done"), None),
        (N_("Document"), None),
    ]
    add_table(book, N_("Evidence"), evidence_columns, given, language)


def write_reply_workbook(reply: Reply, path: Path, language: str) -> None:
    """One row per recommendation and one per piece of evidence, for sorting and filtering."""
    book = new_book(f"{word(reply.body, language)}: {reply.document}")
    t = _translator(language)
    add_summary(
        book,
        [
            [t(N_("Source")), reply.document],
            [t(N_("Recommendations")), len(reply.items)],
            [t(N_("Without evidence")), len(reply.gaps)],
        ],
        language,
    )
    _recommendations_sheet(book, reply, language)
    _evidence_sheet(book, reply, language)
    book.save(path)


def write_reply(reply: Reply, folder: Path, drafted: datetime) -> ReplyFiles:
    """Write reply.docx, reply.html and reply.xlsx to `folder`, in the reply's language."""
    folder.mkdir(parents=True, exist_ok=True)
    files = ReplyFiles(folder, folder / "reply.docx", folder / "reply.html", folder / "reply.xlsx")
    write_reply_docx(reply, files.docx, drafted, reply.language)
    files.html.write_text(render_reply_page(reply, drafted, reply.language), encoding="utf-8")
    write_reply_workbook(reply, files.xlsx, reply.language)
    return files
