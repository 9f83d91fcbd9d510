import json
import stat
from pathlib import Path

import pytest

from models.core.settings import Settings, SettingsError, load_settings


def test_defaults_put_the_sqlite_database_in_the_working_folder(isolated_settings: Path) -> None:
    settings = load_settings()
    assert settings.resolved_database_url() == f"sqlite:///{isolated_settings / 'concord.db'}"
    assert settings.timezone == "Europe/Bucharest"


def partner_logged_in_as(login: str) -> str:
    account = {"country": "DE", "authority": "BKA", "secret": "s" * 24}
    return json.dumps({login: account})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CONCORD_SMTP_PORT", "not-a-port"),
        ("CONCORD_SMTP_PORT", "70000"),
        ("CONCORD_TIMEZONE", "Europe/Atlantis"),
        ("CONCORD_DATABASE_URL", "mysql://x"),
        ("CONCORD_SMTP_SECURITY", "tls-please"),
        ("CONCORD_SENDER", "not an address"),
        ("CONCORD_PORTAL_BASE_URL", "ftp://portal"),
        (
            "CONCORD_PARTNERS",
            '{"'
            + "x" * 61
            + '": {"country": "DE", "authority": "BKA", "secret": "'
            + "s" * 24
            + '"}}',
        ),
        (
            "CONCORD_PARTNERS",
            '{"BKA Desk": {"country": "DE", "authority": "BKA", "secret": "' + "s" * 24 + '"}}',
        ),
    ],
)
def test_a_wrong_value_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings()


def test_dotenv_file_is_read(isolated_settings: Path) -> None:
    Path(".env").write_text("CONCORD_SMTP_HOST=mail.coordination.example\nCONCORD_SMTP_PORT=2525\n")
    settings = load_settings()
    assert (settings.smtp_host, settings.smtp_port) == ("mail.coordination.example", 2525)


def test_local_signing_key_is_created_once_and_kept_private(isolated_settings: Path) -> None:
    first = load_settings().resolved_signing_key()
    second = load_settings().resolved_signing_key()
    assert first.get_secret_value() == second.get_secret_value()
    assert len(first.get_secret_value()) >= 32
    key_file = isolated_settings / "signing.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_secrets_never_show_in_the_settings_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCORD_SMTP_PASSWORD", "hunter2-secret")
    monkeypatch.setenv("CONCORD_SIGNING_KEY", "signing-secret-value")
    settings = Settings()
    shown = repr(settings) + str(settings) + settings.model_dump_json()
    assert "hunter2-secret" not in shown
    assert "signing-secret-value" not in shown
    assert settings.resolved_signing_key().get_secret_value() == "signing-secret-value"
