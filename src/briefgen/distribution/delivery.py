"""Delivery: a message per recipient (cover note as body, copies attached), by SMTP or outbox.

Channels share one interface, `send(recipient_id, to_address, message) -> None`, raising
`DeliveryError` when the message certainly did not go (safe to try again) and `DeliveryUnknown`
when it may have gone (the connection was lost after the message was handed over). Adding a
channel is adding a class here.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path
from typing import Protocol

import briefgen.reading as reading
from briefgen.atomic import write_bytes_atomic
from briefgen.errors import DeliveryError, DeliveryUnknown, UsageError
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


def compose(letter: Letter, sender: str | None, *, draft: bool = False) -> bytes:
    """Return the letter as an RFC 5322 message (CRLF line ends): cover note, then the copies.

    A `draft` is for the outbox: it carries `X-Unsent: 1`, so Outlook and other clients open it
    as a message to send, not as one received; without a sender its From is left to the client.

    The headers and the cover note are written by the email package; each attachment is written
    directly as a base64 MIME part, because the package's generator walks base64 line by line in
    Python and dominated the time to prepare hundreds of copies.
    """
    boundary = "briefgen-" + hashlib.sha256(letter.message_id.encode()).hexdigest()[:32]
    top = EmailMessage(policy=policy.SMTP)
    if sender:
        top["From"] = sender
    if letter.to_address:
        top["To"] = formataddr((letter.to_name, letter.to_address))
    top["Subject"] = letter.subject
    top["Date"] = formatdate(localtime=False, usegmt=True)
    top["Message-ID"] = letter.message_id
    top["X-Briefgen-Recipient"] = letter.recipient_id
    if draft:
        top["X-Unsent"] = "1"
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
        parts.append(base64.encodebytes(reading.read_file(path, reading.DOCUMENT)).replace(b"\n", b"\r\n"))
    parts.append(f"\r\n--{boundary}--\r\n".encode("ascii"))
    return b"".join(parts)


DEFAULT_DOMAIN = "briefgen.invalid"
"""The Message-ID domain when no sender address gives one (`.invalid` is reserved: RFC 2606)."""

_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def message_id(
    brief: str, edition: int, recipient: str, copy_number: int, domain: str = DEFAULT_DOMAIN
) -> str:
    """Return the Message-ID of a copy: the same for every call, so a mail system can drop a duplicate."""
    key = "\0".join((brief, str(edition), recipient, str(copy_number)))
    return f"<briefgen.{hashlib.sha256(key.encode('utf-8')).hexdigest()[:40]}@{domain}>"


def message_domain(sender: str | None) -> str:
    """Return the domain of the sender's address, for Message-IDs; `briefgen.invalid` without one."""
    if not sender:
        return DEFAULT_DOMAIN
    domain = parseaddr(sender)[1].rpartition("@")[2].lower()
    return domain if _DOMAIN.match(domain) else DEFAULT_DOMAIN


def checked_sender(sender: str) -> str:
    """Return the sender (`addr@example.org` or `Name <addr@example.org>`), or raise UsageError."""
    if any(ord(c) < 32 or ord(c) == 127 for c in sender):
        raise UsageError(f"the sender {sender!r} contains a line break or control character")
    name, address = parseaddr(sender)
    if not _ADDRESS.match(address):
        raise UsageError(f"the sender {sender!r} is not an email address (like analyst@example.org)")
    return formataddr((name, address)) if name else address


class Channel(Protocol):
    """A way to deliver a message."""

    name: str

    def send(self, recipient_id: str, to_address: str | None, message: bytes) -> None:
        """Deliver the message (RFC 5322 bytes) or raise DeliveryError."""
        ...


class Outbox:
    """Writes each message as a standard `.eml` draft, for the analyst's own mail client.

    The file name is the recipient's id, so writing a message again replaces it: the outbox
    never holds two messages for one recipient. I/O errors (a full disk) are not one
    recipient's problem and pass through as OSError.
    """

    name = "outbox"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, recipient_id: str) -> Path:
        """Return the file a recipient's message is written to."""
        return self.folder / f"{recipient_id}.eml"

    def send(self, recipient_id: str, to_address: str | None, message: bytes) -> None:
        """Write the message atomically."""
        path = self.path_for(recipient_id)
        try:
            write_bytes_atomic(path, message)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from None

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


class _Lost(Exception):  # control flow inside Smtp, never seen outside it
    """The connection was found closed before the message was handed over: safe to try again."""


class Smtp:
    """Sends messages through one SMTP connection.

    What happened to each message decides what may be done again: a refusal (a 4xx or 5xx
    reply) means it did not go; a connection lost before the message was handed over is retried
    once on a new connection; a connection lost after the message was handed over, before the
    server's reply, is `DeliveryUnknown`, never retried here. A server that cannot be reached is
    not waited for again in the same run.
    """

    name = "email"

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
