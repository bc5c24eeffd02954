"""When briefgen's own processes run Python's cycle collector: seldom, and after each document.

Standard library only: the command's launcher imports it before anything else.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

GC_THRESHOLDS = (10_000, 20, 20)
"""When the cycle collector runs: after 10,000 new objects, not Python's 700.

Laying out a document makes millions of short-lived objects that reference counting frees as
they go; at Python's default the collector runs hundreds of times for one country's documents,
walking everything loaded each time it reaches the older generations (docs/performance.md has
the figures). A build also collects after each document (`collect_after_a_document`), so
garbage does not pile up between collections. Set by this command and by its workers' fork
server (`tune_for_documents`)."""

_tuned = False
"""Whether this is one of briefgen's own processes (see `tune_for_documents`)."""


def tune_for_documents() -> None:
    """Run this process's collector as briefgen's own processes do: seldom, and after each document.

    Called first thing by the `briefgen` command and by its workers' fork server, whose workers
    inherit it. A process that merely imports briefgen (an application, the tests) never is.
    """
    global _tuned
    gc.set_threshold(*GC_THRESHOLDS)
    _tuned = True


def return_memory() -> None:
    """Free the cycles a layout left and hand the freed memory back to the system.

    For a process that lives on after its documents (the preview): glibc keeps freed memory in
    its arenas for reuse, so a server that laid out a few PDFs at once would keep a gigabyte it
    no longer uses; `malloc_trim` gives it back. Elsewhere (no glibc) only the collection runs.
    """
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _malloc_trim() -> Any:
    global _trim
    if _trim is None:
        import ctypes

        try:  # glibc by its name: finding the C library by search would run ldconfig
            _trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _trim = False
    return _trim or None


_trim: Any = None


def collect_after_a_document() -> None:
    """Free the cycles a layout left (its boxes), then set what survived aside for good.

    The command runs its collector seldom (`GC_THRESHOLDS`), so a worker would carry
    several documents' garbage at once: a document is the moment to collect. What survives it (fonts, caches,
    modules loaded for it) is frozen, so the next collection walks only the next document's
    objects, in a worker and in the command rendering in-process (`--jobs 1`) alike. A process
    that merely embeds briefgen (an application, the tests) keeps its own collector's rhythm:
    nothing of it is frozen.
    """
    if not _tuned:
        return
    gc.collect()
    gc.freeze()


@contextmanager
def loading_to_keep() -> Iterator[None]:
    """Load what the command keeps to its end with the collector idle, then set it aside for good.

    A follow-up of 25,000 assessments is some 150,000 objects, none in a cycle; as they are made
    the collector would walk the young ones every 10,000 allocations, and once the older ones,
    for nothing (a tenth of `briefgen track`'s time on the generated 50 x 50 brief). The command
    holds what it loaded until it ends, so nothing is lost by freezing it. A process that
    merely embeds briefgen (the preview, an application, the tests) keeps its collector as it is.
    """
    if not _tuned:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
