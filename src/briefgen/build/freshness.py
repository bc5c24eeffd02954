"""Know, without loading anything, that a build has nothing to do.

After a build that wrote every document, a record beside its outputs
(`<out>/<brief>/.inputs.json`) keeps every input file with its size, modification time and
SHA-256: the brief folder's files, the country profiles, the theme folder, briefgen's own code and templates,
plus the versions of the rendering libraries and the options asked for. A later build with the
same options compares that record with the disk before it imports a model or parses a line of
YAML; as make and ninja do, a file whose size and modification time are the recorded ones is
not read again, and only a file whose stat differs (or that changed too close to the record to
tell, git's "racily clean" case) is hashed. If nothing changed and every output is still the
file the build wrote, there is nothing to do. Anything else (a changed byte anywhere, a
damaged output, `--force`) takes the full path, which decides document by document.

The record describes what the build read, not what is on disk when it ends: `snapshot()` is
taken before the sources are loaded, and a file whose stat moved between the snapshot and the
end of the build is recorded as unknown, so a source edited while a build runs is rebuilt next
time instead of being taken for the one the documents show.

Standard library only, so that the check costs no imports.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import briefgen.reading as reading
from briefgen.atomic import write_text_atomic
from briefgen.sources.layout import project_folder
from briefgen.version import __version__

RECORD = ".inputs.json"
_VERSION = 2
_RENDERING_LIBRARIES = (
    "weasyprint",
    "pydyf",
    "python-docx",
    "markdown-it-py",
    "babel",
    "jinja2",
    "matplotlib",  # draws the figures
    "pillow",  # encodes their PNG for Word
)
_SKIPPED_PARTS = {"outbox", "__pycache__"}
"""Parts of a brief folder that never shape a document (distribution output, caches)."""
_SKIPPED_NAMES = {"distribution.json"}
"""Files of a brief folder that never shape a document (the distribution record)."""
_RACY_NS = 2_000_000_000
"""A file modified this close before a snapshot may change again within the same timestamp."""

Stat = tuple[int, int]
"""(size, modification time in ns)."""


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_PARTS and not d.startswith("."))
        for name in names:
            if not name.startswith(("ledger.sqlite", ".")) and name not in _SKIPPED_NAMES:
                found.append(Path(folder) / name)
    return sorted(found)


def _stat(path: Path) -> Stat | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _sha256(path: Path, within: Path | None = None) -> str:
    """Return the file's SHA-256, or the mark of what it is when the build would not read it.

    By the rules every read follows (`briefgen.reading`): a FIFO, a device or a link out of
    the project is recorded as such, never opened for reading, so it can neither hang the
    build nor fill its memory; the sources' own check then refuses it by name if a source it is.
    """
    return reading.fingerprint(path, within=within)


def _roots(folder: Path) -> dict[str, tuple[Path, Path]]:
    """Return each root of a build's inputs and the folder its files must lie in."""
    project = project_folder(folder)
    code = Path(__file__).resolve().parents[1]
    roots = {
        "brief": (folder, project),
        "countries": (folder.parent / "countries", project),
        "theme": (
            folder.parent / "theme",
            project,
        ),  # the project's theme (a brief's own theme/ is in its folder)
        "code": (code, code),  # the templates are package data
    }
    named = _named_theme(folder, project)
    if named is not None:
        roots["named-theme"] = (named, project)
    override = os.environ.get("BRIEFGEN_TEMPLATES")  # as briefgen.render.templates_dir, without its imports
    if override:
        templates = Path(override).resolve()
        roots["templates"] = (templates, templates)
    # a root outside its folder (a theme named as /etc, a countries folder linked elsewhere) is
    # not walked: the sources' check refuses it, and nothing outside the project is read
    return {name: (root, within) for name, (root, within) in roots.items() if reading.is_inside(root, within)}


_THEME_LINE = re.compile(
    r"""^theme:[ \t]*(?:"([^"]*)"|'([^']*)'|([^#\s][^#]*?))[ \t]*(?:#.*)?$""", re.MULTILINE
)


def _named_theme(folder: Path, project: Path) -> Path | None:
    """Return the theme folder brief.yaml names (`theme: ../themes/x`), read without a YAML parser."""
    try:
        text = reading.read_text(folder / "brief.yaml", reading.SOURCE, within=project)
    except reading.UnreadableFile:
        return None
    found = _THEME_LINE.search(text)
    if found is None:
        return None
    return (folder / next(g for g in found.groups() if g is not None)).resolve()


def _library_dirs() -> dict[str, int]:
    """Return the modification time of every folder libraries are installed in (installs change them)."""
    dirs = {}
    for entry in sys.path:
        if entry.endswith(("site-packages", "dist-packages")):  # not the script's or the current folder
            stat = _stat(Path(entry))
            if stat is not None:
                dirs[entry] = stat[1]
    return dirs


@cache
def library_versions() -> str:
    """Return the versions of the libraries that lay documents out, as one string."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for library in _RENDERING_LIBRARIES:
        try:
            found.append(f"{library}=={version(library)}")
        except PackageNotFoundError:
            found.append(f"{library} missing")
    return ";".join(found)


@dataclass
class Inputs:
    """Every input file of a build, as read: {root name: {relative path: [size, mtime_ns, sha256]}}."""

    files: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    libraries: str = ""
    library_dirs: dict[str, int] = field(default_factory=dict)
    taken_ns: int = 0


def snapshot(folder: Path, known: Inputs | None = None) -> Inputs:
    """Return the inputs of a build of `folder` as they are now (hashing only what `known` lacks)."""
    taken = time.time_ns()
    files: dict[str, dict[str, list[Any]]] = {}
    for name, (root, within) in _roots(folder).items():
        before = (known.files.get(name, {}) if known else {}) or {}
        group: dict[str, list[Any]] = {}
        for path in _files(root):
            relative = path.relative_to(root).as_posix()
            stat = _stat(path)
            if stat is None:
                continue
            entry = before.get(relative)
            if entry and known and _trusted(entry, stat, known.taken_ns):
                group[relative] = [*stat, entry[2]]
            else:
                group[relative] = [*stat, _sha256(path, within)]
        files[name] = group
    return Inputs(files, library_versions(), _library_dirs(), taken)


def _trusted(entry: list[Any], stat: Stat, taken_ns: int) -> bool:
    """Return whether a recorded entry still describes a file with this stat, without reading it."""
    return bool(entry[2]) and (entry[0], entry[1]) == stat and stat[1] < taken_ns - _RACY_NS


def _matches(known: Inputs, folder: Path) -> bool:
    """Return whether every input is still the one `known` recorded (hashing only on doubt)."""
    roots = _roots(folder)
    if set(roots) != set(known.files):
        return False
    for name, (root, within) in roots.items():
        recorded = known.files.get(name)
        if recorded is None:
            return False
        present = _files(root)
        if len(present) != len(recorded):
            return False
        for path in present:
            entry = recorded.get(path.relative_to(root).as_posix())
            stat = _stat(path)
            if entry is None or stat is None or not entry[2]:
                return False
            if not _trusted(entry, stat, known.taken_ns) and _sha256(path, within) != entry[2]:
                return False
    if _library_dirs() != known.library_dirs:
        return library_versions() == known.libraries
    return True


@cache
def code_fingerprint() -> str:
    """Return a hash of everything besides the sources that shapes a document.

    briefgen's version, its own code (tailoring and renderers alike), the templates, and the
    versions of the libraries that lay documents out.
    """
    digest = hashlib.sha256(__version__.encode())
    digest.update(library_versions().encode())
    roots = _roots(Path("."))
    for name in ("code", "templates"):
        root, within = roots.get(name, (Path(), Path()))
        for path in _files(root) if name in roots else ():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(reading.fingerprint(path, within=within).encode())
    return digest.hexdigest()


def _record_path(out: Path, folder: Path) -> Path:
    return out / folder.name / RECORD


def _options(options: Mapping[str, Any]) -> Any:
    return json.loads(json.dumps(options, sort_keys=True, default=str))


def read_record(out: Path, folder: Path) -> dict[str, Any] | None:
    """Return the record of the last complete build of `folder` into `out`, if there is one."""
    try:
        data = json.loads(reading.read_text(_record_path(out, folder), reading.RECORD))
    except (reading.UnreadableFile, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == _VERSION else None


def _inputs_of(data: Mapping[str, Any] | None) -> Inputs | None:
    if not data:
        return None
    try:
        return Inputs(
            dict(data["files"]), str(data["libraries"]), dict(data["library_dirs"]), int(data["taken_ns"])
        )
    except (KeyError, TypeError, ValueError):
        return None


def known_inputs(out: Path, folder: Path) -> Inputs | None:
    """Return the inputs the last build of `folder` recorded (to hash only what changed since)."""
    return _inputs_of(read_record(out, folder))


def record(
    out: Path,
    folder: Path,
    options: Mapping[str, Any],
    outputs: Iterable[tuple[Path, str, int]],
    inputs: Inputs,
) -> None:
    """Remember that building `folder` with `options` from `inputs` wrote `outputs` (path, SHA-256, size).

    `inputs` is the snapshot taken before loading; a file whose stat has moved since is recorded
    as unknown (it may not be what the build read). Output paths are kept relative to `out`, so
    equal builds in two folders leave equal records.
    """
    roots = _roots(folder)
    files: dict[str, dict[str, list[Any]]] = {}
    for name, group in inputs.files.items():
        files[name] = {}
        for relative, (size, mtime, sha) in group.items():
            same = name in roots and _stat(roots[name][0] / relative) == (size, mtime)
            files[name][relative] = [size, mtime, sha if same else ""]
    base = out.resolve()
    rows = []
    for path, sha, size in outputs:
        stat = _stat(path)
        rows.append((str(path.resolve().relative_to(base)), sha, size, stat[1] if stat else 0))
    data = {
        "version": _VERSION,
        "options": _options(options),
        "files": files,
        "libraries": inputs.libraries,
        "library_dirs": inputs.library_dirs,
        "taken_ns": inputs.taken_ns,
        "recorded_ns": time.time_ns(),
        "outputs": [
            {"path": path, "sha256": sha, "size": size, "mtime_ns": mtime}
            for path, sha, size, mtime in sorted(rows)
        ],
    }
    write_text_atomic(_record_path(out, folder), json.dumps(data, indent=1, sort_keys=True) + "\n")


def forget(out: Path, folder: Path) -> None:
    """Drop the record, so the next build takes the full path."""
    _record_path(out, folder).unlink(missing_ok=True)


def unchanged(out: Path, folder: Path, options: Mapping[str, Any]) -> list[tuple[Path, str, int]] | None:
    """Return the outputs of the last build when nothing has changed since, else None."""
    data = read_record(out, folder)
    known = _inputs_of(data)
    if data is None or known is None or data.get("options") != _options(options):
        return None
    try:
        base = out.resolve()
        outputs = [
            (base / o["path"], str(o["sha256"]), int(o["size"]), int(o.get("mtime_ns", 0)))
            for o in data["outputs"]
        ]
    except (KeyError, TypeError, ValueError):
        return None
    if not _matches(known, folder):
        return None
    recorded_ns = int(data.get("recorded_ns", 0))
    for path, sha, size, mtime in outputs:
        stat = _stat(path)
        if stat is None or stat[0] != size:
            return None
        if (stat[1] != mtime or mtime >= recorded_ns - _RACY_NS) and _sha256(path) != sha:
            return None
    return [(path, sha, size) for path, sha, size, _ in outputs]
