"""`briefgen distribute`, `briefgen ledger`, `briefgen outdated`: copies, and who holds what."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import typer


def distribute(
    brief: Path = typer.Argument(..., help="A brief folder (briefs/<id>)."),
    edition: int | None = typer.Option(
        None, "--edition", "-e", min=1, help="Edition to send (default: newest release)."
    ),
    recipient: list[str] = typer.Option([], "--recipient", "-r", help="Only this recipient id (repeatable)."),
    outdated_only: bool = typer.Option(False, "--outdated", help="Only recipients who lack this edition."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say who would get what; send and record nothing."),
    smtp: str | None = typer.Option(None, "--smtp", help="SMTP server HOST:PORT (or BRIEFGEN_SMTP)."),
    sender: str | None = typer.Option(None, "--from", help="Sender address (or BRIEFGEN_SMTP_FROM)."),
    outbox: Path | None = typer.Option(
        None, "--outbox", help="Folder for .eml files (default: <brief>/outbox/e<N>)."
    ),
    ledger: Path | None = typer.Option(
        None, "--ledger", help="Ledger database (default: <brief>/ledger.sqlite)."
    ),
    out: Path = typer.Option(Path("build"), "--out", "-o", help="Build folder for the copies."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Send each official a numbered copy of a released edition, and record it in the ledger."""
    from briefgen.distribution import distribute as run

    report = run(
        brief,
        edition=edition,
        recipient_ids=recipient,
        outdated=outdated_only,
        dry_run=dry_run,
        smtp=smtp,
        sender=sender,
        outbox=outbox,
        ledger_path=ledger,
        out=out,
    )
    if as_json:
        data = {
            "brief": report.brief,
            "edition": report.edition,
            "deliveries": [
                {**dataclasses.asdict(d), "files": [str(p) for p in d.files]} for d in report.deliveries
            ],
        }
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for d in report.deliveries:
            copy = f"copy {d.copy_number:03d}" if d.copy_number else "copy ---"
            extra = f": {d.error}" if d.error else ""
            typer.echo(f"{d.status:>8}  {d.recipient} ({d.country}) {copy} by {d.channel}{extra}")
        counts = {s: len(report.by_status(s)) for s in ("sent", "skipped", "failed", "planned")}
        summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "nothing to do"
        typer.echo(f"{report.brief} edition {report.edition}: {summary}{' (dry run)' if dry_run else ''}")
    if report.by_status("failed"):
        raise typer.Exit(1)


def ledger(
    brief: Path = typer.Argument(..., help="A brief folder (briefs/<id>)."),
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
        typer.echo(f"{h.recipient:<32} {h.country}  {held}{pending}")


def outdated(
    brief: Path = typer.Argument(..., help="A brief folder (briefs/<id>)."),
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
        typer.echo("every recipient holds the newest released edition")
    for o in rows:
        held = f"edition {o.holding.edition}" if o.holding.edition else "no edition"
        typer.echo(f"{o.holding.recipient} ({o.holding.country}): holds {held}, newest is {o.newest}")
        for line in o.changes:
            typer.echo(f"    - {line}")


def _need_recipients(brief: Path) -> None:
    """Refuse a brief without recipients.yaml: there is nobody to list, and silence would mislead."""
    from briefgen.errors import InputError, Problem

    path = brief / "recipients.yaml"
    if brief.is_dir() and not path.exists():
        message = "no recipients.yaml: this brief has no distribution list, so nobody holds any edition"
        raise InputError([Problem(path, 1, 1, "", message)])
