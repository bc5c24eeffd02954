"""A real SMTP server on loopback (aiosmtpd) that records what arrives and can be told to fail."""

from __future__ import annotations

import asyncio
import email
import socket
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Recorder:
    """aiosmtpd handler: keeps every message; can drop the connection after N messages."""

    messages: list[Message] = field(default_factory=list)
    drop_after: int | None = None
    refusing: bool = False

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> Any:
        if self.refusing:
            return ["421 service not available, closing transmission channel"]
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusing:
            return "421 service not available"
        self.messages.append(
            email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        )
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
