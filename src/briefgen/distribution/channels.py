"""Delivery channels: how a recipient's message leaves, and how the ledger records it.

A channel is a class here: its name (as recipients.yaml and the ledger write it), what a run
needs to use it (`lacks`), whether a handling marking lets copies leave by it (`allowed_by`,
a field of the marking), how it delivers one message and records what happened (`deliver`),
and how it recognises a message a stopped run already delivered (`recovered`). Adding a channel
is adding a class here and its name to `CHANNELS` (and to the `channel` field of recipients,
and a field to `models.Marking`).

A message certainly not delivered is `DeliveryError` (safe to try again); one that may have been
(the connection was lost after the message was handed over) is `DeliveryUnknown`: the ledger
records it as unknown, never as something to send again without the analyst's word.
"""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import ssl
from abc import ABC, abstractmethod
from dataclasses import dataclass
from email import policy
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import briefgen.reading as reading
from briefgen.atomic import write_bytes_atomic
from briefgen.errors import DeliveryError, DeliveryUnknown, UsageError

if TYPE_CHECKING:
    from briefgen.distribution.ledger import Ledger, Reservation
    from briefgen.models import Marking, Recipient


@dataclass(frozen=True)
class Route:
    """Where a run's messages may go: the mail server and sender (if any) and the outbox."""

    settings: SmtpSettings | None
    sender: str | None
    outbox: Path


@dataclass(frozen=True)
class Lack:
    """Something a run needs to use a channel, and how to give it."""

    what: str
    how: str


@dataclass(frozen=True)
class Sent:
    """What became of one message: a delivery status, and the error or advice that goes with it."""

    status: str
    error: str = ""


class Channel(ABC):
    """One way a message leaves; opened once per run (`Channel(route)`), closed at its end."""

    name: ClassVar[str]
    """The channel's name, as recipients.yaml, the ledger and the report write it."""
    drafts: ClassVar[bool] = False
    """Whether its messages are drafts the analyst sends from a mail client (marked unsent)."""

    def __init__(self, route: Route) -> None:
        self.route = route

    @staticmethod
    @abstractmethod
    def lacks(route: Route) -> Lack | None:
        """Return what a run lacks to deliver by this channel (a mail server, a sender), or None."""

    @staticmethod
    @abstractmethod
    def allowed_by(marking: Marking) -> bool:
        """Return whether copies under this handling marking may leave by this channel."""

    @abstractmethod
    def deliver(self, ledger: Ledger, brief: str, edition: int, recipient: Recipient, message: bytes) -> Sent:
        """Deliver one message, recording each step in the ledger; return what became of it."""

    def recovered(
        self, ledger: Ledger, brief: str, edition: int, recipient: Recipient, reserved: Reservation
    ) -> bool:
        """Return whether a stopped run delivered this copy without recording it (now recorded)."""
        return False

    def close(self) -> None:  # noqa: B027 (most channels hold no connection)
        """End the channel's connections, if it has any."""


class Outbox(Channel):
    """Writes each message as a standard `.eml` draft, for the analyst's own mail client.

    The file name is the recipient's id, so writing a message again replaces it: the outbox
    never holds two messages for one recipient. I/O errors (a full disk) are not one
    recipient's problem and pass through as OSError.
    """

    name = "outbox"
    drafts = True

    @staticmethod
    def lacks(route: Route) -> Lack | None:
        return None

    @staticmethod
    def allowed_by(marking: Marking) -> bool:
        return marking.outbox

    def path_for(self, recipient_id: str) -> Path:
        """Return the file a recipient's message is written to."""
        return self.route.outbox / f"{recipient_id}.eml"

    def deliver(self, ledger: Ledger, brief: str, edition: int, recipient: Recipient, message: bytes) -> Sent:
        """Write the message atomically, and record it as in the outbox."""
        path = self.path_for(recipient.id)
        try:
            write_bytes_atomic(path, message)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        ledger.record_in_outbox(brief, edition, recipient.id, path)
        return Sent("in-outbox")

    def recovered(
        self, ledger: Ledger, brief: str, edition: int, recipient: Recipient, reserved: Reservation
    ) -> bool:
        if reserved.status != "written" or not self.holds(recipient.id, reserved.message_id):
            return False
        ledger.record_in_outbox(brief, edition, recipient.id, self.path_for(recipient.id))
        return True

    def holds(self, recipient_id: str, message_id: str) -> bool:
        """Return whether the outbox holds this recipient's message with this Message-ID, complete."""
        from email.parser import BytesHeaderParser

        path = self.path_for(recipient_id)
        try:
            raw = reading.read_file(path, reading.DOCUMENT)
        except reading.UnreadableFile:
            return False
        headers = BytesHeaderParser(policy=policy.SMTP).parsebytes(raw)
        return str(headers.get("Message-ID", "")).strip() == message_id


class Email(Channel):
    """Sends each message by SMTP, recording it as sending before it leaves.

    A run killed during the send leaves "sending", which the next run turns into "unknown",
    never into a second copy.
    """

    name = "email"

    def __init__(self, route: Route) -> None:
        super().__init__(route)
        self._connection: SmtpConnection | None = None

    @staticmethod
    def lacks(route: Route) -> Lack | None:
        if route.settings is None:
            return Lack("mail server", "--smtp HOST:PORT or BRIEFGEN_SMTP")
        if route.sender is None:
            return Lack("sender address", "--from ADDRESS or BRIEFGEN_SMTP_FROM")
        return None

    @staticmethod
    def allowed_by(marking: Marking) -> bool:
        return marking.email

    def deliver(self, ledger: Ledger, brief: str, edition: int, recipient: Recipient, message: bytes) -> Sent:
        """Send the message; record it as sent, failed or of unknown outcome."""
        if self._connection is None:
            assert self.route.settings is not None and self.route.sender is not None, "checked by lacks()"
            self._connection = SmtpConnection(self.route.settings, self.route.sender)
        ledger.record_sending(brief, edition, recipient.id, self.name, recipient.email)
        try:
            self._connection.send(recipient.id, recipient.email, message)
        except DeliveryUnknown as exc:
            ledger.record_unknown(brief, edition, recipient.id, str(exc))
            return Sent("unknown", str(exc))
        except DeliveryError as exc:
            ledger.record_failed(brief, edition, recipient.id, str(exc))
            return Sent("failed", str(exc))
        ledger.record_sent(brief, edition, recipient.id, self.name)
        return Sent("sent")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


CHANNELS: dict[str, type[Channel]] = {channel.name: channel for channel in (Email, Outbox)}
"""Every channel, by name."""


def channel_of(recipient: Recipient) -> str:
    """Return the recipient's own channel: as set, else email when it has an address, else the outbox."""
    return recipient.channel or (Email.name if recipient.email else Outbox.name)


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the mail server."""

    host: str
    port: int
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0

    @classmethod
    def parse(cls, address: str | None) -> SmtpSettings | None:
        """Return settings from `HOST:PORT` (or BRIEFGEN_SMTP) and the BRIEFGEN_SMTP_* environment."""
        address = address or os.environ.get("BRIEFGEN_SMTP")
        if not address:
            return None
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise UsageError(f"the SMTP server must be HOST:PORT, not {address!r}")
        return cls(
            host=host.strip("[]"),
            port=int(port),
            starttls=os.environ.get("BRIEFGEN_SMTP_STARTTLS", "") in ("1", "true", "yes"),
            username=os.environ.get("BRIEFGEN_SMTP_USER") or None,
            password=os.environ.get("BRIEFGEN_SMTP_PASSWORD") or None,
        )


class _Lost(Exception):  # control flow inside SmtpConnection, never seen outside it
    """The connection was found closed before the message was handed over: safe to try again."""


class SmtpConnection:
    """Sends messages through one SMTP connection (the email channel's transport).

    What happened to each message decides what may be done again: a refusal (a 4xx or 5xx
    reply) means it did not go; a connection lost before the message was handed over is retried
    once on a new connection; a connection lost after the message was handed over, before the
    server's reply, is `DeliveryUnknown`, never retried here. A server that cannot be reached is
    not waited for again in the same run.
    """

    def __init__(self, settings: SmtpSettings, sender: str) -> None:
        self.settings = settings
        self.sender = parseaddr(sender)[1]
        self._client: smtplib.SMTP | None = None
        self._unreachable: str | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.starttls:
                client.starttls(context=ssl.create_default_context())
            if s.username:
                client.login(s.username, s.password or "")
        except smtplib.SMTPResponseException as exc:
            self._unreachable = f"the mail server {s.host}:{s.port} refused the connection: {_reply(exc)}"
        except (smtplib.SMTPException, OSError) as exc:
            self._unreachable = f"cannot reach the mail server {s.host}:{s.port}: {exc}"
        else:
            return client
        raise DeliveryError(self._unreachable)

    def send(self, recipient_id: str, to_address: str | None, message: bytes) -> None:
        """Send the message, or raise DeliveryError (it did not go) or DeliveryUnknown (it may have)."""
        if not to_address:
            raise DeliveryError(f"{recipient_id} has no email address")
        if self._unreachable is not None:
            raise DeliveryError(f"not tried: {self._unreachable}")
        for attempt in (1, 2):
            if self._client is None:
                self._client = self._connect()
            try:
                self._transaction(self._client, to_address, message)
                return
            except _Lost as exc:
                self._drop()
                if attempt == 2:
                    raise DeliveryError(
                        f"the mail server closed the connection before the message: {exc}"
                    ) from exc

    def _transaction(self, client: smtplib.SMTP, to_address: str, message: bytes) -> None:
        try:
            client.ehlo_or_helo_if_needed()
            code, reply = client.mail(self.sender)
            if code != 250:
                self._refused("the sender", code, reply)
            code, reply = client.rcpt(to_address)
            if code not in (250, 251):
                self._refused(to_address, code, reply)
            code, reply = client.docmd("data")
            if code != 354:
                self._refused("the message", code, reply)
        except smtplib.SMTPServerDisconnected as exc:
            raise _Lost(str(exc)) from exc
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raise DeliveryError(f"the mail server refused: {_reply(exc)}") from exc
        try:
            client.send(_dot_stuffed(message))
        except smtplib.SMTPServerDisconnected as exc:
            # the message did not reach its end mark, so the server cannot have taken it
            self._drop()
            raise DeliveryError(f"the connection broke while sending the message: {exc}") from exc
        try:
            code, reply = client.getreply()
        except smtplib.SMTPServerDisconnected as exc:
            self._drop()
            raise DeliveryUnknown(
                "the connection was lost after the message was handed over, before the server "
                f"confirmed it ({exc})"
            ) from exc
        if code != 250:
            self._refused("the message", code, reply)

    def _refused(self, what: str, code: int, reply: bytes) -> None:
        """Raise the server's refusal, leaving the connection ready for the next message."""
        text = reply.decode("utf-8", "replace")
        if self._client is not None:
            try:
                self._client.rset()
            except (smtplib.SMTPException, OSError):
                self._drop()
        raise DeliveryError(f"the mail server refused {what}: {code} {text}")

    def _drop(self) -> None:
        if self._client is not None:
            with contextlib.suppress(OSError):
                self._client.close()
            self._client = None

    def close(self) -> None:
        """Say goodbye to the server."""
        if self._client is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._client.quit()
            self._client = None


def _reply(exc: smtplib.SMTPResponseException) -> str:
    error = (
        exc.smtp_error.decode("utf-8", "replace")
        if isinstance(exc.smtp_error, bytes)
        else str(exc.smtp_error)
    )
    return f"{exc.smtp_code} {error}"


def _dot_stuffed(message: bytes) -> bytes:
    """Return the message as the DATA command sends it: CRLF lines, leading dots doubled, end mark."""
    data = re.sub(rb"\r\n|\n|\r", b"\r\n", message)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"
