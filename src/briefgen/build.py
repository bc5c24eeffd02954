"""Build every briefing: plan, then render in a pool of workers, skip what has not changed.

Pelican's order: every brief is loaded and every country tailored before the first file is
written, so a data error stops the run with nothing half-made. Then each document is rendered
by a worker that imports its renderer once and renders many documents, writes the file
atomically, and reports its hash. The manifest is written last, atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import briefgen.reading as reading
from briefgen import freshness
from briefgen.atomic import write_bytes_atomic, write_text_atomic
from briefgen.collector import collect_after_a_document
from briefgen.errors import BuildError, Problem, TailoringError
from briefgen.formats import DEFAULT_FORMATS, FORMATS, format_named

if TYPE_CHECKING:  # the models, tailoring and the pool load only when something must be built
    from concurrent.futures import ProcessPoolExecutor

    from briefgen.document.model import Figure, TailoredBrief
    from briefgen.figurepost import Drawer, Promise
    from briefgen.sources.aggregate import LoadedBrief

MANIFEST = "manifest.json"
LOCK = ".build.lock"
"""Held (flock) by the one build writing into an output folder."""


@dataclass(frozen=True)
class Job:
    """One document to render."""

    brief: TailoredBrief
    format: str
    path: Path
    """Absolute output path."""
    relative: str
    """Path relative to the edition folder, as the manifest records it."""
    key: str
    weight: int = 0
    """Size of the brief's content, to schedule the longest documents first."""
    drawings: Mapping[tuple[Figure, str], bytes] = field(default_factory=dict)
    """Its figures, drawn by the build process before the job goes to a worker (see `_drawn`)."""
    promise: Promise | None = None
    """Or where the worker collects them, drawn while it lays the document out (see `_render_in`)."""


@dataclass
class Outcome:
    """What became of one document."""

    path: Path
    status: str  # "written", "skipped" or "failed"
    sha256: str = ""
    size: int = 0
    error: str = ""
    peak_rss_mb: float = 0.0
    job: Job | None = None
    """The job, when the document was planned (not when the whole build was known unchanged)."""
    span: tuple[float, float, int] = (0.0, 0.0, 0)
    """When it was rendered (wall-clock start and end) and by which process: for benchmarks."""


@dataclass
class BuildReport:
    """What a build did."""

    outcomes: list[Outcome] = field(default_factory=list)
    manifests: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    def by_status(self, status: str) -> list[Outcome]:
        """Return the outcomes with `status`."""
        return [o for o in self.outcomes if o.status == status]

    @property
    def failed(self) -> list[Outcome]:
        """Return the documents that could not be rendered."""
        return self.by_status("failed")

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON summary `--json` prints."""
        return {
            "written": [str(o.path) for o in self.by_status("written")],
            "skipped": [str(o.path) for o in self.by_status("skipped")],
            "failed": [{"path": str(o.path), "error": o.error} for o in self.failed],
            "manifests": [str(p) for p in self.manifests],
            "seconds": round(self.seconds, 3),
            "peak_worker_rss_mb": round(max((o.peak_rss_mb for o in self.outcomes), default=0.0), 1),
        }


Progress = Callable[[Outcome, int, int], None]


def output_path(out: Path, brief: TailoredBrief, fmt: str) -> tuple[Path, str]:
    """Return where one document goes, and its path relative to the edition folder.

    `<out>/<brief>/e<edition>/<lang>/<brief>-<country>-e<edition>.<ext>`; a scenario other than
    the brief's active one adds `-<scenario>` to the name, so it never overwrites the default.
    """
    stem = (
        brief.slug
        if brief.scenario_is_default or brief.scenario is None
        else f"{brief.slug}-{brief.scenario}"
    )
    relative = f"{brief.language}/{stem}{FORMATS[fmt].suffix}"
    edition_dir = (out / brief.brief_id / f"e{brief.edition}").resolve()
    path = (edition_dir / relative).resolve()
    if not path.is_relative_to(out.resolve()):  # ids are slugs, so this is a second lock on the door
        raise BuildError(f"refusing to write outside {out}: {path}")
    return path, relative


def plan(
    loaded_briefs: Sequence[LoadedBrief],
    *,
    countries: Sequence[str] = (),
    formats: Sequence[str] = DEFAULT_FORMATS,
    scenario: str | None = None,
    out: Path = Path("build"),
    languages: Sequence[str] = (),
    allow_untranslated: bool = False,
) -> list[Job]:
    """Tailor every brief for every country and language asked for; return the documents to render.

    Each tailored brief comes finished from `tailor()`, its changes since the previous
    release included (the loaded sources carry that release). `languages` defaults to every
    language each brief declares; a translation must be complete unless `allow_untranslated`.
    """
    from briefgen.tailoring import tailor
    from briefgen.translation.build import in_languages

    for fmt in formats:
        format_named(fmt)
    nowhere = [c for c in countries if not any(c in loaded.brief.countries for loaded in loaded_briefs)]
    if nowhere and len(loaded_briefs) > 1:  # one brief: named with its countries below
        raise TailoringError(f"{', '.join(nowhere)}: not among the countries of any brief built")
    shared = freshness.code_fingerprint()
    jobs: list[Job] = []
    for loaded in loaded_briefs:
        wanted = list(countries) or list(loaded.brief.countries)
        unknown = [c for c in wanted if c not in loaded.brief.countries]
        if unknown and len(loaded_briefs) == 1:
            raise TailoringError(
                f"{', '.join(unknown)}: not among {loaded.id}'s countries ({', '.join(loaded.brief.countries)})"
            )
        codes = [c for c in wanted if c in loaded.brief.countries]
        for localised in in_languages(
            loaded, languages, codes, allow_untranslated, single=len(loaded_briefs) == 1
        ):
            for code in codes:
                tailored = tailor(localised, code, scenario)
                canonical = tailored.canonical_json().encode()
                content = hashlib.sha256(canonical).hexdigest()
                for fmt in formats:
                    path, relative = output_path(out, tailored, fmt)
                    key = hashlib.sha256(f"{content}:{shared}:{fmt}".encode()).hexdigest()
                    jobs.append(Job(tailored, fmt, path, relative, key, len(canonical)))
    return jobs


def build(
    briefs: Iterable[Path],
    *,
    countries: Sequence[str] = (),
    formats: Sequence[str] = DEFAULT_FORMATS,
    scenario: str | None = None,
    out: Path = Path("build"),
    jobs: int | None = None,
    force: bool = False,
    edition: int | None = None,
    progress: Progress | None = None,
    languages: Sequence[str] = (),
    allow_untranslated: bool = False,
) -> BuildReport:
    """Render every brief x country x format; skip documents whose inputs have not changed.

    `edition` renders a released edition from its frozen file instead of the working sources.
    When no input of any brief changed since its last complete build, nothing is even loaded.
    """
    started = time.perf_counter()
    folders = list(briefs)
    options = _options(countries, formats, scenario, edition, languages, allow_untranslated)
    if not force:
        unchanged = unchanged_report(
            folders,
            countries=countries,
            formats=formats,
            scenario=scenario,
            out=out,
            edition=edition,
            languages=languages,
            allow_untranslated=allow_untranslated,
        )
        if unchanged is not None:
            return unchanged

    workers = jobs or os.cpu_count() or 1
    # the pool's fork server imports the renderers while this process loads and tailors
    pool = _start_pool(workers) if workers > 1 else None
    try:
        with output_lock(out):
            report = _build(
                folders, options, countries, formats, scenario, out, force, edition, progress, pool, workers
            )
    except BaseException:  # Ctrl-C or an error: end the workers now, whatever they were doing
        if pool is not None:
            from briefgen.workers import stop_now

            stop_now(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    report.seconds = time.perf_counter() - started
    return report


def _options(
    countries: Sequence[str],
    formats: Sequence[str],
    scenario: str | None,
    edition: int | None,
    languages: Sequence[str] = (),
    allow_untranslated: bool = False,
) -> dict[str, Any]:
    return {
        "countries": sorted(countries),
        "formats": sorted(formats),
        "scenario": scenario,
        "edition": edition,
        "languages": sorted(languages),
        "allow_untranslated": allow_untranslated,
    }


def unchanged_report(
    folders: Sequence[Path],
    *,
    countries: Sequence[str] = (),
    formats: Sequence[str] = DEFAULT_FORMATS,
    scenario: str | None = None,
    out: Path = Path("build"),
    edition: int | None = None,
    languages: Sequence[str] = (),
    allow_untranslated: bool = False,
) -> BuildReport | None:
    """Return the report of a build with nothing to do, or None when something may have changed.

    Loads nothing: the record of each brief's last build is compared with the disk.
    """
    started = time.perf_counter()
    options = _options(countries, formats, scenario, edition, languages, allow_untranslated)
    known = [freshness.unchanged(out, folder, options) for folder in folders]
    if not known or any(outputs is None for outputs in known):
        return None
    report = BuildReport(manifests=sorted({p.parents[1] / MANIFEST for o in known for p, _, _ in o or ()}))
    report.outcomes = [Outcome(p, "skipped", sha, size) for o in known for p, sha, size in o or ()]
    report.seconds = time.perf_counter() - started
    return report


def _build(
    folders: list[Path],
    options: Mapping[str, Any],
    countries: Sequence[str],
    formats: Sequence[str],
    scenario: str | None,
    out: Path,
    force: bool,
    edition: int | None,
    progress: Progress | None,
    pool: ProcessPoolExecutor | None,
    workers: int,
) -> BuildReport:
    from briefgen.sources.validate import validated

    # what the build reads, taken before it reads it: the record must not describe later edits
    inputs = {folder: freshness.snapshot(folder, freshness.known_inputs(out, folder)) for folder in folders}
    # InputError stops here, before anything is written
    loaded_briefs = [validated(folder, edition) for folder in folders]
    report = BuildReport()
    for loaded in loaded_briefs:
        report.warnings.extend(loaded.warnings)  # the glyph preflight's among them
    all_jobs = plan(
        loaded_briefs,
        countries=countries,
        formats=formats,
        scenario=scenario,
        out=out,
        languages=options["languages"],
        allow_untranslated=options["allow_untranslated"],
    )
    for loaded in loaded_briefs:  # the translations' glyph preflight ran while planning
        report.warnings.extend(w for w in loaded.warnings if w not in report.warnings)
    recorded = _previous_entries(all_jobs)
    _remove_stale_temporaries(all_jobs)

    todo: list[Job] = []
    for job in all_jobs:
        entry = recorded.get(job.path)
        if not force and entry is not None and entry.get("key") == job.key and _intact(job.path, entry):
            report.outcomes.append(Outcome(job.path, "skipped", entry["sha256"], entry["size"], job=job))
        else:
            todo.append(job)
    total = len(all_jobs)
    done = len(report.outcomes)
    for outcome in _render_all(todo, workers, pool=pool):
        report.outcomes.append(outcome)
        done += 1
        if progress is not None:
            progress(outcome, done, total)
    report.manifests = _write_manifests(all_jobs, report.outcomes, recorded)
    for folder, loaded in zip(folders, loaded_briefs, strict=True):
        mine = [o for o in report.outcomes if o.job is not None and o.job.brief.brief_id == loaded.id]
        if any(o.status == "failed" for o in mine):
            freshness.forget(out, folder)
        else:
            freshness.record(out, folder, options, [(o.path, o.sha256, o.size) for o in mine], inputs[folder])
    return report


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the output folder for this build; another build of the same folder waits for it.

    A lock (flock, released by the kernel however the holder ends) and not a file's existence,
    so a killed build never leaves the folder locked.
    """
    import fcntl

    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise BuildError(f"cannot write to the output folder {out}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "another process"
            print(
                f"briefgen: waiting for the build (pid {holder}) writing to {out} to finish", file=sys.stderr
            )
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        if created and [p.name for p in out.iterdir()] == [LOCK]:
            # a build that stopped before writing anything leaves no folder behind
            (out / LOCK).unlink(missing_ok=True)
            out.rmdir()
        os.close(fd)  # releases the lock


def _start_pool(workers: int) -> ProcessPoolExecutor:
    from briefgen.workers import start_pool, take_prestarted

    return take_prestarted(workers) or start_pool(workers)


def render_job(job: Job) -> Outcome:
    """Render one document and write it atomically (runs in a worker)."""
    from briefgen.render import renderer_for

    began = time.time()
    try:
        if job.drawings or job.promise:
            from briefgen.render import charts

            with charts.given(job.drawings, promise=job.promise):
                data = renderer_for(job.format).render(job.brief)
        else:
            data = renderer_for(job.format).render(job.brief)
        write_bytes_atomic(job.path, data)
    except Exception as exc:  # one broken document must not stop the others
        outcome = Outcome(job.path, "failed", error=f"{type(exc).__name__}: {exc}")
    else:
        outcome = Outcome(job.path, "written", hashlib.sha256(data).hexdigest(), len(data))
    collect_after_a_document()
    outcome.peak_rss_mb = _peak_rss_mb()
    outcome.span = (began, time.time(), os.getpid())
    return outcome


def _render_all(
    todo: list[Job], workers: int = 1, *, pool: ProcessPoolExecutor | None = None
) -> Iterable[Outcome]:
    """Render every job, the longest first, in `pool` (or a new pool of `workers`, or here)."""
    if not todo:
        return
    # longest first (PDFs, the biggest briefs first), so no worker is left alone with a long one
    todo = sorted(todo, key=_expected_cost, reverse=True)
    if pool is None and workers > 1 and len(todo) > 1:
        from briefgen.workers import start_pool

        with start_pool(min(workers, len(todo))) as own:
            yield from _render_in(own, todo, workers)
        return
    if pool is None:
        for job in todo:
            outcome = render_job(job)
            outcome.job = job
            yield outcome
        return
    yield from _render_in(pool, todo, workers)


def _render_in(pool: ProcessPoolExecutor, todo: list[Job], workers: int) -> Iterable[Outcome]:
    """Render `todo` (longest first) with the pool's workers, each job with its figures drawn.

    A PDF goes to a worker at once, with a promise of its figures (`briefgen.figurepost`): the
    worker lays it out while a thread of this process draws them, in the order the PDFs went
    out, and collects them when it is ready to paint. Other documents need their drawings from
    the start: this process draws them (`_drawn`) when it hands the job out, which is when a
    worker takes the one queued before it. One job waits in the pool, so a worker never waits
    for this process to hand it one. Drawing a Word picture no earlier puts it (the most
    expensive drawing, and the Word documents go last) where a worker would otherwise sit idle,
    waiting for the last PDF of the other, instead of beside the first PDFs.
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
                    futures[pool.submit(render_job, _handed(job, drawer))] = job
                except BrokenProcessPool as exc:  # a worker died before this job could be handed out
                    yield Outcome(
                        job.path, "failed", error=f"the worker rendering it stopped: {exc}", job=job
                    )
            for future in wait(futures, return_when=FIRST_COMPLETED).done:
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
    from briefgen.figurepost import Drawer
    from briefgen.render import charts

    with Drawer(lambda job: charts.drawings(job.brief.figures, job.format)) as drawer:
        yield drawer


def _handed(job: Job, drawer: Drawer | None) -> Job:
    """Return `job` as it goes to a worker: with a promise of its drawings, or with them drawn."""
    if drawer is not None and _takes_figures_late(job):
        return replace(job, promise=drawer.promise(job.key, job))
    return _drawn(job)


def _takes_figures_late(job: Job) -> bool:
    return FORMATS[job.format].figures_late and _undrawn(job)


def _undrawn(job: Job) -> bool:
    return bool(job.brief.figures) and not job.drawings


def _drawn(job: Job) -> Job:
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


def _expected_cost(job: Job) -> float:
    return FORMATS[job.format].cost * job.weight


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _intact(path: Path, entry: dict[str, Any]) -> bool:
    """Return whether the file on disk is the one the manifest recorded."""
    try:
        if path.stat().st_size != entry.get("size"):
            return False
        return reading.fingerprint(path, limit=reading.DOCUMENT.limit) == entry.get("sha256")
    except OSError:
        return False


def _edition_dirs(jobs: Iterable[Job]) -> dict[Path, list[Job]]:
    groups: dict[Path, list[Job]] = {}
    for job in jobs:
        edition_dir = job.path.parents[1]
        groups.setdefault(edition_dir, []).append(job)
    return groups


def _previous_entries(jobs: list[Job]) -> dict[Path, dict[str, Any]]:
    entries: dict[Path, dict[str, Any]] = {}
    for edition_dir in _edition_dirs(jobs):
        try:
            manifest = json.loads(reading.read_text(edition_dir / MANIFEST, reading.RECORD))
            for entry in manifest.get("files", []):
                entries[(edition_dir / entry["path"]).resolve()] = entry
        except (reading.UnreadableFile, ValueError, KeyError, TypeError, AttributeError):
            continue  # no manifest, or one from an incompatible version: render everything
    return entries


def _remove_stale_temporaries(jobs: list[Job]) -> None:
    """Remove temporary files a killed build left behind (`.<name>.*.part`)."""
    for folder in {job.path.parent for job in jobs}:
        if folder.is_dir():
            for leftover in folder.glob(".*.part"):
                leftover.unlink(missing_ok=True)


def _write_manifests(
    jobs: list[Job], outcomes: list[Outcome], previous: dict[Path, dict[str, Any]]
) -> list[Path]:
    by_path = {o.path: o for o in outcomes}
    written = []
    for edition_dir, group in sorted(_edition_dirs(jobs).items()):
        entries: dict[str, dict[str, Any]] = {}
        # keep what an earlier build of other countries or formats wrote, if it is still there
        for path, entry in previous.items():
            if path.parents[1] == edition_dir and path not in by_path and _intact(path, entry):
                entries[entry["path"]] = entry
        failed = []
        for job in group:
            outcome = by_path[job.path]
            if outcome.status == "failed":
                failed.append(
                    {
                        "path": job.relative,
                        "country": job.brief.country,
                        "format": job.format,
                        "error": outcome.error,
                    }
                )
                continue
            entries[job.relative] = {
                "path": job.relative,
                "sha256": outcome.sha256,
                "size": outcome.size,
                "country": job.brief.country,
                "format": job.format,
                "language": job.brief.language,
                "scenario": job.brief.scenario,
                "edition": job.brief.edition,
                "key": job.key,
            }
        first = group[0].brief
        manifest = {
            "brief": first.brief_id,
            "edition": first.edition,
            "files": [entries[k] for k in sorted(entries)],
            "failed": sorted(failed, key=lambda f: f["path"]),
        }
        path = edition_dir / MANIFEST
        write_text_atomic(path, json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        written.append(path)
    return written
