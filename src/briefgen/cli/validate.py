"""`briefgen validate`: check every source and list every problem found."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from briefgen.cli.common import BRIEF_ARGUMENT
from briefgen.errors import print_problems


def validate(
    brief: Path | None = BRIEF_ARGUMENT,
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print problems only."),
) -> None:
    """Check every source file of a brief; list every problem, with file, line and field."""
    from briefgen.errors import Problem
    from briefgen.sources.layout import brief_folders
    from briefgen.sources.validate import validate as check

    problems: list[Problem] = []
    summaries = []
    for folder in brief_folders(brief):
        result = check(folder)
        problems.extend(result.problems)
        loaded = result.loaded
        if loaded is None:
            continue
        summaries.append(
            {
                "brief": loaded.id,
                "ok": not result.errors,
                "recommendations": sum(r.status == "active" for r in loaded.recommendations),
                "countries": len(loaded.brief.countries),
                "sources": len(loaded.works),
                "edition": loaded.brief.edition,
            }
        )
    errors = [p for p in problems if p.severity == "error"]
    if as_json:
        report = {
            "ok": not errors,
            "briefs": summaries,
            "problems": [p.as_dict() for p in problems],
        }
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_problems(problems)
        if not quiet:
            for s in summaries:
                if not s["ok"]:  # its problems are printed above: "ok" beside them would contradict them
                    continue
                counts = ", ".join(
                    _count(s[key], noun)
                    for key, noun in (
                        ("recommendations", "recommendation"),
                        ("countries", "country"),
                        ("sources", "source"),
                    )
                )
                typer.echo(f"{s['brief']}: ok, edition {s['edition']}: {counts}")
            if errors:
                typer.echo(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found", err=True)
    if errors:
        raise typer.Exit(1)


def _count(n: object, noun: str) -> str:
    """Return "1 country", "5 countries", "2 sources"."""
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n} {noun if n == 1 else plural}"
