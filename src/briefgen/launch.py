"""The `briefgen` command's first step: decide whether a plain build can run without the command line.

The command line (Typer) takes a tenth of a second to import and parse, and a build with
nothing to do takes less than that to find it out. So `briefgen build [BRIEF] [options]` is
read here first, with the standard library only, from the same table of options the command
line is made from (`briefgen.build.request`). When its arguments are plain, the build runs from
here (`briefgen.build.command`), and otherwise the command line takes over, unchanged. Either
way, errors and Ctrl-C end the process as `briefgen.errors.ending` says.
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.build.request import BuildRequest


def main() -> None:
    """Run `briefgen`: a plain build runs here; everything else goes to the command line."""
    from briefgen.build.collector import tune_for_documents
    from briefgen.errors import ending

    tune_for_documents()
    try:
        with ending():
            args = sys.argv[1:]
            request = None
            if args[:1] == ["build"]:
                from briefgen.build.request import parse_plain

                request = parse_plain(args[1:])
            if request is None:
                from briefgen.cli import main as command_line

                command_line()
            else:
                sys.exit(_plain_build(request))
    finally:
        # Everything the command made is about to be let go of at once: keep the collector from
        # walking it all first (a twentieth of a second after a build, with nothing to find).
        gc.freeze()


def _plain_build(request: BuildRequest) -> int:
    from dataclasses import replace

    from briefgen.build.command import nothing_to_do, run_command
    from briefgen.build.pool import prestart, worker_count
    from briefgen.sources.layout import brief_folders

    if not request.briefs:  # none named: every brief under ./briefs, as the command line finds them
        request = replace(request, briefs=tuple(brief_folders(None)))
    if nothing_to_do(request):
        return 0
    workers = worker_count(request.jobs)
    if workers > 1:
        prestart(workers)  # its fork server imports the renderers while this process loads
    return run_command(request)
