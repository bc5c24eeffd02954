"""What every command shares: finding briefs and reporting problems."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import typer

from briefgen.errors import Problem, UsageError

BRIEF_ARGUMENT = typer.Argument(
    None,
    help="A brief folder (briefs/<id>). Left out: every brief under ./briefs.",
    show_default=False,
)


def brief_folders(brief: Path | None) -> list[Path]:
    """Return the brief folders a command works on."""
    if brief is not None:
        return [brief]
    from briefgen.sources.loading import briefs_under

    folders = briefs_under(Path("briefs"))
    if not folders:
        raise UsageError("no brief given and no briefs/<id>/brief.yaml under the current folder")
    return folders


def print_problems(problems: Iterable[Problem]) -> None:
    """Print each problem as FILE:LINE:COL: field: message, on standard error."""
    for problem in problems:
        print(problem, file=sys.stderr)
