"""The import contracts follow the installed duties, and no package imports itself in a circle."""

from pathlib import Path

import grimp
import pytest

from models.duties import INSTALLED
from scripts.contracts import PYPROJECT, contracts, duty_modules, written


def test_the_contracts_in_pyproject_are_those_the_installed_duties_call_for() -> None:
    assert written(PYPROJECT.read_text(encoding="utf-8")) == contracts(), (
        "run: python -m scripts.contracts --write"
    )


def test_every_duty_owns_its_models_its_flows_and_its_commands() -> None:
    for duty in INSTALLED:
        owned = duty_modules(duty)
        assert owned[0] == f"models.{duty.name}" and duty.flows, duty.name
        assert all(flow in owned for flow in duty.flows)


def cycles(package: str) -> list[tuple[str, str]]:
    """(a, b) where a imports b directly and b leads back to a, inside one package."""
    graph = grimp.build_graph(package.split(".")[0])
    inside = {m for m in graph.modules if m == package or m.startswith(package + ".")}
    return sorted(
        (importer, imported)
        for importer in inside
        for imported in graph.find_modules_directly_imported_by(importer) & inside
        if graph.chain_exists(importer=imported, imported=importer)
    )


@pytest.mark.parametrize(
    "package",
    [f"{layer}.{duty.name}" for duty in INSTALLED for layer in ("models", "tasks")]
    + ["models.core", "models.reference", "models.lifecycle", "models.messaging", "portal"],
)
def test_no_module_imports_itself_in_a_circle(package: str) -> None:
    assert cycles(package) == []


def test_a_circle_is_found_when_there_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "circle"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "steps.py").write_text("from circle import notices\n")
    (package / "notices.py").write_text("from circle.steps import x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cycles("circle") == [
        ("circle.notices", "circle.steps"),
        ("circle.steps", "circle.notices"),
    ]
