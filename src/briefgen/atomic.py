"""Write files so that a reader only ever sees the old complete file or the new one; hold locks.

Every file briefgen writes is written beside its target and renamed into place; the
temporary files a killed process left are found and removed here (`leftovers`). Every lock
between processes (one build per output folder, one release per brief, one distribution per
ledger) is `locked`, with the waiting policy its caller chooses.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from briefgen.errors import LockBusy

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


PART_SUFFIX = ".part"


def leftovers(folder: Path, name: str = "*", *, recursive: bool = False) -> list[Path]:
    """Return the temporary files that writes of `name` (a glob) into `folder` left unfinished.

    Every write here goes through a `.<name>.<random>.part` file beside its target; one that is
    still there was cut short (the process was killed, the disk filled), unless a write is under
    way. Call it, and `remove_leftovers`, only while holding the lock that keeps writers out.
    """
    if not folder.is_dir():
        return []
    pattern = f".{name}.*{PART_SUFFIX}"
    found = folder.rglob(pattern) if recursive else folder.glob(pattern)
    return sorted(p for p in found if p.is_file() and not p.is_symlink())


def remove_leftovers(folder: Path, name: str = "*", *, recursive: bool = False) -> list[Path]:
    """Delete the unfinished temporary files of `leftovers(folder, name)`; return them."""
    found = leftovers(folder, name, recursive=recursive)
    for path in found:
        path.unlink(missing_ok=True)
    return found


@contextlib.contextmanager
def locked(
    path: Path,
    *,
    wait: float | None = 0.0,
    waiting: Callable[[str], None] | None = None,
    remove: bool = False,
) -> Iterator[None]:
    """Hold the lock `path` for the block: one holder at a time, across processes.

    The operating system's lock (`flock`) on the file, so it is released when its holder ends,
    however it ends: a killed process never leaves a stale lock. The holder writes its process
    id into the file, for whoever has to wait to say whom for.

    `wait`: None waits as long as it takes (calling `waiting(holder)` once first); a number of
    seconds waits at most that long; 0 does not wait. When the lock is not had in time, `LockBusy`
    is raised with the holder's process id (or "unknown"). `remove` deletes the file when the
    lock is let go; a process that got the lock on a file its holder has just removed then
    locks the new file instead.
    """
    import fcntl
    import time

    deadline = None if wait is None else time.monotonic() + wait
    while True:
        path.parent.mkdir(parents=True, exist_ok=True)  # (again, if its holder removed the folder)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                if deadline is None:
                    if waiting is not None:
                        waiting(_holder(fd))
                    fcntl.flock(fd, fcntl.LOCK_EX)
                else:
                    while True:
                        if time.monotonic() >= deadline:
                            raise LockBusy(path, _holder(fd)) from None
                        time.sleep(0.05)
                        try:
                            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                            break
                        except BlockingIOError:
                            continue
            except BaseException:
                os.close(fd)
                raise
        try:
            same = os.fstat(fd).st_ino == os.stat(path, follow_symlinks=False).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder before us removed the file: lock a new one instead
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        if remove:
            path.unlink(missing_ok=True)
        else:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
        os.close(fd)  # closing the file releases the lock


def held(path: Path) -> bool:
    """Return whether another process holds the lock `path` now."""
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _holder(fd: int) -> str:
    """Return the process id the lock file names ("unknown" while its holder has not written it)."""
    import time

    for _ in range(10):
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return text
        time.sleep(0.02)
    return "unknown"
