"""Delivery: a message per recipient (cover note as body, copies attached), by SMTP or outbox.

Channels share one interface, `send(recipient_id, to_address, message) -> None` (the message
as RFC 5322 bytes), raising DeliveryError on failure; adding a channel is adding a class here.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import smtplib
import ssl
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from briefgen.atomic import write_bytes_atomic
from briefgen.errors import DeliveryError, UsageError
from briefgen.formats import format_of


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


def compose(letter: Letter, sender: str) -> bytes:
    """Return the letter as an RFC 5322 message (CRLF line ends): cover note, then the copies.

    The headers and the cover note are written by the email package; each attachment is written
    directly as a base64 MIME part, because the package's generator walks base64 line by line in
    Python and dominated the time to prepare hundreds of copies.
    """
    boundary = "briefgen-" + hashlib.sha256(letter.message_id.encode()).hexdigest()[:32]
    top = EmailMessage(policy=policy.SMTP)
    top["From"] = sender
    if letter.to_address:
        top["To"] = formataddr((letter.to_name, letter.to_address))
    top["Subject"] = letter.subject
    top["Date"] = formatdate(localtime=False, usegmt=True)
    top["Message-ID"] = letter.message_id
    top["X-Briefgen-Recipient"] = letter.recipient_id
    top["MIME-Version"] = "1.0"
    top["Content-Type"] = f'multipart/mixed; boundary="{boundary}"'
    note = EmailMessage(policy=policy.SMTP)
    note.set_content(letter.body, cte="quoted-printable")  # 7-bit clean for any server
    del note["MIME-Version"]
    headers = b"".join(policy.SMTP.fold_binary(name, value) for name, value in top.items())
    parts = [headers, b"\r\n--" + boundary.encode() + b"\r\n", note.as_bytes()]
    for path in letter.attachments:
        known = format_of(path.suffix)
        maintype, subtype = (known.media_type if known else "application/octet-stream").split("/")
        if not path.name.isascii() or '"' in path.name:
            raise ValueError(f"attachment names are ASCII slugs: {path.name!r}")
        header = (
            f"\r\n--{boundary}\r\n"
            f"Content-Type: {maintype}/{subtype}\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            f'Content-Disposition: attachment; filename="{path.name}"\r\n\r\n'
        )
        parts.append(header.encode("ascii"))
        parts.append(base64.encodebytes(path.read_bytes()).replace(b"\n", b"\r\n"))
    parts.append(f"\r\n--{boundary}--\r\n".encode("ascii"))
    return b"".join(parts)


def message_id(brief: str, edition: int, recipient: str, copy_number: int) -> str:
    """Return the Message-ID of a copy: stable, so a mail system can spot a duplicate."""
    return make_msgid(idstring=f"{brief}.e{edition}.{recipient}.copy{copy_number}", domain="briefgen.invalid")


class Channel(Protocol):
    """A way to deliver a message."""

    name: str

    def send(self, recipient_id: str, to_address: str | None, message: bytes) -> None:
        """Deliver the message (RFC 5322 bytes) or raise DeliveryError."""
        ...


class Outbox:
    """Writes each message as a standard `.eml` file, for the analyst's own mail client."""

    name = "outbox"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, recipient_id: str) -> Path:
        """Return the file a recipient's message is written to."""
        return self.folder / f"{recipient_id}.eml"

    def send(self, recipient_id: str, to_address: str | None, message: bytes) -> None:
        """Write the message atomically."""
        try:
            write_bytes_atomic(self.path_for(recipient_id), message)
        except OSError as exc:
            raise DeliveryError(f"cannot write {self.path_for(recipient_id)}: {exc}") from exc


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
            raise UsageError(f"SMTP server must be HOST:PORT, not {address!r}")
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

    def send(self, recipient_id: str, to_address: str | None, message: bytes) -> None:
        """Send the message; a connection found dropped is retried on a new one, once."""
        if not to_address:
            raise DeliveryError(f"{recipient_id} has no email address")
        for attempt in (1, 2):
            try:
                if self._client is None:
                    self._client = self._connect()
                self._client.sendmail(self.settings.sender, [to_address], message)
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
