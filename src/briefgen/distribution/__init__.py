"""Distribution: numbered copies for each official, delivered by email or outbox, in a ledger.

`distribute()` is the workflow: choose the recipients, make sure the country briefs of the
edition are built, stamp one copy per recipient, deliver, and record every step in the ledger,
so that running it again sends nothing already sent and a run cut short is finished by the next.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.atomic import write_bytes_atomic
from briefgen.errors import BriefgenError
from briefgen.models import Recipient

LEDGER_FILE = "ledger.sqlite"


class DistributionError(BriefgenError):
    """Distribution was asked for something that cannot be done."""


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
    from briefgen.changes import country_changes
    from briefgen.distribution.copies import (
        copy_path,
        page_size,
        stamp_docx,
        stamp_html,
        stamp_line,
        stamp_pages,
        stamp_pdf,
    )
    from briefgen.distribution.delivery import (
        Channel,
        DeliveryError,
        Letter,
        Outbox,
        Smtp,
        SmtpSettings,
        compose,
        message_id,
    )
    from briefgen.distribution.ledger import CopyFile, Ledger
    from briefgen.editions import load_edition, released_editions
    from briefgen.loading import load_brief
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

    report = DistributionReport(brief_id, number)
    ledger = Ledger(ledger_path or default_ledger(folder))
    try:
        todo: list[Recipient] = []
        for recipient in chosen:
            held = ledger.held_edition(brief_id, recipient.id)
            if ledger.is_sent(brief_id, number, recipient.id) or (
                outdated and held is not None and held >= number
            ):
                record = ledger.copy(brief_id, number, recipient.id)
                report.deliveries.append(
                    Delivery(
                        recipient.id,
                        recipient.country,
                        record.copy_number if record else None,
                        channel_of(recipient),
                        "skipped",
                    )
                )
                continue
            todo.append(recipient)
        if dry_run or not todo:
            for recipient in todo:
                report.deliveries.append(
                    Delivery(recipient.id, recipient.country, None, channel_of(recipient), "planned")
                )
            return report

        settings = SmtpSettings.parse(smtp, sender)
        if any(channel_of(r) == "email" for r in todo) and settings is None:
            raise DistributionError(
                "some recipients get email: give the server with --smtp HOST:PORT or BRIEFGEN_SMTP"
            )

        # the country briefs of this edition, built (or found unchanged) from the frozen sources
        countries = sorted({r.country for r in todo})
        formats = sorted({f for r in todo for f in r.formats})
        built = build([folder], countries=countries, formats=formats, out=out, jobs=jobs, edition=number)
        if built.failed:
            raise DistributionError("; ".join(f"{o.job.path}: {o.error}" for o in built.failed))
        previous = (
            load_edition(folder, max(n for n in released if n < number))
            if any(n < number for n in released)
            else None
        )
        tailored = {}
        for code in countries:
            brief = tailor(frozen, code)
            tailored[code] = brief
        numbers = {r.id: ledger.reserve(brief_id, number, r.id, r.country, channel_of(r)) for r in todo}

        # one stamp page per recipient, made in one WeasyPrint pass per page size
        sources = {
            (code, fmt): output_path(out, tailored[code], fmt)[0].read_bytes()
            for code in countries
            for fmt in formats
        }
        pdf_recipients = [r for r in todo if "pdf" in r.formats]
        stamp_index: dict[str, tuple[bytes, int]] = {}
        by_size: dict[tuple[float, float], list[Recipient]] = {}
        for r in pdf_recipients:
            by_size.setdefault(page_size(sources[(r.country, "pdf")]), []).append(r)
        for (width, height), group in by_size.items():
            pages = stamp_pages(
                [stamp_line(r, numbers[r.id]) for r in group],
                width=width,
                height=height,
                language=frozen.brief.language,
            )
            for i, r in enumerate(group):
                stamp_index[r.id] = (pages, i)

        channels: dict[str, Channel] = {"outbox": Outbox(outbox or folder / "outbox" / f"e{number}")}
        if settings is not None:
            channels["email"] = Smtp(settings)
        try:
            for recipient in todo:
                copy_number = numbers[recipient.id]
                brief = tailored[recipient.country]
                line = stamp_line(recipient, copy_number)
                files: list[CopyFile] = []
                paths: list[Path] = []
                for fmt in recipient.formats:
                    source = sources[(recipient.country, fmt)]
                    if fmt == "pdf":
                        pages, index = stamp_index[recipient.id]
                        data = stamp_pdf(source, pages, index)
                    elif fmt == "docx":
                        data = stamp_docx(source, line)
                    else:
                        data = stamp_html(source, line)
                    suffix = "." + fmt
                    path = copy_path(out, brief_id, number, recipient.id, brief.slug, copy_number, suffix)
                    write_bytes_atomic(path, data)
                    files.append(CopyFile(fmt, str(path), hashlib.sha256(data).hexdigest(), len(data)))
                    paths.append(path)
                ledger.record_files(brief_id, number, recipient.id, files)

                changes = (
                    country_changes(previous, frozen, recipient.country) if previous is not None else None
                )
                letter = Letter(
                    recipient_id=recipient.id,
                    to_name=recipient.name,
                    to_address=recipient.email,
                    subject=_subject(brief.marking, brief.title, number, copy_number),
                    body=cover_note(recipient, brief, copy_number, changes, [p.name for p in paths]),
                    attachments=tuple(paths),
                    message_id=message_id(brief_id, number, recipient.id, copy_number),
                )
                channel = channels[channel_of(recipient)]
                delivery = Delivery(recipient.id, recipient.country, copy_number, channel.name, "sent", paths)
                try:
                    channel.send(compose(letter, settings.sender if settings else "briefgen@localhost"))
                except DeliveryError as exc:
                    ledger.record_failed(brief_id, number, recipient.id, str(exc))
                    delivery.status, delivery.error = "failed", str(exc)
                else:
                    ledger.record_sent(brief_id, number, recipient.id, channel.name, letter.message_id)
                report.deliveries.append(delivery)
                if progress is not None:
                    progress(delivery)
        finally:
            smtp_channel = channels.get("email")
            if isinstance(smtp_channel, Smtp):
                smtp_channel.close()
    finally:
        ledger.close()
    return report


def _subject(marking: str | None, title: str, edition: int, copy_number: int) -> str:
    prefix = f"[{marking}] " if marking else ""
    return f"{prefix}{title}: edition {edition}, copy {copy_number:03d}"


def cover_note(
    recipient: Recipient, brief: object, copy_number: int, changes: object, files: list[str]
) -> str:
    """Return the cover note that goes with a copy, from `templates/distribution/cover-note.txt`."""
    import jinja2

    from briefgen.render import templates_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir() / "distribution"),
        autoescape=jinja2.select_autoescape(["html", "xml"]),  # the .txt note is plain text
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    marking = getattr(brief, "marking", None)
    return env.get_template("cover-note.txt").render(
        recipient=recipient,
        brief=brief,
        copy=f"{copy_number:03d}",
        changes=changes,
        files=files,
        marking=marking,
    )
