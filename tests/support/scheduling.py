"""Which tests run where: the serial ones apart, the rest spread over pytest-xdist workers.

`--serial-tests=skip` leaves out the tests marked serial (./run-tests' run on several
workers), `--serial-tests=only` runs nothing else (its run after that, in one process).

Under `--dist loadfile` each module stays on one worker, and the modules whose tests run on
the deployment tests' shared stack go to one worker together, so the stack starts once.
The modules with slow tests are handed out first (give xdist `--no-loadscope-reorder` to
keep this order): started last, a long one would leave the other workers idle.
"""

from typing import Any

import pytest

SHARED_STACK = "shared-stack"
# the modules with tests on tests/deployments/conftest.py's shared_stack
STACK_MODULES = {
    "tests/deployments/test_browser.py",
    "tests/deployments/test_browser_minutes.py",
    "tests/deployments/test_demo.py",
    "tests/deployments/test_stack.py",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--serial-tests",
        choices=("include", "skip", "only"),
        default="include",
        help="run the tests marked serial too (include), leave them out (skip, for a run "
        "on several workers) or run nothing else (only, for the run after it)",
    )


def scope_of(nodeid: str) -> str:
    """The unit a worker takes: a test's module, or all of the shared stack's modules."""
    module = nodeid.split("::", 1)[0]
    return SHARED_STACK if module in STACK_MODULES else module


def by_module(config: pytest.Config) -> bool:
    """Whether this session runs under `--dist loadfile`, as the controller or a worker."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        return workerinput.get("concord_dist") == "loadfile"
    return config.getoption("dist", "no") == "loadfile"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Tell each worker how the controller hands out the tests (a worker's own is "no")."""
    node.workerinput["concord_dist"] = node.config.getoption("dist")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadfile` by scope_of: the shared stack's modules count as one."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ModuleScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid)

    return ModuleScheduling(config, log)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Select by --serial-tests."""
    wanted = config.getoption("serial_tests")
    if wanted == "include":
        return
    only = wanted == "only"
    keep = [item for item in items if bool(item.get_closest_marker("serial")) == only]
    left = [item for item in items if bool(item.get_closest_marker("serial")) != only]
    config.hook.pytest_deselected(items=left)
    items[:] = keep


class SlowModulesFirst:
    """Orders the items after every other plugin has: the slow tests' scopes first."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        if not by_module(config):
            return
        on_stack = [i.nodeid for i in items if "shared_stack" in getattr(i, "fixturenames", ())]
        if stray := [nodeid for nodeid in on_stack if scope_of(nodeid) != SHARED_STACK]:
            raise pytest.UsageError(
                f"{stray[0]} runs on the shared stack: add its module to STACK_MODULES in "
                "tests/support/scheduling.py, so that the stack starts once"
            )
        slow = {scope_of(item.nodeid) for item in items if item.get_closest_marker("slow")}
        items.sort(key=lambda item: scope_of(item.nodeid) not in slow)  # stable otherwise


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(SlowModulesFirst(), "concord-slow-modules-first")
