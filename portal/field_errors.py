"""A form's problems as its page shows them: in the summary on top, and beside each field.

The fields of the engine's macros (templates/portal/fields.html) say their own problem; the
fields a duty's partial writes itself (a table's cells, a file input) are marked here, after
the partial is rendered, so that a screen reader hears each problem on its field.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from markupsafe import Markup, escape

TAG = re.compile(r"<(?:input|select|textarea)\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = r'\s{}="(?P<value>[^"]*)"'
SAID = '<span class="field-error" id="error-{}">{}</span>'


@dataclass(frozen=True)
class FieldError:
    """One problem: the input it is about, its place in words, the message, and what is said
    beside the field (the message, with its place when several share the field)."""

    name: str
    place: str
    message: str
    beside: str


class FormValues(dict[str, str]):
    """The values a form was sent with, and the problems of each input (`errors`), so that
    the macros every partial calls with `form` find them."""

    def __init__(
        self, values: Mapping[str, str] | None = None, problems: list[FieldError] | None = None
    ) -> None:
        super().__init__(values or {})
        self.errors: dict[str, str] = {}
        for problem in problems or []:
            said = self.errors.get(problem.name)
            self.errors[problem.name] = f"{said} {problem.beside}" if said else problem.beside


@dataclass
class MarkedFields:
    """A partial's HTML with its wrong fields marked, and the id of each wrong field's element."""

    html: Markup
    targets: dict[str, str] = field(default_factory=dict)

    def __html__(self) -> str:
        return str(self.html)


def _attribute(tag: str, name: str) -> str | None:
    found = re.search(ATTRIBUTE.format(re.escape(name)), tag)
    return found["value"] if found else None


def _marked(tag: str, name: str) -> str:
    """The start tag with aria-invalid, aria-describedby (first the problem) and an id."""
    error = f"error-{name}"
    described = _attribute(tag, "aria-describedby")
    if described is not None:
        tag = re.sub(ATTRIBUTE.format("aria-describedby"), "", tag, count=1)
    ids = f"{error} {described}".strip() if described else error
    extra = f' aria-invalid="true" aria-describedby="{escape(ids)}"'
    if _attribute(tag, "id") is None:
        extra += f' id="{escape(name)}"'
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return tag[:end].rstrip() + extra + tag[end:]


def mark_fields(partial: str, errors: Mapping[str, str]) -> MarkedFields:
    """Mark each wrong field the partial wrote itself: aria-invalid, and aria-describedby
    naming its problem, said just before it as the macros say it (so that a table's fields
    stay in line); a field the macros marked already is kept."""
    partial, out, done, position = str(partial), [], MarkedFields(Markup("")), 0
    for match in TAG.finditer(partial):
        tag, name = match[0], _attribute(match[0], "name")
        if name is None or name not in errors or name in done.targets:
            continue
        done.targets[name] = _attribute(tag, "id") or name
        if f'id="error-{name}"' in partial:  # the macro said it beside the field already
            continue
        said = Markup(SAID).format(name, errors[name])
        out += [partial[position : match.start()], str(said), _marked(tag, name)]
        position = match.end()
    done.html = Markup("".join([*out, partial[position:]]))
    return done
