"""What every `concord` command shares: the consoles, failing clearly, settings, migrating."""

from typing import NoReturn

import typer
from rich.console import Console

from models.core.db import get_engine
from models.core.i18n import translate, translate_count
from models.core.migrate import upgrade
from models.core.settings import Settings, SettingsError, get_settings

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
