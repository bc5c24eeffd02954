"""Distribution: numbered copies for each official, delivered by email or outbox, in a ledger.

`distribute()` is the workflow: choose the recipients, make sure the country briefs of the
edition are built, stamp one copy per recipient, deliver, and record every step in the ledger,
so that running it again sends nothing already sent and a run cut short is finished by the next.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from briefgen.errors import DistributionError
from briefgen.models import Recipient

LEDGER_FILE = "ledger.sqlite"


@dataclass
class Delivery:
    """What happened to one recipient."""

    recipient: str
    country: str
    copy_number: int | None
    channel: str
    status: str  # "sent", "skipped" (already sent), "failed", "planned" (dry run)
    files: list[Path] = field(default_factory=list)
    error: str = ""


@dataclass
class DistributionReport:
    """What a distribution run did."""

    brief: str
    edition: int
    deliveries: list[Delivery] = field(default_factory=list)

    def by_status(self, status: str) -> list[Delivery]:
        """Return the deliveries with `status`."""
        return [d for d in self.deliveries if d.status == status]


def default_ledger(folder: Path) -> Path:
    """Return the ledger's default place: beside the brief's sources, outside build/."""
    return folder / LEDGER_FILE


def channel_of(recipient: Recipient) -> str:
    """Return the recipient's delivery channel: as set, else email when it has an address."""
    return recipient.channel or ("email" if recipient.email else "outbox")


def distribute(
    folder: Path,
    *,
    edition: int | None = None,
    recipient_ids: Sequence[str] = (),
    outdated: bool = False,
    dry_run: bool = False,
    smtp: str | None = None,
    sender: str | None = None,
    outbox: Path | None = None,
    ledger_path: Path | None = None,
    out: Path = Path("build"),
    jobs: int | None = None,
    progress: Callable[[Delivery], None] | None = None,
) -> DistributionReport:
    """Prepare, deliver and record each recipient's copy of one released edition."""
    from briefgen.build import build, output_path
    from briefgen.distribution.copies import Batch, CopyTask
    from briefgen.distribution.delivery import Channel, Outbox, Smtp, SmtpSettings, message_id
    from briefgen.distribution.ledger import Ledger
    from briefgen.errors import DeliveryError
    from briefgen.sources.editions import load_edition, released_editions
    from briefgen.sources.loading import load_brief
    from briefgen.tailoring import tailor

    working = load_brief(folder)
    if not working.recipients:
        raise DistributionError(
            f"{folder / 'recipients.yaml'} is missing or empty: there is no one to send to"
        )
    released = released_editions(folder)
    if not released:
        raise DistributionError(
            f"{working.id} has no released edition; run `briefgen release {folder}` first"
        )
    number = edition if edition is not None else released[-1]
    if number not in released:
        raise DistributionError(
            f"edition {number} of {working.id} is not released (released: {', '.join(map(str, released))})"
        )
    frozen = load_edition(folder, number)
    brief_id = frozen.id

    known = {r.id: r for r in working.recipients}
    unknown = [rid for rid in recipient_ids if rid not in known]
    if unknown:
        raise DistributionError(f"no recipient {', '.join(unknown)} in recipients.yaml")
    chosen = [known[rid] for rid in recipient_ids] if recipient_ids else list(working.recipients)
    missing = sorted({r.country for r in chosen} - set(frozen.brief.countries))
    if missing:
        raise DistributionError(f"edition {number} has no brief for {', '.join(missing)}")
    # each recipient reads their own language: the edition must have been released in it
    unpublished = [r.id for r in chosen if r.language not in frozen.brief.languages]
    if unpublished:
        raise DistributionError(
            f"edition {number} of {brief_id} was released in {', '.join(frozen.brief.languages)} only; "
            f"{', '.join(unpublished)} read another language: release an edition with that translation"
        )

    report = DistributionReport(brief_id, number)
    ledger = Ledger(ledger_path or default_ledger(folder))
    pool: ProcessPoolExecutor | None = None
    try:
        todo: list[Recipient] = []
        for recipient in chosen:
            held = ledger.held_edition(brief_id, recipient.id)
            if ledger.is_sent(brief_id, number, recipient.id) or (
                outdated and held is not None and held >= number
            ):
                record = ledger.copy(brief_id, number, recipient.id)
                number_held = record.copy_number if record else None
                report.deliveries.append(
                    Delivery(recipient.id, recipient.country, number_held, channel_of(recipient), "skipped")
                )
                continue
            todo.append(recipient)
        if dry_run or not todo:
            for recipient in todo:
                report.deliveries.append(
                    Delivery(recipient.id, recipient.country, None, channel_of(recipient), "planned")
                )
            return report

        pool = _start_workers(jobs)
        settings = SmtpSettings.parse(smtp, sender)
        if any(channel_of(r) == "email" for r in todo) and settings is None:
            raise DistributionError(
                "some recipients get email: give the server with --smtp HOST:PORT or BRIEFGEN_SMTP"
            )
        from_address = settings.sender if settings else (sender or "briefgen@localhost")

        # the country briefs of this edition, built (or found unchanged) from the frozen sources
        countries = sorted({r.country for r in todo})
        formats = sorted({f for r in todo for f in r.formats})
        languages = sorted({r.language for r in todo})
        built = build(
            [folder],
            countries=countries,
            formats=formats,
            out=out,
            jobs=jobs,
            edition=number,
            languages=languages,
        )
        if built.failed:
            raise DistributionError("; ".join(f"{o.path}: {o.error}" for o in built.failed))
        numbers = ledger.reserve_all(brief_id, number, [(r.id, r.country, channel_of(r)) for r in todo])

        batches = []
        from briefgen.translation.apply import localise

        for code, language in sorted({(r.country, r.language) for r in todo}):
            brief = tailor(localise(frozen, language, countries=[code]), code)
            changes = brief.changes
            sources: dict[str, Path] = {fmt: output_path(out, brief, fmt)[0] for fmt in formats}
            tasks = [
                CopyTask(r, numbers[r.id], message_id(brief_id, number, r.id, numbers[r.id]))
                for r in todo
                if r.country == code and r.language == language
            ]
            for start in range(0, len(tasks), BATCH_SIZE):
                batches.append(
                    Batch(
                        brief, changes, sources, tuple(tasks[start : start + BATCH_SIZE]), out, from_address
                    )
                )

        channels: dict[str, Channel] = {"outbox": Outbox(outbox or folder / "outbox" / f"e{number}")}
        if settings is not None:
            channels["email"] = Smtp(settings)
        try:
            for prepared in _prepare(batches, pool):
                ledger.record_files(brief_id, number, [(p.recipient, p.files) for p in prepared])
                for copy in prepared:
                    recipient = known[copy.recipient]
                    channel = channels[channel_of(recipient)]
                    delivery = Delivery(
                        recipient.id,
                        recipient.country,
                        copy.copy_number,
                        channel.name,
                        "sent",
                        [Path(f.path) for f in copy.files],
                    )
                    try:
                        channel.send(recipient.id, recipient.email, copy.message)
                    except DeliveryError as exc:
                        ledger.record_failed(brief_id, number, recipient.id, str(exc))
                        delivery.status, delivery.error = "failed", str(exc)
                    else:
                        ledger.record_sent(brief_id, number, recipient.id, channel.name, copy.message_id)
                    report.deliveries.append(delivery)
                    if progress is not None:
                        progress(delivery)
        finally:
            smtp_channel = channels.get("email")
            if isinstance(smtp_channel, Smtp):
                smtp_channel.close()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        ledger.close()
    return report


BATCH_SIZE = 50
"""Recipients whose copies one worker prepares together (one stamp document for all of them)."""


def _start_workers(jobs: int | None) -> ProcessPoolExecutor | None:
    """Start the workers that prepare copies, and let them import their libraries at once.

    The imports (WeasyPrint above all) then run while this process loads and plans.
    """
    from briefgen.distribution.copies import warm_up

    workers = jobs or os.cpu_count() or 1
    if workers == 1:
        return None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("forkserver"))
    for _ in range(workers):
        pool.submit(warm_up)
    return pool


def _prepare(batches: list[Any], pool: ProcessPoolExecutor | None) -> Iterator[list[Any]]:
    """Yield each batch's prepared copies as soon as a worker has them."""
    from briefgen.distribution.copies import prepare_batch

    if pool is None or len(batches) == 1:
        for batch in batches:
            yield prepare_batch(batch)
        return
    futures = [pool.submit(prepare_batch, batch) for batch in batches]
    for future in as_completed(futures):
        yield future.result()
