"""What changed between two editions: per recommendation, per field, per fact, per country.

The analyst's level, not the YAML's: recommendations added, retired or re-prioritised; for each
changed field the old and new text with word-level changes; facts changed in a profile; and for
each country the effect on its tailored brief (a recommendation that now applies to it, evidence
it no longer sees). The per-country lines are what a brief's "Changes since edition N" says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from briefgen.document.worddiff import WordDiff
from briefgen.sources.aggregate import LoadedBrief
from briefgen.tailoring.core import changes_from, tailor


@dataclass(frozen=True)
class FieldChange:
    """One field whose value changed."""

    field: str
    old: str | None
    new: str | None

    @property
    def words(self) -> WordDiff:
        """Return the word-level changes."""
        return WordDiff.of(self.old or "", self.new or "")


@dataclass(frozen=True)
class RecommendationChange:
    """What happened to one recommendation."""

    id: str
    title: str
    kind: Literal["added", "removed", "retired", "reactivated", "changed"]
    old_priority: int | None
    new_priority: int | None
    fields: tuple[FieldChange, ...]

    @property
    def reprioritised(self) -> bool:
        """Return whether the priority changed."""
        return None not in (self.old_priority, self.new_priority) and self.old_priority != self.new_priority


@dataclass(frozen=True)
class FactChange:
    """A fact of a country profile that was added, removed or changed."""

    country: str
    fact: str
    old: Any
    new: Any


@dataclass(frozen=True)
class CountryEffect:
    """How one country's tailored brief changes."""

    country: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class BriefDiff:
    """Every change between two editions of a brief."""

    brief: str
    old_edition: int | str
    new_edition: int | str
    brief_fields: tuple[FieldChange, ...]
    recommendations: tuple[RecommendationChange, ...]
    facts: tuple[FactChange, ...]
    countries: tuple[CountryEffect, ...]

    @property
    def empty(self) -> bool:
        """Return whether nothing changed."""
        return not (self.brief_fields or self.recommendations or self.facts)


def _flatten(prefix: str, value: Any) -> dict[str, str]:
    """Flatten model data into `field.path -> text` for comparison."""
    out: dict[str, str] = {}
    if isinstance(value, dict):
        for key, inner in value.items():
            out.update(_flatten(f"{prefix}.{key}" if prefix else str(key), inner))
    elif isinstance(value, list) and value and all(_is_token(v) for v in value):
        # a list of codes or ids (countries, institutions) changes as one field, not item by item
        out[prefix] = ", ".join(str(v) for v in value)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            out.update(_flatten(f"{prefix}[{i}]", inner))
    elif value is not None:
        out[prefix] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def _is_token(value: Any) -> bool:
    """Return whether a value is a code or id rather than text: a scalar with no spaces."""
    return not isinstance(value, dict | list) and " " not in str(value)


def _field_changes(
    old: dict[str, str], new: dict[str, str], skip: Iterable[str] = ()
) -> tuple[FieldChange, ...]:
    skipped = set(skip)
    changes = []
    for key in sorted(set(old) | set(new), key=_natural):
        if key in skipped or old.get(key) == new.get(key):
            continue
        changes.append(FieldChange(key, old.get(key), new.get(key)))
    return tuple(changes)


def _natural(key: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", key)]


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def diff(
    old: LoadedBrief,
    new: LoadedBrief,
    *,
    old_label: int | str,
    new_label: int | str,
    countries: Iterable[str] = (),
) -> BriefDiff:
    """Return every change from `old` to `new`, with the effect on each country's brief."""
    brief_fields = _field_changes(
        _flatten("", _dump(old.brief)), _flatten("", _dump(new.brief)), skip=("edition", "date")
    )
    old_recs = {r.id: r for r in old.recommendations}
    new_recs = {r.id: r for r in new.recommendations}
    rec_changes = []
    for rec_id in sorted(set(old_recs) | set(new_recs)):
        before, after = old_recs.get(rec_id), new_recs.get(rec_id)
        if before is None and after is not None:
            kind = "added" if after.status == "active" else "changed"
        elif after is None and before is not None:
            kind = "removed"
        else:
            assert before is not None and after is not None
            if before.status == "active" and after.status == "retired":
                kind = "retired"
            elif before.status == "retired" and after.status == "active":
                kind = "reactivated"
            else:
                kind = "changed"
        fields = _field_changes(
            _flatten("", _dump(before)) if before else {},
            _flatten("", _dump(after)) if after else {},
            skip=("id", "status"),
        )
        if kind == "changed" and not fields:
            continue
        shown = after or before
        assert shown is not None
        rec_changes.append(
            RecommendationChange(
                rec_id,
                shown.title,
                kind,  # type: ignore[arg-type]
                before.priority if before else None,
                after.priority if after else None,
                fields,
            )
        )
    fact_changes = []
    for code in sorted(set(old.countries) | set(new.countries)):
        before_facts = (
            {k: f.value for k, f in old.countries[code].facts.items()} if code in old.countries else {}
        )
        after_facts = (
            {k: f.value for k, f in new.countries[code].facts.items()} if code in new.countries else {}
        )
        for name in sorted(set(before_facts) | set(after_facts)):
            if before_facts.get(name) != after_facts.get(name) or (name in before_facts) != (
                name in after_facts
            ):
                fact_changes.append(FactChange(code, name, before_facts.get(name), after_facts.get(name)))
    wanted = list(countries) or list(new.brief.countries)
    effects = tuple(
        CountryEffect(code, changes_from(old, tailor(new, code), new.brief.changes).lines)
        for code in wanted
        if code in new.brief.countries
    )
    return BriefDiff(
        new.id, old_label, new_label, brief_fields, tuple(rec_changes), tuple(fact_changes), effects
    )


def diff_text(result: BriefDiff) -> str:
    """Return the diff as an analyst reads it."""
    out = [f"{result.brief}: edition {result.old_edition} → {result.new_edition}"]
    if result.empty:
        out.append("No changes.")
    for change in result.brief_fields:
        out.append(f"  brief.{change.field}: {change.words.marked()}")
    for rec in result.recommendations:
        head = {
            "added": "added",
            "removed": "removed",
            "retired": "retired",
            "reactivated": "reactivated",
            "changed": "changed",
        }[rec.kind]
        extra = f", priority {rec.old_priority} → {rec.new_priority}" if rec.reprioritised else ""
        out.append(f"  recommendation {rec.id} ({rec.title}): {head}{extra}")
        if rec.kind in ("changed", "retired", "reactivated"):
            for field in rec.fields:
                if field.field == "priority":
                    continue
                out.append(f"      {field.field}: {field.words.marked()}")
    for fact in result.facts:
        out.append(f"  {fact.country}.{fact.fact}: {fact.old!r} → {fact.new!r}")
    for effect in result.countries:
        out.append(f"  for {effect.country}:")
        out.extend(f"      - {line}" for line in effect.lines or ("no change to this country's brief",))
    return "\n".join(out)


def diff_data(result: BriefDiff) -> dict[str, Any]:
    """Return the diff as plain data for `--json`."""

    def field(change: FieldChange) -> dict[str, Any]:
        return {
            "field": change.field,
            "old": change.old,
            "new": change.new,
            "words": [{"op": op, "text": text} for op, text in change.words.segments],
        }

    return {
        "brief": result.brief,
        "from": result.old_edition,
        "to": result.new_edition,
        "brief_fields": [field(c) for c in result.brief_fields],
        "recommendations": [
            {
                "id": r.id,
                "title": r.title,
                "kind": r.kind,
                "old_priority": r.old_priority,
                "new_priority": r.new_priority,
                "reprioritised": r.reprioritised,
                "fields": [field(c) for c in r.fields],
            }
            for r in result.recommendations
        ],
        "facts": [{"country": f.country, "fact": f.fact, "old": f.old, "new": f.new} for f in result.facts],
        "countries": {e.country: list(e.lines) for e in result.countries},
    }
