"""`briefgen build`: render every brief, country and format; incremental and parallel."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from briefgen.cli.common import (
    BRIEF_ARGUMENT,
    brief_folders,
    check_output_folder,
    print_problems,
    writing_to,
)


def build(
    brief: Path | None = BRIEF_ARGUMENT,
    country: list[str] = typer.Option([], "--country", "-c", help="Only this country (repeatable)."),
    formats: str = typer.Option("docx,pdf", "--format", "-f", help="Comma-separated: docx, pdf, html."),
    scenario: str | None = typer.Option(None, "--scenario", "-s", help="Tailor for this scenario."),
    out: Path = typer.Option(Path("build"), "--out", "-o", help="Output folder."),
    jobs: int | None = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: cores)."),
    force: bool = typer.Option(False, "--force", help="Render everything, even what has not changed."),
    edition: int | None = typer.Option(None, "--edition", "-e", min=1, help="Render a released edition."),
    language: list[str] = typer.Option(
        [], "--language", "-l", help="Only this language (repeatable; default: every one the brief declares)."
    ),
    allow_untranslated: bool = typer.Option(
        False,
        "--allow-untranslated",
        help="Build a translation with missing or fuzzy entries: English there, marked as a draft on every page.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON summary."),
) -> None:
    """Build the tailored briefs: every brief x country x format, skipping what has not changed."""
    from briefgen.build import Outcome
    from briefgen.build import build as run_build
    from briefgen.errors import UsageError
    from briefgen.formats import FORMATS, format_named

    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    if not wanted:
        raise UsageError(f"--format names no format; give one or more of: {', '.join(FORMATS)}")
    for name in wanted:
        format_named(name)  # an unknown format is a usage error
    check_output_folder(out, "--out")
    show_progress = not quiet and not as_json and sys.stderr.isatty()
    progress_display = None
    callback = None
    if show_progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress_display = Progress(
            TextColumn("[bold]building"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            transient=True,
        )
        task = progress_display.add_task("", total=None)

        def callback(outcome: Outcome, done: int, total: int) -> None:
            assert progress_display is not None
            progress_display.update(task, completed=done, total=total, description=outcome.path.name)

    try:
        if progress_display is not None:
            progress_display.start()
        with writing_to(out):
            report = run_build(
                brief_folders(brief),
                countries=[c.upper() for c in country],
                formats=wanted,
                scenario=scenario,
                out=out,
                jobs=jobs,
                force=force,
                edition=edition,
                progress=callback,
                languages=language,
                allow_untranslated=allow_untranslated,
            )
    finally:
        if progress_display is not None:
            progress_display.stop()

    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        if not quiet:
            print_problems(report.warnings)
        for outcome in report.failed:
            typer.echo(f"failed: {outcome.path}: {outcome.error}", err=True)
        if not quiet:
            written, skipped = report.by_status("written"), report.by_status("skipped")
            for outcome in sorted(report.outcomes, key=lambda o: str(o.path)):
                if outcome.status != "failed":
                    typer.echo(f"{outcome.status:>7}  {_shown(outcome.path)}")
            typer.echo(
                f"{len(written)} written, {len(skipped)} unchanged, {len(report.failed)} failed "
                f"in {report.seconds:.1f} s; manifest: {', '.join(_shown(p) for p in report.manifests)}"
            )
    if report.failed:
        raise typer.Exit(1)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
