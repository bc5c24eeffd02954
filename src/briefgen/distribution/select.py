"""Choose: which edition, which recipients, by which channel; what a dry run says. Nothing is written.

Everything a run needs is decided here, before the ledger is touched: a request that cannot
work (no release, an unknown recipient, a language the edition was not released in, a
channel no recipient can use) stops here with nothing sent and nothing recorded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.distribution.channels import CHANNELS, Channel, Outbox, Route, SmtpSettings, channel_of
from briefgen.distribution.report import Delivery, DistributionReport
from briefgen.errors import DistributionError, UnknownEdition, UsageError

if TYPE_CHECKING:
    from briefgen.distribution.ledger import CopyRecord, Ledger
    from briefgen.distribution.request import DistributionRequest
    from briefgen.models import Brief, Recipient

LEDGER_FILE = "ledger.sqlite"


def default_ledger(folder: Path) -> Path:
    """Return the ledger's default place: beside the brief's sources, outside build/."""
    return folder / LEDGER_FILE


@dataclass(frozen=True)
class DistributionPlan:
    """What one run works with, decided before the ledger is touched."""

    brief_id: str
    edition: int
    chosen: tuple[Recipient, ...]
    """The recipients this run is for, in the order of recipients.yaml (or as named)."""
    known: dict[str, Recipient]
    """Every recipient of recipients.yaml, by id."""
    channels: dict[str, str]
    """Recipient id -> the channel this run uses for them."""
    route: Route
    domain: str
    """The domain of Message-IDs (the sender's)."""
    ledger: Path

    def channel(self, recipient: Recipient) -> type[Channel]:
        """Return the channel class this run uses for `recipient`."""
        return CHANNELS[self.channels[recipient.id]]


def plan(request: DistributionRequest) -> DistributionPlan:
    """Check `request` against the sources and return the plan of the run; raise what cannot work."""
    from briefgen.distribution.folders import checked_outbox, default_outbox
    from briefgen.distribution.ledger import MAX_INTEGER
    from briefgen.distribution.message import checked_sender, message_domain
    from briefgen.sources.frozen import load_edition, released_editions
    from briefgen.sources.loading import load_sources

    folder = request.folder
    if request.channel not in (None, Outbox.name):
        raise UsageError(
            f"--channel can only be outbox (each recipient's own channel is the default), not {request.channel!r}"
        )
    working = load_sources(folder)
    if not working.recipients:
        raise DistributionError(
            f"{folder / 'recipients.yaml'} is missing or empty: there is no one to send to"
        )
    released = released_editions(folder)
    if not released:
        raise DistributionError(
            f"{working.id} has no released edition; run `briefgen release {folder}` first"
        )
    number = request.edition if request.edition is not None else released[-1]
    if not 0 < number <= MAX_INTEGER:
        raise DistributionError(f"edition {number} is out of range: editions run from 1 to {MAX_INTEGER}")
    if number not in released:
        raise UnknownEdition(
            f"edition {number} of {working.id} is not released (released: {', '.join(map(str, released))})"
        )
    frozen = load_edition(folder, number)
    known = {r.id: r for r in working.recipients}
    unknown = [rid for rid in [*request.recipients, *request.mark_sent] if rid not in known]
    if unknown:
        raise UsageError(f"no recipient {', '.join(unknown)} in recipients.yaml")
    chosen = [known[rid] for rid in request.recipients] if request.recipients else list(working.recipients)
    missing = sorted({r.country for r in chosen} - set(frozen.brief.countries))
    if missing:
        raise DistributionError(f"edition {number} has no brief for {', '.join(missing)}")
    # each recipient reads their own language: the edition must have been released in it
    unpublished = [r.id for r in chosen if r.language not in frozen.brief.languages]
    if unpublished:
        raise DistributionError(
            f"edition {number} of {frozen.id} was released in {', '.join(frozen.brief.languages)} only; "
            f"{', '.join(unpublished)} read another language: release an edition with that translation"
        )
    settings = SmtpSettings.parse(request.smtp)
    given = request.sender or os.environ.get("BRIEFGEN_SMTP_FROM") or None
    sender = checked_sender(given) if given else None
    outbox = request.outbox if request.outbox is not None else default_outbox(folder, number)
    forced = request.channel or (Outbox.name if request.outbox is not None and settings is None else None)
    channels = {r.id: forced or channel_of(r) for r in chosen}
    refuse_what_the_marking_forbids(frozen.brief, number, chosen, channels)
    return DistributionPlan(
        brief_id=frozen.id,
        edition=number,
        chosen=tuple(chosen),
        known=known,
        channels=channels,
        route=Route(settings, sender, checked_outbox(folder, outbox)),
        domain=message_domain(sender),
        ledger=request.ledger or default_ledger(folder),
    )


def refuse_what_the_marking_forbids(
    brief: Brief, edition: int, chosen: list[Recipient], channels: dict[str, str]
) -> None:
    """Raise DistributionError naming the recipients whose channel the edition's marking does not allow.

    The marking is the sender's policy (`marking: {wording: …, email: false}`): checked here,
    before the ledger is touched, so nothing is sent and nothing recorded.
    """
    handling = brief.handling
    if handling is None:
        return
    for name, channel in CHANNELS.items():
        concerned = [r for r in chosen if channels[r.id] == name]
        if concerned and not channel.allowed_by(handling):
            words = " / ".join(f"“{w}”" for w in dict.fromkeys(handling.wording.values()))
            instead = (
                "; send their copies to the outbox with --channel outbox, to hand over yourself"
                if channel is not Outbox and Outbox.allowed_by(handling)
                else ""
            )
            raise DistributionError(
                f"edition {edition} of {brief.id} is marked {words}, which does not allow {name}: "
                f"{_some(concerned)} would get it by {name}; nothing was sent or recorded{instead}"
            )


def is_done(record: CopyRecord | None, held: int | None, edition: int, outdated: bool) -> bool:
    """Return whether a recipient needs nothing more: their copy went, or (`outdated`) they hold this edition or later."""
    from briefgen.distribution.ledger import DONE

    return (record is not None and record.status in DONE) or (
        outdated and held is not None and held >= edition
    )


def dry_run(
    plan: DistributionPlan, request: DistributionRequest, ledger: Ledger | None
) -> DistributionReport:
    """Say who would get what, and what is missing for it (a mail server, a sender); change nothing."""
    report = DistributionReport(plan.brief_id, plan.edition)
    for recipient in plan.chosen:
        record = ledger.copy(plan.brief_id, plan.edition, recipient.id) if ledger is not None else None
        held = ledger.held_edition(plan.brief_id, recipient.id) if ledger is not None else None
        channel = plan.channel(recipient)
        delivery = Delivery(
            recipient.id, recipient.country, None, channel.name, "planned", language=recipient.language
        )
        if record is not None:
            delivery.copy_number, delivery.message_id = record.copy_number, record.message_id
        lack = channel.lacks(plan.route)
        if is_done(record, held, plan.edition, request.outdated):
            delivery.status = "skipped"
            delivery.channel = record.channel if record is not None else channel.name
        elif record is not None and record.status in ("unknown", "sending") and not request.resend_unknown:
            delivery.status = "unknown"
            delivery.note = "outcome unknown: not sent again without --resend-unknown"
        elif lack is not None:
            delivery.note = f"needs a {lack.what}, and none is given ({lack.how})"
        report.deliveries.append(delivery)
    return report


def lacking(plan: DistributionPlan, todo: list[Recipient]) -> str | None:
    """Return why the run cannot deliver to `todo` by their channels, naming the recipients, or None."""
    for name, channel in CHANNELS.items():
        lack = channel.lacks(plan.route)
        concerned = [r for r in todo if plan.channels[r.id] == name]
        if lack is not None and concerned:
            instead = "" if channel is Outbox else ", or send every copy to the outbox with --channel outbox"
            return f"{_some(concerned)} get {name}, and no {lack.what} is given: give it with {lack.how}{instead}"
    return None


def _some(recipients: list[Recipient]) -> str:
    names = ", ".join(r.id for r in recipients[:5]) + (" …" if len(recipients) > 5 else "")
    return f"{len(recipients)} recipient(s) ({names})"
