"""Concord's configuration, read from CONCORD_* environment variables and `.env`."""

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    SecretStr,
    StringConstraints,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

DUTY_PATH = r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$"


class SettingsError(Exception):
    """A configuration value is wrong; the message names the variable."""


class PartnerAccount(BaseModel):
    """A partner system allowed to send cases: its country, authority, mailbox and secret."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    country: str = Field(pattern=r"^[A-Z]{2}$")
    authority: str = Field(min_length=1, max_length=200)
    email: EmailStr | None = None
    secret: SecretStr = Field(min_length=24)


# a login is stored with each request it sends (cooperation_request.partner_login, 60 long)
PartnerLogin = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,59}$")]


class Settings(BaseSettings):
    """Everything Concord can be configured with."""

    model_config = SettingsConfigDict(
        env_prefix="CONCORD_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    var_dir: Path = Path("var")
    database_url: str | None = None
    timezone: str = "Europe/Bucharest"
    language: Literal["ro", "en"] = "ro"
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    smtp_ca_file: Path | None = None
    smtp_connections: int = Field(default=4, ge=1, le=32)
    # the mailbox institutions reply to; unset, replies come through the LMTP listener
    imap_host: str | None = None
    imap_port: int = Field(default=993, ge=1, le=65535)
    imap_user: str | None = None
    imap_password: SecretStr | None = None
    imap_security: Literal["none", "starttls", "ssl"] = "ssl"
    imap_folder: str = Field(default="INBOX", min_length=1)
    imap_done_folder: str = Field(default="Concord/Processed", min_length=1)
    inbound_maildir: Path | None = None  # where the LMTP listener delivers; unset, under var_dir
    lmtp_port: int | None = Field(default=None, ge=1, le=65535)
    reply_address: EmailStr | None = None  # its plus-addresses carry a token
    inbound_max_bytes: int = Field(default=26_214_400, ge=1024)
    sender: EmailStr = "concord@coordination.example"
    coordinator_email: EmailStr = "secretariat@coordination.example"
    portal_base_url: str = "http://127.0.0.1:8600"
    signing_key: SecretStr | None = None
    coordinator_password: SecretStr | None = None
    prefect_ui_url: str = "http://127.0.0.1:4200"
    # the shared-server layout's Redis (`concord up --shared`); unset, it starts one of its own
    redis_url: SecretStr | None = None
    portal_max_upload_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    link_valid_days: int = Field(default=60, ge=1, le=366)
    outbox_max_attempts: int = Field(default=8, ge=1, le=50)
    outbox_lease_seconds: int = Field(default=300, ge=10)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    retention_days: int = Field(default=730, ge=30, le=3650)  # closed requests and referrals
    sent_bodies_retention_days: int = Field(default=180, ge=7, le=3650)
    # JSON: {"de-bka": {"country": "DE", "authority": "Bundeskriminalamt", "secret": "..."}}
    partners: dict[PartnerLogin, PartnerAccount] = Field(default_factory=dict)
    # the prevention campaigns planned (a flow parameter would keep a free path in Prefect)
    campaigns_file: Path = Path(__file__).resolve().parents[2] / "data" / "campaigns.yaml"
    # duties installed beside those of models/duties.py, as JSON: ["package.duty:DUTY"]
    extra_duties: list[Annotated[str, StringConstraints(pattern=DUTY_PATH)]] = []
    # what an institution's confirmed contacts do: change at once, or wait for the coordinator
    contacts_changes: Literal["apply", "hold"] = "apply"

    @field_validator("smtp_ca_file", "campaigns_file")
    @classmethod
    def _readable_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite", "postgresql")):
            raise ValueError(f"expected a sqlite:// or postgresql:// URL, got {value!r}")
        return value

    @field_validator("portal_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
        return value.rstrip("/")

    @property
    def sender_domain(self) -> str:
        """The domain of the sender address, used in Message-IDs."""
        return str(self.sender).rsplit("@", 1)[1]

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.timezone)

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the working folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'concord.db').resolve()}"

    def resolved_inbound_maildir(self) -> Path:
        """The maildir the LMTP listener delivers into, defaulting to one in the working folder."""
        return self.inbound_maildir or self.var_dir / "inbound"

    def with_signing_key(self) -> "Settings":
        """These settings with the signing key read once, for a run signing thousands of links."""
        return self.model_copy(update={"signing_key": self.resolved_signing_key()})

    def resolved_signing_key(self) -> SecretStr:
        """The signing key; locally, one is created once and kept under the working folder."""
        if self.signing_key is not None:
            return self.signing_key
        key_file = self.var_dir / "signing.key"
        if not key_file.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return _key_in(key_file, key_file.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _key_in(key_file: Path, modified_ns: int) -> SecretStr:
    """The key a file holds, read again only when the file changes (links sign it often)."""
    return SecretStr(key_file.read_text().strip())


def load_settings() -> Settings:
    """Read the settings, turning validation errors into one message per variable."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = [
            f"CONCORD_{'_'.join(str(p) for p in error['loc']).upper()}: {error['msg']}"
            for error in exc.errors()
        ]
        raise SettingsError("invalid configuration:\n  " + "\n  ".join(problems)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
