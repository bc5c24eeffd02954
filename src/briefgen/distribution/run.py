"""The run itself, holding the ledger: settle what a stopped run left, prepare each copy, deliver it, record it.

Select (`select`) -> prepare (`copies`, in the workers) -> deliver (`channels`) -> record
(`ledger`): each copy is reserved in the ledger before it is made, recorded as written when it
is on disk, and recorded again by its channel as it leaves, so a run killed at any line is
finished by the next and no official gets a copy twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.distribution.channels import CHANNELS, Channel
from briefgen.distribution.ledger import status_label
from briefgen.distribution.report import UNKNOWN_ADVICE, Delivery, DistributionReport
from briefgen.distribution.select import is_done, lacking
from briefgen.errors import DistributionError, LedgerError, stop_if_interrupted

if TYPE_CHECKING:
    from briefgen.distribution.copies import Batch
    from briefgen.distribution.ledger import Ledger, Reservation
    from briefgen.distribution.request import DistributionRequest
    from briefgen.distribution.select import DistributionPlan
    from briefgen.models import Recipient
    from briefgen.sources.aggregate import LoadedBrief

BATCH_SIZE = 50
"""Recipients whose copies one worker prepares together (one stamp document for all of them)."""


def refuse_a_lost_ledger(plan: DistributionPlan, request: DistributionRequest) -> None:
    """Stop when the ledger is gone (or empty) while copies of this brief exist: a rerun would send them again."""
    import briefgen.distribution.record as distribution_record
    from briefgen.distribution.folders import earlier_traces
    from briefgen.distribution.ledger import open_existing

    if request.new_ledger:
        return
    held = []
    reader = open_existing(plan.ledger)
    if reader is not None:
        with reader:
            held = reader.states(plan.brief_id)
    # the record beside the brief survives losing the ledger and build/, wherever the run starts
    distribution_record.check_ledger(request.folder, plan.brief_id, plan.ledger, held)
    if held:
        return
    outboxes = {request.folder / "outbox", plan.route.outbox}
    traces = earlier_traces(request.out, plan.brief_id, outboxes, set(plan.known))
    if not traces:
        return
    shown = ", ".join(str(p) for p in traces[:3]) + (
        f" and {len(traces) - 3} more" if len(traces) > 3 else ""
    )
    state = "is empty" if plan.ledger.exists() else "is missing"
    raise LedgerError(
        f"the ledger {plan.ledger} {state}, but copies of {plan.brief_id} were already made ({shown}): "
        "the record of who received them is gone, and going on would send them again. Restore the "
        "ledger from a backup (see 'Backing up the ledger' in the README); or, to start a new ledger "
        "on purpose, knowing every recipient will get a new copy, run again with --new-ledger"
    )


def run(
    plan: DistributionPlan,
    request: DistributionRequest,
    ledger: Ledger,
    progress: Callable[[Delivery], None] | None,
) -> DistributionReport:
    """Do the run, holding the lock: settle what a stopped run left, then prepare, deliver, record."""
    report = DistributionReport(plan.brief_id, plan.edition)
    _settle_stopped_run(plan, request, ledger, report)
    _mark_sent(plan, request, ledger, report)
    todo = _left_to_send(plan, request, ledger, report)
    if not todo:
        return report
    why_not = lacking(plan, todo)
    if why_not is not None:
        raise DistributionError(why_not)
    try:
        _deliver(plan, request, ledger, todo, report, progress)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise DistributionError(
            f"cannot write{where}: {exc.strerror or exc}; the run stopped here. The ledger records "
            "every copy delivered so far; make room (or fix the folder) and run again to finish"
        ) from None
    return report


def _settle_stopped_run(
    plan: DistributionPlan, request: DistributionRequest, ledger: Ledger, report: DistributionReport
) -> None:
    """Remove the half-written files a stopped run left, and call unknown the copies it was
    sending; say so in the report's notes."""
    from briefgen.distribution.folders import remove_stale_parts, stale_part_folders

    removed = remove_stale_parts(stale_part_folders(request.out, plan.brief_id, plan.route.outbox))
    if removed:
        report.notes.append(f"removed {len(removed)} half-written file(s) an interrupted run left")
    for stuck in ledger.settle_interrupted(plan.brief_id):
        report.notes.append(
            f"{stuck.recipient}: an earlier run stopped while sending edition {stuck.edition}, "
            f"copy {stuck.copy_number:03d}; its outcome is unknown"
        )


def _mark_sent(
    plan: DistributionPlan, request: DistributionRequest, ledger: Ledger, report: DistributionReport
) -> None:
    """Record as sent each copy `--mark-sent` names (one of unknown outcome, or in the outbox)."""
    brief_id, number = plan.brief_id, plan.edition
    for rid in request.mark_sent:
        record = ledger.copy(brief_id, number, rid)
        if record is None or record.status not in ("unknown", "in-outbox", "sent"):
            state = "does not exist" if record is None else f"is {status_label(record.status)}"
            raise DistributionError(
                f"--mark-sent {rid}: its copy of edition {number} {state}; only a copy whose outcome "
                "is unknown, or one in the outbox, can be recorded as sent"
            )
        if record.status == "sent":  # its sent time is the record of when it went: kept
            report.notes.append(
                f"{rid}: copy {record.copy_number:03d} was already recorded as sent ({record.sent_at}); "
                "left as it was"
            )
            continue
        ledger.record_sent(brief_id, number, rid, record.channel)
        report.notes.append(f"{rid}: copy {record.copy_number:03d} recorded as sent, as you confirmed")


def _left_to_send(
    plan: DistributionPlan, request: DistributionRequest, ledger: Ledger, report: DistributionReport
) -> list[Recipient]:
    """Return the chosen recipients whose copy is still to be sent; report the others as skipped
    (done already) or of unknown outcome (left until `--resend-unknown`)."""
    brief_id, number = plan.brief_id, plan.edition
    todo: list[Recipient] = []
    for recipient in plan.chosen:
        record = ledger.copy(brief_id, number, recipient.id)
        held = ledger.held_edition(brief_id, recipient.id)
        if is_done(record, held, number, request.outdated):
            shown = record if record is not None and record.edition == number else None
            report.deliveries.append(
                Delivery(
                    recipient.id,
                    recipient.country,
                    shown.copy_number if shown else None,
                    shown.channel if shown else plan.channels[recipient.id],
                    "skipped",
                    language=recipient.language,
                    message_id=shown.message_id if shown else None,
                    note=status_label(shown.status) if shown else "",
                )
            )
        elif record is not None and record.status == "unknown" and not request.resend_unknown:
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
    return todo


def _deliver(
    plan: DistributionPlan,
    request: DistributionRequest,
    ledger: Ledger,
    todo: list[Recipient],
    report: DistributionReport,
    progress: Callable[[Delivery], None] | None,
) -> None:
    """Build the country briefs, prepare each copy in the workers, and deliver each as it comes."""
    from briefgen.build.pool import COPYING, pool_for
    from briefgen.sources.frozen import load_edition

    reserved = ledger.reserve_all(
        plan.brief_id,
        plan.edition,
        [(r.id, r.country, r.language, plan.channels[r.id], plan.domain) for r in todo],
    )
    channels: dict[str, Channel] = {name: channel(plan.route) for name, channel in CHANNELS.items()}
    delivering = _Delivering(plan, request, ledger, report, progress, channels, reserved)
    remaining = _not_recovered(delivering, todo)
    if not remaining:
        return

    frozen = load_edition(request.folder, plan.edition)
    pool = pool_for(request.jobs, preload=COPYING)
    try:
        formats = _build_country_briefs(request, plan.edition, remaining)
        batches = _batches(delivering, frozen, remaining, formats=formats)
        for prepared in _prepare(batches, pool):
            stop_if_interrupted()
            _deliver_prepared(delivering, prepared)
    finally:
        for channel in channels.values():
            channel.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)


@dataclass(frozen=True)
class _Delivering:
    """What delivering a run's copies needs: the plan, the ledger, the report it adds to, each
    channel, and each recipient's reserved copy number and Message-ID."""

    plan: DistributionPlan
    request: DistributionRequest
    ledger: Ledger
    report: DistributionReport
    progress: Callable[[Delivery], None] | None
    channels: dict[str, Channel]
    reserved: dict[str, Reservation]

    def channel_for(self, recipient_id: str) -> Channel:
        """Return the channel a recipient's copy goes by."""
        return self.channels[self.plan.channels[recipient_id]]

    def done(self, delivery: Delivery) -> None:
        """Add a copy's outcome to the report, and tell the caller."""
        self.report.deliveries.append(delivery)
        if self.progress is not None:
            self.progress(delivery)


def _not_recovered(delivering: _Delivering, todo: list[Recipient]) -> list[Recipient]:
    """Report each copy a stopped run delivered without recording it (its channel recognises it),
    as the ledger now has it; return the recipients whose copy is still to be made."""
    ledger, reserved = delivering.ledger, delivering.reserved
    brief_id, number = delivering.plan.brief_id, delivering.plan.edition
    remaining = []
    for r in todo:
        channel = delivering.channel_for(r.id)
        if channel.recovered(ledger, brief_id, number, r, reserved[r.id]):
            record = ledger.copy(brief_id, number, r.id)
            files = [Path(f.path) for f in record.files] if record else []
            mid = reserved[r.id].message_id
            status = record.status if record is not None else "sent"
            delivering.done(
                Delivery(
                    r.id,
                    r.country,
                    reserved[r.id].copy_number,
                    channel.name,
                    status,
                    files,
                    language=r.language,
                    message_id=mid,
                )
            )
        else:
            remaining.append(r)
    return remaining


def _build_country_briefs(request: DistributionRequest, number: int, remaining: list[Recipient]) -> list[str]:
    """Build (or find unchanged) the country briefs of edition `number` the copies are made from,
    from the frozen sources; return the formats built. A failed or draft build stops the run."""
    from briefgen.build import BuildRequest, build

    formats: list[str] = sorted({f for r in remaining for f in r.formats})
    built = build(
        BuildRequest(
            briefs=(request.folder,),
            countries=tuple(sorted({r.country for r in remaining})),
            formats=tuple(formats),
            out=request.out,
            jobs=request.jobs,
            edition=number,
            languages=tuple(sorted({r.language for r in remaining})),
        )
    )
    if built.failed:
        raise DistributionError("; ".join(f"{o.path}: {o.error}" for o in built.failed))
    if built.incomplete:  # a released edition's catalogs are complete: this is a damaged edition
        raise DistributionError("; ".join(i.summary() for i in built.incomplete))
    drafts = [o.path for o in built.outcomes if o.job is not None and o.job.brief.draft]
    if drafts:  # only a released edition leaves the building
        raise DistributionError(f"{drafts[0]} is a draft; only a released edition is distributed")
    return formats


def _batches(
    delivering: _Delivering, frozen: LoadedBrief, remaining: list[Recipient], *, formats: list[str]
) -> list[Batch]:
    """Return the copies to prepare, in batches of one country's brief in one language (at most
    BATCH_SIZE recipients each)."""
    from briefgen.build.plan import output_path
    from briefgen.distribution.addressee import addressee
    from briefgen.distribution.copies import Batch, CopyTask
    from briefgen.tailoring import tailor
    from briefgen.translation.apply import localise

    out, reserved = delivering.request.out, delivering.reserved
    batches = []
    source = frozen.brief.languages[0]  # the language of recipients.yaml's plain strings
    for code, language in sorted({(r.country, r.language) for r in remaining}):
        brief = tailor(localise(frozen, language, countries=[code]), code)
        sources: dict[str, Path] = {fmt: output_path(out, brief, fmt)[0] for fmt in formats}
        tasks = [
            CopyTask(
                r,
                addressee(r, source),
                reserved[r.id].copy_number,
                reserved[r.id].message_id,
                draft=delivering.channel_for(r.id).drafts,
            )
            for r in remaining
            if r.country == code and r.language == language
        ]
        for start in range(0, len(tasks), BATCH_SIZE):
            chunk = tuple(tasks[start : start + BATCH_SIZE])
            batches.append(Batch(brief, brief.changes, sources, chunk, out, delivering.plan.route.sender))
    return batches


def _deliver_prepared(delivering: _Delivering, prepared: list[Any]) -> None:
    """Record a batch's copies as written, then send each by its channel (or record it as failed
    when it could not be made), and report it."""
    plan, ledger = delivering.plan, delivering.ledger
    brief_id, number = plan.brief_id, plan.edition
    ledger.record_written(brief_id, number, [(p.recipient, p.files) for p in prepared if not p.error])
    for copy in prepared:
        stop_if_interrupted()  # a Ctrl-C that C code cleared stops before the next copy goes
        recipient = plan.known[copy.recipient]
        channel = delivering.channel_for(recipient.id)
        delivery = Delivery(
            recipient.id,
            recipient.country,
            copy.copy_number,
            channel.name,
            "sent",
            [Path(f.path) for f in copy.files],
            language=recipient.language,
            message_id=copy.message_id,
        )
        if copy.error:
            ledger.record_failed(brief_id, number, recipient.id, copy.error)
            delivery.status, delivery.error = "failed", copy.error
        else:
            sent = channel.deliver(ledger, brief_id, number, recipient, copy.message)
            delivery.status, delivery.error = sent.status, sent.error
            if sent.status == "unknown":
                delivery.note = UNKNOWN_ADVICE.format(mid=copy.message_id, rid=recipient.id)
        delivering.done(delivery)


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
