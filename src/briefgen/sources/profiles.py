"""Country data shared by every brief: what a brief shows of a profile, and the rules on it.

The profiles in `briefs/countries/` and their bibliography, `briefs/countries/sources.yaml`,
belong to no one brief. A brief chooses what it prints (`profile.facts`, in its order, and
`profile.highlights`, by id or tag); facts it does not print may still drive its conditions.
A brief that chooses nothing prints every fact and highlight, as before choosing existed.
A profile fact's `source` is looked up in the shared bibliography first and, for projects
written before it existed, in the brief's own sources.yaml (with a warning saying how to move
it). Nothing here reads files: `briefgen.sources.loading` does, then calls `check_profiles`.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from briefgen.errors import Problem
from briefgen.models import (
    Brief,
    Condition,
    CountryProfile,
    Fact,
    Highlight,
    SeriesTest,
)
from briefgen.models.conditions import leaves
from briefgen.sources.yamlsource import Loc

if TYPE_CHECKING:
    from briefgen.sources.aggregate import LoadedBrief

SHARED_SOURCES = "sources.yaml"
"""The shared bibliography's file name, beside the profiles."""

UNIT_RANGES: dict[str, tuple[float, float, str]] = {
    "share": (0.0, 1.0, "a share is a fraction between 0 and 1 (write 0.88 for 88%)"),
    "percent": (0.0, 100.0, "a percentage is between 0 and 100"),
}
"""Units whose values have a range: unit -> (lowest, highest, explanation)."""


def highlight_text(highlight: str | Highlight) -> str:
    """Return a highlight's text, whichever form it is written in."""
    return highlight if isinstance(highlight, str) else highlight.text


def shown_facts(brief: Brief, profile: CountryProfile) -> list[tuple[str, Fact]]:
    """Return the facts the brief's "At a glance" table prints for `profile`, in order."""
    chosen = brief.profile.facts if brief.profile is not None else None
    if chosen is None:
        return list(profile.facts.items())
    return [(name, profile.facts[name]) for name in chosen if name in profile.facts]


def shown_highlights(brief: Brief, profile: CountryProfile) -> list[tuple[int, str]]:
    """Return (index in the profile, text) of the highlights the brief prints for `profile`."""
    chosen = brief.profile.highlights if brief.profile is not None else None
    if chosen is None:
        return [(i, highlight_text(h)) for i, h in enumerate(profile.highlights)]
    wanted = set(chosen)
    return [
        (i, h.text)
        for i, h in enumerate(profile.highlights)
        if isinstance(h, Highlight) and ({h.id, *h.tags} & wanted)
    ]


def figure_facts(brief: Brief, profile: CountryProfile) -> list[tuple[str, Fact]]:
    """Return the facts the brief's figures draw from `profile`."""
    names = dict.fromkeys(f.fact for f in brief.figures)
    return [(name, profile.facts[name]) for name in names if name in profile.facts]


def cited_facts(brief: Brief, profile: CountryProfile) -> list[tuple[str, Fact]]:
    """Return every fact whose sources the brief prints: the table's and the figures'."""
    seen = dict(shown_facts(brief, profile))
    seen.update(figure_facts(brief, profile))
    return list(seen.items())


def shared_keys_used(loaded: LoadedBrief, cited_in_text: Iterable[str]) -> list[str]:
    """Return the keys of the shared bibliography that this brief cites, in first-use order."""
    used: dict[str, None] = {}
    for key in cited_in_text:
        if key in loaded.shared_sources and key not in loaded.sources:
            used[key] = None
    for profile in loaded.countries.values():
        for _, fact in cited_facts(loaded.brief, profile):
            for key in fact.cited:
                if key in loaded.shared_sources:
                    used[key] = None
    return list(used)


def series_tests(condition: Condition, loc: Loc) -> Iterator[tuple[Loc, SeriesTest]]:
    """Yield every series leaf of a condition with its field path."""
    for path, test in leaves(condition, loc):
        if isinstance(test, SeriesTest):
            yield path, test


def check_profiles(loaded: LoadedBrief) -> tuple[list[Problem], set[str]]:
    """Return the problems of the shared country data as this brief uses it, and the own keys it cites.

    Checked: every series and ranged value of the brief's profiles; the brief's choice of facts
    and highlights; the sources of the facts the brief prints or draws; its figures; its
    series leaves.
    """
    problems: list[Problem] = []
    own_cited: set[str] = set()
    profiles = loaded.countries
    series_facts = {name for p in profiles.values() for name, f in p.facts.items() if f.series}
    for code, profile in profiles.items():
        part = f"country:{code}"
        for name, fact in profile.facts.items():
            problems += _check_fact(loaded, part, name, fact)
        source_problems, cited = _fact_source_problems(loaded, code, profile)
        problems += source_problems
        own_cited |= cited
    problems += _choice_problems(loaded)
    problems += _figure_problems(loaded, series_facts)
    problems += _series_test_problems(loaded, series_facts)
    return problems, own_cited


def _hint(name: str, known: Iterable[str]) -> str:
    """Return "; did you mean 'x'?" for the known name nearest `name`, or "" when none is near."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _fact_source_problems(
    loaded: LoadedBrief, code: str, profile: CountryProfile
) -> tuple[list[Problem], set[str]]:
    """Return the problems of the sources of the facts the brief prints or draws from a profile,
    and the keys of the brief's own bibliography they cite."""
    brief = loaded.brief
    part = f"country:{code}"
    problems: list[Problem] = []
    own_cited: set[str] = set()
    for name, fact in cited_facts(brief, profile):
        for n, key in enumerate(fact.cited):
            field = (
                ("facts", name, "source")
                if key == fact.source
                else ("facts", name, "sources", n - 1 if fact.source else n)
            )
            if key in loaded.shared_sources or key in loaded.sources_in_error or loaded.sources_unread:
                continue  # found, or in a sources file whose own problems were reported there
            if key in loaded.sources:
                own_cited.add(key)
                problems.append(
                    loaded.problem(
                        part,
                        field,
                        f"source '{key}' is found only in {brief.id}/sources.yaml; move its entry to "
                        f"countries/{SHARED_SOURCES}, the bibliography every brief shares, so that each "
                        "brief showing this fact finds it",
                        severity="warning",
                    )
                )
                continue
            problems.append(
                loaded.problem(
                    part,
                    field,
                    f"source '{key}' is neither in countries/{SHARED_SOURCES} nor in {brief.id}/sources.yaml"
                    + _hint(key, [*loaded.shared_sources, *loaded.sources]),
                )
            )
    return problems, own_cited


def _choice_problems(loaded: LoadedBrief) -> list[Problem]:
    """Return the errors of the brief's choice of facts and highlights: ones no profile has, or twice."""
    choice = loaded.brief.profile
    profiles = loaded.countries
    problems: list[Problem] = []
    if choice is not None and choice.facts is not None:
        all_facts = {name for p in profiles.values() for name in p.facts}
        for i, name in enumerate(choice.facts):
            if name not in all_facts:
                problems.append(
                    loaded.problem(
                        "brief",
                        ("profile", "facts", i),
                        f"no country profile of this brief has a fact '{name}'{_hint(name, all_facts)}",
                    )
                )
            if name in choice.facts[:i]:
                problems.append(loaded.problem("brief", ("profile", "facts", i), f"'{name}' is chosen twice"))
    if choice is not None and choice.highlights is not None:
        keys = {
            key
            for p in profiles.values()
            for h in p.highlights
            if isinstance(h, Highlight)
            for key in (h.id, *h.tags)
            if key
        }
        for i, key in enumerate(choice.highlights):
            if key not in keys:
                problems.append(
                    loaded.problem(
                        "brief",
                        ("profile", "highlights", i),
                        f"no highlight of this brief's profiles has the id or tag '{key}'{_hint(key, keys)}",
                    )
                )
    return problems


def _figure_problems(loaded: LoadedBrief, series_facts: set[str]) -> list[Problem]:
    """Return the problems of the brief's figures: the series each draws, where it stands, its id,
    and a warning for each country with no value in its years."""
    brief = loaded.brief
    problems: list[Problem] = []
    headings = [s.heading for s in brief.sections]
    for i, figure in enumerate(brief.figures):
        loc: Loc = ("figures", i)
        if figure.fact not in series_facts:
            problems.append(
                loaded.problem(
                    "brief",
                    (*loc, "fact"),
                    f"no country profile of this brief has a series '{figure.fact}'{_hint(figure.fact, series_facts)}",
                )
            )
        if figure.place != "profile" and figure.place not in headings:
            problems.append(
                loaded.problem(
                    "brief",
                    (*loc, "place"),
                    f"'{figure.place}' is neither `profile` nor the heading of an analysis section"
                    + _hint(figure.place, headings),
                )
            )
        if any(f.id == figure.id for f in brief.figures[:i]):
            problems.append(loaded.problem("brief", (*loc, "id"), f"duplicate figure id '{figure.id}'"))
        for code, profile in loaded.countries.items():
            drawn = profile.facts.get(figure.fact)
            points = (
                [y for y in (drawn.series or {}) if figure.years[0] <= y <= figure.years[1]] if drawn else []
            )
            if figure.fact in series_facts and not points:
                problems.append(
                    loaded.problem(
                        "brief",
                        (*loc, "fact"),
                        f"{code} has no value of '{figure.fact}' in {figure.years[0]}-{figure.years[1]}: "
                        f"its brief leaves this figure out",
                        severity="warning",
                    )
                )
    return problems


def _series_test_problems(loaded: LoadedBrief, series_facts: set[str]) -> list[Problem]:
    """Return an error for each series test of a trigger that names no country series of the profiles."""
    problems: list[Problem] = []
    for rec in loaded.recommendations:
        if rec.trigger.when is None:
            continue
        for loc, test in series_tests(rec.trigger.when, ("trigger", "when")):
            scope, name = test.series.split(".", 1)
            if scope != "country":
                problems.append(
                    loaded.problem(
                        f"rec:{rec.id}",
                        (*loc, "series"),
                        "a series test names a country fact: `country.<name>`",
                    )
                )
            elif name not in series_facts:
                problems.append(
                    loaded.problem(
                        f"rec:{rec.id}",
                        (*loc, "series"),
                        f"no country profile of this brief has a series '{name}'{_hint(name, series_facts)}",
                    )
                )
    return problems


def _check_fact(loaded: LoadedBrief, part: str, name: str, fact: Fact) -> list[Problem]:
    problems: list[Problem] = []
    series = fact.series or {}
    years = list(series)
    for before, year in itertools.pairwise(years):
        if year <= before:
            problems.append(
                loaded.problem(
                    part,
                    ("facts", name, "series", str(year)),
                    f"years must increase: {year} comes after {before}",
                    key=True,
                )
            )
            break
    ranged = UNIT_RANGES.get(fact.unit or "")
    if ranged is None:
        return problems
    low, high, why = ranged
    values: list[tuple[Loc, object]] = [(("facts", name, "value"), fact.value)]
    values += [(("facts", name, "series", str(y)), v) for y, v in series.items()]
    for loc, value in values:
        if isinstance(value, int | float) and not isinstance(value, bool) and not low <= value <= high:
            problems.append(
                loaded.problem(part, loc, f"{value!r} is out of range for unit '{fact.unit}': {why}")
            )
    return problems
