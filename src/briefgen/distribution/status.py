"""Who holds which edition, and who needs the newest one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen.distribution.ledger import Ledger


@dataclass(frozen=True)
class Holding:
    """What one recipient holds."""

    recipient: str
    name: str
    institution: str
    country: str
    edition: int | None
    copy_number: int | None
    formats: tuple[str, ...]
    sent_at: str | None
    channel: str | None
    pending: str | None
    """Status of a copy of a newer edition that is prepared or failed, with its error."""


def holdings(folder: Path, ledger_path: Path) -> list[Holding]:
    """Return, for every recipient on the list, the newest edition sent to them."""
    from briefgen.sources.loading import load_brief

    loaded = load_brief(folder)
    out = []
    with Ledger(ledger_path) as ledger:
        for r in loaded.recipients or ():
            copies = ledger.copies(loaded.id, recipient=r.id)
            sent = [c for c in copies if c.status == "sent"]
            latest = sent[-1] if sent else None
            newer = [
                c for c in copies if c.status != "sent" and (latest is None or c.edition > latest.edition)
            ]
            pending = (
                f"edition {newer[-1].edition} {newer[-1].status}"
                + (f": {newer[-1].error}" if newer[-1].error else "")
                if newer
                else None
            )
            out.append(
                Holding(
                    r.id,
                    r.name,
                    r.institution,
                    r.country,
                    latest.edition if latest else None,
                    latest.copy_number if latest else None,
                    tuple(f.format for f in latest.files) if latest else (),
                    latest.sent_at if latest else None,
                    latest.channel if latest else None,
                    pending,
                )
            )
    return out


@dataclass(frozen=True)
class Outdated:
    """A recipient whose newest edition is older than the newest release."""

    holding: Holding
    newest: int
    changes: tuple[str, ...]


def outdated(folder: Path, ledger_path: Path) -> list[Outdated]:
    """Return the recipients who do not hold the newest released edition, with what changed."""
    from briefgen.sources.editions import load_edition, released_editions
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
            lines = changes_from(old, tailor(newest_brief, holding.country)).lines or (
                f"Nothing in the {holding.country} brief changed since edition {holding.edition}.",
            )
        found.append(Outdated(holding, newest, lines))
    return found
