"""`concord summary` shows each strategy's period and status and the public services."""

import os
import subprocess
from pathlib import Path

from models.core.i18n import translate
from tests.deployments.test_cli import CONCORD, concord


def test_the_summary_shows_closed_strategies_and_the_lines_in_romanian(
    isolated_settings: Path,
) -> None:
    assert concord("up", "--setup-only").returncode == 0
    shown = concord("summary").stdout
    lines = {line.split()[0]: line for line in shown.splitlines() if line.strip()}
    closed, in_force = translate("ro", "closed"), translate("ro", "in force")
    assert "2012-2016" in lines["SNITP-2012-2016"] and closed in lines["SNITP-2012-2016"]
    assert closed in lines["SNITP-2018-2022"] and in_force in lines["SNITP-2024-2028"]
    assert translate("ro", "Public services") in shown
    assert "0800 800 678" in lines["HELPLINE"] and "ANITP" in lines["HELPLINE"]
    assert "Numărul de urgență pentru copii" in lines["LINIA-119"]
    assert "OUT-OF-CARE" in lines["LINIA-119"] and "116 000" in lines["LINIA-116000"]
    assert translate("ro", "programme") in lines["OUT-OF-CARE"]


def test_a_summary_written_to_a_log_keeps_every_code_whole(isolated_settings: Path) -> None:
    assert concord("up", "--setup-only").returncode == 0
    without_width = {name: value for name, value in os.environ.items() if name != "COLUMNS"}
    logged = subprocess.run(
        [CONCORD, "summary"], capture_output=True, text=True, env=without_width, timeout=120
    ).stdout
    lines = {line.split()[0]: line for line in logged.splitlines() if line.strip()}
    assert "OUT-OF-CARE" in lines["LINIA-119"] and "OUT-OF-CARE" in lines["ALERTA-COPIL-DISPARUT"]
    assert "…" not in logged
