"""Worker processes: how many, started warm, and never outliving the process that started them.

This module is the only place that starts processes for work and decides their number
(`worker_count`). `start_pool(n, preload=...)` returns a `ProcessPoolExecutor` whose workers are forked from a
fork server. The server starts at once and imports the `preload` modules (WeasyPrint, the
renderers) in the background, while this process goes on loading and tailoring; each worker is
then a fork of a process that is already warm, so no worker imports anything after it starts.

Nothing outlives this process, however it ends (SIGKILL included):

- every worker holds the read end of a pipe ("the lifeline") whose only write end stays in
  this process; a thread in the worker waits on it and ends the worker when it reads EOF,
  which the kernel delivers as soon as this process is gone;
- the fork server and multiprocessing's resource tracker exit by themselves once no process
  holds their pipes open, which is once this process and the workers are gone.

Workers ignore SIGINT: Ctrl-C reaches the whole process group, and it is this process's to
handle; a worker never prints a traceback for it.

The fork server is one per process: the first pool's `preload` is the one it keeps, so callers
should preload everything any pool of the process may need (the `RENDERING` set does).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from multiprocessing.connection import Connection
from typing import Any

RENDERING: tuple[str, ...] = ("briefgen.render.warm",)
"""What a pool that renders documents preloads: every renderer, created and ready."""

COPYING: tuple[str, ...] = (*RENDERING, "pikepdf", "briefgen.distribution.copies")
"""What a pool that also stamps numbered copies preloads (the documents are built first)."""


def worker_count(jobs: int | None) -> int:
    """Return how many workers to use: `jobs` when given, else one per core."""
    return jobs or os.cpu_count() or 1


_lifeline: tuple[Connection, int, int] | None = None
"""This process's lifeline: the read end, the write end, and the process that made it."""
_lock = threading.Lock()


def _lifeline_reader() -> Connection:
    """Return the read end of this process's lifeline (made once; the write end is never closed)."""
    global _lifeline
    with _lock:
        if _lifeline is None or _lifeline[2] != os.getpid():
            read_fd, write_fd = os.pipe()  # not inheritable: no child of ours gets the write end
            _lifeline = (Connection(read_fd, writable=False), write_fd, os.getpid())
        return _lifeline[0]


def start_pool(workers: int, *, preload: Sequence[str] = RENDERING) -> ProcessPoolExecutor:
    """Return a pool of `workers` processes, forked from a fork server that imports `preload`.

    Returns at once: the server imports in the background while the caller loads and plans.
    Workers are forked when the first jobs are submitted; a submit made before the server is
    ready waits for it. A pool that is never given a job costs no worker, and its process
    exits at once (the server ends by itself once this process is gone).
    """
    context = get_context("forkserver")
    # only the first server of a process uses it; "__main__" as multiprocessing does, so that a
    # worker finds the main script (the `briefgen` command, a test) imported already
    context.set_forkserver_preload(["briefgen.build.forkserver", *preload, "__main__"])
    _start_server()
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_worker_started,
        initargs=(_lifeline_reader(),),
    )


def stop_now(pool: ProcessPoolExecutor) -> None:
    """End a pool at once (Ctrl-C, an error): its workers are terminated, not waited for.

    Waiting could hang: a worker whose start Ctrl-C cut short may take the stop signal meant for
    another, which then never ends.
    """
    processes: dict[int, Any] = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


_prestarted: dict[int, ProcessPoolExecutor] = {}


def prestart(workers: int, *, preload: Sequence[str] = RENDERING) -> None:
    """Start a pool now, for `take_prestarted` to hand to the code that will need it."""
    _prestarted[workers] = start_pool(workers, preload=preload)


def take_prestarted(workers: int) -> ProcessPoolExecutor | None:
    """Return the pool `prestart` started with `workers` workers (once), or None."""
    return _prestarted.pop(workers, None)


def pool_for(jobs: int | None, *, preload: Sequence[str] = RENDERING) -> ProcessPoolExecutor | None:
    """Return a pool of `worker_count(jobs)` workers (the prestarted one, if any), or None for one.

    With one worker, the work is done in this process: no pool, no fork server.
    """
    workers = worker_count(jobs)
    if workers == 1:
        return None
    return take_prestarted(workers) or start_pool(workers, preload=preload)


def _start_server() -> None:
    """Start the fork server (if it is not running) with SIGINT blocked from its first instruction.

    The signal mask survives exec, so the server never turns a Ctrl-C into a traceback, not
    even while it imports, and the workers it forks inherit the same; here a Ctrl-C that comes
    meanwhile is only held back, and delivered once the server is started.
    """
    from multiprocessing import forkserver, resource_tracker

    resource_tracker.ensure_running()  # first: it unblocks SIGINT when it has started its own process
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _worker_started(lifeline: Connection) -> None:
    """Prepare a new worker: ignore Ctrl-C, and end when the process that started the pool ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(lifeline,), name="briefgen-lifeline", daemon=True).start()


def _watch(lifeline: Connection) -> None:
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()  # nothing is ever sent: this returns only at EOF, when the parent is gone
    os._exit(1)
