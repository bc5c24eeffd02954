"""A build from start to end: check freshness, load and plan, render, write manifests, record.

Every brief is loaded and every country tailored before the first file is written
(`briefgen.build.plan`), so a data error stops the run with nothing half-made. Then each
document is rendered by a worker (`briefgen.build.schedule`), and the manifests are written
last (`briefgen.build.manifest`). One build writes into an output folder at a time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import briefgen.build.freshness as freshness
from briefgen.build.manifest import MANIFEST, intact, recorded, write_manifests
from briefgen.build.report import BuildReport, Outcome, Progress
from briefgen.errors import BuildError, stop_if_interrupted

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from briefgen.build.request import BuildRequest

LOCK = ".build.lock"
"""Held by the one build writing into an output folder."""


def build(request: BuildRequest, progress: Progress | None = None) -> BuildReport:
    """Render every brief x country x format `request` asks for; skip what has not changed.

    `request.edition` renders a released edition from its frozen file instead of the working
    sources. When no input of any brief changed since its last complete build, nothing is even
    loaded.
    """
    started = time.perf_counter()
    if not request.force:
        nothing_changed = unchanged(request)
        if nothing_changed is not None:
            return nothing_changed
    from briefgen.build.pool import pool_for, stop_now, worker_count

    # the pool's fork server imports the renderers while this process loads and tailors
    pool = pool_for(request.jobs)
    try:
        with output_lock(request.out):
            report = _build(request, progress, pool, worker_count(request.jobs))
    except BaseException:  # Ctrl-C or an error: end the workers now, whatever they were doing
        if pool is not None:
            stop_now(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    report.seconds = time.perf_counter() - started
    return report


def unchanged(request: BuildRequest) -> BuildReport | None:
    """Return the report of a build with nothing to do, or None when something may have changed.

    Loads nothing: the record of each brief's last build is compared with the disk.
    """
    started = time.perf_counter()
    options = request.shaping()
    known = [freshness.unchanged(request.out, folder, options) for folder in request.briefs]
    if not known or any(outputs is None for outputs in known):
        return None
    report = BuildReport(manifests=sorted({p.parents[1] / MANIFEST for o in known for p, _, _ in o or ()}))
    report.outcomes = [Outcome(p, "skipped", sha, size) for o in known for p, sha, size in o or ()]
    report.seconds = time.perf_counter() - started
    return report


def _build(
    request: BuildRequest, progress: Progress | None, pool: ProcessPoolExecutor | None, workers: int
) -> BuildReport:
    from briefgen.atomic import remove_leftovers
    from briefgen.build.plan import plan
    from briefgen.build.schedule import render_all
    from briefgen.validate import validated

    out = request.out
    # what the build reads, taken before it reads it: the record must not describe later edits
    inputs = {
        folder: freshness.snapshot(folder, freshness.known_inputs(out, folder)) for folder in request.briefs
    }
    # InputError stops here, before anything is written
    loaded_briefs = [validated(folder, request.edition) for folder in request.briefs]
    stop_if_interrupted()
    report = BuildReport()
    for loaded in loaded_briefs:
        report.warnings.extend(loaded.warnings)  # the glyph preflight's among them
    all_jobs = plan(loaded_briefs, request, report.incomplete)
    for loaded in loaded_briefs:  # the translations' glyph preflight ran while planning
        report.warnings.extend(w for w in loaded.warnings if w not in report.warnings)
    previous = recorded(all_jobs)
    for folder in {job.path.parent for job in all_jobs}:  # what a killed build left half-written
        remove_leftovers(folder)

    todo = []
    for job in all_jobs:
        entry = previous.get(job.path)
        if (
            not request.force
            and entry is not None
            and entry.get("key") == job.key
            and intact(job.path, entry)
        ):
            report.outcomes.append(Outcome(job.path, "skipped", entry["sha256"], entry["size"], job=job))
        else:
            todo.append(job)
    total = len(all_jobs)
    done = len(report.outcomes)
    for outcome in render_all(todo, pool, workers):
        stop_if_interrupted()
        report.outcomes.append(outcome)
        done += 1
        if progress is not None:
            progress(outcome, done, total)
    stop_if_interrupted()
    report.manifests = write_manifests(all_jobs, report.outcomes, previous)
    options = request.shaping()
    for folder, loaded in zip(request.briefs, loaded_briefs, strict=True):
        mine = [o for o in report.outcomes if o.job is not None and o.job.brief.brief_id == loaded.id]
        if any(o.status == "failed" for o in mine) or any(i.brief == loaded.id for i in report.incomplete):
            freshness.forget(out, folder)
        else:
            freshness.record(out, folder, options, [(o.path, o.sha256, o.size) for o in mine], inputs[folder])
    return report


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the output folder for this build; another build of the same folder waits for it.

    A build that stopped before writing anything leaves no folder behind.
    """
    import sys

    from briefgen.atomic import locked

    def waiting(holder: str) -> None:
        print(f"briefgen: waiting for the build (pid {holder}) writing to {out} to finish", file=sys.stderr)

    created = not out.exists()
    with ExitStack() as held:
        try:
            out.mkdir(parents=True, exist_ok=True)
            held.enter_context(locked(out / LOCK, wait=None, waiting=waiting))
        except OSError as exc:
            raise BuildError(f"cannot write to the output folder {out}: {exc.strerror or exc}") from None
        try:
            yield
        finally:
            if created and [p.name for p in out.iterdir()] == [LOCK]:
                (out / LOCK).unlink(missing_ok=True)
                out.rmdir()
