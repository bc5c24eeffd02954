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
from pathlib import Path
from typing import Any

from briefgen.distribution import record
from briefgen.distribution.ledger import status_label
from briefgen.errors import DistributionError, LedgerError, UnknownEdition, UsageError
from briefgen.models import Recipient

LEDGER_FILE = "ledger.sqlite"


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
    channel: str | None = None,
    resend_unknown: bool = False,
    mark_sent: Sequence[str] = (),
    new_ledger: bool = False,
    wait: float = 0.0,
    ledger_path: Path | None = None,
    out: Path = Path("build"),
    jobs: int | None = None,
    progress: Callable[[Delivery], None] | None = None,
) -> DistributionReport:
    """Prepare, deliver and record each recipient's copy of one released edition, exactly once.

    One run at a time holds the brief's ledger (a second one waits `wait` seconds, then stops
    with "another distribution … is running"). `channel="outbox"` sends every selected recipient
    to the outbox; so does giving `outbox` without a mail server. `mark_sent` records copies
    whose outcome was unknown (or that sit in the outbox) as sent, after the analyst checked.
    """
    from briefgen.distribution.delivery import checked_sender, message_domain
    from briefgen.distribution.ledger import MAX_INTEGER, Ledger, open_existing
    from briefgen.distribution.lock import DistributionLock
    from briefgen.distribution.places import checked_outbox, default_outbox
    from briefgen.sources.editions import load_edition, released_editions
    from briefgen.sources.loading import load_brief

    if channel not in (None, "outbox"):
        raise UsageError(
            f"--channel can only be outbox (each recipient's own channel is the default), not {channel!r}"
        )
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
    if not 0 < number <= MAX_INTEGER:
        raise DistributionError(f"edition {number} is out of range: editions run from 1 to {MAX_INTEGER}")
    if number not in released:
        raise UnknownEdition(
            f"edition {number} of {working.id} is not released (released: {', '.join(map(str, released))})"
        )
    frozen = load_edition(folder, number)
    brief_id = frozen.id

    known = {r.id: r for r in working.recipients}
    unknown = [rid for rid in [*recipient_ids, *mark_sent] if rid not in known]
    if unknown:
        raise UsageError(f"no recipient {', '.join(unknown)} in recipients.yaml")
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

    settings = _smtp_settings(smtp)
    from_address = _sender(sender, checked_sender)
    outbox_dir = checked_outbox(folder, outbox if outbox is not None else default_outbox(folder, number))
    forced = channel or ("outbox" if outbox is not None and settings is None else None)
    plan = _Plan(
        brief_id=brief_id,
        edition=number,
        route={r.id: forced or channel_of(r) for r in chosen},
        settings=settings,
        sender=from_address,
        domain=message_domain(from_address),
        outbox=outbox_dir,
        forced=forced,
    )
    ledger_file = ledger_path or default_ledger(folder)

    if dry_run:
        reader = open_existing(ledger_file)
        try:
            report = _dry_run(plan, chosen, reader, outdated=outdated, resend_unknown=resend_unknown)
        finally:
            if reader is not None:
                reader.close()
        try:
            _refuse_a_lost_ledger(ledger_file, plan, out, folder, set(known), new_ledger=new_ledger)
        except LedgerError as exc:
            report.notes.append(f"a real run would stop here: {exc}")
        return report

    with DistributionLock(ledger_file, wait=wait):
        _refuse_a_lost_ledger(ledger_file, plan, out, folder, set(known), new_ledger=new_ledger)
        # every step the ledger commits is written to the record beside the brief, which git keeps
        with Ledger(ledger_file, on_commit=record.keeper(folder, brief_id)) as ledger:
            return _run(
                plan,
                folder,
                ledger,
                chosen,
                known,
                outdated=outdated,
                resend_unknown=resend_unknown,
                mark_sent=mark_sent,
                out=out,
                jobs=jobs,
                progress=progress,
            )


@dataclass(frozen=True)
class _Plan:
    """What one run works with, decided before the ledger is touched."""

    brief_id: str
    edition: int
    route: dict[str, str]
    """Recipient id -> the channel this run uses for them."""
    settings: Any
    """SmtpSettings, or None when no mail server is configured."""
    sender: str | None
    domain: str
    outbox: Path
    forced: str | None


def _smtp_settings(smtp: str | None) -> Any:
    from briefgen.distribution.delivery import SmtpSettings

    return SmtpSettings.parse(smtp)


def _sender(given: str | None, check: Callable[[str], str]) -> str | None:
    """Return the sender address: `--from`, else BRIEFGEN_SMTP_FROM; None when neither is set."""
    value = given or os.environ.get("BRIEFGEN_SMTP_FROM") or None
    return check(value) if value else None


def _refuse_a_lost_ledger(
    ledger_file: Path, plan: _Plan, out: Path, folder: Path, recipients: set[str], *, new_ledger: bool
) -> None:
    """Stop when the ledger is gone (or empty) while copies of this brief exist: a rerun would send them again."""
    from briefgen.distribution.ledger import open_existing
    from briefgen.distribution.places import earlier_traces

    if new_ledger:
        return
    held = []
    reader = open_existing(ledger_file)
    if reader is not None:
        with reader:
            held = reader.states(plan.brief_id)
    # the record beside the brief survives losing the ledger and build/, wherever the run starts
    record.check_ledger(folder, plan.brief_id, ledger_file, held)
    if held:
        return
    traces = earlier_traces(out, plan.brief_id, {folder / "outbox", plan.outbox}, recipients)
    if not traces:
        return
    shown = ", ".join(str(p) for p in traces[:3]) + (
        f" and {len(traces) - 3} more" if len(traces) > 3 else ""
    )
    state = "is empty" if ledger_file.exists() else "is missing"
    raise LedgerError(
        f"the ledger {ledger_file} {state}, but copies of {plan.brief_id} were already made ({shown}): "
        "the record of who received them is gone, and going on would send them again. Restore the "
        "ledger from a backup (see 'Backing up the ledger' in the README); or, to start a new ledger "
        "on purpose, knowing every recipient will get a new copy, run again with --new-ledger"
    )


def _dry_run(
    plan: _Plan, chosen: list[Recipient], ledger: Any, *, outdated: bool, resend_unknown: bool
) -> DistributionReport:
    """Say who would get what, and what is missing for it (a mail server, a sender); change nothing."""
    report = DistributionReport(plan.brief_id, plan.edition)
    for recipient in chosen:
        record = ledger.copy(plan.brief_id, plan.edition, recipient.id) if ledger is not None else None
        held = ledger.held_edition(plan.brief_id, recipient.id) if ledger is not None else None
        route = plan.route[recipient.id]
        delivery = Delivery(
            recipient.id, recipient.country, None, route, "planned", language=recipient.language
        )
        if record is not None:
            delivery.copy_number, delivery.message_id = record.copy_number, record.message_id
        if _is_done(record, held, plan.edition, outdated):
            delivery.status = "skipped"
            delivery.channel = record.channel if record is not None else route
        elif record is not None and record.status in ("unknown", "sending") and not resend_unknown:
            delivery.status = "unknown"
            delivery.note = "outcome unknown: not sent again without --resend-unknown"
        elif route == "email" and plan.settings is None:
            delivery.note = "needs a mail server, and none is configured (--smtp HOST:PORT or BRIEFGEN_SMTP)"
        elif route == "email" and plan.sender is None:
            delivery.note = "needs a sender address, and none is given (--from or BRIEFGEN_SMTP_FROM)"
        report.deliveries.append(delivery)
    return report


def _is_done(record: Any, held: int | None, edition: int, outdated: bool) -> bool:
    from briefgen.distribution.ledger import DONE

    return (record is not None and record.status in DONE) or (
        outdated and held is not None and held >= edition
    )


def _run(
    plan: _Plan,
    folder: Path,
    ledger: Any,
    chosen: list[Recipient],
    known: dict[str, Recipient],
    *,
    outdated: bool,
    resend_unknown: bool,
    mark_sent: Sequence[str],
    out: Path,
    jobs: int | None,
    progress: Callable[[Delivery], None] | None,
) -> DistributionReport:
    """Do the run, holding the lock: settle what a stopped run left, then prepare, deliver, record."""
    from briefgen.distribution.places import remove_stale_parts, stale_part_folders

    brief_id, number = plan.brief_id, plan.edition
    report = DistributionReport(brief_id, number)
    removed = remove_stale_parts(stale_part_folders(out, brief_id, plan.outbox))
    if removed:
        report.notes.append(f"removed {len(removed)} half-written file(s) an interrupted run left")
    for stuck in ledger.settle_interrupted(brief_id):
        report.notes.append(
            f"{stuck.recipient}: an earlier run stopped while sending edition {stuck.edition}, "
            f"copy {stuck.copy_number:03d}; its outcome is unknown"
        )
    for rid in mark_sent:
        record = ledger.copy(brief_id, number, rid)
        if record is None or record.status not in ("unknown", "in-outbox", "sent"):
            state = "does not exist" if record is None else f"is {status_label(record.status)}"
            raise DistributionError(
                f"--mark-sent {rid}: its copy of edition {number} {state}; only a copy whose outcome "
                "is unknown, or one in the outbox, can be recorded as sent"
            )
        if record.status == "sent":  # its sent time is the record of when it went: kept
            report.notes.append(
                f"{rid}: copy {record.copy_number:03d} was already recorded as sent ({record.sent_at}); left as it was"
            )
            continue
        ledger.record_sent(brief_id, number, rid, record.channel)
        report.notes.append(f"{rid}: copy {record.copy_number:03d} recorded as sent, as you confirmed")

    todo: list[Recipient] = []
    for recipient in chosen:
        record = ledger.copy(brief_id, number, recipient.id)
        held = ledger.held_edition(brief_id, recipient.id)
        if _is_done(record, held, number, outdated):
            shown = record if record is not None and record.edition == number else None
            report.deliveries.append(
                Delivery(
                    recipient.id,
                    recipient.country,
                    shown.copy_number if shown else None,
                    shown.channel if shown else plan.route[recipient.id],
                    "skipped",
                    language=recipient.language,
                    message_id=shown.message_id if shown else None,
                    note=status_label(shown.status) if shown else "",
                )
            )
        elif record is not None and record.status == "unknown" and not resend_unknown:
            report.deliveries.append(
                Delivery(
                    recipient.id,
                    recipient.country,
                    record.copy_number,
                    record.channel,
                    "unknown",
                    error=record.error or "",
                    language=recipient.language,
                    message_id=record.message_id,
                    note=UNKNOWN_ADVICE.format(mid=record.message_id, rid=recipient.id),
                )
            )
        else:
            todo.append(recipient)
    if not todo:
        return report

    by_email = [r for r in todo if plan.route[r.id] == "email"]
    if by_email and plan.settings is None:
        raise DistributionError(
            f"{_some(by_email)} get email, and no mail server is configured: give it with --smtp HOST:PORT "
            "(or BRIEFGEN_SMTP), or send every copy to the outbox with --channel outbox"
        )
    if by_email and plan.sender is None:
        raise DistributionError(
            f"{_some(by_email)} get email, and no sender is given: give the address with --from ADDRESS "
            "(or BRIEFGEN_SMTP_FROM)"
        )
    try:
        _deliver(plan, folder, ledger, todo, known, report, out=out, jobs=jobs, progress=progress)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise DistributionError(
            f"cannot write{where}: {exc.strerror or exc}; the run stopped here. The ledger records "
            "every copy delivered so far; make room (or fix the folder) and run again to finish"
        ) from None
    return report


def _some(recipients: list[Recipient]) -> str:
    names = ", ".join(r.id for r in recipients[:5]) + (" …" if len(recipients) > 5 else "")
    return f"{len(recipients)} recipient(s) ({names})"


def _deliver(
    plan: _Plan,
    folder: Path,
    ledger: Any,
    todo: list[Recipient],
    known: dict[str, Recipient],
    report: DistributionReport,
    *,
    out: Path,
    jobs: int | None,
    progress: Callable[[Delivery], None] | None,
) -> None:
    """Build the country briefs, prepare each copy in the workers, and deliver each as it comes."""
    from briefgen.build import build, output_path
    from briefgen.distribution.copies import Batch, CopyTask
    from briefgen.distribution.delivery import Channel, Outbox, Smtp
    from briefgen.errors import DeliveryError, DeliveryUnknown
    from briefgen.sources.editions import load_edition
    from briefgen.tailoring import tailor

    brief_id, number = plan.brief_id, plan.edition
    reserved = ledger.reserve_all(
        brief_id,
        number,
        [(r.id, r.country, r.language, plan.route[r.id], plan.domain) for r in todo],
    )
    outbox = Outbox(plan.outbox)

    def done(delivery: Delivery) -> None:
        report.deliveries.append(delivery)
        if progress is not None:
            progress(delivery)

    # a stopped run may have written a message to the outbox without recording it: record it
    remaining = []
    for r in todo:
        mid = reserved[r.id].message_id
        if plan.route[r.id] == "outbox" and reserved[r.id].status == "written" and outbox.holds(r.id, mid):
            ledger.record_in_outbox(brief_id, number, r.id, outbox.path_for(r.id))
            record = ledger.copy(brief_id, number, r.id)
            files = [Path(f.path) for f in record.files] if record else []
            done(
                Delivery(
                    r.id,
                    r.country,
                    reserved[r.id].copy_number,
                    "outbox",
                    "in-outbox",
                    files,
                    language=r.language,
                    message_id=mid,
                )
            )
        else:
            remaining.append(r)
    if not remaining:
        return

    frozen = load_edition(folder, number)
    pool = _start_workers(jobs)
    channels: dict[str, Channel] = {"outbox": outbox}
    try:
        # the country briefs of this edition, built (or found unchanged) from the frozen sources
        countries = sorted({r.country for r in remaining})
        formats = sorted({f for r in remaining for f in r.formats})
        languages = sorted({r.language for r in remaining})
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
        drafts = [o.path for o in built.outcomes if o.job is not None and o.job.brief.draft]
        if drafts:  # only a released edition leaves the building
            raise DistributionError(f"{drafts[0]} is a draft; only a released edition is distributed")

        batches = []
        from briefgen.translation.apply import localise

        for code, language in sorted({(r.country, r.language) for r in remaining}):
            brief = tailor(localise(frozen, language, countries=[code]), code)
            changes = brief.changes
            sources: dict[str, Path] = {fmt: output_path(out, brief, fmt)[0] for fmt in formats}
            tasks = [
                CopyTask(
                    r,
                    reserved[r.id].copy_number,
                    reserved[r.id].message_id,
                    draft=plan.route[r.id] == "outbox",
                )
                for r in remaining
                if r.country == code and r.language == language
            ]
            for start in range(0, len(tasks), BATCH_SIZE):
                batches.append(
                    Batch(brief, changes, sources, tuple(tasks[start : start + BATCH_SIZE]), out, plan.sender)
                )

        if plan.settings is not None and plan.sender is not None:
            channels["email"] = Smtp(plan.settings, plan.sender)
        for prepared in _prepare(batches, pool):
            ledger.record_written(brief_id, number, [(p.recipient, p.files) for p in prepared if not p.error])
            for copy in prepared:
                recipient = known[copy.recipient]
                route = plan.route[recipient.id]
                delivery = Delivery(
                    recipient.id,
                    recipient.country,
                    copy.copy_number,
                    route,
                    "sent",
                    [Path(f.path) for f in copy.files],
                    language=recipient.language,
                    message_id=copy.message_id,
                )
                if copy.error:
                    ledger.record_failed(brief_id, number, recipient.id, copy.error)
                    delivery.status, delivery.error = "failed", copy.error
                elif route == "outbox":
                    outbox.send(recipient.id, recipient.email, copy.message)
                    ledger.record_in_outbox(brief_id, number, recipient.id, outbox.path_for(recipient.id))
                    delivery.status = "in-outbox"
                else:
                    # recorded before the message leaves: a run killed during the send leaves
                    # "sending", which the next run turns into "unknown", never into a resend
                    ledger.record_sending(brief_id, number, recipient.id, "email", recipient.email)
                    try:
                        channels["email"].send(recipient.id, recipient.email, copy.message)
                    except DeliveryUnknown as exc:
                        ledger.record_unknown(brief_id, number, recipient.id, str(exc))
                        delivery.status, delivery.error = "unknown", str(exc)
                        delivery.note = UNKNOWN_ADVICE.format(mid=copy.message_id, rid=recipient.id)
                    except DeliveryError as exc:
                        ledger.record_failed(brief_id, number, recipient.id, str(exc))
                        delivery.status, delivery.error = "failed", str(exc)
                    else:
                        ledger.record_sent(brief_id, number, recipient.id, "email")
                done(delivery)
    finally:
        smtp_channel = channels.get("email")
        if isinstance(smtp_channel, Smtp):
            smtp_channel.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)


BATCH_SIZE = 50
"""Recipients whose copies one worker prepares together (one stamp document for all of them)."""


def _start_workers(jobs: int | None) -> ProcessPoolExecutor | None:
    """Start the workers that prepare copies, and let them import their libraries at once.

    The imports (WeasyPrint above all) then run while this process loads and plans.
    """
    from briefgen.workers import RENDERING, start_pool

    workers = jobs or os.cpu_count() or 1
    if workers == 1:
        return None
    return start_pool(workers, preload=(*RENDERING, "pikepdf", "briefgen.distribution.copies"))


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
