"""Figures of a tailored brief: the data each chart draws, its caption, source line and alt text.

Pure, like tailoring: no drawing and no matplotlib here (that is `briefgen.render.charts`, which
only a renderer calls). The alt text says in words what a sighted reader sees: the kind of
chart, the range of years, the recipient's first, highest, lowest and latest values, the range
across the countries drawn, and the years with no value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from briefgen.document.citations import Bibliography
from briefgen.document.formatting import scalar_value
from briefgen.document.model import Figure, SeriesLine
from briefgen.document.theme import DEFAULT_THEME, Theme
from briefgen.document.typography import typeset
from briefgen.document.words import Name, fill, join_list, say_count, with_year, words
from briefgen.models import Brief, CountryProfile, FigureSpec


def tailor_figures(
    brief: Brief,
    country: str,
    profiles: Mapping[str, CountryProfile],
    bibliography: Bibliography,
    language: str,
    theme: Theme = DEFAULT_THEME,
    name_forms: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[Figure, ...]:
    """Return `country`'s figures, numbered in reading order; one with no value for it is left out.

    They are drawn in the theme's accent colour and label font, as the rest of the brief is.
    `name_forms`: each country's name in the cases the alt text declines it to (a translation's
    «Данные по Казахстану»)."""
    headings = [s.heading for s in brief.sections]
    order = {"profile": -1, **{h: i for i, h in enumerate(headings)}}
    specs = sorted(brief.figures, key=lambda f: order.get(f.place, len(headings)))
    figures: list[Figure] = []
    for spec in specs:
        lines = _lines(spec, brief, country, profiles, name_forms or {})
        if not any(line.highlighted for line in lines):
            continue
        keys: dict[str, None] = {}
        for line in lines:
            fact = profiles[line.country].facts[spec.fact]
            keys.update(dict.fromkeys(k for k in fact.cited if k in bibliography.labels))
        phrases = words(language)
        names = [bibliography.labels[k] for k in keys]
        unit = profiles[country].facts[spec.fact].unit
        number = len(figures) + 1
        figures.append(
            Figure(
                id=spec.id,
                number=number,
                label=fill(phrases["figure"], number=number),
                title=typeset(spec.title, language, smart_quotes=True),
                place=spec.place
                if spec.place == "profile"
                else typeset(spec.place, language, smart_quotes=True),
                kind=spec.kind,
                years=spec.years,
                unit=unit,
                lines=lines,
                source_label=phrases["figure_source" if len(names) < 2 else "figure_sources"],
                source_names=tuple(names),
                sources=tuple(keys),
                alt=alt_text(spec, lines, unit, language),
                language=language,
                accent=theme.accent,
                font=theme.heading_font,
            )
        )
    return tuple(figures)


def _lines(
    spec: FigureSpec,
    brief: Brief,
    country: str,
    profiles: Mapping[str, CountryProfile],
    name_forms: Mapping[str, Mapping[str, str]],
) -> tuple[SeriesLine, ...]:
    codes = list(brief.countries) if spec.compare == "region" else [country]
    out = []
    for code in codes:
        profile = profiles.get(code)
        fact = profile.facts.get(spec.fact) if profile else None
        if profile is None or fact is None or not fact.series:
            continue
        points = tuple(
            (year, value) for year, value in fact.series.items() if spec.years[0] <= year <= spec.years[1]
        )
        if points:
            out.append(SeriesLine(code, Name(profile.name, name_forms.get(code)), points, code == country))
    return tuple(out)


def alt_text(spec: FigureSpec, lines: Sequence[SeriesLine], unit: str | None, language: str) -> str:
    """Return the figure in words: what it shows, and the values a reader would look for."""
    phrases = words(language)

    def value(number: float) -> str:
        return scalar_value(number, unit, language)

    start, end = spec.years
    mine = next(line for line in lines if line.highlighted)
    sentences = [
        fill(
            phrases["alt_intro"],
            kind=phrases["alt_" + spec.kind],
            title=spec.title,
            start=start,
            end=end,
        )
    ]
    if len(lines) > 1:
        others = [line.name for line in lines if not line.highlighted]
        sentences.append(fill(phrases["alt_compare"], country=mine.name, others=join_list(others, language)))
    first_year, first = mine.points[0]
    high_year, high = max(mine.points, key=lambda p: (p[1], -p[0]))
    low_year, low = min(mine.points, key=lambda p: (p[1], p[0]))
    last_year, last = mine.points[-1]
    sentences.append(
        fill(
            phrases["alt_recipient"],
            country=mine.name,
            first=value(first),
            first_year=first_year,
            high=value(high),
            high_year=high_year,
            low=value(low),
            low_year=low_year,
        )
    )
    sentences.append(fill(phrases["alt_latest"], latest=value(last), latest_year=last_year))
    if len(lines) > 1:  # every series by name, as the chart labels it, with where it ends
        ends = [
            f"{line.name} {with_year(value(line.points[-1][1]), line.points[-1][0], language)}"
            for line in lines
            if not line.highlighted
        ]
        sentences.append(fill(phrases["alt_others_latest"], values=join_list(ends, language)))
    if len(lines) > 1:
        every = [(v, y, line.name) for line in lines for y, v in line.points]
        top = max(every, key=lambda p: (p[0], -p[1]))
        bottom = min(every, key=lambda p: (p[0], p[1]))
        sentences.append(
            fill(
                phrases["alt_range"],
                low=value(bottom[0]),
                low_country=bottom[2],
                low_year=bottom[1],
                high=value(top[0]),
                high_country=top[2],
                high_year=top[1],
            )
        )
    gaps = []
    for line in lines:
        missing = [y for y in range(start, end + 1) if y not in dict(line.points)]
        if missing:
            years = ", ".join(str(y) for y in missing)
            gaps.append(say_count(language, "alt_gap", len(missing), country=line.name, years=years))
    if gaps:
        sentences.append(fill(phrases["alt_gaps"], gaps="; ".join(gaps)))
    return " ".join(sentences)
