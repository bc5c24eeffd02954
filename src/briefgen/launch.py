"""The `briefgen` command's first step: a plain `briefgen build` runs without the command line.

The command line (Typer) takes a tenth of a second to import and parse, and a build with
nothing to do takes less than that to find it out. So `briefgen build [BRIEF] [options]` is read
here first, with the standard library only. When its arguments are plain:

- and the record of the last build (`briefgen.freshness`) shows nothing changed, the report is
  printed here and the process ends, before pydantic or Typer is loaded;
- otherwise the worker pool is started (its fork server imports the renderers while this
  process loads and tailors) and the build runs here, through `briefgen.build_command` as the
  command line's `build` runs it, printing the same report, ending with the same status.

Anything else (`--help`, a short-option cluster, two briefs, another command) goes to the
command line, unchanged. With no brief named, the briefs are every one under ./briefs, found
here as the command line finds them (`sources.layout`).
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import replace
from pathlib import Path

from briefgen.build_command import BuildRequest, nothing_to_do, run_build
from briefgen.collector import take_charge
from briefgen.errors import INTERRUPTED, BriefgenError, reported
from briefgen.sources.layout import brief_folders

_VALUED = {
    "--country": "countries",
    "-c": "countries",
    "--format": "formats",
    "-f": "formats",
    "--scenario": "scenario",
    "-s": "scenario",
    "--out": "out",
    "-o": "out",
    "--jobs": "jobs",
    "-j": "jobs",
    "--edition": "edition",
    "-e": "edition",
    "--language": "languages",
    "-l": "languages",
}
_REPEATED = {"countries", "languages"}
_FLAGS = {
    "--force": "force",
    "--quiet": "quiet",
    "-q": "quiet",
    "--json": "as_json",
    "--allow-untranslated": "allow_untranslated",
}


def parse_build(args: list[str]) -> BuildRequest | None:
    """Return the request `args` (after `build`) make, or None if only the full parser can tell."""
    values: dict[str, str | list[str]] = {}
    flags: set[str] = set()
    briefs: list[str] = []
    items = iter(args)
    for arg in items:
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in _VALUED:
            value = inline if eq else next(items, None)
            if value is None or (not eq and value.startswith("-")):
                return None
            key = _VALUED[name]
            if key in _REPEATED:
                values.setdefault(key, [])
                values[key].append(value.upper() if key == "countries" else value)  # type: ignore[union-attr]
            else:
                values[key] = value
        elif arg in _FLAGS:
            flags.add(_FLAGS[arg])
        elif arg.startswith("-") or briefs:
            return None  # --help, a short-option cluster, a second folder: the full parser's job
        else:
            briefs.append(arg)
    try:
        jobs = int(str(values["jobs"])) if "jobs" in values else None
        edition = int(str(values["edition"])) if "edition" in values else None
    except ValueError:
        return None
    if (jobs is not None and jobs < 1) or (edition is not None and edition < 1):
        return None
    return BuildRequest(
        # as the command line reads it (see cli.common); none named: every brief under ./briefs
        briefs=[Path(os.path.realpath(brief)) for brief in briefs],
        countries=list(values.get("countries", [])),
        formats=str(values.get("formats", "docx,pdf")),
        scenario=str(values["scenario"]) if "scenario" in values else None,
        out=Path(str(values.get("out", "build"))),
        jobs=jobs,
        edition=edition,
        languages=list(values.get("languages", [])),
        allow_untranslated="allow_untranslated" in flags,
        force="force" in flags,
        quiet="quiet" in flags,
        as_json="as_json" in flags,
    )


def main() -> None:
    """Run `briefgen`: a plain build runs here; everything else goes to the command line."""
    take_charge()
    try:
        _main()
    except KeyboardInterrupt:  # pressed during a build run here, or before the command line's own handling
        print("briefgen: interrupted", file=sys.stderr)
        sys.exit(INTERRUPTED)
    except BrokenPipeError:  # `briefgen build | head`: the reader has gone; no traceback about it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        sys.exit(1)
    finally:
        # Everything the command made is about to be let go of at once: keep the collector from
        # walking it all first (a twentieth of a second after a build, with nothing to find).
        gc.freeze()


def _main() -> None:
    args = sys.argv[1:]
    request = parse_build(args[1:]) if args[:1] == ["build"] else None
    if request is not None:
        try:
            if not request.briefs:  # none named: every brief under ./briefs, as the command line finds them
                request = replace(request, briefs=brief_folders(None))
            if nothing_to_do(request):
                return
            workers = request.jobs or os.cpu_count() or 1
            if workers > 1:
                from briefgen.workers import prestart

                prestart(workers)
            status = run_build(request)
        except BriefgenError as exc:
            status = reported(exc)
        sys.exit(status)
    from briefgen.cli import main as command_line

    command_line()
