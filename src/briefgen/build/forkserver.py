"""Imported by a worker pool's fork server only (see `briefgen.build.pool`), before anything else.

The server itself ends at once when its work is done (see the end of this module), and runs its
cycle collector as the command does (`briefgen.build.collector.tune_for_documents`), which its
workers inherit. A worker that fails before its first job (its parent was interrupted or killed
while starting it, so the queues it should attach to are gone) must not print a traceback on the
user's terminal: the parent either reports the broken pool itself or is no longer there to care.
"""

from __future__ import annotations

import atexit
import os
import sys
from types import TracebackType

from briefgen.build.collector import tune_for_documents


def _quiet(kind: type[BaseException], value: BaseException, traceback: TracebackType | None) -> None:
    """Say nothing about a worker that could not start."""


sys.excepthook = _quiet
tune_for_documents()  # the collector run as the command's own (see there); its workers inherit it


# The server ends when the last process using it is gone. Tearing down its modules object by
# object would take a tenth of a second, during which it still holds the terminal's (or a
# pipe's) output open, so `briefgen build | tee log` would wait for it. Its workers end with
# os._exit themselves and never run this.
atexit.register(os._exit, 0)
