"""Each installed duty's command-line group comes from its Duty, under the group's own name."""

from dataclasses import replace

import pytest
import typer.main

from deployments.cli import app, duty_commands
from models.duties import INSTALLED

GROUPS = {
    "meetings": "meetings",
    "cooperation": "requests",
    "referrals": "referrals",
    "campaigns": "campaigns",
    "recommendations": "recommendations",
    "contacts": "contacts",
}


def test_each_duty_with_commands_adds_its_group_under_the_groups_name() -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    named = {duty.name: duty_commands(duty).info.name for duty in INSTALLED if duty.commands}
    assert named == GROUPS
    for duty in INSTALLED:
        if duty.commands:
            group = duty_commands(duty)
            assert commands[str(group.info.name)].help == group.info.help
    assert {"db", "outbox", "assignments", "privacy", "retention", "deadline"} <= set(commands)


def test_a_duty_naming_anything_but_a_named_typer_app_is_refused() -> None:
    for target in ("deployments.cli_support:console", "deployments.cli_db:nothing"):
        with pytest.raises(TypeError, match="is not a named Typer app"):
            duty_commands(replace(INSTALLED[0], commands=target))
