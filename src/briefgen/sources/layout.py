"""Where a project keeps its briefs: `briefs/<id>/` beside the shared `briefs/countries/`.

Standard library only, so that the command's first step (`briefgen.command`) can find the briefs
of a plain `briefgen build` before anything heavy is loaded.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import UsageError

BRIEFS_DIR = "briefs"
"""The project's folder of briefs, in the folder a command runs in."""
COUNTRIES_DIR = "countries"
"""The shared country profiles' folder, beside the briefs."""


def project_folder(brief: Path) -> Path:
    """Return the project a brief folder belongs to: the folder that holds its briefs folder.

    No file a command reads for the brief (sources, catalogs, editions, theme) may lie outside it.
    """
    return brief.resolve().parent.parent


def briefs_under(folder: Path) -> list[Path]:
    """Return every brief folder (one holding brief.yaml) directly under `folder`."""
    return sorted(p.parent for p in folder.glob("*/brief.yaml") if p.parent.name != COUNTRIES_DIR)


def brief_folders(brief: Path | None) -> list[Path]:
    """Return the brief folders a command works on: `brief`, or every brief under ./briefs."""
    if brief is not None:
        return [brief]
    folders = briefs_under(Path(BRIEFS_DIR))
    if not folders:
        raise UsageError(f"no brief given and no {BRIEFS_DIR}/<id>/brief.yaml under the current folder")
    return folders
