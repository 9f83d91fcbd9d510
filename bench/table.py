"""The benchmark's results as rows of a table, for the terminal and for the README."""

from typing import Any

TARGETS = {
    "round_ratio": 1.0,  # at or below the plain script measured in the same run
    "sweep_ratio": 1.0,  # the daily sweep at or below its plain script, at every size
    "task_per_email_factor": 10.0,  # the flow at least this many times faster per email
    "prefect_fixed_seconds": 2.0,
    "report_seconds": 2.0,
    "report_mib": 300.0,
}


def _ms(value: float) -> str:
    return f"{value:.2f} ms"


def _runs(figures: dict[str, Any], key: str = "runs_seconds") -> str:
    """ "; the median of runs of 14.2, 15.0 and 15.3 s", where the run repeated it."""
    runs = figures.get(key)
    if not runs or len(runs) < 2:
        return ""
    listed = ", ".join(f"{value:.2f}" for value in sorted(runs))
    return f"; median of runs of {listed} s"


def _round_rows(figures: dict[str, Any]) -> list[tuple[str, str]]:
    floor, flow, per_task = figures["floor"], figures["flow"], figures["task_per_email"]
    one = figures["flow_one_connection"]
    parts = ", ".join(f"{name} {_ms(ms)}" for name, ms in one["parts_ms"].items())
    return [
        (
            f"round through its Prefect flow, {flow['smtp_connections']} SMTP connections",
            f"{flow['emails']:,} emails, {flow['emails_per_second']:,.0f}/s, "
            f"{_ms(flow['ms_per_email'])} each, {flow['ratio_to_floor']:.2f}x the floor"
            f"{_runs(flow)}",
        ),
        (
            "the same over one SMTP connection",
            f"{_ms(one['ms_per_email'])} each, {one['ratio_to_floor']:.2f}x the floor",
        ),
        (
            "plain script (the floor), one connection",
            f"{floor['emails']:,} emails, {floor['emails_per_second']:,.0f}/s, "
            f"{_ms(floor['ms_per_email'])} each{_runs(floor)}",
        ),
        *_marking_each_row(figures),
        (
            "one task run per email",
            f"{per_task['emails']:,} emails, {per_task['emails_per_second']:,.0f}/s, "
            f"{per_task['ratio_to_floor']:.2f}x the floor; the flow is "
            f"{figures['flow_vs_task_per_email']:.1f}x faster",
        ),
        ("Prefect's fixed cost per round", f"{flow['prefect_fixed_seconds']:.2f} s"),
        ("per email, over one connection", parts),
    ]


def _marking_each_row(figures: dict[str, Any]) -> list[tuple[str, str]]:
    """The floor that commits each email sent before the next, where the run measured it."""
    each = figures.get("floor_marking_each")
    if not each:
        return []
    flow_ratio = figures["flow"]["ms_per_email"] / each["ms_per_email"]
    return [
        (
            "plain script marking each email sent before the next",
            f"{_ms(each['ms_per_email'])} each, {each['ratio_to_floor']:.2f}x the floor; "
            f"the flow is {flow_ratio:.2f}x this",
        )
    ]


def _sweep_rows(sweep: dict[str, Any]) -> list[tuple[str, str]]:
    sized = f"{sweep['open']:,} assignments, {sweep['due']:,} due"
    return [
        (
            f"daily sweep, {sized}",
            f"{sweep['total']:.2f} s (advance {sweep['advance']:.2f}, bundle "
            f"{sweep['bundle']:.2f}, deliver {sweep['deliver']:.2f}), "
            f"{_ms(sweep['ms_per_due'])} a due row, {sweep['ratio_to_floor']:.2f}x the floor"
            f"{_runs(sweep)}",
        ),
        (
            f"plain script (the sweep's floor), {sized}",
            f"{sweep['floor']:.2f} s, {_ms(sweep['floor_ms_per_due'])} a due row"
            f"{_runs(sweep, 'floor_runs_seconds')}",
        ),
    ]


def _printer_peak(report: dict[str, Any]) -> str:
    """The PDF printer's own peak, where the run measured it."""
    peak = report.get("printer_peak_mib")
    return f" (the PDF's printer {peak:.0f} MiB)" if peak else ""


def _other_rows(figures: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [row for sweep in figures["sweeps"] for row in _sweep_rows(sweep)]
    report = figures["report"]
    rows.append(
        (
            f"consolidated report, {report['submissions']:,} submissions",
            f"figures {report['build_seconds']:.2f} s, files (HTML, PDF, XLSX, CSV) "
            f"{report['files_seconds']:.2f} s, peak {report['peak_mib']:.0f} MiB"
            + _printer_peak(report),
        )
    )
    writes = figures.get("status_writes_per_second")
    if writes:
        text = ", ".join(f"{workers} worker(s) {rate:,}/s" for workers, rate in writes.items())
        rows.append(("status writes", text))
    return rows


def rows(results: dict[str, Any], database: str) -> list[tuple[str, str]]:
    """(measurement, figures) for one database."""
    figures = results[database]
    return _round_rows(figures["round"]) + _other_rows(figures)


def databases(results: dict[str, Any]) -> list[str]:
    """The databases measured in this run."""
    return [name for name in ("sqlite", "postgresql") if name in results]


def markdown(results: dict[str, Any]) -> str:
    """The results as a Markdown table with the machine they were measured on."""
    host = results["machine"]
    lines = [
        f"`concord bench --size {results['size']}`, {results['when'][:16]}, "
        f"{host['cores']} cores ({host['cpu']}), {host['memory_gib']} GiB, Python "
        f"{host['python']}, SQLite {host['sqlite']}, PostgreSQL {host.get('postgresql') or '-'}, "
        f"Prefect {host['prefect']}; {results['seconds']:.0f} s in all.",
        "",
        "| measurement | " + " | ".join(databases(results)) + " |",
        "|---|" + "---|" * len(databases(results)),
    ]
    columns = [dict(rows(results, name)) for name in databases(results)]
    labels = dict.fromkeys(label for column in columns for label in column)
    for label in labels:
        cells = [column.get(label, "") for column in columns]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
