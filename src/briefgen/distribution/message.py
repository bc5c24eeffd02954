"""The message that carries a recipient's copies: the cover note as its body, the copies attached.

How a message leaves (by email, or as a draft in the outbox) is `briefgen.distribution.channels`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path

import briefgen.reading as reading
from briefgen.errors import UsageError
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
