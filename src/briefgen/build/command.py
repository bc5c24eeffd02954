"""`briefgen build` as a command: run a request with a progress bar, print the report, say the status.

The command's first step (`briefgen.command`, for plain arguments, without Typer) and the
command line (`briefgen.cli.build`, for anything else) both end here, so both print the same
report and end with the same status. Arguments or sources that cannot work raise their
`BriefgenError` before anything is written; the caller reports it (`briefgen.errors.reported`).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.build.report import Outcome
    from briefgen.build.request import BuildRequest


def nothing_to_do(request: BuildRequest) -> bool:
    """Print the report of a build with nothing to do and return True; or return False.

    Imports the standard library and the record of the last build only.
    """
    from briefgen.build.flow import unchanged
    from briefgen.build.report import print_report

    if request.force:
        return False
    report = unchanged(request)
    if report is None:
        return False
    print_report(report, request)
    return True


def run_command(request: BuildRequest) -> int:
    """Build as `request` asks, print the report, and return the exit status (1 if a document failed
    or a translation left documents unbuilt)."""
    from briefgen.build.flow import build
    from briefgen.build.report import print_report
    from briefgen.errors import UsageError, check_output_folder, writing_to
    from briefgen.formats import FORMATS, format_named

    if not request.formats:
        raise UsageError(f"--format names no format; give one or more of: {', '.join(FORMATS)}")
    for name in request.formats:
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
            report = build(request, callback)
    finally:
        if display is not None:
            display.stop()
    print_report(report, request)
    return 0 if report.ok else 1
