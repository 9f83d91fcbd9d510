"""The import-linter contracts that follow from the installed duties (models/duties.py).

`python -m scripts.contracts` prints them; `--write` puts them into pyproject.toml between
its markers. tests/test_contracts.py fails when pyproject.toml and the duties differ.
"""

import sys
from pathlib import Path

from models.duties import INSTALLED
from models.lifecycle.duty import Duty

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
BEGIN = "# --- contracts from models/duties.py (python -m scripts.contracts --write)\n"
END = "# --- end of the contracts from models/duties.py\n"
ENGINE = [
    "models.core",
    "models.reference",
    "models.lifecycle",
    "models.messaging",
    "tasks.lifecycle",
    "tasks.messaging",
    "tasks.operations",
    "portal",
]


def duty_modules(duty: Duty) -> list[str]:
    """The modules one duty owns: its models and tasks packages, its flows, its commands."""
    owned = [f"models.{duty.name}"]
    if (ROOT / "tasks" / duty.name).is_dir():
        owned.append(f"tasks.{duty.name}")
    owned += duty.flows
    if duty.commands:
        owned.append(duty.commands.partition(":")[0])
    return owned


def engine_flows() -> list[str]:
    """The flows of no duty: the sweeps, delivery, retention, alerts."""
    owned = {flow for duty in INSTALLED for flow in duty.flows}
    found = (f"flows.{path.stem}" for path in sorted((ROOT / "flows").glob("[a-z]*.py")))
    return [module for module in found if module not in owned]


def listed(name: str, values: list[str]) -> str:
    """One TOML array, a value a line."""
    return f"{name} = [\n" + "".join(f'    "{value}",\n' for value in values) + "]\n"


def engine_contract() -> str:
    """No engine module imports a duty, nor the module that lists them."""
    forbidden = ["models.duties", "models.schema"]
    forbidden += [m for duty in INSTALLED for m in duty_modules(duty)]
    return (
        "[[tool.importlinter.contracts]]\n"
        'name = "The shared engine never imports a duty"\n'
        'type = "forbidden"\n'
        + listed("source_modules", ENGINE + engine_flows())
        + listed("forbidden_modules", forbidden)
    )


def independence_contract(duty: Duty) -> str:
    """The duty imports no other duty."""
    others = [m for other in INSTALLED if other is not duty for m in duty_modules(other)]
    return (
        "[[tool.importlinter.contracts]]\n"
        f'name = "The {duty.name} duty imports no other duty"\n'
        'type = "forbidden"\n'
        + listed("source_modules", duty_modules(duty))
        + listed("forbidden_modules", others)
    )


def contracts() -> str:
    """Every generated contract, between the markers."""
    parts = [engine_contract(), *(independence_contract(duty) for duty in INSTALLED)]
    return BEGIN + "\n".join(parts) + END


def written(pyproject: str) -> str:
    """What pyproject.toml holds between the markers (markers included)."""
    start, end = pyproject.index(BEGIN), pyproject.index(END) + len(END)
    return pyproject[start:end]


def main() -> None:
    """Print the contracts, or write them into pyproject.toml with --write."""
    if "--write" not in sys.argv:
        print(contracts(), end="")
        return
    text = PYPROJECT.read_text(encoding="utf-8")
    PYPROJECT.write_text(text.replace(written(text), contracts()), encoding="utf-8")


if __name__ == "__main__":
    main()
