"""Know, without loading anything, that a build has nothing to do.

After a build that wrote every document, a record beside its outputs
(`<out>/<brief>/.inputs.json`) keeps a digest of every input: the brief folder's files, the
country profiles, the theme folder, briefgen's own code and templates, and the options asked for. A later build
with the same options compares digests before it imports a model or parses a line of YAML; if
nothing changed and every output is still the file it wrote, there is nothing to do. Anything
else (a changed byte anywhere, a damaged output, `--force`) takes the full path, which decides
document by document.

Standard library only, so that the check costs no imports.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import briefgen
from briefgen.atomic import write_text_atomic

RECORD = ".inputs.json"
_RENDERING_LIBRARIES = ("weasyprint", "pydyf", "python-docx", "markdown-it-py", "babel", "jinja2")
_SKIPPED_PARTS = {"outbox", "__pycache__"}
"""Parts of a brief folder that never shape a document (distribution output, caches)."""


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    found = []
    for path in root.rglob("*"):
        parts = set(path.relative_to(root).parts)
        if path.is_file() and not parts & _SKIPPED_PARTS and not path.name.startswith(("ledger.sqlite", ".")):
            found.append(path)
    return sorted(found)


def _update(digest: Any, root: Path) -> None:
    for path in _files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())


@cache
def code_fingerprint() -> str:
    """Return a hash of everything besides the sources that shapes a document.

    briefgen's version, its own code (tailoring and renderers alike), the templates, and the
    versions of the libraries that lay documents out.
    """
    from importlib.metadata import PackageNotFoundError, version

    from briefgen.render import templates_dir

    digest = hashlib.sha256(briefgen.__version__.encode())
    for library in _RENDERING_LIBRARIES:
        try:
            digest.update(f"{library}=={version(library)}".encode())
        except PackageNotFoundError:
            digest.update(f"{library} missing".encode())
    _update(digest, Path(briefgen.__file__).resolve().parent)
    _update(digest, templates_dir())
    return digest.hexdigest()


def inputs_digest(folder: Path, options: Mapping[str, Any], extra: Iterable[Path] = ()) -> str:
    """Return the digest of every input of a build of `folder` with `options`.

    `extra` are folders outside the brief that shaped it (its theme folder).
    """
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    _update(digest, folder)
    _update(digest, folder.parent / "countries")
    _update(digest, folder.parent / "theme")  # the project's theme, where one may be added later
    for other in extra:
        digest.update(str(other).encode() + b"\0")
        _update(digest, other)
    return digest.hexdigest()


def _record_path(out: Path, folder: Path) -> Path:
    return out / folder.name / RECORD


def record(
    out: Path,
    folder: Path,
    options: Mapping[str, Any],
    outputs: Iterable[tuple[Path, str, int]],
    extra: Iterable[Path] = (),
) -> None:
    """Remember that building `folder` with `options` wrote `outputs` (path, SHA-256, size).

    Paths are kept relative to `out`, so equal builds in two folders leave equal records.
    `extra` folders (a theme outside the brief) count as inputs of the next check too.
    """
    base = out.resolve()
    rows = sorted((str(p.resolve().relative_to(base)), sha, size) for p, sha, size in outputs)
    others = sorted(str(Path(p).resolve()) for p in extra)
    data = {
        "digest": inputs_digest(folder, options, [Path(p) for p in others]),
        "extra": others,
        "outputs": [{"path": path, "sha256": sha, "size": size} for path, sha, size in rows],
    }
    write_text_atomic(_record_path(out, folder), json.dumps(data, indent=1, sort_keys=True) + "\n")


def forget(out: Path, folder: Path) -> None:
    """Drop the record, so the next build takes the full path."""
    _record_path(out, folder).unlink(missing_ok=True)


def unchanged(out: Path, folder: Path, options: Mapping[str, Any]) -> list[tuple[Path, str, int]] | None:
    """Return the outputs of the last build when nothing has changed since, else None."""
    try:
        data = json.loads(_record_path(out, folder).read_text(encoding="utf-8"))
        extra = [Path(str(p)) for p in data.get("extra", [])]
        if data.get("digest") != inputs_digest(folder, options, extra):
            return None
        base = out.resolve()
        outputs = [(base / o["path"], str(o["sha256"]), int(o["size"])) for o in data["outputs"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for path, sha, size in outputs:
        try:
            if path.stat().st_size != size or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
                return None
        except OSError:
            return None
    return outputs
