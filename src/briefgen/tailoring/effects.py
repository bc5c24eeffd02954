"""What changed in one country's brief since an earlier edition: material changes only, in plain words.

The lines of the "Changes since edition N" box: a pure comparison of two tailored briefs of the
same country, one from each edition. Each line is a `ChangeLine` with its kind, so another
stage can add lines of its own (`ChangesSince.extended`) and the box splits them all alike
(`document.outline.changes_split`).

What is material:
- a recommendation that now applies or no longer does, a new number;
- an edited step or evidence claim: one "updated" line with the old and new words, shortened
  to the words that changed and a little context; a new or withdrawn one;
- the title, trigger, action, rationale or country note revised: which of them;
- a profile value that moved by the brief's rule (`changes.material`, default 5% relative; a
  fact's own rule in `changes.facts`: relative, rank among the brief's countries, or sign),
  or that decided a condition whose outcome changed; a value that is not a number, whenever
  it changes;
- the analyst's own paragraphs of the summary and of each section: what was added, removed or
  reworded, in the short form, unless the brief marks that part's revision as wording only
  (`changes.wording_only`). Generated paragraphs (the country lead) follow from the other
  changes and are not listed again.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from briefgen.document.doctree import RichText
from briefgen.document.model import (
    ChangeLine,
    ChangesSince,
    Decision,
    PassageDecision,
    ProfileRow,
    TailoredBrief,
    TailoredRecommendation,
)
from briefgen.document.typography import nest_quotes, typeset
from briefgen.document.words import join_list, say, with_year
from briefgen.models.brief import ChangeRule, ChangesPolicy
from briefgen.tailoring.progress import progress_changes

SUMMARY = "summary"
"""How `changes.wording_only` names the executive summary (a section is named by its heading)."""

PAIRED = 0.6
"""Two texts at least this alike (difflib's ratio over words) are one text edited, not one
withdrawn and another added."""

CONTEXT = 3
"""Words of unchanged context kept on each side of a change in the short form."""

WHOLE = 12
"""A text of at most this many words is quoted whole, old and new."""

LONG = 16
"""Words of a new or withdrawn step quoted in the box: the whole step is in the recommendation."""


def changes_since(
    edition: int,
    before: TailoredBrief | None,
    after: TailoredBrief,
    policy: ChangesPolicy | None = None,
) -> ChangesSince:
    """Return what changed in `after` since edition `edition`, whose brief was `before`.

    `before` is None when that edition had no brief for this country. `policy` is the working
    brief's `changes:` (default: the 5% rule, nothing marked as wording only).
    """
    language = after.language
    if before is None:
        line = ChangeLine("first-brief", say(language, "change_first_brief", country=after.country_name))
        return ChangesSince(edition, (line,))
    progress = tuple(ChangeLine("progress", line) for line in progress_changes(before, after))
    lines = (*progress, *_effect_lines(before, after, policy or ChangesPolicy()))
    # a quoted text that quotes: «… „Туркменгаз“ …», as the language nests its quotes
    return ChangesSince(edition, tuple(ChangeLine(c.kind, nest_quotes(c.text, language)) for c in lines))


def _effect_lines(before: TailoredBrief, after: TailoredBrief, policy: ChangesPolicy) -> list[ChangeLine]:
    """Return the box's lines on what the new edition changed, in the order the box lists them:
    the recommendations, the profile values, then the summary and the sections."""
    box = _Box(after.language)
    _add_recommendation_lines(box, before, after)
    box.lines += _fact_lines(before, after, policy)
    _add_part_lines(box, before, after, policy)
    return box.lines


@dataclass
class _Box:
    """The lines of a changes box in the making, in the brief's language."""

    language: str
    lines: list[ChangeLine] = field(default_factory=list)

    def add(self, kind: str, key: str, **values: object) -> None:
        """Add a line of `kind`: the fixed words of `key` with `values`."""
        self.lines.append(ChangeLine(kind, _ended(say(self.language, key, **values))))


def _add_recommendation_lines(box: _Box, before: TailoredBrief, after: TailoredBrief) -> None:
    """Add a line for each recommendation added, renumbered, revised or withdrawn, and for each
    of its steps and evidence items that changed."""
    language = box.language
    old_recs = {r.id: r for r in before.recommendations}
    new_recs = {r.id: r for r in after.recommendations}
    for rec in after.recommendations:
        title = rec.title.plain()
        if rec.id not in old_recs:
            box.add("recommendation-added", "change_new_recommendation", number=rec.number, title=title)
            continue
        prior = old_recs[rec.id]
        if prior.number != rec.number:
            box.add("renumbered", "change_renumbered", title=title, number=rec.number, was=prior.number)
        revised = [say(language, key) for key, a, b in _compare_fields(prior, rec) if a != b]
        if revised:
            box.add(
                "revised", "change_revised", rec=rec.number, title=title, fields=join_list(revised, language)
            )
        _add_step_lines(box, prior, rec)
        _add_evidence_lines(box, prior, rec)
    for rec in before.recommendations:
        if rec.id not in new_recs:
            box.add(
                "recommendation-withdrawn",
                "change_no_longer_applies",
                title=rec.title.plain(),
                country=after.country_name,
            )


def _add_step_lines(box: _Box, prior: TailoredRecommendation, rec: TailoredRecommendation) -> None:
    """Add a line for each step of `rec` updated, added or withdrawn since `prior`."""
    old_steps = [s.plain() for s in prior.steps]
    new_steps = [s.plain() for s in rec.steps]
    for kind, old, new, number in _matched(old_steps, new_steps):
        if kind == "updated":
            was, now = short_change(old, new)
            box.add("step-updated", "change_step_updated", rec=rec.number, number=number, was=was, now=now)
        elif kind == "added":
            box.add("step-added", "change_step_added", rec=rec.number, number=number, text=opening(new, LONG))
        else:
            box.add("step-withdrawn", "change_step_withdrawn", rec=rec.number, text=opening(old, LONG))


def _add_evidence_lines(box: _Box, prior: TailoredRecommendation, rec: TailoredRecommendation) -> None:
    """Add a line for each evidence item of `rec` updated, added or withdrawn since `prior`."""
    old_evidence = [(e.claim.plain(), e.citation.text) for e in prior.evidence]
    new_evidence = [(e.claim.plain(), e.citation.text) for e in rec.evidence]
    for kind, old_item, new_item in _matched_evidence(old_evidence, new_evidence):
        if kind == "updated":
            was, now = short_change(old_item[0], new_item[0])
            box.add(
                "evidence-updated",
                "change_evidence_updated",
                rec=rec.number,
                was=was,
                now=now,
                citation=new_item[1],
            )
        elif kind == "added":
            box.add(
                "evidence-added",
                "change_new_evidence",
                rec=rec.number,
                claim=new_item[0],
                citation=new_item[1],
            )
        else:
            box.add(
                "evidence-withdrawn",
                "change_evidence_withdrawn",
                rec=rec.number,
                claim=old_item[0],
                citation=old_item[1],
            )


def _add_part_lines(box: _Box, before: TailoredBrief, after: TailoredBrief, policy: ChangesPolicy) -> None:
    """Add the lines on what was added, removed or reworded in the analyst's own paragraphs of the
    summary and of each section, unless the brief marks that part's revision as wording only."""
    language = box.language
    marks = policy.wording_only.get(after.edition, [])
    wording_only = {
        *marks,
        *(typeset(mark, language, smart_quotes=True) for mark in marks),
    }  # as headings print
    if SUMMARY not in wording_only:
        was_said = _authored(before.summary, before.generated)
        now_said = _authored(after.summary, after.generated)
        box.lines += _text_lines(
            was_said, now_said, language, "summary", say(language, "change_part_summary")
        )
    old_sections = dict(before.sections)
    for heading, body in after.sections:
        if heading not in old_sections:
            box.add("section-added", "change_new_section", heading=heading)
        elif heading not in wording_only and old_sections[heading] != body:
            part = say(language, "change_part_section", heading=heading)
            box.lines += _text_lines(
                _authored(old_sections[heading]), _authored(body), language, "section", part
            )


def _fact_lines(before: TailoredBrief, after: TailoredBrief, policy: ChangesPolicy) -> list[ChangeLine]:
    """Return a line for each profile value added, or changed by the brief's rule or in a way
    that changed what applies to the country."""
    language = after.language
    decisive = _decisive_facts(before, after)
    old_rows = {row.name: row for row in before.profile}
    lines = []
    for row in after.profile:
        prior = old_rows.get(row.name)
        if prior is None:
            now = with_year(row.value, row.year, language)
            lines.append(
                ChangeLine("fact-added", say(language, "change_fact_added", label=row.label, value=now))
            )
            continue
        if (prior.value, prior.year) == (row.value, row.year):
            continue
        rule = policy.facts.get(row.name, policy.material)
        if row.name not in decisive and not material(prior, row, rule):
            continue
        if prior.year == row.year:  # a value revised for the same year: the year once, after the label
            label = with_year(row.label, row.year, language)
            text = say(language, "change_fact_changed", label=label, value=row.value, was=prior.value)
        else:
            now, was = with_year(row.value, row.year, language), with_year(prior.value, prior.year, language)
            text = say(language, "change_fact_changed", label=row.label, value=now, was=was)
        lines.append(ChangeLine("fact-changed", text))
    return lines


def material(before: ProfileRow, after: ProfileRow, rule: ChangeRule) -> bool:
    """Return whether a profile value's change is worth a line under `rule`.

    A value that is not a number on both sides (yes/no, text, a number that appeared) always is.
    """
    if before.number is None or after.number is None:
        return before.value != after.value
    old, new = before.number, after.number
    if rule.relative is not None:
        if old == 0:
            if new != 0:
                return True
        elif abs(new - old) / abs(old) >= rule.relative - 1e-12:
            return True
    if rule.rank and before.rank != after.rank:
        return True
    return rule.sign and _sign(old) != _sign(new)


def _sign(number: float) -> int:
    return (number > 0) - (number < 0)


def _decisive_facts(before: TailoredBrief, after: TailoredBrief) -> set[str]:
    """Return the country facts tested by a condition whose outcome differs between the two briefs."""
    facts: set[str] = set()

    def note(*decisions: Decision | PassageDecision) -> None:
        for decision in decisions:
            for leaf in decision.leaves:
                scope, name = leaf.fact.split(".", 1)
                if scope == "country":
                    facts.add(name)

    old = {d.recommendation: d for d in before.decisions}
    for decision in after.decisions:
        prior = old.get(decision.recommendation)
        if prior is None:
            continue
        if prior.included != decision.included:
            note(prior, decision)
        old_parts = {(p.part, p.opening): p for p in prior.parts}
        for part in decision.parts:
            earlier = old_parts.get((part.part, part.opening))
            if earlier is not None and earlier.included != part.included:
                note(earlier, part)
    old_passages = {(p.part, p.opening): p for p in before.passages}
    for passage in after.passages:
        earlier = old_passages.get((passage.part, passage.opening))
        if earlier is not None and earlier.included != passage.included:
            note(earlier, passage)
    return facts


def _authored(text: RichText, generated: Iterable[str] = ()) -> list[str]:
    """Return a text's paragraphs as plain text, without the generated ones."""
    made = set(generated)
    return [plain for block in text.blocks if (plain := RichText((block,)).plain()) and plain not in made]


def _text_lines(
    old: Sequence[str], new: Sequence[str], language: str, kind: str, part: str
) -> list[ChangeLine]:
    """Return what a reader of `new` needs to know about the paragraphs of `part` that changed since `old`."""
    lines = []
    for change, before, after, _ in _matched(old, new):
        if change == "updated":
            was, now = short_change(before, after)
            text = say(language, "change_text_updated", part=part, was=was, now=now)
        elif change == "added":
            text = say(language, "change_text_added", part=part, text=opening(after))
        else:
            text = say(language, "change_text_removed", part=part, text=opening(before))
        lines.append(ChangeLine(kind, _ended(text)))
    return lines


def _ended(line: str) -> str:
    """Return a line that ends on a cut-off quotation ("… ends here…”.") without the full stop after it."""
    return re.sub(r"…([”“»\u201c]?)\.$", r"…\1", line)


def _matched(old: Sequence[str], new: Sequence[str]) -> list[tuple[str, str, str, int]]:
    """Return (kind, old text, new text, its number in `new`) for each item added, withdrawn or edited.

    Items are aligned in order (difflib); within a stretch that differs, an old and a new item
    that are alike enough are one item edited (`updated`), the others withdrawn or added.
    """
    out: list[tuple[str, str, str, int]] = []
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        gone, come = list(range(i1, i2)), list(range(j1, j2))
        paired: dict[int, int] = {}
        for j in come:
            best = max(
                (i for i in gone if i not in paired.values()),
                key=lambda i: (_alike(old[i], new[j]), -i),
                default=None,
            )
            if best is not None and _alike(old[best], new[j]) >= PAIRED:
                paired[j] = best
        for j in come:
            if j in paired:
                out.append(("updated", old[paired[j]], new[j], j + 1))
            else:
                out.append(("added", "", new[j], j + 1))
        out += [("withdrawn", old[i], "", 0) for i in gone if i not in paired.values()]
    return out


def _matched_evidence(
    old: Sequence[tuple[str, str]], new: Sequence[tuple[str, str]]
) -> list[tuple[str, tuple[str, str], tuple[str, str]]]:
    """Return each evidence item added, withdrawn or edited; an edited claim keeps its source."""
    gone = [item for item in old if item not in new]
    come = [item for item in new if item not in old]
    out: list[tuple[str, tuple[str, str], tuple[str, str]]] = []
    used: set[int] = set()
    for item in come:
        candidates = [(i, o) for i, o in enumerate(gone) if i not in used and o[1] == item[1]]
        best = max(candidates, key=lambda c: (_alike(c[1][0], item[0]), -c[0]), default=None)
        if best is not None and _alike(best[1][0], item[0]) >= PAIRED:
            used.add(best[0])
            out.append(("updated", best[1], item))
        else:
            out.append(("added", ("", ""), item))
    out += [("withdrawn", o, ("", "")) for i, o in enumerate(gone) if i not in used]
    return out


def _alike(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def short_change(old: str, new: str, context: int = CONTEXT) -> tuple[str, str]:
    """Return the stretch of `old` and of `new` that differs, with `context` words either side.

    "Glacier area fell by a third since the 1980s." → "Glacier area fell by half since the
    1980s." gives ("…area fell by a third since the…", "…area fell by half since the…").
    """
    a, b = old.split(), new.split()
    if max(len(a), len(b)) <= WHOLE:
        return old.removesuffix("."), new.removesuffix(".")
    blocks = [
        op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"
    ]
    if not blocks:
        return old, new
    start_a, start_b = blocks[0][1], blocks[0][3]
    end_a, end_b = blocks[-1][2], blocks[-1][4]
    keep = max(0, min(context, start_a, start_b))
    tail = max(0, min(context, len(a) - end_a, len(b) - end_b))

    def cut(words: list[str], start: int, end: int) -> str:
        lo, hi = start - keep, end + tail
        text = " ".join(words[lo:hi])
        if hi >= len(words):  # the sentence's own full stop: the line that quotes it ends with one
            return ("…" if lo > 0 else "") + text.removesuffix(".")
        return ("…" if lo > 0 else "") + text + "…"

    return cut(a, start_a, end_a), cut(b, start_b, end_b)


def opening(text: str, words: int = 12) -> str:
    """Return a paragraph's first words, to recognise it by: "The region has mattered…"."""
    found = text.split()
    return text.removesuffix(".") if len(found) <= words else " ".join(found[:words]).rstrip(",;:") + "…"


def _compare_fields(a: Any, b: Any) -> list[tuple[str, Any, Any]]:
    """Return (word key of the field, old value, new value) for each field a reader would name.

    Steps and evidence are compared item by item, each in a line of its own.
    """

    def text(value: RichText | None) -> str:
        return value.plain() if value is not None else ""

    return [
        ("field_title", text(a.title), text(b.title)),
        # "Applies because" follows the facts, whose material changes have lines of their own
        ("field_trigger", text(a.trigger), text(b.trigger)),
        ("field_action", text(a.action), text(b.action)),
        ("field_rationale", text(a.rationale), text(b.rationale)),
        ("field_country_note", text(a.country_note), text(b.country_note)),
    ]
