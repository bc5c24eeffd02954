"""Where a distribution writes, checked before it writes: the outbox, the copies, and what earlier runs left."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from briefgen.atomic import remove_leftovers
from briefgen.errors import DistributionError


def project_folder(brief_folder: Path) -> Path:
    """Return the project a brief belongs to: the folder holding `briefs/`, else the brief's parent."""
    folder = Path(os.path.abspath(brief_folder))
    return folder.parent.parent if folder.parent.name == "briefs" else folder.parent


def default_outbox(brief_folder: Path, edition: int) -> Path:
    """Return where `.eml` messages go unless `--outbox` says otherwise: `<brief>/outbox/e<N>`."""
    return brief_folder / "outbox" / f"e{edition}"


def checked_outbox(brief_folder: Path, outbox: Path) -> Path:
    """Return the outbox if it is a real folder inside the project; refuse a link or a way out.

    A symbolic link planted at (or above) the outbox would send every message somewhere else,
    so no part of the path below the project folder may be a link, and the folder it names must
    lie inside the project.
    """
    project = project_folder(brief_folder)
    absolute = Path(os.path.abspath(outbox))
    for part in (absolute, *absolute.parents):
        if part == project or project not in part.parents:
            break
        if part.is_symlink():
            raise DistributionError(
                f"the outbox {outbox} goes through the symbolic link {part} (to {os.readlink(part)}): "
                "refusing to write messages through it; remove the link, or give --outbox a folder "
                f"inside {project}"
            )
    resolved = absolute.resolve()
    if resolved != project.resolve() and project.resolve() not in resolved.parents:
        raise DistributionError(
            f"the outbox {outbox} lies outside the project folder {project}: give --outbox a folder "
            "inside it (copy the messages elsewhere afterwards if you need to)"
        )
    if absolute.exists() and not absolute.is_dir():
        raise DistributionError(f"the outbox {outbox} exists and is not a folder")
    return absolute


def copies_root(out: Path, brief_id: str) -> Path:
    """Return the folder under which the copies of every edition of a brief are written."""
    return out / brief_id


def _copy_folders(out: Path, brief_id: str) -> list[Path]:
    return sorted(p for p in copies_root(out, brief_id).glob("e*/copies") if p.is_dir())


def remove_stale_parts(folders: Iterable[Path]) -> list[Path]:
    """Delete the half-written files a killed run left in `folders`; return them.

    Only called while holding the distribution lock, so no other run is writing there.
    """
    return [part for folder in folders for part in remove_leftovers(folder, recursive=True)]


def stale_part_folders(out: Path, brief_id: str, outbox: Path) -> list[Path]:
    """Return the folders where this brief's distribution writes: its copies and its outbox."""
    return [*_copy_folders(out, brief_id), outbox]


def earlier_traces(out: Path, brief_id: str, outboxes: Iterable[Path], recipients: set[str]) -> list[Path]:
    """Return files that an earlier distribution of this brief left: copies and outbox messages.

    Found while the ledger knows nothing of the brief, they mean its ledger was lost.
    """
    found: list[Path] = []
    for folder in _copy_folders(out, brief_id):
        found.extend(p for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith(".part"))
    for outbox in outboxes:
        if outbox.is_dir():
            found.extend(p for p in sorted(outbox.rglob("*.eml")) if p.stem in recipients)
    return found
