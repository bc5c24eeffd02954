"""Cross-file rules, checked once every file of a brief has been read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from briefgen.document.text import citations_in
from briefgen.errors import Problem
from briefgen.models import AllOf, AnyOf, Condition, FactTest, NotOf
from briefgen.sources.diagnostics import did_you_mean
from briefgen.sources.yamlsource import Loc, dotted

if TYPE_CHECKING:
    from briefgen.sources.aggregate import LoadedBrief


def text_fields(loaded: LoadedBrief) -> Iterator[tuple[str, Loc, str]]:
    """Yield every Markdown text of the brief as (part, field path, text)."""
    brief = loaded.brief
    yield "brief", ("title",), brief.title
    if brief.subtitle:
        yield "brief", ("subtitle",), brief.subtitle
    yield "brief", ("summary",), brief.summary
    for i, section in enumerate(brief.sections):
        yield "brief", ("sections", i, "heading"), section.heading
        yield "brief", ("sections", i, "body"), section.body
    for name, scenario in brief.scenarios.items():
        yield "brief", ("scenarios", name, "label"), scenario.label
    for rec in loaded.recommendations:
        part = f"rec:{rec.id}"
        yield part, ("title",), rec.title
        yield part, ("trigger", "summary"), rec.trigger.summary
        for i, text in enumerate(rec.trigger.watch):
            yield part, ("trigger", "watch", i), text
        yield part, ("action", "summary"), rec.action.summary
        for i, text in enumerate(rec.action.steps):
            yield part, ("action", "steps", i), text
        if rec.rationale:
            yield part, ("rationale",), rec.rationale
        for i, item in enumerate(rec.evidence):
            yield part, ("evidence", i, "claim"), item.claim
        for code, note in rec.country_notes.items():
            yield part, ("country_notes", code), note
    for code, profile in loaded.countries.items():
        part = f"country:{code}"
        for field in ("name", "official_name", "capital"):
            value = getattr(profile, field)
            if value:
                yield part, (field,), value
        for i, text in enumerate(profile.highlights):
            yield part, ("highlights", i), text
        for name, fact in profile.facts.items():
            if fact.label:
                yield part, ("facts", name, "label"), fact.label
            if isinstance(fact.value, str):
                yield part, ("facts", name, "value"), fact.value


def check_brief(loaded: LoadedBrief, *, complete: bool = True) -> list[Problem]:
    """Return every problem that only shows when the files are read together.

    When some file could not be read (`complete` false), warnings that depend on seeing every
    file, such as an uncited source, are left out: they would only be noise.
    """
    problems: list[Problem] = []
    brief = loaded.brief
    countries = set(brief.countries)
    sources = loaded.sources
    cited: set[str] = set()
    bibliography = loaded.files["sources"].name if "sources" in loaded.files else "sources.yaml"

    def source_missing(part: str, loc: Loc, key: str) -> None:
        more = did_you_mean(key, sources)
        problems.append(loaded.problem(part, loc, f"source '{key}' is not in {bibliography}{more}"))

    # citations in text
    for part, loc, text in text_fields(loaded):
        for item, offset in citations_in(text):
            cited.add(item.key)
            if item.key not in sources:
                path = loaded.files[part]
                positions = loaded.positions.get(path)
                line, col = positions.locate_in_text(loc, offset, text) if positions else (1, 1)
                more = did_you_mean(item.key, sources)
                problems.append(
                    Problem(
                        path,
                        line,
                        col,
                        dotted(loc),
                        f"citation [@{item.key}] names no work in {bibliography}{more}",
                    )
                )

    if brief.scenario is not None and brief.scenario not in brief.scenarios:
        known = ", ".join(brief.scenarios) or "none are defined"
        problems.append(
            loaded.problem(
                "brief",
                ("scenario",),
                f"scenario '{brief.scenario}' is not one of the brief's scenarios ({known})",
            )
        )

    country_facts = {name for p in loaded.countries.values() for name in p.facts}
    scenario_facts = {name for s in brief.scenarios.values() for name in s.facts}

    def check_country(part: str, loc: Loc, code: str, *, key: bool = False) -> None:
        if code not in countries:
            problems.append(
                loaded.problem(
                    part,
                    loc,
                    f"{code} is not one of the brief's countries ({', '.join(brief.countries)})",
                    key=key,
                )
            )

    for rec in loaded.recommendations:
        part = f"rec:{rec.id}"
        if rec.audience.countries != "all":
            for i, code in enumerate(rec.audience.countries):
                check_country(part, ("audience", "countries", i), code)
        for code in rec.country_notes:
            check_country(part, ("country_notes", code), code, key=True)
        for i, evidence in enumerate(rec.evidence):
            cited.add(evidence.source)
            if evidence.source not in sources:
                source_missing(part, ("evidence", i, "source"), evidence.source)
            for j, code in enumerate(evidence.countries or []):
                check_country(part, ("evidence", i, "countries", j), code)
        if rec.trigger.when is not None:
            for loc, test in _fact_tests(rec.trigger.when, ("trigger", "when")):
                scope, name = test.fact.split(".", 1)
                defined = country_facts if scope == "country" else scenario_facts
                if name not in defined:
                    where = "country profile" if scope == "country" else "scenario"
                    more = did_you_mean(name, defined, cutoff=0.5, prefix=f"{scope}.")
                    problems.append(
                        loaded.problem(
                            part, (*loc, "fact"), f"no {where} of this brief defines '{name}'{more}"
                        )
                    )

    for code, profile in loaded.countries.items():
        for name, fact in profile.facts.items():
            if fact.source is not None:
                cited.add(fact.source)
                if fact.source not in sources:
                    source_missing(f"country:{code}", ("facts", name, "source"), fact.source)

    if loaded.recipients is not None:
        seen: set[str] = set()
        for i, recipient in enumerate(loaded.recipients):
            if recipient.id in seen:
                problems.append(
                    loaded.problem("recipients", (i, "id"), f"duplicate recipient id '{recipient.id}'")
                )
            seen.add(recipient.id)
            check_country("recipients", (i, "country"), recipient.country)
            if recipient.channel == "email" and not recipient.email:
                problems.append(
                    loaded.problem(
                        "recipients",
                        (i, "channel"),
                        "channel is email but no email address is given",
                    )
                )

    for key in sources if complete else ():
        if key not in cited:
            problems.append(
                loaded.problem(
                    "sources",
                    (key,),
                    f"source '{key}' is never cited",
                    key=True,
                    severity="warning",
                )
            )
    problems.extend(_released_edition(loaded))
    return problems


def _released_edition(loaded: LoadedBrief) -> list[Problem]:
    """Refuse working sources that carry the number of an edition already released.

    Built, they would land in that edition's folder over the documents it was released with.
    """
    frozen = loaded.root / "editions" / f"{loaded.brief.edition}.json"
    if "brief" not in loaded.files or not frozen.is_file():
        return []  # a frozen edition (no brief.yaml behind it) is the release itself
    number = loaded.brief.edition
    return [
        loaded.problem(
            "brief",
            ("edition",),
            f"edition {number} is already released (editions/{number}.json): the working sources are "
            f"edition {number + 1} or later; `briefgen build --edition {number}` renders the release",
        )
    ]


def _fact_tests(condition: Condition, loc: Loc) -> Iterator[tuple[Loc, FactTest]]:
    if isinstance(condition, FactTest):
        yield loc, condition
    elif isinstance(condition, AllOf):
        for i, child in enumerate(condition.all):
            yield from _fact_tests(child, (*loc, "all", i))
    elif isinstance(condition, AnyOf):
        for i, child in enumerate(condition.any):
            yield from _fact_tests(child, (*loc, "any", i))
    elif isinstance(condition, NotOf):
        yield from _fact_tests(condition.not_, (*loc, "not"))
