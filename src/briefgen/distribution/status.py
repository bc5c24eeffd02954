"""Who holds which edition, and who needs the newest one.

Only a copy the mail server confirmed (or the analyst recorded with `--mark-sent`) counts as
held; a copy written to the outbox, failed, or of unknown outcome is shown as pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen.distribution.addressee import shown
from briefgen.distribution.ledger import CopyRecord, open_existing, status_label


@dataclass(frozen=True)
class Holding:
    """What one recipient holds."""

    recipient: str
    name: str
    institution: str
    country: str
    language: str
    """The language of the copy held (as recorded), else the recipient's language."""
    edition: int | None
    copy_number: int | None
    formats: tuple[str, ...]
    sent_at: str | None
    channel: str | None
    pending: str | None
    """State of a newer edition's copy that is not held yet: "edition 2 written to outbox",
    "edition 2 unknown: …", "edition 2 failed: …"."""
    pending_status: str | None = None
    """The status token of that copy (`in-outbox`, `unknown`, `failed`, `prepared`…)."""


def holdings(folder: Path, ledger_path: Path) -> list[Holding]:
    """Return, for every recipient on the list, the newest edition sent to them."""
    from briefgen.sources.loading import load_sources

    loaded = load_sources(folder)
    source = loaded.brief.languages[0]
    ledger = open_existing(ledger_path)
    out = []
    try:
        for r in loaded.recipients or ():
            copies = ledger.copies(loaded.id, recipient=r.id) if ledger is not None else []
            name, institution = shown(r.name, source), shown(r.institution, source)
            out.append(_holding(r.id, name, institution, r.country, r.language, copies))
    finally:
        if ledger is not None:
            ledger.close()
    return out


def _holding(
    rid: str, name: str, institution: str, country: str, language: str, copies: list[CopyRecord]
) -> Holding:
    sent = [c for c in copies if c.status == "sent"]
    latest = sent[-1] if sent else None
    newer = [c for c in copies if c.status != "sent" and (latest is None or c.edition > latest.edition)]
    pending = newer[-1] if newer else None
    return Holding(
        rid,
        name,
        institution,
        country,
        (latest.language if latest else "") or language,
        latest.edition if latest else None,
        latest.copy_number if latest else None,
        tuple(f.format for f in latest.files) if latest else (),
        latest.sent_at if latest else None,
        latest.channel if latest else None,
        (
            f"edition {pending.edition} {status_label(pending.status)}"
            + (f": {pending.error}" if pending.error else "")
            if pending
            else None
        ),
        pending.status if pending else None,
    )


@dataclass(frozen=True)
class Outdated:
    """A recipient whose newest edition is older than the newest release."""

    holding: Holding
    newest: int
    changes: tuple[str, ...]


def outdated(folder: Path, ledger_path: Path) -> list[Outdated]:
    """Return the recipients who do not hold the newest released edition, with what changed.

    A recipient whose newest copy sits in the outbox is listed (with that state): the message is
    written, not known to be sent.
    """
    from briefgen.sources.frozen import load_edition, released_editions
    from briefgen.tailoring import tailor
    from briefgen.tailoring.core import changes_from

    released = released_editions(folder)
    if not released:
        return []
    newest = released[-1]
    newest_brief = load_edition(folder, newest)
    editions = {newest: newest_brief}
    found = []
    for holding in holdings(folder, ledger_path):
        if holding.edition is not None and holding.edition >= newest:
            continue
        if holding.edition is None:
            lines: tuple[str, ...] = (f"Holds no edition yet; edition {newest} would be the first.",)
        else:
            old = editions.setdefault(holding.edition, load_edition(folder, holding.edition))
            after = tailor(newest_brief, holding.country)
            lines = changes_from(old, after, newest_brief.brief.changes).lines or (
                f"Nothing in the {holding.country} brief changed since edition {holding.edition}.",
            )
        found.append(Outdated(holding, newest, lines))
    return found
