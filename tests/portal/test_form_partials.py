"""Each duty's form partials: every kind has one, it offers its form's fields and choices."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models.duties import INSTALLED as BUILT_IN
from models.lifecycle.duty import AssignmentKind, assignment_kinds, installed_duties
from models.lifecycle.forms import form_choices
from models.reference.institutions import Institution
from portal.pages import pages, partials
from portal.words import CODES, FORM_WORDS
from tests.portal.conftest import assignment_of, path_of

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "templates" / "portal" / "assignment.html"
KINDS = {kind.name: kind for kind in assignment_kinds()}
CELL = re.compile(r"^[a-z_]+-\d+-(?P<field>[a-z_]+)$")  # a table's cell: activities-3-county


class Fields(HTMLParser):
    """The fields of a page's form: each name with the values its options or radios offer."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        name = found.get("name", "")
        if tag in ("input", "textarea", "select") and name:
            self.values.setdefault(name, [])
        if tag == "select":
            self._select = name
        elif tag == "option" and self._select and found.get("value"):
            self.values[self._select].append(found["value"])
        elif tag == "input" and found.get("type") == "radio":
            self.values[name].append(found.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def fields_of(page: str) -> dict[str, list[str]]:
    """The form's fields by the form model's name (a table's cells by their column)."""
    parser = Fields()
    parser.feed(page)
    fields: dict[str, list[str]] = {}
    for name, values in parser.values.items():
        cell = CELL.match(name)
        column = cell["field"] if cell else name
        if fields.get(column) not in (None, values):
            raise AssertionError(f"{column}: the rows of the table offer different choices")
        fields[column] = values
    return fields


def model_fields(kind: AssignmentKind) -> set[str]:
    """The fields the kind's answer form takes, a table's as the fields of its rows."""
    names = set(kind.form.model_fields) - {"kind"}
    if kind.table:
        annotation = kind.form.model_fields[kind.table].annotation
        names = names - {kind.table} | set(annotation.__args__[0].model_fields)  # type: ignore[union-attr]
    return names


@pytest.mark.parametrize("name", list(KINDS))
@pytest.mark.parametrize("language", [0, 1])  # the Romanian and the English-speaking institution
def test_every_kind_renders_its_partial_with_its_forms_fields_and_choices(
    name: str,
    language: int,
    client: TestClient,
    session: Session,
    institutions: tuple[Institution, Institution],
) -> None:
    kind = KINDS[name]
    page = client.get(path_of(assignment_of(session, institutions[language], name)))
    assert page.status_code == 200
    shown = fields_of(page.text)
    assert set(shown) - {"csrf", "attachment"} == model_fields(kind)
    offered = form_choices(kind.form)
    assert {field: tuple(shown[field]) for field in offered} == offered
    free = model_fields(kind) - set(offered)
    assert all(shown[field] == [] for field in free), "a free field offers no choices"


def test_every_kind_names_a_partial_in_its_dutys_folder() -> None:
    for duty in BUILT_IN:
        assert duty.templates == ROOT / "templates" / duty.name  # scanned by babel.cfg
    for duty in installed_duties():
        if not duty.kinds:
            continue
        assert duty.templates is not None and duty.templates.is_dir(), duty.name
        for kind in duty.kinds:
            assert kind.template and (duty.templates / kind.template).is_file(), kind.name
            assert partials()[kind.name] == f"{duty.name}/{kind.template}"


def test_the_portal_finds_each_partial_under_its_dutys_name() -> None:
    env = pages("en")
    for name, partial in partials().items():
        duty, _, file = partial.partition("/")
        [folder] = [d.templates for d in installed_duties() if d.name == duty]
        source, filename, _ = env.loader.get_source(env, partial)  # type: ignore[union-attr]
        assert filename == str(folder / file) and source, name  # type: ignore[operator]


def test_the_engines_page_names_no_kind_and_no_choice() -> None:
    page = PAGE.read_text(encoding="utf-8")
    codes = {name for name in KINDS} | {
        value
        for kind in KINDS.values()
        for values in form_choices(kind.form).values()
        for value in values
    }
    quoted = set(re.findall(r"[\"']([^\"']+)[\"']", page))
    assert not codes & quoted, sorted(codes & quoted)
    assert "assignment.kind" not in page and "{% include kind_partial" in page


def test_every_field_and_choice_a_form_offers_has_a_word() -> None:
    for kind in KINDS.values():
        for field in model_fields(kind):
            assert field in CODES, (kind.name, field)
        for field, values in form_choices(kind.form).items():
            missing = [v for v in values if v not in CODES and f"{field}:{v}" not in CODES]
            assert not missing, (kind.name, field, missing)


def test_why_a_form_is_shut_wins_over_the_statuses_duties_give_the_same_codes() -> None:
    clashes = {
        code
        for duty in installed_duties()
        for code, word in duty.words.items()
        if code in FORM_WORDS and word != FORM_WORDS[code]
    }
    assert clashes == {"closed", "locked", "withdrawn"}  # the only clashes, documented
    assert all(CODES[code] == word for code, word in FORM_WORDS.items())
