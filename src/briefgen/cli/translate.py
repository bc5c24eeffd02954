"""`briefgen translate`: the brief's texts into PO catalogs for translators; `--check` them."""

from __future__ import annotations

from pathlib import Path

import typer

from briefgen.cli.common import ONE_BRIEF


def translate(
    brief: Path = ONE_BRIEF,
    language: list[str] = typer.Option(
        [],
        "--language",
        "-l",
        help="Translation language (repeatable; default: every one the brief declares).",
    ),
    check: bool = typer.Option(
        False, "--check", help="Write nothing; exit 1 while any entry is untranslated or fuzzy."
    ),
) -> None:
    """Write briefs/<brief>/translations/<lang>.po and briefs/countries/translations/<lang>.po."""
    from briefgen.errors import UsageError
    from briefgen.sources.loading import load_sources
    from briefgen.translation.update import check as run_check
    from briefgen.translation.update import update

    loaded = load_sources(brief)
    languages = language or loaded.brief.languages[1:]
    if not languages:
        raise UsageError(
            f"{loaded.id} declares no translation: add one to brief.yaml's languages (e.g. [en, ru])"
        )
    if check:
        for code in languages:
            if code not in loaded.brief.languages[1:]:
                raise UsageError(
                    f"{loaded.id} has no translation into '{code}' (languages: {', '.join(loaded.brief.languages)})"
                )
        count = run_check(loaded, languages)
        typer.echo(f"{', '.join(languages)}: all {count} entries translated")
        return
    for code in languages:
        for counts in update(loaded, code):
            typer.echo(counts.line())
