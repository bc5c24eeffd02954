"""`briefgen build`: render every brief, country and format; incremental and parallel."""

from __future__ import annotations

from pathlib import Path

import typer

from briefgen.cli.common import BRIEF_ARGUMENT


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
    from briefgen.build_command import BuildRequest, run_build
    from briefgen.sources.layout import brief_folders

    request = BuildRequest(
        briefs=brief_folders(brief),
        countries=[c.upper() for c in country],
        formats=formats,
        scenario=scenario,
        out=out,
        jobs=jobs,
        edition=edition,
        languages=language,
        allow_untranslated=allow_untranslated,
        force=force,
        quiet=quiet,
        as_json=as_json,
    )
    status = run_build(request)  # what `briefgen build` runs when it is not read by Typer (see there)
    if status:
        raise typer.Exit(status)
