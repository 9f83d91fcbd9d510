"""`concord bench`: measure Concord against a plain script at one size, on both databases."""

from pathlib import Path
from typing import Annotated

import psycopg
import typer
from rich.table import Table

from bench.places import DEFAULT_POSTGRES
from bench.sizes import SIZES
from bench.table import databases, markdown, rows
from deployments.cli_support import console, fail
from models.core.settings import Settings

RESULTS = Path(__file__).resolve().parents[1] / "bench" / "results"
DATABASES = {"both": ["sqlite", "postgresql"], "sqlite": ["sqlite"], "postgresql": ["postgresql"]}


def _check_postgres(server: str) -> None:
    try:
        psycopg.connect(server, connect_timeout=5).close()
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0]
        fail(f"--postgres: cannot connect to {server}: {reason} (or use --database sqlite)")


def _print(results: dict[str, object]) -> None:
    for name in databases(results):
        table = Table(title=f"{results['size']} · {name}", show_edge=False, title_justify="left")
        table.add_column("measurement", overflow="fold")
        table.add_column("figures", overflow="fold")
        for label, figures in rows(results, name):
            table.add_row(label, figures)
        console.print(table)


def bench(
    size: Annotated[
        str, typer.Option(help="national (the reference data), large (2,000 institutions), eu")
    ] = "large",
    database: Annotated[str, typer.Option(help="both, sqlite or postgresql")] = "both",
    postgres: Annotated[
        str, typer.Option(help="PostgreSQL server to create a throwaway database on")
    ] = DEFAULT_POSTGRES,
    smtp_connections: Annotated[
        int, typer.Option(min=1, max=32, help="SMTP connections Concord sends over at once")
    ] = Settings.model_fields["smtp_connections"].default,
    output: Annotated[
        Path, typer.Option(help="folder for the JSON and Markdown results")
    ] = RESULTS,
) -> None:
    """Run a round, the daily sweep, the report and status writes; compare with a plain script."""
    if size not in SIZES:
        fail(f"--size: expected one of {', '.join(SIZES)}, got {size!r}")
    if database not in DATABASES:
        fail(f"--database: expected one of {', '.join(DATABASES)}, got {database!r}")
    if "postgresql" in DATABASES[database]:
        _check_postgres(postgres)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--output: cannot write to {output}: {exc.strerror}")
    from bench.suite import run  # it loads Prefect and every flow: only when benchmarking

    results, path = run(
        SIZES[size], DATABASES[database], postgres, output, console.print, smtp_connections
    )
    path.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
    _print(results)
    console.print(f"results: {path} and {path.with_suffix('.md').name}", highlight=False)
