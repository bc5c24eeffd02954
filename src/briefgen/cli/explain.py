"""`briefgen explain`: why each recommendation is in or out of one country's brief."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from briefgen.cli.common import ONE_BRIEF


def explain(
    brief: Path = ONE_BRIEF,
    country: str = typer.Option(..., "--country", "-c", help="Country code, e.g. KG."),
    scenario: str | None = typer.Option(None, "--scenario", "-s", help="Scenario to tailor for."),
    as_json: bool = typer.Option(False, "--json", help="Print the explanation as JSON."),
) -> None:
    """Show, for one country, each recommendation as included or excluded, and exactly why."""
    from briefgen.sources.loading import load_sources
    from briefgen.tailoring import tailor
    from briefgen.tailoring.explain import explanation, explanation_text

    loaded = load_sources(brief)
    tailored = tailor(loaded, country.upper(), scenario)
    data = explanation(loaded, tailored)
    if as_json:
        typer.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        typer.echo(explanation_text(data))
