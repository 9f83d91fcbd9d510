"""What every `concord` command shares: the consoles, failing clearly, settings, migrating."""

import os
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TextIO

import typer
from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from rich.markup import escape
from rich.text import Text
from typer.core import TyperGroup

from models.core.db import get_engine
from models.core.i18n import LANGUAGES, N_, N_plural, number, translate, translate_count
from models.core.migrate import upgrade
from models.core.moments import EARLIEST
from models.core.settings import Settings, SettingsError, get_settings
from models.core.spreadsheets import SpreadsheetError
from models.core.text import Code

MAX_FILE_BYTES = 5_000_000  # an imported spreadsheet: thousands of rows fit well below
NOTHING_WRITTEN = N_plural(
    "%(num)d problem; nothing was written", "%(num)d problems; nothing was written"
)
LOG_WIDTH = 160  # the summary's widest table, its codes and names whole


def piped_width(stream: TextIO) -> int | None:
    """A log's or a pipe's width: Rich would cut tables at 80 columns where no terminal says."""
    if stream.isatty() or "COLUMNS" in os.environ:
        return None  # the terminal's own width, or the one asked for
    return LOG_WIDTH


# Rich reads [brackets] as markup: names, keys and errors from files or the database may hold
# them ('[/]' stops the command, '[link=...]' hides a link), so only print_bold asks for style.
console = Console(markup=False, width=piped_width(sys.stdout))
errors = Console(stderr=True, markup=False, width=piped_width(sys.stderr))
# Concord's records begin in 2000 (EARLIEST); a day after 2100 is a slip (9999-12-31) whose
# day-long window, or time zone, falls outside the calendar.
LAST_DAY = date(2100, 12, 31)


CODE: TypeAdapter[str] = TypeAdapter(Code)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error in red and stop with `code`."""
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True)
    raise typer.Exit(code)


def print_bold(head: str, rest: str = "") -> None:
    """Print `head` in bold, then `rest`, each exactly as written."""
    console.print(Text.assemble((head, "bold"), rest), highlight=False)


def checked_day(name: str, day: date) -> date:
    """`day`, or a refusal naming the option or argument when it is before 2000 or after 2100."""
    if not EARLIEST <= day <= LAST_DAY:
        fail(f"{name}: {day.isoformat()} is not between {EARLIEST} and {LAST_DAY}", code=2)
    return day


class CommandLine(TyperGroup):
    """`concord` itself: an argument holding a NUL is refused by name before any command runs.

    No terminal can pass a NUL, yet a caller in Python can, and PostgreSQL refuses one in any
    text it is sent, so each command would otherwise stop on a database error.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's own click Context
        if any("\x00" in arg for arg in args):
            fail(f"{holder_of_nul(self, args)}: contains the control character U+0000", code=2)
        return super().parse_args(ctx, args)


def holder_of_nul(command: Any, args: list[str]) -> str:
    """The option or argument to which `args` give a NUL: --body, BODY or COMMAND."""
    takes_value: str | None = None
    position = 0
    for token in args:
        if "\x00" in token:
            return takes_value or _named_by_place(command, token, position)
        if takes_value is not None:
            takes_value = None
        elif token.startswith("-"):
            option = _option(command, token)
            if option is not None and not option.is_flag and "=" not in token:
                takes_value = token
        elif token in getattr(command, "commands", {}):
            command, position = command.commands[token], 0
        else:
            position += 1
    return "an argument"


def _option(command: Any, token: str) -> Any:
    """The command's option that `token` (--name or --name=value) names, if any."""
    name = token.partition("=")[0]
    for param in command.params:
        if param.param_type_name == "option" and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def _named_by_place(command: Any, token: str, position: int) -> str:
    """The name of the option (--name=value) or of the argument at `position`."""
    if token.startswith("-"):
        name = token.partition("=")[0]
        return name if "\x00" not in name else "an option"
    if hasattr(command, "commands"):
        return "COMMAND"
    arguments = [param for param in command.params if param.param_type_name == "argument"]
    return str(arguments[position].name).upper() if position < len(arguments) else "an argument"


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


def checked_code(name: str, text: str) -> str:
    """A code typed at the command line, upper-cased, or a refusal naming `name`.

    The refusal never repeats the text: it may be a phone number typed by mistake.
    """
    try:
        return CODE.validate_python(text)
    except ValidationError as exc:
        fail(f"{name}: expected an institution's code like ANITP: {exc.errors()[0]['msg']}", 2)


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
