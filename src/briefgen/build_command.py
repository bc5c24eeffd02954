"""`briefgen build` as a command, without the command line: what it is asked, runs and prints.

`BuildRequest` is what the command's arguments ask. `run_build` runs it and prints the report,
exactly as `briefgen build` does, whoever read the arguments: the command's first step
(`briefgen.launch`, for plain arguments, without Typer) or the command line
(`briefgen.cli.build`, for anything else). `nothing_to_do` answers a build with nothing to do
before anything heavy is loaded: it imports the standard library and the freshness record only.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import print_problems

if TYPE_CHECKING:
    from briefgen.build import BuildReport


@dataclass
class BuildRequest:
    """The arguments of `briefgen build`, when they are plain enough to read without Typer."""

    briefs: list[Path]
    countries: list[str] = field(default_factory=list)
    formats: str = "docx,pdf"
    scenario: str | None = None
    out: Path = Path("build")
    jobs: int | None = None
    edition: int | None = None
    languages: list[str] = field(default_factory=list)
    allow_untranslated: bool = False
    force: bool = False
    quiet: bool = False
    as_json: bool = False


def nothing_to_do(request: BuildRequest) -> bool:
    """Print the report of a build with nothing to do and return True; or return False."""
    from briefgen.build import unchanged_report

    if request.force:
        return False
    report = unchanged_report(
        request.briefs,
        countries=request.countries,
        formats=_formats(request),
        scenario=request.scenario,
        out=request.out,
        edition=request.edition,
        languages=request.languages,
        allow_untranslated=request.allow_untranslated,
    )
    if report is None:
        return False
    print_report(report, request)
    return True


def run_build(request: BuildRequest) -> int:
    """Build as `request` asks, print the report, and return the exit status (1 if a document failed).

    Arguments or sources that cannot work raise their `BriefgenError` before anything is written.
    """
    from briefgen.build import Outcome
    from briefgen.build import build as run
    from briefgen.errors import UsageError, check_output_folder, writing_to
    from briefgen.formats import FORMATS, format_named

    wanted = _formats(request)
    if not wanted:
        raise UsageError(f"--format names no format; give one or more of: {', '.join(FORMATS)}")
    for name in wanted:
        format_named(name)  # an unknown format is a usage error
    check_output_folder(request.out, "--out")
    display = None
    callback = None
    if not request.quiet and not request.as_json and sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        display = Progress(
            TextColumn("[bold]building"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            transient=True,
        )
        task = display.add_task("", total=None)

        def callback(outcome: Outcome, done: int, total: int) -> None:
            assert display is not None
            display.update(task, completed=done, total=total, description=outcome.path.name)

    try:
        if display is not None:
            display.start()
        with writing_to(request.out):
            report = run(
                request.briefs,
                countries=request.countries,
                formats=wanted,
                scenario=request.scenario,
                out=request.out,
                jobs=request.jobs,
                force=request.force,
                edition=request.edition,
                progress=callback,
                languages=request.languages,
                allow_untranslated=request.allow_untranslated,
            )
    finally:
        if display is not None:
            display.stop()
    print_report(report, request)
    return 1 if report.failed else 0


def print_report(report: BuildReport, request: BuildRequest) -> None:
    """Print what a build did: one JSON summary, or its warnings, failures, outputs and totals."""
    if request.as_json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        return
    if not request.quiet:
        print_problems(report.warnings)
    for outcome in report.failed:
        print(f"failed: {outcome.path}: {outcome.error}", file=sys.stderr)
    short = sorted((o for o in report.outcomes if o.short_last_page), key=lambda o: str(o.path))
    for outcome in short if not request.quiet else ():
        assert outcome.last_page is not None
        pages, fill = outcome.last_page
        print(
            f"{_shown(outcome.path)}: warning: its last page (page {pages}) is only {fill:.0%} full, "
            "even set tighter",
            file=sys.stderr,
        )
    if not request.quiet:
        written, skipped = report.by_status("written"), report.by_status("skipped")
        for outcome in sorted(report.outcomes, key=lambda o: str(o.path)):
            if outcome.status != "failed":
                print(f"{outcome.status:>7}  {_shown(outcome.path)}")
        print(
            f"{len(written)} written, {len(skipped)} unchanged, {len(report.failed)} failed "
            f"in {report.seconds:.1f} s; manifest: {', '.join(_shown(p) for p in report.manifests)}"
        )
    sys.stdout.flush()


def _formats(request: BuildRequest) -> list[str]:
    return [f.strip() for f in request.formats.split(",") if f.strip()]


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
