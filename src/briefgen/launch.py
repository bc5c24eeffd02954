"""The `briefgen` command's first step: answer a build with nothing to do before anything loads.

The command line (Typer, and through it pydantic) takes several times longer to import than a
build with nothing to do takes to find that out. So `briefgen build BRIEF [options]` is looked
at here first, with the standard library only: when its arguments are plain and the record of
the last build (`briefgen.freshness`) shows nothing changed, the report is printed here, as the
full command would print it, and the process ends. Anything else goes to the full command line,
unchanged; a build that will render starts its worker pool here first, so the pool's fork
server imports the renderers while the command line loads.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.collector import take_charge

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


@dataclass
class BuildRequest:
    """The arguments of `briefgen build`, when they are plain enough to read without Typer."""

    brief: Path
    countries: list[str] = field(default_factory=list)
    formats: str = "docx,pdf"
    scenario: str | None = None
    out: Path = Path("build")
    jobs: int | None = None
    edition: int | None = None
    languages: list[str] = field(default_factory=list)
    allow_untranslated: bool = False
    force: bool = False
    quiet: bool = False
    as_json: bool = False


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
    if not briefs:
        return None
    try:
        jobs = int(str(values["jobs"])) if "jobs" in values else None
        edition = int(str(values["edition"])) if "edition" in values else None
    except ValueError:
        return None
    if (jobs is not None and jobs < 1) or (edition is not None and edition < 1):
        return None
    return BuildRequest(
        brief=Path(os.path.realpath(briefs[0])),  # as the command line reads it (see cli.common)
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


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def nothing_to_do(request: BuildRequest) -> bool:
    """Print the report of a build with nothing to do and return True; or return False."""
    from briefgen.build import unchanged_report

    if request.force:
        return False
    wanted = [f.strip() for f in request.formats.split(",") if f.strip()]
    report = unchanged_report(
        [request.brief],
        countries=request.countries,
        formats=wanted,
        scenario=request.scenario,
        out=request.out,
        edition=request.edition,
        languages=request.languages,
        allow_untranslated=request.allow_untranslated,
    )
    if report is None:
        return False
    if request.as_json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    elif not request.quiet:
        for outcome in sorted(report.outcomes, key=lambda o: str(o.path)):
            print(f"{outcome.status:>7}  {_shown(outcome.path)}")
        print(
            f"0 written, {len(report.outcomes)} unchanged, 0 failed in {report.seconds:.1f} s; "
            f"manifest: {', '.join(_shown(p) for p in report.manifests)}"
        )
    return True


def main() -> None:
    """Run `briefgen`: a build with nothing to do ends here; everything else goes to the CLI."""
    take_charge()
    try:
        _main()
    except KeyboardInterrupt:  # pressed before the command line's own handling is in place
        print("briefgen: interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        # Everything the command made is about to be let go of at once: keep the collector from
        # walking it all first (a twentieth of a second after a build, with nothing to find).
        gc.freeze()


def _main() -> None:
    args = sys.argv[1:]
    request = parse_build(args[1:]) if args[:1] == ["build"] else None
    if request is not None:
        if nothing_to_do(request):
            sys.stdout.flush()
            return
        workers = request.jobs or os.cpu_count() or 1
        if workers > 1:
            from briefgen.workers import prestart

            prestart(workers)
    from briefgen.cli import main as command_line

    command_line()
