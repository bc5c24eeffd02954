"""`briefgen distribute`, `briefgen ledger`, `briefgen outdated`: copies, and who holds what."""

from __future__ import annotations

import dataclasses
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from briefgen.cli.common import ONE_BRIEF, need_brief_folder

if TYPE_CHECKING:
    from briefgen.distribution.report import DistributionReport


class ChannelChoice(StrEnum):
    """A channel that `--channel` can force on every selected recipient."""

    outbox = "outbox"


def distribute(
    brief: Path = ONE_BRIEF,
    edition: int | None = typer.Option(
        None, "--edition", "-e", min=1, help="Edition to send (default: newest release)."
    ),
    recipient: list[str] = typer.Option([], "--recipient", "-r", help="Only this recipient id (repeatable)."),
    outdated_only: bool = typer.Option(False, "--outdated", help="Only recipients who lack this edition."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say who would get what; send and record nothing."),
    smtp: str | None = typer.Option(None, "--smtp", help="SMTP server HOST:PORT (or BRIEFGEN_SMTP)."),
    sender: str | None = typer.Option(
        None, "--from", help="Sender address, needed for email (or BRIEFGEN_SMTP_FROM)."
    ),
    outbox: Path | None = typer.Option(
        None,
        "--outbox",
        help="Folder for .eml drafts, inside the project (default: <brief>/outbox/e<N>). "
        "Without a mail server, every copy goes there.",
    ),
    channel: ChannelChoice | None = typer.Option(
        None, "--channel", help="Send every selected recipient by this channel, whatever their own."
    ),
    resend_unknown: bool = typer.Option(
        False, "--resend-unknown", help="Send again the copies whose outcome is unknown (same Message-ID)."
    ),
    mark_sent: list[str] = typer.Option(
        [],
        "--mark-sent",
        help="Record this recipient's copy (unknown outcome, or in the outbox) as sent, once you checked "
        "it arrived (repeatable).",
    ),
    new_ledger: bool = typer.Option(
        False, "--new-ledger", help="Start a new ledger on purpose although copies of this brief exist."
    ),
    wait: float = typer.Option(
        0.0, "--wait", min=0.0, help="Seconds to wait for another distribution of this brief to finish."
    ),
    ledger: Path | None = typer.Option(
        None, "--ledger", help="Ledger database (default: <brief>/ledger.sqlite)."
    ),
    out: Path = typer.Option(Path("build"), "--out", "-o", help="Build folder for the copies."),
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", min=1, help="Worker processes (default: one per CPU)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> int:
    """Send each official a numbered copy of a released edition, exactly once, and record it in the ledger.

    Exit status: 0 when every selected copy is sent, in the outbox or was already; 1 when a copy
    failed or its outcome is unknown (it is listed with what to do), or on an error; 2 on a usage error.
    """
    from briefgen.distribution import DistributionRequest
    from briefgen.distribution import distribute as run
    from briefgen.errors import check_output_folder

    check_output_folder(out, "--out")  # as `build` refuses it: a usage error, before any work
    report = run(
        DistributionRequest(
            brief,
            edition=edition,
            recipients=tuple(recipient),
            outdated=outdated_only,
            dry_run=dry_run,
            smtp=smtp,
            sender=sender,
            outbox=outbox,
            channel=channel.value if channel else None,
            resend_unknown=resend_unknown,
            mark_sent=tuple(mark_sent),
            new_ledger=new_ledger,
            wait=wait,
            ledger=ledger,
            out=out,
            jobs=jobs,
        )
    )
    if as_json:
        _print_json(report)
    else:
        _print_report(report, dry_run=dry_run)
    return 1 if report.needs_attention and not dry_run else 0


def _print_json(report: DistributionReport) -> None:
    """Print the run's report as JSON: each delivery, and the notes."""
    data = {
        "brief": report.brief,
        "edition": report.edition,
        "deliveries": [
            {**dataclasses.asdict(d), "files": [str(p) for p in d.files]} for d in report.deliveries
        ],
        "notes": report.notes,
    }
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _print_report(report: DistributionReport, *, dry_run: bool) -> None:
    """Print the run's notes, a line for each recipient (and what to do about it), and the counts."""
    from briefgen.distribution.ledger import status_label

    for note in report.notes:
        typer.echo(f"note: {note}")
    for d in report.deliveries:
        copy = f"copy {d.copy_number:03d}" if d.copy_number else "copy ---"
        extra = (
            f": {d.error}" if d.error else f" (already {d.note})" if d.status == "skipped" and d.note else ""
        )
        language = f", {d.language}" if d.language else ""
        typer.echo(
            f"{status_label(d.status):>17}  {d.recipient} ({d.country}{language}) {copy} by {d.channel}{extra}"
        )
        if d.note and d.status != "skipped":
            typer.echo(f"{'':>19}{d.note}")
    counts = {
        s: len(report.by_status(s)) for s in ("sent", "in-outbox", "skipped", "failed", "unknown", "planned")
    }
    summary = ", ".join(f"{n} {status_label(s)}" for s, n in counts.items() if n) or "nothing to do"
    typer.echo(f"{report.brief} edition {report.edition}: {summary}{' (dry run)' if dry_run else ''}")


def ledger(
    brief: Path = ONE_BRIEF,
    ledger_path: Path | None = typer.Option(
        None, "--ledger", help="Ledger database (default: <brief>/ledger.sqlite)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """List who holds which edition."""
    from briefgen.distribution import default_ledger
    from briefgen.distribution.status import holdings

    _need_recipients(brief)

    rows = holdings(brief, ledger_path or default_ledger(brief))
    if as_json:
        typer.echo(json.dumps([dataclasses.asdict(h) for h in rows], indent=2, ensure_ascii=False))
        return
    for h in rows:
        held = (
            f"edition {h.edition}, copy {h.copy_number:03d} ({', '.join(h.formats)}) by {h.channel}, {h.sent_at}"
            if h.edition
            else "no edition"
        )
        pending = f"  [{h.pending}]" if h.pending else ""
        typer.echo(f"{h.recipient:<32} {h.country}  {h.language:<3} {held}{pending}")


def outdated(
    brief: Path = ONE_BRIEF,
    ledger_path: Path | None = typer.Option(
        None, "--ledger", help="Ledger database (default: <brief>/ledger.sqlite)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """List the recipients whose newest edition is older than the newest release, and what changed."""
    from briefgen.distribution import default_ledger
    from briefgen.distribution.status import outdated as find

    _need_recipients(brief)

    rows = find(brief, ledger_path or default_ledger(brief))
    if as_json:
        typer.echo(json.dumps([dataclasses.asdict(o) for o in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        from briefgen.sources.frozen import released_editions

        released = bool(released_editions(brief))
        typer.echo(
            "every recipient holds the newest released edition"
            if released
            else f"{brief.name} has no released edition yet: there is none to hold"
        )
    for o in rows:
        held = f"edition {o.holding.edition}" if o.holding.edition else "no edition"
        pending = f" [{o.holding.pending}]" if o.holding.pending else ""
        typer.echo(
            f"{o.holding.recipient} ({o.holding.country}, {o.holding.language}): holds {held}, "
            f"newest is {o.newest}{pending}"
        )
        for line in o.changes:
            typer.echo(f"    - {line}")


def _need_recipients(brief: Path) -> None:
    """Refuse a brief without recipients.yaml: there is nobody to list, and silence would mislead."""
    from briefgen.errors import InputError, Problem

    need_brief_folder(brief)
    path = brief / "recipients.yaml"
    if not path.exists():
        message = "no recipients.yaml: this brief has no distribution list, so nobody holds any edition"
        raise InputError([Problem(path, 1, 1, "", message)])
