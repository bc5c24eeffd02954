"""What a distribution run did, recipient by recipient."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Delivery:
    """What happened to one recipient."""

    recipient: str
    country: str
    copy_number: int | None
    channel: str
    status: str
    """One of DELIVERY_STATUSES."""
    files: list[Path] = field(default_factory=list)
    error: str = ""
    language: str = ""
    message_id: str | None = None
    note: str = ""
    """What the analyst should know or do about it (a dry run's missing server, an unknown outcome)."""


DELIVERY_STATUSES = ("sent", "in-outbox", "skipped", "failed", "unknown", "planned")
"""sent: the server confirmed it; in-outbox: written to the outbox as a draft; skipped: done
before; failed: not sent (a rerun tries again); unknown: may have gone (waits for a decision);
planned: what a dry run would do."""

UNKNOWN_ADVICE = (
    "check the recipient's mailbox or the mail server's log for Message-ID {mid}; if it did not "
    "arrive, run again with --resend-unknown (same Message-ID, so a duplicate can be dropped); "
    "if it did, record it with --mark-sent {rid}"
)


@dataclass
class DistributionReport:
    """What a distribution run did."""

    brief: str
    edition: int
    deliveries: list[Delivery] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things the run did on its own that the analyst should know (stale files removed…)."""

    def by_status(self, status: str) -> list[Delivery]:
        """Return the deliveries with `status`."""
        return [d for d in self.deliveries if d.status == status]

    @property
    def needs_attention(self) -> bool:
        """Return whether a copy failed or has an unknown outcome (the command then exits 1)."""
        return any(d.status in ("failed", "unknown") for d in self.deliveries)
