"""`briefgen validate`: check every source and list every problem found."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from briefgen.cli.common import BRIEF_ARGUMENT
from briefgen.errors import print_problems

if TYPE_CHECKING:
    from briefgen.sources.aggregate import LoadedBrief


def validate(
    brief: Path | None = BRIEF_ARGUMENT,
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print problems only."),
) -> int:
    """Check every source file of a brief; list every problem, with file, line and field."""
    from briefgen.errors import Problem
    from briefgen.sources.layout import brief_folders
    from briefgen.validate import validate as check

    problems: list[Problem] = []
    summaries: list[dict[str, Any]] = []
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
                "languages": translation_status(loaded),
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
                for code, status in s["languages"].items():
                    typer.echo(_language_line(s["brief"], code, status))
            if errors:
                typer.echo(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found", err=True)
    return 1 if errors else 0


def translation_status(loaded: LoadedBrief) -> dict[str, dict[str, int]]:
    """Return each declared language's entries by state: the source language is complete by definition.

    Counts every text the brief prints, in both catalogs it uses (its own and the profiles').
    """
    from briefgen.translation.apply import statuses

    source = loaded.brief.languages[0]
    out: dict[str, dict[str, int]] = {}
    for code in loaded.brief.languages:
        if code == source:
            out[code] = {"source": 1}
            continue
        found = statuses(loaded, code)
        out[code] = {
            "translated": sum(s.state == "translated" for s in found),
            "fuzzy": sum(s.state == "fuzzy" for s in found),
            "missing": sum(s.state == "untranslated" for s in found),
        }
    return out


def _language_line(brief: str, code: str, status: dict[str, int]) -> str:
    """Return "  ru: 217 translated, 0 fuzzy, 0 missing" (and what a build will do about gaps)."""
    if "source" in status:
        return f"  {code}: the sources' language"
    line = (
        f"  {code}: {status['translated']} translated, {status['fuzzy']} fuzzy, {status['missing']} missing"
    )
    if status["fuzzy"] or status["missing"]:
        line += (
            f"; a build leaves the {code} briefs that need them unbuilt "
            f"(`briefgen translate`, or --allow-untranslated)"
        )
    return line


def _count(n: object, noun: str) -> str:
    """Return "1 country", "5 countries", "2 sources"."""
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n} {noun if n == 1 else plural}"
