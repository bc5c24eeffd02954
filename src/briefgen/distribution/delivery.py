"""Delivery: a message per recipient (cover note as body, copies attached), by SMTP or outbox.

Channels share one interface, `send(message) -> None`, raising on failure; adding a channel is
adding a class here.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from briefgen.atomic import write_bytes_atomic

MIME_TYPES = {
    ".pdf": ("application", "pdf"),
    ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".html": ("text", "html"),
}


class DeliveryError(Exception):
    """A message could not be delivered."""


@dataclass(frozen=True)
class Letter:
    """What goes to one recipient: who, the cover note, and the copies."""

    recipient_id: str
    to_name: str
    to_address: str | None
    subject: str
    body: str
    attachments: tuple[Path, ...]
    message_id: str


def compose(letter: Letter, sender: str) -> EmailMessage:
    """Return the email for a letter, with every copy attached."""
    message = EmailMessage()
    message["From"] = sender
    if letter.to_address:
        message["To"] = formataddr((letter.to_name, letter.to_address))
    message["Subject"] = letter.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = letter.message_id
    message["X-Briefgen-Recipient"] = letter.recipient_id
    message.set_content(letter.body)
    for path in letter.attachments:
        maintype, subtype = MIME_TYPES.get(path.suffix, ("application", "octet-stream"))
        message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return message


def message_id(brief: str, edition: int, recipient: str, copy_number: int) -> str:
    """Return the Message-ID of a copy: stable, so a mail system can spot a duplicate."""
    return make_msgid(idstring=f"{brief}.e{edition}.{recipient}.copy{copy_number}", domain="briefgen.invalid")


class Channel(Protocol):
    """A way to deliver a message."""

    name: str

    def send(self, message: EmailMessage) -> None:
        """Deliver the message or raise DeliveryError."""
        ...


class Outbox:
    """Writes each message as a standard `.eml` file, for the analyst's own mail client."""

    name = "outbox"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, message: EmailMessage) -> Path:
        """Return the file a message is written to."""
        return self.folder / f"{message['X-Briefgen-Recipient']}.eml"

    def send(self, message: EmailMessage) -> None:
        """Write the message atomically."""
        try:
            write_bytes_atomic(self.path_for(message), message.as_bytes())
        except OSError as exc:
            raise DeliveryError(f"cannot write {self.path_for(message)}: {exc}") from exc


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the mail server."""

    host: str
    port: int
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "briefgen@localhost"
    timeout: float = 30.0

    @classmethod
    def parse(cls, address: str | None, sender: str | None = None) -> SmtpSettings | None:
        """Return settings from `HOST:PORT` (or BRIEFGEN_SMTP) and the BRIEFGEN_SMTP_* environment."""
        address = address or os.environ.get("BRIEFGEN_SMTP")
        if not address:
            return None
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"SMTP server must be HOST:PORT, not {address!r}")
        return cls(
            host=host.strip("[]"),
            port=int(port),
            starttls=os.environ.get("BRIEFGEN_SMTP_STARTTLS", "") in ("1", "true", "yes"),
            username=os.environ.get("BRIEFGEN_SMTP_USER") or None,
            password=os.environ.get("BRIEFGEN_SMTP_PASSWORD") or None,
            sender=sender or os.environ.get("BRIEFGEN_SMTP_FROM") or "briefgen@localhost",
        )


class Smtp:
    """Sends messages through one SMTP connection, reconnecting once if the server drops it."""

    name = "email"

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.starttls:
            client.starttls(context=ssl.create_default_context())
        if s.username:
            client.login(s.username, s.password or "")
        return client

    def send(self, message: EmailMessage) -> None:
        """Send the message; a dropped connection is retried on a new one, once."""
        for attempt in (1, 2):
            try:
                if self._client is None:
                    self._client = self._connect()
                self._client.send_message(message)
                return
            except smtplib.SMTPServerDisconnected as exc:
                self._client = None
                if attempt == 2:
                    raise DeliveryError(f"the server closed the connection: {exc}") from exc
            except (smtplib.SMTPException, OSError) as exc:
                self.close()
                raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        """Say goodbye to the server."""
        if self._client is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._client.quit()
            self._client = None
