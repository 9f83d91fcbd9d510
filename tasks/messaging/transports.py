"""SMTP and webhooks, errors sorted into transient and permanent; waiting out a lost database."""

import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

import httpx
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from models.core.settings import Settings
from models.core.tokens import webhook_secret, webhook_signature

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

PATIENCE_CAP_SECONDS = 60.0  # a database restart takes seconds; a lease, minutes
LOG = logging.getLogger(__name__)
Outcome = TypeVar("Outcome")


class DeliveryError(Exception):
    """A delivery that did not happen; `permanent` says whether retrying can help."""

    def __init__(self, reason: str, *, permanent: bool, connection: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent
        self.connection = connection


def _refusal(code: int, detail: bytes | str) -> DeliveryError:
    text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else detail
    return DeliveryError(f"{code} {text}".strip(), permanent=500 <= code < 600)


def _sent_as_is(data: bytes) -> bool:
    """Whether DATA may carry these bytes unchanged: whole lines, none starting with a dot."""
    return data.endswith(b"\r\n") and not data.startswith(b".") and b"\n." not in data


class _PlainCommands(smtplib.SMTP):
    """smtplib, sparing what a Concord email never needs: about 0.1 ms of CPU an email.

    Its addresses are already bare (`recipients_of`), so quoting them needs no parser, and
    its lines are base64 or short headers, so a line starting with "." is rare and only then
    is the message scanned line by line to double it.
    """

    def mail(self, sender: str, options: Sequence[str] = ()) -> tuple[int, bytes]:
        if any(option.lower() == "smtputf8" for option in options):
            return super().mail(sender, options)  # which also switches the commands to UTF-8
        self.putcmd("mail", f"FROM:<{sender}>{self._listed(options)}")
        return self.getreply()

    def rcpt(self, recip: str, options: Sequence[str] = ()) -> tuple[int, bytes]:
        self.putcmd("rcpt", f"TO:<{recip}>{self._listed(options)}")
        return self.getreply()

    def _listed(self, options: Sequence[str]) -> str:
        return "".join(f" {option}" for option in options) if self.does_esmtp else ""

    def data(self, msg: "ReadableBuffer | str") -> tuple[int, bytes]:
        if not isinstance(msg, bytes) or not _sent_as_is(msg):
            return super().data(msg)
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        self.send(msg + b".\r\n")
        return self.getreply()


class _PlainCommandsSSL(_PlainCommands, smtplib.SMTP_SSL):
    """`_PlainCommands` over TLS from the first byte."""


class SmtpTransport:
    """One SMTP connection reused for a batch, opened on first use and reopened after a drop."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: smtplib.SMTP | None = None

    def __enter__(self) -> "SmtpTransport":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _tls_context(self) -> ssl.SSLContext:
        ca_file = self.settings.smtp_ca_file
        return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if not s.smtp_host:
            raise DeliveryError(
                "no SMTP server configured (CONCORD_SMTP_HOST)", permanent=False, connection=True
            )
        try:
            if s.smtp_security == "ssl":
                client: smtplib.SMTP = _PlainCommandsSSL(
                    s.smtp_host,
                    s.smtp_port,
                    timeout=s.smtp_timeout_seconds,
                    context=self._tls_context(),
                )
            else:
                client = _PlainCommands(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
                if s.smtp_security == "starttls":
                    client.starttls(context=self._tls_context())
            if s.smtp_user and s.smtp_password:
                client.login(s.smtp_user, s.smtp_password.get_secret_value())
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"SMTP login refused: {exc.smtp_code}", permanent=False, connection=True
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(
                f"SMTP server unreachable: {exc}", permanent=False, connection=True
            ) from None
        return client

    def send(self, data: bytes, sender: str, recipients: list[str]) -> list[str]:
        """Deliver one composed message; returns the recipients refused while others took it."""
        if self._client is None:
            self._client = self._connect()
        international = not all(address.isascii() for address in (sender, *recipients))
        options = ["SMTPUTF8"] if international else []
        try:
            refused = self._client.sendmail(sender, recipients, data, mail_options=options)
        except (smtplib.SMTPNotSupportedError, UnicodeError) as exc:
            # raised before anything is sent: the connection is still good for the others
            raise DeliveryError(
                f"the address needs SMTPUTF8 (non-ASCII), which the server does not offer: {exc}",
                permanent=True,
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            code, detail = min(exc.recipients.values(), key=lambda refusal: refusal[0])
            self._reset()
            raise _refusal(code, detail) from None
        except smtplib.SMTPResponseException as exc:
            self._reset()
            raise _refusal(exc.smtp_code, exc.smtp_error) from None
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.close()
            raise DeliveryError(
                f"connection lost: {exc}", permanent=False, connection=True
            ) from None
        return sorted(refused)

    def _reset(self) -> None:
        try:
            if self._client is not None:
                self._client.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        """Say goodbye to the server, ignoring a connection that is already gone."""
        if self._client is None:
            return
        try:
            self._client.quit()
        except (smtplib.SMTPException, OSError):
            self._client.close()
        self._client = None


def post_webhook(
    client: httpx.Client, *, url: str, body: str, institution_code: str, settings: Settings
) -> None:
    """POST one signed JSON event; retryable only on 5xx, 429 and connection errors."""
    content = body.encode("utf-8")
    secret = webhook_secret(institution_code, settings.resolved_signing_key())
    headers = {
        "Content-Type": "application/json",
        "X-Concord-Signature": webhook_signature(content, secret),
    }
    try:
        response = client.post(
            url, content=content, headers=headers, timeout=settings.webhook_timeout_seconds
        )
        response.raise_for_status()
    except httpx.HTTPStatusError as exc:
        code = exc.response.status_code
        raise DeliveryError(f"HTTP {code}", permanent=code < 500 and code != 429) from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}", permanent=False) from None


def patience_for(settings: Settings) -> float:
    """How long delivery waits for an unreachable database: well within a message's lease."""
    return min(PATIENCE_CAP_SECONDS, settings.outbox_lease_seconds / 2)


def _unreachable(error: DBAPIError) -> bool:
    """Whether the database went away or was busy, so the same statement may succeed later."""
    return error.connection_invalidated or isinstance(error, OperationalError | InterfaceError)


def patiently(
    attempt: Callable[[], Outcome], *, seconds: float, recover: Callable[[], None] = lambda: None
) -> Outcome:
    """Run `attempt` again while the database is unreachable, for up to `seconds`.

    Each attempt must be safe to repeat: its transaction either committed or did not.
    """
    deadline, pause = time.monotonic() + seconds, 0.05
    while True:
        try:
            return attempt()
        except DBAPIError as error:
            if not _unreachable(error) or time.monotonic() + pause > deadline:
                raise
            LOG.warning("database unreachable (%s), trying again", type(error.orig).__name__)
        recover()
        time.sleep(pause)
        pause = min(pause * 2, 2.0)
