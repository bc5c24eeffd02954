"""What every command shares: the brief folder arguments (`sources.layout` finds the briefs).

Reporting problems and refusing an output folder are `briefgen.errors`' (the build also runs
without the command line; see `briefgen.command`).
"""

from __future__ import annotations

from pathlib import Path

import typer

# Brief folders are made absolute (and symlinks followed) as they are read: `.` inside a brief
# folder is that folder, with its name and the project above it, for every command alike.
BRIEF_ARGUMENT = typer.Argument(
    None,
    help="A brief folder (briefs/<id>). Left out: every brief under ./briefs.",
    show_default=False,
    resolve_path=True,
)
ONE_BRIEF = typer.Argument(..., help="A brief folder (briefs/<id>).", resolve_path=True)


def need_brief_folder(brief: Path) -> None:
    """Refuse a path that is no brief folder as loading a brief does: one problem, exit status 1.

    For the commands that look at a brief's editions or ledger before loading its sources
    (`diff`, `outdated`, `ledger`), which would otherwise find "no released edition" or nobody.
    """
    from briefgen.errors import InputError, Problem

    if not brief.is_dir():
        raise InputError([Problem(brief, 1, 1, "", "no such brief folder")])
