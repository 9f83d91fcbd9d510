"""The campaign report as a page: a tile map of the counties shaded by reach, and its tables."""

from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment
from markupsafe import Markup, escape

from models.campaigns.report import CampaignReport, Figures
from models.campaigns.rules import SHADES, WORDS
from models.core.documents import page_environment
from models.core.i18n import (
    N_,
    long_date,
    moment_text,
    month_name,
    number,
    percent,
    translate,
)
from models.messaging.vocabulary import VOCABULARY, name_in
from models.reference.counties import load_counties

# A campaign county without activity is amber, to stand out; one outside the campaign is grey.
BLUES = ("#fcd34d", "#dbeafe", "#93c5fd", "#3b82f6", "#1d4ed8", "#1e3a8a")
OUTSIDE = "#9ca3af"
OUTSIDE_INK = "#f9fafb"
TILE, GAP = 64, 4


def word(code: str, language: str) -> str:
    """A channel, group, form, topic or status code as a word of `language`."""
    return name_in({**VOCABULARY, **WORDS}, code, language)


def _tile(code: str, reach: int | None, level: int, language: str) -> str:
    county = load_counties()[code]
    column, row = county.tile
    x, y = column * (TILE + GAP), row * (TILE + GAP)
    fill = OUTSIDE if reach is None else BLUES[level]
    ink = OUTSIDE_INK if reach is None else "#ffffff" if level >= 3 else "#111827"
    figure = "\u2013" if reach is None else number(reach, language)  # an en dash: not in it
    data = "" if reach is None else f' data-reach="{reach}" data-shade="{level}"'
    return (
        f'<g id="tile-{code}" data-county="{code}"{data}><title>{escape(county.name)}: {figure}'
        f'</title><rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="6" fill="{fill}"/>'
        f'<text x="{x + TILE / 2}" y="{y + 25}" font-size="16" font-weight="bold" '
        f'text-anchor="middle" fill="{ink}">{code}</text>'
        f'<text x="{x + TILE / 2}" y="{y + 49}" font-size="14" font-weight="bold" '
        f'text-anchor="middle" fill="{ink}">{figure}</text></g>'
    )


def tile_map(report: CampaignReport, language: str) -> Markup:
    """Romania's 41 counties and Bucharest as tiles, the campaign's shaded by people reached."""
    shades = report.shades
    tiles = [
        _tile(
            code,
            report.by_county[code].reach if code in shades else None,
            shades.get(code, 0),
            language,
        )
        for code in load_counties()
    ]
    width, height = 9 * (TILE + GAP), 7 * (TILE + GAP)
    label = escape(translate(language, N_("People reached by county")))
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" id="map" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{label}">{"".join(tiles)}</svg>'
    )


def legend(report: CampaignReport, language: str) -> list[tuple[str, str]]:
    """The map's classes as (colour, 'up to 12 400') pairs, then the counties outside."""
    most = max((f.reach for f in report.by_county.values()), default=0)
    classes = [(BLUES[0], translate(language, N_("no activity reported")))]
    for level in range(1, SHADES + 1):
        upper = most * level // SHADES
        text = translate(language, N_("up to %(count)s")) % {"count": number(upper, language)}
        classes.append((BLUES[level], text))
    classes.append((OUTSIDE, translate(language, N_("outside the campaign"))))
    return classes


def month_bars(by_month: dict[str, Figures], language: str) -> Markup:
    """People reached per month as vertical bars (inline SVG)."""
    most = max((f.reach for f in by_month.values()), default=0) or 1
    width, height, bar = 70 * len(by_month) + 20, 180, 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">'
    ]
    for index, (month, figures) in enumerate(by_month.items()):
        length = int(120 * figures.reach / most)
        x = 10 + index * 70
        parts.append(
            f'<rect x="{x}" y="{140 - length}" width="{bar}" height="{length}" fill="#1d4ed8"/>'
            f'<text x="{x + bar / 2}" y="{134 - length}" font-size="11" text-anchor="middle">'
            f"{number(figures.reach, language)}</text>"
            f'<text x="{x + bar / 2}" y="158" font-size="11" text-anchor="middle">'
            f"{escape(month_name(month, language, 'LLL y'))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@cache
def campaign_pages(language: str) -> Environment:
    """The report templates with the catalog and formats of `language`."""
    env = page_environment(language)
    env.globals.update(
        word=lambda code: word(code, language),
        num=lambda value: number(value, language),
        pct=lambda value: percent(value, language),
        tiles=lambda report: tile_map(report, language),
        months=lambda by_month: month_bars(by_month, language),
        legend=lambda report: legend(report, language),
        county_name=lambda code: load_counties()[code].name,
        month_name=lambda month: month_name(month, language),
    )
    return env


def render_campaign_report(
    report: CampaignReport, *, zone: ZoneInfo, generated: datetime, language: str
) -> str:
    """The campaign report page in `language`."""

    def when(moment: datetime) -> str:
        return moment_text(moment, zone, language)

    context: dict[str, Any] = {
        "r": report,
        "lang": language,
        "generated": when(generated),
        "starts": long_date(report.starts_on, language),
        "ends": long_date(report.ends_on, language),
        "when": when,
        "indicators": ("participants", "reach", "materials"),
    }
    return campaign_pages(language).get_template("campaign.html").render(context)
