"""One distribution of a brief at a time: an OS file lock beside the ledger.

The lock file (`ledger.sqlite.lock`) holds the process id of the run that has it. The lock is
the operating system's (`flock`), so it is released when that process ends, however it ends:
a run killed mid-way never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from briefgen.errors import LedgerError

POLL_SECONDS = 0.1


def lock_path(ledger: Path) -> Path:
    """Return the lock file of a ledger: beside it, with `.lock` added."""
    return ledger.with_name(ledger.name + ".lock")


class DistributionLock:
    """Hold the ledger's lock for a block: `with DistributionLock(ledger, wait=30): ...`."""

    def __init__(self, ledger: Path, *, wait: float = 0.0) -> None:
        self.path = lock_path(ledger)
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> DistributionLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise LedgerError(f"cannot open the lock file {self.path}: {exc.strerror}") from None
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    os.close(fd)
                    waited = f" (waited {self.wait:g} s)" if self.wait else ""
                    raise LedgerError(
                        f"another distribution of this brief is running (pid {holder}){waited}; "
                        "let it finish, or give --wait SECONDS to wait for it"
                    ) from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the file releases the lock
            self._fd = None


def _holder(fd: int) -> str:
    """Return the pid the lock file names ("unknown" while its holder has not written it yet)."""
    for _ in range(10):
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return text
        time.sleep(0.02)
    return "unknown"
