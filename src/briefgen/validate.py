"""Validate a brief: the one function `briefgen validate` and `briefgen build` both call.

It stands above the sources, tailoring and translation, whose checks it runs together.

Every file against its model, the cross-file rules, the characters no installed font can
show, and each released edition against its hash; every problem found, not only the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from briefgen.errors import EditionError, InputError, Problem
from briefgen.sources.aggregate import LoadedBrief


@dataclass
class Validation:
    """What validating one brief found."""

    folder: Path
    loaded: LoadedBrief | None
    """The sources, ready to tailor; None when they could not be loaded."""
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Return the problems that are errors, not warnings."""
        return [p for p in self.problems if p.severity == "error"]


def validate(folder: Path | str, edition: int | None = None) -> Validation:
    """Check the working sources of the brief in `folder` (or its released `edition`)."""
    from briefgen.sources.fonts import check_fonts
    from briefgen.sources.frozen import (
        edition_path,
        load_edition,
        previous_release,
        read_edition,
        release_problems,
        released_editions,
    )
    from briefgen.sources.loading import load_sources
    from briefgen.tailoring.checks import editorial_problems
    from briefgen.tailoring.explain import assessments_outside_briefs

    folder = Path(folder)
    problems: list[Problem] = []
    intact: set[int] = set()
    for number in released_editions(folder):  # a released edition must never be edited
        try:
            read_edition(folder, number)
        except EditionError as exc:
            problems.append(Problem(edition_path(folder, number), 1, 1, "", str(exc).split(": ", 1)[-1]))
        else:
            intact.add(number)
    try:
        loaded = load_edition(folder, edition) if edition is not None else load_sources(folder)
    except InputError as exc:
        return Validation(folder, None, [*problems, *exc.problems])
    if edition is not None and "theme" not in loaded.files:  # a release is content; the look is today's
        problems += _attach_theme(loaded)
    if edition is None:
        loaded.draft = True  # the working edition: a draft until it is released
        before = previous_release(folder, loaded.brief.edition)
        if before in intact:
            loaded.previous = load_edition(folder, before, history=False)
    problems += loaded.warnings
    problems += editorial_problems(loaded)  # a country whose page one says nothing of its own
    problems += check_fonts(loaded)  # characters no installed font can show
    if edition is None:
        problems += release_problems(folder, loaded)  # a release that was interrupted
        problems += assessments_outside_briefs(loaded)  # the follow-up of what a country does not get
    loaded.warnings = [p for p in problems if p.severity != "error"]
    return Validation(folder, loaded, problems)


def validated(folder: Path | str, edition: int | None = None) -> LoadedBrief:
    """Return the brief's sources when they hold no error; raise InputError listing every problem."""
    result = validate(folder, edition)
    if result.errors or result.loaded is None:
        raise InputError(result.problems)
    return result.loaded


def _attach_theme(loaded: LoadedBrief) -> list[Problem]:
    """Give a released edition the brief's theme as it is now; return the theme's problems."""
    from briefgen.sources.theme import load_theme
    from briefgen.sources.yamlsource import Positions

    found: list[Problem] = []
    brief_yaml = loaded.root / "brief.yaml"
    theme, path = load_theme(loaded.root, loaded.brief, Positions(brief_yaml), found, loaded.positions)
    loaded.theme = theme
    if path is not None:
        loaded.files["theme"] = path
    return found
