"""`briefgen review`: reviewers' Word comments and tracked changes, mapped back to the source fields."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from briefgen.cli.common import ONE_BRIEF


def review(
    brief: Path = ONE_BRIEF,
    files: list[Path] = typer.Argument(
        None,
        help="Reviewers' DOCX files. Left out: every .docx in the brief's reviews/ folder.",
        show_default=False,
        exists=True,
        dir_okay=False,
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    html: Path | None = typer.Option(
        None, "--html", help="Also write the report as an HTML page to this file."
    ),
    apply: bool = typer.Option(
        False, "--apply", help="Write the tracked changes into the YAML and PO files (all or none)."
    ),
    partial: bool = typer.Option(
        False, "--partial", help="With --apply: write the changes that apply, and list the ones that do not."
    ),
) -> None:
    """Read reviewers' comments and tracked changes from Word files and map each to its source field."""
    from briefgen.atomic import write_bytes_atomic
    from briefgen.errors import UsageError
    from briefgen.review import review as read_review
    from briefgen.review import reviewed_files
    from briefgen.review.report import report_data, report_html, report_text
    from briefgen.sources.loading import load_sources

    if partial and not apply:
        raise UsageError("--partial goes with --apply")
    loaded = load_sources(brief)
    chosen = list(files or reviewed_files(brief))
    if not chosen:
        raise UsageError(
            f"no file to review: name the reviewers' .docx files, or put them in {brief / 'reviews'}"
        )
    found = read_review(brief, chosen, working=loaded)
    if html is not None:
        write_bytes_atomic(html, report_html(found).encode("utf-8"))
    if not as_json:
        typer.echo(report_text(found), nl=False)
    outcome = None
    if apply:
        from briefgen.review.apply import apply_review

        outcome = apply_review(found, loaded, partial=partial)
    if as_json:
        data = report_data(found)
        if outcome is not None:
            data["applied"] = [_edit(e) for e in outcome.edits if e.applies]
            data["refused"] = [_edit(e) for e in outcome.refused]
            data["written"] = [str(p) for p in outcome.written]
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif outcome is not None:
        typer.echo(_applied_text(outcome), nl=False)
    if outcome is not None and outcome.refused:
        raise typer.Exit(1)


def _edit(edit: object) -> dict[str, object]:
    from briefgen.review.apply import Edit

    assert isinstance(edit, Edit)
    return {
        "docx": edit.docx,
        "key": edit.key,
        "language": edit.language,
        "file": str(edit.target) if edit.target else None,
        "old": edit.old,
        "theirs": edit.theirs,
        "current": edit.current,
        "refused": edit.refused or None,
        "note": edit.note or None,
    }


def _applied_text(outcome: object) -> str:
    from briefgen.review.apply import Outcome, refusal_text

    assert isinstance(outcome, Outcome)
    if outcome.refused and not outcome.written:
        return "\n" + refusal_text(outcome) + "\n"
    lines = ["", "Applied"]
    applied = [e for e in outcome.edits if e.applies]
    for edit in applied:
        lines.append(f"  {edit.key} ({edit.docx}) -> {edit.target}" + (f"; {edit.note}" if edit.note else ""))
    if not applied:
        lines.append("  nothing")
    if outcome.refused:
        lines += ["", "Not applied:", *refusal_text(outcome).splitlines()[2:]]
    return "\n".join(lines) + "\n"
