"""Each edition folder's `manifest.json`: every file a build made, with its SHA-256 and size.

The manifest is written last, atomically, and keeps what earlier builds of other countries or
formats wrote into the same folder while those files are still the ones it recorded. A later
build skips a document whose recorded key (its content and briefgen's code) is unchanged and
whose file is still intact.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import briefgen.reading as reading
from briefgen.atomic import write_text_atomic

if TYPE_CHECKING:
    from briefgen.build.plan import Job
    from briefgen.build.report import Outcome

MANIFEST = "manifest.json"


def intact(path: Path, entry: dict[str, Any]) -> bool:
    """Return whether the file on disk is the one the manifest recorded."""
    try:
        if path.stat().st_size != entry.get("size"):
            return False
        return reading.fingerprint(path, limit=reading.DOCUMENT.limit) == entry.get("sha256")
    except OSError:
        return False


def edition_folders(jobs: Iterable[Job]) -> dict[Path, list[Job]]:
    """Return the jobs by the edition folder their documents go into."""
    groups: dict[Path, list[Job]] = {}
    for job in jobs:
        groups.setdefault(job.path.parents[1], []).append(job)
    return groups


def recorded(jobs: list[Job]) -> dict[Path, dict[str, Any]]:
    """Return what the manifests of the jobs' edition folders recorded, by absolute path."""
    entries: dict[Path, dict[str, Any]] = {}
    for folder in edition_folders(jobs):
        try:
            manifest = json.loads(reading.read_text(folder / MANIFEST, reading.RECORD))
            for entry in manifest.get("files", []):
                entries[(folder / entry["path"]).resolve()] = entry
        except (reading.UnreadableFile, ValueError, KeyError, TypeError, AttributeError):
            continue  # no manifest, or one from an incompatible version: render everything
    return entries


def write_manifests(
    jobs: list[Job], outcomes: list[Outcome], previous: dict[Path, dict[str, Any]]
) -> list[Path]:
    """Write the manifest of every edition folder the jobs wrote into; return their paths."""
    by_path = {o.path: o for o in outcomes}
    written = []
    for folder, group in sorted(edition_folders(jobs).items()):
        entries: dict[str, dict[str, Any]] = {}
        # keep what an earlier build of other countries or formats wrote, if it is still there
        for path, entry in previous.items():
            if path.parents[1] == folder and path not in by_path and intact(path, entry):
                entries[entry["path"]] = entry
        failed = []
        for job in group:
            outcome = by_path[job.path]
            if outcome.status == "failed":
                failed.append(
                    {
                        "path": job.relative,
                        "country": job.brief.country,
                        "format": job.format,
                        "error": outcome.error,
                    }
                )
                continue
            entries[job.relative] = {
                "path": job.relative,
                "sha256": outcome.sha256,
                "size": outcome.size,
                "country": job.brief.country,
                "format": job.format,
                "language": job.brief.language,
                "scenario": job.brief.scenario,
                "edition": job.brief.edition,
                "key": job.key,
            }
        first = group[0].brief
        manifest = {
            "brief": first.brief_id,
            "edition": first.edition,
            "files": [entries[k] for k in sorted(entries)],
            "failed": sorted(failed, key=lambda f: f["path"]),
        }
        path = folder / MANIFEST
        write_text_atomic(path, json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        written.append(path)
    return written
