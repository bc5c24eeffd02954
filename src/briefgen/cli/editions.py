"""`briefgen release` and `briefgen diff`: editions and what changed between them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer

from briefgen.cli.common import ONE_BRIEF, need_brief_folder


def release(
    brief: Path = ONE_BRIEF,
    date: str | None = typer.Option(
        None, "--date", help="Release date, YYYY-MM-DD (default: today); page one dates the edition by it."
    ),
) -> None:
    """Freeze the working sources as edition N, dated today (or --date), and move brief.yaml on to N+1."""
    from briefgen.editions.release import release_or_finish
    from briefgen.errors import UsageError
    from briefgen.sources.frozen import read_edition, release_date

    try:
        day = dt.date.fromisoformat(date) if date else None
    except ValueError:
        raise UsageError(f"--date must be YYYY-MM-DD, not {date!r}") from None
    path, finished = release_or_finish(brief, date=day)
    number = int(path.stem)
    dated = release_date(read_edition(brief, number)).isoformat()
    if finished:
        typer.echo(
            f"finished the interrupted release of edition {number} (released {dated}), {path}; "
            f"brief.yaml is now at edition {number + 1}"
        )
    else:
        typer.echo(f"released edition {number} on {dated}: {path}; brief.yaml is now at edition {number + 1}")


def diff(
    brief: Path = ONE_BRIEF,
    from_: str | None = typer.Option(
        None, "--from", help="Edition to compare from (default: the latest released)."
    ),
    to: str = typer.Option("working", "--to", help="Edition to compare to, or 'working' (default)."),
    country: list[str] = typer.Option([], "--country", "-c", help="Only this country's effect (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print the diff as JSON."),
    docx: Path | None = typer.Option(
        None, "--docx", help="Write one country's brief as a Word redline here."
    ),
) -> None:
    """Show what changed between two editions, per recommendation and per country."""
    from briefgen.editions.diff import diff as run_diff
    from briefgen.editions.diff import diff_data, diff_text
    from briefgen.errors import TailoringError, UnknownEdition, UsageError, check_output_file
    from briefgen.sources.frozen import load_side, released_editions

    def side(value: str) -> int | str:
        if value == "working":
            return value
        if not value.isdigit():
            raise UsageError(f"an edition is a number or 'working', not {value!r}")
        return int(value)

    need_brief_folder(brief)
    codes = [c.upper() for c in country]
    if docx is not None and docx.is_dir():
        raise UsageError(f"--docx {docx} is a folder; give the file to write, like {docx / 'redline.docx'}")
    if docx is not None and len(codes) != 1:
        raise UsageError("--docx needs exactly one --country")
    if docx is not None:
        check_output_file(docx, "--docx")  # a regular file, or a new one in a folder that exists
    released = released_editions(brief)
    old_label = side(from_) if from_ is not None else (released[-1] if released else None)
    if old_label is None:
        raise UnknownEdition(f"{brief} has no released edition to compare with; run `briefgen release` first")
    new_label = side(to)
    old, new = load_side(brief, old_label), load_side(brief, new_label)
    have = list(dict.fromkeys([*old.brief.countries, *new.brief.countries]))
    unknown = [c for c in codes if c not in have]
    if unknown:  # asked for a country the brief does not have: as in build and explain
        raise TailoringError(f"{', '.join(unknown)}: not among {new.id}'s countries ({', '.join(have)})")
    result = run_diff(old, new, old_label=old_label, new_label=new_label, countries=codes)
    if docx is not None:
        from briefgen.atomic import write_bytes_atomic
        from briefgen.errors import writing_to
        from briefgen.render.redline import redline
        from briefgen.tailoring import tailor

        document = redline(tailor(old, codes[0]), tailor(new, codes[0]), author=new.brief.organisation)
        with writing_to(docx):
            write_bytes_atomic(docx, document)
    if as_json:
        typer.echo(json.dumps(diff_data(result), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        typer.echo(diff_text(result))
        if docx is not None:
            typer.echo(f"redline written to {docx}")
