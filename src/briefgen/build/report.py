"""What a build did, document by document, and how the command prints it (text or JSON)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.errors import Problem, print_problems

if TYPE_CHECKING:
    from briefgen.build.plan import Job
    from briefgen.build.request import BuildRequest
    from briefgen.translation.build import Incomplete


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
    last_page: tuple[int, float] | None = None
    """A PDF's page count and how full its last page is (0 to 1); None where not measured."""
    layouts: int = 0
    """How many times a PDF was laid out, a galley of a few paragraphs included (0: not a PDF)."""
    tighter: bool = False
    """Whether a PDF is set tighter, to save a nearly empty last page."""

    @property
    def short_last_page(self) -> bool:
        """Return whether the document ends with a page under a quarter full."""
        from briefgen.render import LAST_PAGE_MIN

        return self.last_page is not None and self.last_page[0] > 1 and self.last_page[1] < LAST_PAGE_MIN


Progress = Callable[[Outcome, int, int], None]
"""Called after each document: its outcome, how many are done, and how many there are."""


@dataclass
class BuildReport:
    """What a build did."""

    outcomes: list[Outcome] = field(default_factory=list)
    manifests: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    incomplete: list[Incomplete] = field(default_factory=list)
    """Languages whose catalogs left some countries' briefs unbuilt (a strict build)."""

    def by_status(self, status: str) -> list[Outcome]:
        """Return the outcomes with `status`."""
        return [o for o in self.outcomes if o.status == status]

    @property
    def failed(self) -> list[Outcome]:
        """Return the documents that could not be rendered."""
        return self.by_status("failed")

    @property
    def ok(self) -> bool:
        """Return whether every document asked for was made (none failed, none left untranslated)."""
        return not self.failed and not self.incomplete

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON summary `--json` prints."""
        return {
            "written": [str(o.path) for o in self.by_status("written")],
            "skipped": [str(o.path) for o in self.by_status("skipped")],
            "failed": [{"path": str(o.path), "error": o.error} for o in self.failed],
            "short_last_pages": [
                {"path": str(o.path), "page": o.last_page[0], "fill": round(o.last_page[1], 2)}
                for o in self.outcomes
                if o.short_last_page and o.last_page is not None
            ],
            "laid_out_again": [
                {"path": str(o.path), "layouts": o.layouts, "tighter": o.tighter}
                for o in self.outcomes
                if o.layouts > 1
            ],
            "untranslated": [
                {
                    "brief": i.brief,
                    "language": i.language,
                    "countries": list(i.countries),
                    "summary": i.summary(),
                    "entries": [p.as_dict() for p in i.problems],
                }
                for i in self.incomplete
            ],
            "manifests": [str(p) for p in self.manifests],
            "seconds": round(self.seconds, 3),
            "peak_worker_rss_mb": round(max((o.peak_rss_mb for o in self.outcomes), default=0.0), 1),
        }


def print_report(report: BuildReport, request: BuildRequest) -> None:
    """Print what a build did: one JSON summary, or its warnings, failures, outputs and totals."""
    if request.as_json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        return
    if not request.quiet:
        print_problems(report.warnings)
    for outcome in report.failed:
        print(f"failed: {outcome.path}: {outcome.error}", file=sys.stderr)
    short = sorted((o for o in report.outcomes if o.short_last_page), key=lambda o: str(o.path))
    for outcome in short if not request.quiet else ():
        assert outcome.last_page is not None
        pages, fill = outcome.last_page
        print(
            f"{_shown(outcome.path)}: warning: its last page (page {pages}) is only {fill:.0%} full, "
            "even set tighter",
            file=sys.stderr,
        )
    for incomplete in report.incomplete:  # one line a language; each entry under --verbose
        if request.verbose:
            print_problems(list(incomplete.problems))
        print(incomplete.summary(), file=sys.stderr)
    if not request.quiet:
        written, skipped = report.by_status("written"), report.by_status("skipped")
        for outcome in sorted(report.outcomes, key=lambda o: str(o.path)):
            if outcome.status != "failed":
                print(f"{outcome.status:>7}  {_shown(outcome.path)}")
        print(
            f"{len(written)} written, {len(skipped)} unchanged, {len(report.failed)} failed"
            + (
                f", {sum(len(i.countries) for i in report.incomplete)} not translated"
                if report.incomplete
                else ""
            )
            + " "
            f"in {report.seconds:.1f} s; manifest: {', '.join(_shown(p) for p in report.manifests)}"
        )
    sys.stdout.flush()


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
