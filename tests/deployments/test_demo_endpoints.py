"""Where the demo finds Prefect and what links its emails carry: a flag, then the environment."""

from pathlib import Path

import pytest

from deployments.demo import Flags, endpoints
from deployments.stack import Stack, portal_port_of
from models.core.settings import Settings


@pytest.fixture
def settings(isolated_settings: Path) -> Settings:
    return Settings(var_dir=isolated_settings)


def test_without_flags_or_environment_the_demo_looks_where_concord_up_starts(
    settings: Settings,
) -> None:
    chosen = endpoints(Flags(), settings, {})
    assert (chosen.api_url, chosen.api_from) == ("http://127.0.0.1:4200/api", "default")
    assert chosen.ui_url == "http://127.0.0.1:4200"
    assert (chosen.ports.portal, chosen.ports.smtp, chosen.portal_from) == (8600, 8025, "default")
    assert Stack(settings=settings, ports=chosen.ports).links_url == "http://127.0.0.1:8600"


def test_prefect_api_url_and_the_portal_base_url_are_honoured(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCORD_PORTAL_BASE_URL", "http://localhost:9300/")
    configured = Settings(var_dir=settings.var_dir)
    environ = {"PREFECT_API_URL": "http://prefect.example:4444/api/"}
    chosen = endpoints(Flags(), configured, environ)
    assert (chosen.api_url, chosen.api_from) == (
        "http://prefect.example:4444/api",
        "PREFECT_API_URL",
    )
    assert chosen.ui_url == "http://prefect.example:4444"
    assert (chosen.ports.portal, chosen.portal_from) == (9300, "CONCORD_PORTAL_BASE_URL")
    stack = Stack(settings=configured, ports=chosen.ports)
    assert stack.links_url == "http://localhost:9300"
    assert stack.environment()["CONCORD_PORTAL_BASE_URL"] == "http://localhost:9300"


def test_flags_win_over_the_environment(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCORD_PORTAL_BASE_URL", "http://127.0.0.1:9300")
    configured = Settings(var_dir=settings.var_dir)
    environ = {"PREFECT_API_URL": "http://prefect.example:4444/api"}
    chosen = endpoints(Flags(4301, 8601, 8026), configured, environ)
    assert (chosen.api_url, chosen.api_from) == ("http://127.0.0.1:4301/api", "--prefect-port")
    assert (chosen.ports.portal, chosen.ports.smtp, chosen.portal_from) == (
        8601,
        8026,
        "--portal-port",
    )
    assert Stack(settings=configured, ports=chosen.ports).links_url == "http://127.0.0.1:8601"


def test_a_portal_behind_a_proxy_listens_on_8600_and_keeps_its_public_address(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCORD_PORTAL_BASE_URL", "https://concord.example/portal")
    configured = Settings(var_dir=settings.var_dir)
    assert portal_port_of(configured) == 8600 and portal_port_of(configured, 8700) == 8700
    chosen = endpoints(Flags(), configured, {})
    links = Stack(settings=configured, ports=chosen.ports).links_url
    assert links == "https://concord.example/portal"
