"""A real SMTP server on loopback (aiosmtpd) that records what arrives and can be told to fail.

The ways it fails are the ones that decide whether a copy may be sent again:
- `reject`: refuse an address at RCPT with 550 (nothing was sent: "failed", safe to retry);
- `drop_before_reply`: store the message of an address, then close the connection before the
  `250` (the message arrived, the client cannot know: "unknown", never resent on its own);
- `die_after`: store the N-th message, close the connection before its `250` and stop listening
  (a server that dies mid-run);
- `drop_after`: close the connection after the N-th message's `250`, then refuse everything;
- `on_message`: a callback after each stored message (a test kills the sender there).
"""

from __future__ import annotations

import asyncio
import email
import socket
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Recorder:
    """aiosmtpd handler: keeps every message; fails on demand (see the module's docstring)."""

    messages: list[Message] = field(default_factory=list)
    drop_after: int | None = None
    refusing: bool = False
    reject: set[str] = field(default_factory=set)
    drop_before_reply: set[str] = field(default_factory=set)
    """Addresses whose next message is stored and then cut off before the 250 (once each)."""
    die_after: int | None = None
    on_message: Callable[[Message], None] | None = None
    stop_listening: Callable[[], None] | None = None

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> Any:
        if self.refusing:
            return ["421 service not available, closing transmission channel"]
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusing:
            return "421 service not available"
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        self.messages.append(message)
        if self.on_message is not None:
            self.on_message(message)
        cut = [a for a in envelope.rcpt_tos if a in self.drop_before_reply]
        if cut:
            self.drop_before_reply.difference_update(cut)
            server.transport.close()  # stored, and the client never sees the 250
            return "250 OK"
        if self.die_after is not None and len(self.messages) >= self.die_after:
            self.die_after = None
            if self.stop_listening is not None:
                self.stop_listening()
            self.refusing = True
            server.transport.close()
            return "250 OK"
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            self.refusing = True
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 OK"


def _free_port() -> int:
    """Return a loopback port nobody listens on (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """Start and stop the recording server; `address` is HOST:PORT on 127.0.0.1."""

    def __init__(self) -> None:
        self.recorder = Recorder()
        self.port = _free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.recorder.stop_listening = self._stop_listening

    def _stop_listening(self) -> None:
        if self.controller.server is not None:
            self.controller.server.close()  # runs in the server's loop: no new connections

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[Message]:
        return self.recorder.messages

    def per_recipient(self) -> Counter[str]:
        """Return how many messages arrived for each recipient id."""
        return Counter(str(m["X-Briefgen-Recipient"]) for m in self.messages)

    def message_ids(self, recipient: str | None = None) -> list[str]:
        """Return the Message-IDs that arrived (for one recipient id, if given)."""
        return [
            str(m["Message-ID"])
            for m in self.messages
            if recipient is None or m["X-Briefgen-Recipient"] == recipient
        ]
