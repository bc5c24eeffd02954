"""Write files so that a reader only ever sees the old complete file or the new one."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

_UMASK_LOCK = threading.Lock()


def default_mode() -> int:
    """Return the mode a new file gets from the umask, as `open()` would give it (0644 under 022)."""
    with _UMASK_LOCK:  # the umask can only be read by setting it; put it straight back
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def write_bytes_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write `data` to a temporary file beside `path`, flush it to disk, rename it into place.

    The file gets `mode`, or by default the mode the umask gives a new file: the temporary file
    is private (0600) only while it is being written, so colleagues can read the result.
    """
    tmp = _written_beside(path, data, default_mode() if mode is None else mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str, *, mode: int | None = None) -> None:
    """Write UTF-8 text atomically (see `write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"), mode=mode)


def create_exclusive(path: Path, data: bytes) -> bool:
    """Write `data` to `path` only if no file is there; return False (writing nothing) if one is.

    The bytes are written and flushed under a temporary name first, then linked into place:
    `link` fails when the name exists, so of two writers racing for one name exactly one wins,
    and a reader never sees a half-written file.
    """
    tmp = _written_beside(path, data, default_mode())
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: create the name exclusively instead
            try:
                out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, default_mode())
            except FileExistsError:
                return False
            with os.fdopen(out, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        return True
    finally:
        tmp.unlink(missing_ok=True)


def create_all_or_none(files: Sequence[tuple[Path, bytes]]) -> None:
    """Create every new file (and the folders it needs), or, if one cannot be, none of them.

    Every file is written and flushed under a temporary name first, which is where a full or
    read-only disk stops it; then each is linked into place, refusing a name that exists. On any
    failure (Ctrl-C included) what was placed, the temporary files and the folders made are
    removed, and the error is raised: a second attempt finds the folder as it was.
    """
    made: list[Path] = []
    temporary: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    try:
        for path, _ in files:
            for folder in reversed([path.parent, *path.parent.parents]):
                if not folder.exists():
                    folder.mkdir()
                    made.append(folder)
        for path, data in files:
            try:
                temporary.append((_written_beside(path, data, default_mode()), path))
            except OSError as exc:
                exc.filename = exc.filename or str(path)  # a failed write names no file of its own
                raise
        for tmp, path in temporary:
            os.link(tmp, path)  # FileExistsError if the name was taken meanwhile
            placed.append(path)
    except BaseException:
        for path in placed:
            path.unlink(missing_ok=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                shutil.rmtree(folder)
        raise
    finally:
        for tmp, _ in temporary:
            tmp.unlink(missing_ok=True)


def _written_beside(path: Path, data: bytes, mode: int) -> Path:
    """Write `data` to a new temporary file beside `path`, with `mode`, flushed to disk; return it.

    The file is private (0600) only while it is being written; a failure removes it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp
