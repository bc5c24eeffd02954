"""What a distribution run is asked to do: `DistributionRequest`, every option of `briefgen distribute` once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DistributionRequest:
    """Every option of a distribution run, with its default."""

    folder: Path
    """The brief folder."""
    edition: int | None = None
    """The released edition to send; None: the newest."""
    recipients: tuple[str, ...] = ()
    """Only these recipients (ids); none: everyone on recipients.yaml."""
    outdated: bool = False
    """Only recipients who lack this edition (or a newer one)."""
    dry_run: bool = False
    """Say who would get what; send and record nothing."""
    smtp: str | None = None
    """The mail server, `HOST:PORT` (else BRIEFGEN_SMTP)."""
    sender: str | None = None
    """The sender address (else BRIEFGEN_SMTP_FROM)."""
    outbox: Path | None = None
    """Where `.eml` drafts go (default: `<brief>/outbox/e<N>`); given without a mail server, every copy goes there."""
    channel: str | None = None
    """Send every selected recipient by this channel (only `outbox`), whatever their own."""
    resend_unknown: bool = False
    """Send again the copies whose outcome is unknown (same Message-ID)."""
    mark_sent: tuple[str, ...] = ()
    """Record these recipients' copies (unknown outcome, or in the outbox) as sent, as the analyst checked."""
    new_ledger: bool = False
    """Start a new ledger on purpose although copies of this brief exist."""
    wait: float = 0.0
    """Seconds to wait for another distribution of this brief to finish."""
    ledger: Path | None = None
    """The ledger database (default: `<brief>/ledger.sqlite`)."""
    out: Path = Path("build")
    """The build folder the copies are written under."""
    jobs: int | None = None
    """Worker processes (default: one per core)."""
