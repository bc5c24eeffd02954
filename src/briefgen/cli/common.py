"""What every command shares: finding briefs and reporting problems."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import typer

from briefgen.errors import Problem, UsageError

# Brief folders are made absolute (and symlinks followed) as they are read: `.` inside a brief
# folder is that folder, with its name and the project above it, for every command alike.
BRIEF_ARGUMENT = typer.Argument(
    None,
    help="A brief folder (briefs/<id>). Left out: every brief under ./briefs.",
    show_default=False,
    resolve_path=True,
)
ONE_BRIEF = typer.Argument(..., help="A brief folder (briefs/<id>).", resolve_path=True)


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


def check_output_folder(folder: Path, option: str) -> None:
    """Refuse, before any work, an output folder that is a file or cannot be written."""
    from briefgen.errors import OutputError, UsageError

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{option} {folder} is a file; it must name a folder")
    existing = next((p for p in (folder, *folder.absolute().parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise UsageError(f"{option} {folder} lies under {existing}, which is a file")
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write to {folder}: {existing} is read-only")


@contextlib.contextmanager
def writing_to(target: Path) -> Iterator[None]:
    """Turn a failure to write under `target` into one clear line (exit status 1)."""
    from briefgen.errors import OutputError

    try:
        yield
    except OSError as exc:
        where = exc.filename or target
        if str(where).endswith(".part"):  # a temporary file beside the real one: name the real one
            where = Path(str(where)).parent
        raise OutputError(f"cannot write to {where}: {exc.strerror or exc}") from None
