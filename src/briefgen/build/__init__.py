"""Build the documents: one request in, files and a report out.

`build(request)` renders every brief x country x format a `BuildRequest` asks for and skips
what has not changed; `unchanged(request)` answers, without loading anything, whether there is
nothing to do. They are the only entries, for the command line, its first step, distribution
and the preview alike. Inside:

- `request`: `BuildRequest` (every option once, with its default) and the table the command
  line reads it with;
- `plan`: the documents to make (`Job`), tailored, and where each goes;
- `schedule`: rendering them, longest first, in the workers, figures handed over (`figures`);
- `manifest`, `freshness`: what a build made, and what it read (the no-op check);
- `report`: what it did, printed; `command`: the `briefgen build` command around all of it;
- `pool`, `forkserver`, `collector`: the worker processes, started warm, and their memory.

Importing this package is cheap (the command's first step does): the stages load when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen.build.request import BuildRequest

if TYPE_CHECKING:
    from briefgen.build.report import BuildReport, Progress


def build(request: BuildRequest, progress: Progress | None = None) -> BuildReport:
    """Render what `request` asks for, skipping what has not changed; return what was done."""
    from briefgen.build.flow import build as run

    return run(request, progress)


def unchanged(request: BuildRequest) -> BuildReport | None:
    """Return the report of `request` when it has nothing to do (loading nothing), else None."""
    from briefgen.build.flow import unchanged as check

    return check(request)


__all__ = ["BuildRequest", "build", "unchanged"]
