"""Rendering a message kind's templates (subject, plain text, HTML) in one language."""

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from models.core.i18n import LANGUAGES, install_translations, long_date, percent
from models.lifecycle.duty import kind_label

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "email"
SUBJECT_MAX = 200


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


def fold_subject(text: str) -> str:
    """One line, no control characters, bounded length: a subject cannot inject headers."""
    line = " ".join(re.sub(r"[\x00-\x1f\x7f\u2028\u2029]", " ", text).split())
    return line if len(line) <= SUBJECT_MAX else line[: SUBJECT_MAX - 1] + "…"


def _environment(zone: ZoneInfo, language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"], default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,  # templates ship with the code: no stat of each file per email
    )
    install_translations(env, language)

    def local(value: datetime) -> datetime:
        return value.astimezone(zone)

    env.filters["local"] = local
    env.filters["longdate"] = lambda value, lang: long_date(
        local(value) if isinstance(value, datetime) else value, lang
    )
    env.filters["hhmm"] = lambda value: local(value).strftime("%H:%M")
    env.filters["label"] = lambda kind, lang: kind_label(kind, lang)
    env.filters["percent"] = lambda value, lang: percent(value, lang)
    return env


_ENVIRONMENTS: dict[tuple[str, str], Environment] = {}


def environment(zone: ZoneInfo, language: str) -> Environment:
    """The template environment for one time zone and language (cached)."""
    key = (zone.key, language)
    if key not in _ENVIRONMENTS:
        _ENVIRONMENTS[key] = _environment(zone, language)
    return _ENVIRONMENTS[key]


def render_message(
    kind: str, language: str, context: dict[str, Any], *, zone: ZoneInfo
) -> RenderedMessage:
    """Render the subject, plain text and HTML of `kind` in `language`."""
    if language not in LANGUAGES:
        raise ValueError(f"language: expected one of {LANGUAGES}, got {language!r}")
    env = environment(zone, language)
    values = {**context, "lang": language}
    return RenderedMessage(
        subject=fold_subject(env.get_template(f"{kind}.subject.txt").render(values)),
        text=env.get_template(f"{kind}.txt").render(values),
        html=env.get_template(f"{kind}.html").render(values),
    )
