"""Render the planned documents: the longest first, in the pool's workers, figures handed over.

A worker imports its renderer once and renders many documents; each document is written
atomically and reported with its hash. Figures are drawn once, by the build process: a PDF
goes to a worker at once with a promise of its drawings (`briefgen.build.figures`), which the
worker collects when it is ready to paint; any other document takes its drawings with it.
"""

from __future__ import annotations

import hashlib
import os
import resource
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from briefgen.atomic import write_bytes_atomic
from briefgen.build.collector import collect_after_a_document
from briefgen.build.report import Outcome
from briefgen.errors import stop_if_interrupted
from briefgen.formats import FORMATS

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from briefgen.build.figures import Drawer
    from briefgen.build.plan import Job


def render_job(job: Job) -> Outcome:
    """Render one document and write it atomically (runs in a worker)."""
    from briefgen.render import renderer_for

    began = time.time()
    renderer = None
    try:
        renderer = renderer_for(job.format)
        if job.drawings or job.promise:
            from briefgen.render import charts

            with charts.using_drawings(job.drawings, promise=job.promise):
                data = renderer.render(job.brief)
        else:
            data = renderer.render(job.brief)
        write_bytes_atomic(job.path, data)
    except Exception as exc:  # one broken document must not stop the others
        outcome = Outcome(job.path, "failed", error=f"{type(exc).__name__}: {exc}")
    else:
        outcome = Outcome(job.path, "written", hashlib.sha256(data).hexdigest(), len(data))
        outcome.last_page = getattr(renderer, "last_page", None)  # what a PDF measured of its layout
        outcome.layouts = getattr(renderer, "layouts", 0)
        outcome.tighter = getattr(renderer, "tighter", False)
    collect_after_a_document()
    outcome.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    outcome.span = (began, time.time(), os.getpid())
    return outcome


def render_all(
    todo: list[Job], pool: ProcessPoolExecutor | None = None, workers: int = 1
) -> Iterable[Outcome]:
    """Render every job, the longest first, in `pool`'s `workers` (or in this process without a pool)."""
    if not todo:
        return
    # longest first (PDFs, the biggest briefs first), so no worker is left alone with a long one
    todo = sorted(todo, key=lambda job: job.expected_cost, reverse=True)
    if pool is None:
        for job in todo:
            stop_if_interrupted()
            outcome = render_job(job)
            outcome.job = job
            yield outcome
        return
    yield from _render_in(pool, todo, workers)


def _render_in(pool: ProcessPoolExecutor, todo: list[Job], workers: int) -> Iterable[Outcome]:
    """Render `todo` (longest first) with the pool's workers, each job with its figures.

    A PDF goes to a worker at once, with a promise of its figures: the worker lays it out while
    a thread of this process draws them, in the order the PDFs went out, and collects them when
    it is ready to paint. Other documents need their drawings from the start: this process
    draws them when it hands the job out, which is when a worker takes the one queued before
    it. One job waits in the pool, so a worker never waits for this process to hand it one.
    Drawing a Word picture no earlier puts it (the most expensive drawing, and the Word
    documents go last) where a worker would otherwise sit idle, waiting for the last PDF of the
    other, instead of beside the first PDFs.
    """
    from collections import deque
    from concurrent.futures import FIRST_COMPLETED, Future, wait
    from concurrent.futures.process import BrokenProcessPool

    queue = deque(todo)
    ahead = workers + 1  # one job queued in the pool: no worker waits for this process to hand it one
    futures: dict[Future[Outcome], Job] = {}
    with _drawer_for(todo) as drawer:
        while queue or futures:
            while queue and len(futures) < ahead:
                job = queue.popleft()
                try:
                    futures[pool.submit(render_job, _with_figures(job, drawer))] = job
                except BrokenProcessPool as exc:  # a worker died before this job could be handed out
                    yield Outcome(
                        job.path, "failed", error=f"the worker rendering it stopped: {exc}", job=job
                    )
            # awake twice a second: a Ctrl-C that C code cleared still ends the build within it
            stop_if_interrupted()
            for future in wait(futures, timeout=0.5, return_when=FIRST_COMPLETED).done:
                job = futures.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool as exc:  # a worker died (killed, out of memory): say which
                    yield Outcome(
                        job.path, "failed", error=f"the worker rendering it stopped: {exc}", job=job
                    )
                else:
                    outcome.job = job  # sent, not sent back: the brief stays on this side
                    yield outcome


@contextmanager
def _drawer_for(todo: list[Job]) -> Iterator[Drawer | None]:
    """Yield a drawer of promised figures if a job of `todo` can take its figures late, else None."""
    if not any(_takes_figures_late(job) for job in todo):
        yield None
        return
    from briefgen.build.figures import Drawer
    from briefgen.render import charts

    with Drawer(lambda job: charts.drawings(job.brief.figures, job.format)) as drawer:
        yield drawer


def _with_figures(job: Job, drawer: Drawer | None) -> Job:
    """Return `job` as it goes to a worker: with a promise of its drawings, or with them drawn."""
    if drawer is not None and _takes_figures_late(job):
        return replace(job, promise=drawer.promise(job.key, job))
    return _with_figures_drawn(job)


def _takes_figures_late(job: Job) -> bool:
    return FORMATS[job.format].figures_late and _undrawn(job)


def _undrawn(job: Job) -> bool:
    return bool(job.brief.figures) and not job.drawings


def _with_figures_drawn(job: Job) -> Job:
    """Return `job` with its figures drawn, here, for the worker that will render it.

    matplotlib is then loaded once, by this process, and each figure drawn once, while the
    workers (which would each load it) only lay out.
    """
    if not _undrawn(job):
        return job
    from briefgen.render import charts

    try:
        drawn = charts.drawings(job.brief.figures, job.format)
    except Exception:  # the worker draws it again and reports the failure against the document
        return job
    return replace(job, drawings=drawn)
