"""Imported by a worker pool's fork server only (see `briefgen.workers`), before anything else.

A worker that fails before its first job (its parent was interrupted or killed while starting
it, so the queues it should attach to are gone) must not print a traceback on the user's
terminal: the parent either reports the broken pool itself or is no longer there to care.
"""

from __future__ import annotations

import sys
from types import TracebackType


def _quiet(kind: type[BaseException], value: BaseException, traceback: TracebackType | None) -> None:
    """Say nothing about a worker that could not start."""


sys.excepthook = _quiet
