"""Tailored paragraphs: the summary and analysis sections say only what concerns this country.

A text field is Markdown (the same in every brief) or a list of paragraphs; a paragraph may
carry `countries` and `when` as recommendations do, or be generated: `generated: lead`, the
country lead (`tailoring/lead.py`), or `generated: recommendations`, the older sentence naming
exactly the recommendations this country's brief contains.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from briefgen.document.doctree import Block, Paragraph, RichText, Text
from briefgen.document.model import PassageDecision, TailoredRecommendation
from briefgen.document.words import government, join_list, say, say_count
from briefgen.models.brief import TailoredText
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.fieldkeys import BRIEF_FILE
from briefgen.sources.yamlsource import dotted
from briefgen.tailoring.conditions import decide_part
from briefgen.tailoring.origins import Origins
from briefgen.tailoring.progress import latest_statuses


def recommendations_sentence(
    recommendations: Sequence[TailoredRecommendation],
    official_name: str,
    language: str,
    government_of: str | None = None,
) -> str:
    """Return "The brief makes two recommendations to the Government of …: “…” (recommendation 1) and …".

    `government_of` is the state's name as it follows "the Government of" in `language`, when
    a translation gives it (the Russian genitive); otherwise the English rule makes it.
    """
    gov = government_of or government(official_name, language)
    items = [say(language, "summary_item", title=r.title.plain(), number=r.number) for r in recommendations]
    if not items:
        return say(language, "summary_no_recommendations", government=gov)
    if len(items) == 1:
        return say(language, "summary_recommendation", government=gov, items=items[0])
    return say_count(
        language,
        "summary_recommendations",
        len(items),
        spelled=True,
        government=gov,
        items=join_list(items, language),
    )


def tailor_text(
    loaded: LoadedBrief,
    value: TailoredText,
    part: str,
    country: str,
    country_facts: dict[str, Any],
    scenario_facts: dict[str, Any],
    generated: Mapping[str, str],
    country_series: dict[str, Any] | None = None,
    *,
    origins: Origins | None = None,
    field: str = "",
) -> tuple[RichText, list[PassageDecision]]:
    """Return the text as this country's brief shows it, and why each tailored paragraph is in or out.

    `generated` holds the sentences a `generated:` passage stands for (the country lead). With
    `origins`, each paragraph is marked with the key of the field it comes from, `field` being
    the text's path in brief.yaml (`summary`, `sections[1].body`).
    """

    def parsed(text: str, *loc: str | int) -> RichText:
        if origins is None:
            return loaded.rich(text)
        return origins.rich(f"{BRIEF_FILE}:{field}{dotted(loc)}", text)

    if isinstance(value, str):
        return parsed(value), []
    blocks: list[Block] = []
    keys: list[str | None] = []
    decisions: list[PassageDecision] = []
    statuses = latest_statuses(loaded.tracking.get(country, ()))
    for index, item in enumerate(value):
        if isinstance(item, str):
            rich = parsed(item, index)
            blocks.extend(rich.blocks)
            keys.extend(rich.origins)
            continue
        verdict = decide_part(
            item.countries,
            item.when,
            country,
            country_facts,
            scenario_facts,
            country_series,
            statuses=statuses,
        )
        included = verdict.included
        if item.generated is not None:
            sentence = generated[item.generated]
            opening = "(generated) " + sentence
            if included:
                blocks.append(Paragraph((Text(sentence),)))
                keys.append(None)
        else:
            rich = parsed(item.text or "", index, "text")
            opening = rich.plain()
            if included:
                blocks.extend(rich.blocks)
                keys.extend(rich.origins)
        short = opening if len(opening) <= 70 else opening[:69] + "…"
        decisions.append(PassageDecision(part, index, short, included, verdict.reason, verdict.leaves))
    return RichText(tuple(blocks), tuple(keys) if origins is not None else ()), decisions
