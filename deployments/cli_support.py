"""What every `concord` command shares: the consoles, failing clearly, settings, migrating."""

from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

from models.core.db import get_engine
from models.core.i18n import LANGUAGES, N_, N_plural, number, translate, translate_count
from models.core.migrate import upgrade
from models.core.settings import Settings, SettingsError, get_settings
from models.core.spreadsheets import SpreadsheetError

MAX_FILE_BYTES = 5_000_000  # an imported spreadsheet: thousands of rows fit well below
NOTHING_WRITTEN = N_plural(
    "%(num)d problem; nothing was written", "%(num)d problems; nothing was written"
)
console = Console()
errors = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error in red and stop with `code`."""
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    """The settings, or a clear message naming the wrong variable."""
    try:
        return get_settings()
    except SettingsError as exc:
        fail(str(exc), code=2)


def checked_language(language: str | None) -> str | None:
    """The --language option as given, or a clear error when it is neither ro nor en."""
    if language is not None and language not in LANGUAGES:
        fail(f"--language: expected ro or en, got {language!r}", code=2)
    return language


def migrate_quietly() -> None:
    """Bring the configured database to the newest schema."""
    upgrade(get_engine(settings_or_exit().resolved_database_url()))


def say(message: str, **params: object) -> str:
    """`message` in the coordinator's language (CONCORD_LANGUAGE), with its parameters."""
    text = translate(settings_or_exit().language, message)
    return text % params if params else text


def say_count(singular: str, plural: str, count: int, **params: object) -> str:
    """A counted message in the coordinator's language."""
    text = translate_count(settings_or_exit().language, singular, plural, count)
    return text % {"num": count, **params}


def _shown(params: dict[str, object], language: str) -> dict[str, object]:
    """Parameters as the reader writes them: counts grouped, listed names translated."""
    return {
        key: number(value, language)
        if isinstance(value, int)
        else ", ".join(say(str(item)) for item in value)
        if isinstance(value, list)
        else value
        for key, value in params.items()
    }


def print_file_problems(
    path: Path, error: SpreadsheetError, romanian_columns: Mapping[str, str]
) -> NoReturn:
    """Name every wrong line and column of an imported file, then stop: nothing was written."""
    language = settings_or_exit().language
    for problem in error.problems:
        where = say(N_("line %(line)s"), line=problem.line)
        if problem.column:
            ro = language == "ro"
            where += ", " + (
                romanian_columns.get(problem.column, problem.column) if ro else problem.column
            )
        text = say(problem.message, **_shown(problem.params, language))
        errors.print(f"{path}: {where}: {text}", highlight=False, markup=False)
    fail(say_count(*NOTHING_WRITTEN, len(error.problems)))


def read_bounded(path: Path) -> bytes:
    """The file's bytes, or a clear error when it cannot be read or is too large."""
    try:
        with path.open("rb") as handle:  # read, not stat: a device or a pipe has no size
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    if len(data) > MAX_FILE_BYTES:
        fail(f"{path}: larger than {MAX_FILE_BYTES // 1_000_000} MB; send it in parts")
    return data
