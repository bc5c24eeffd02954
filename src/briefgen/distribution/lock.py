"""One distribution of a brief at a time: a lock beside the ledger (`ledger.sqlite.lock`).

The lock is `briefgen.atomic.locked`: released when its holder ends, however it ends, so a run
killed mid-way never leaves a stale lock; a second run waits as long as `--wait` says, then
names the run it waited for.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from briefgen.atomic import locked
from briefgen.errors import LedgerError, LockBusy


def lock_path(ledger: Path) -> Path:
    """Return the lock file of a ledger: beside it, with `.lock` added."""
    return ledger.with_name(ledger.name + ".lock")


@contextlib.contextmanager
def distribution_lock(ledger: Path, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the ledger's lock for a block, waiting at most `wait` seconds for another run."""
    held = contextlib.ExitStack()
    try:
        held.enter_context(locked(lock_path(ledger), wait=wait))
    except LockBusy as busy:
        waited = f" (waited {wait:g} s)" if wait else ""
        raise LedgerError(
            f"another distribution of this brief is running (pid {busy.holder}){waited}; "
            "let it finish, or give --wait SECONDS to wait for it"
        ) from None
    except OSError as exc:
        raise LedgerError(f"cannot open the lock file {lock_path(ledger)}: {exc.strerror}") from None
    with held:
        yield
