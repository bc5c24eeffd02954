"""The run itself, holding the ledger: settle what a stopped run left, prepare each copy, deliver it, record it.

Select (`select`) -> prepare (`copies`, in the workers) -> deliver (`channels`) -> record
(`ledger`): each copy is reserved in the ledger before it is made, recorded as written when it
is on disk, and recorded again by its channel as it leaves, so a run killed at any line is
finished by the next and no official gets a copy twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.distribution.channels import CHANNELS, Channel
from briefgen.distribution.ledger import status_label
from briefgen.distribution.report import UNKNOWN_ADVICE, Delivery, DistributionReport
from briefgen.distribution.select import is_done, lacking
from briefgen.errors import DistributionError, LedgerError

if TYPE_CHECKING:
    from briefgen.distribution.ledger import Ledger
    from briefgen.distribution.request import DistributionRequest
    from briefgen.distribution.select import DistributionPlan
    from briefgen.models import Recipient

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
    from briefgen.distribution.folders import remove_stale_parts, stale_part_folders

    brief_id, number = plan.brief_id, plan.edition
    report = DistributionReport(brief_id, number)
    removed = remove_stale_parts(stale_part_folders(request.out, brief_id, plan.route.outbox))
    if removed:
        report.notes.append(f"removed {len(removed)} half-written file(s) an interrupted run left")
    for stuck in ledger.settle_interrupted(brief_id):
        report.notes.append(
            f"{stuck.recipient}: an earlier run stopped while sending edition {stuck.edition}, "
            f"copy {stuck.copy_number:03d}; its outcome is unknown"
        )
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


def _deliver(
    plan: DistributionPlan,
    request: DistributionRequest,
    ledger: Ledger,
    todo: list[Recipient],
    report: DistributionReport,
    progress: Callable[[Delivery], None] | None,
) -> None:
    """Build the country briefs, prepare each copy in the workers, and deliver each as it comes."""
    from briefgen.build import BuildRequest, build
    from briefgen.build.plan import output_path
    from briefgen.build.pool import COPYING, pool_for
    from briefgen.distribution.addressee import addressee
    from briefgen.distribution.copies import Batch, CopyTask
    from briefgen.sources.frozen import load_edition
    from briefgen.tailoring import tailor
    from briefgen.translation.apply import localise

    brief_id, number = plan.brief_id, plan.edition
    reserved = ledger.reserve_all(
        brief_id, number, [(r.id, r.country, r.language, plan.channels[r.id], plan.domain) for r in todo]
    )
    channels: dict[str, Channel] = {name: channel(plan.route) for name, channel in CHANNELS.items()}

    def done(delivery: Delivery) -> None:
        report.deliveries.append(delivery)
        if progress is not None:
            progress(delivery)

    # a stopped run may have delivered a message without recording it: its channel recognises it
    remaining = []
    for r in todo:
        channel = channels[plan.channels[r.id]]
        if channel.recovered(ledger, brief_id, number, r, reserved[r.id]):
            record = ledger.copy(brief_id, number, r.id)
            files = [Path(f.path) for f in record.files] if record else []
            mid = reserved[r.id].message_id
            status = record.status if record is not None else "sent"
            done(
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
    if not remaining:
        return

    frozen = load_edition(request.folder, number)
    pool = pool_for(request.jobs, preload=COPYING)
    try:
        # the country briefs of this edition, built (or found unchanged) from the frozen sources
        formats = sorted({f for r in remaining for f in r.formats})
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

        batches = []
        source = frozen.brief.languages[0]  # the language of recipients.yaml's plain strings
        for code, language in sorted({(r.country, r.language) for r in remaining}):
            brief = tailor(localise(frozen, language, countries=[code]), code)
            sources: dict[str, Path] = {fmt: output_path(request.out, brief, fmt)[0] for fmt in formats}
            tasks = [
                CopyTask(
                    r,
                    addressee(r, source),
                    reserved[r.id].copy_number,
                    reserved[r.id].message_id,
                    draft=channels[plan.channels[r.id]].drafts,
                )
                for r in remaining
                if r.country == code and r.language == language
            ]
            for start in range(0, len(tasks), BATCH_SIZE):
                chunk = tuple(tasks[start : start + BATCH_SIZE])
                batches.append(Batch(brief, brief.changes, sources, chunk, request.out, plan.route.sender))

        for prepared in _prepare(batches, pool):
            ledger.record_written(brief_id, number, [(p.recipient, p.files) for p in prepared if not p.error])
            for copy in prepared:
                recipient = plan.known[copy.recipient]
                channel = channels[plan.channels[recipient.id]]
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
                done(delivery)
    finally:
        for channel in channels.values():
            channel.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)


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
