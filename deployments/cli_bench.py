"""`concord bench`: measure Concord against a plain script at one size, on both databases."""

import json
from pathlib import Path
from typing import Annotated, Any

import psycopg
import typer
from rich.table import Table

from bench.places import DEFAULT_POSTGRES
from bench.sizes import SIZES, Size
from bench.table import databases, markdown, rows
from deployments.bench_scaleout import scale_out, shared_markdown, shared_rows
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
    if shared := shared_rows(results):
        table = Table(title="shared-server layout", show_edge=False, title_justify="left")
        for heading in shared[0]:
            table.add_column(heading, overflow="fold")
        for row in shared[1:]:
            table.add_row(*row)
        console.print(table)


WORKERS_HELP = (
    "e.g. 1,2,4: also run rounds and sweeps on the shared-server layout (PostgreSQL, Redis) "
    "with that many workers"
)


def worker_counts(text: str) -> list[int]:
    """'1,2,4' as [1, 2, 4]; fails naming the option unless each is 1 to 8."""
    if not text:
        return []
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        counts = []
    if not counts or not all(1 <= count <= 8 for count in counts):
        fail(f"--workers: expected numbers of workers from 1 to 8 like 1,2,4, got {text!r}")
    return counts


def _scale_out(size: Size, counts: list[int], postgres: str) -> dict[str, Any]:
    import tempfile

    from bench.places import SmtpSink

    with tempfile.TemporaryDirectory(prefix="concord-bench-") as folder, SmtpSink() as sink:
        return scale_out(size, counts, postgres, sink, Path(folder), console.print)


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
    workers: Annotated[str, typer.Option(help=WORKERS_HELP)] = "",
) -> None:
    """Run a round, the daily sweep, the report and status writes; compare with a plain script."""
    if size not in SIZES:
        fail(f"--size: expected one of {', '.join(SIZES)}, got {size!r}")
    if database not in DATABASES:
        fail(f"--database: expected one of {', '.join(DATABASES)}, got {database!r}")
    counts = worker_counts(workers)
    if "postgresql" in DATABASES[database] or counts:
        _check_postgres(postgres)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--output: cannot write to {output}: {exc.strerror}")
    from bench.suite import run  # it loads Prefect and every flow: only when benchmarking

    results, path = run(
        SIZES[size], DATABASES[database], postgres, output, console.print, smtp_connections
    )
    if counts:
        results["shared_server"] = _scale_out(SIZES[size], counts, postgres)
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    path.with_suffix(".md").write_text(markdown(results) + shared_markdown(results), "utf-8")
    _print(results)
    console.print(f"results: {path} and {path.with_suffix('.md').name}", highlight=False)
