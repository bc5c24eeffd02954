"""What `briefgen explain` reports: each recommendation in or out of one brief, and why."""

from __future__ import annotations

from typing import Any

from briefgen.document.model import LeafResult, TailoredBrief, to_data
from briefgen.errors import Problem
from briefgen.models import Assessment
from briefgen.sources.aggregate import LoadedBrief
from briefgen.tailoring.core import decide
from briefgen.tailoring.progress import latest_statuses

_OPERATOR_WORDS = {
    "equals": "=",
    "in": "in",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "exists": "exists:",
}


def explanation(loaded: LoadedBrief, tailored: TailoredBrief) -> dict[str, Any]:
    """Return the explanation as plain data (what `--json` prints)."""
    recs = {r.id: r for r in loaded.recommendations}
    assessed = {rec: (status, day.isoformat()) for rec, status, day in tailored.statuses}
    items = []
    for decision in tailored.decisions:
        rec = recs[decision.recommendation]
        kept: list[dict[str, Any]] = []
        dropped: list[dict[str, Any]] = []
        decided = {(p.part, p.index): p for p in decision.parts}
        for index, item in enumerate(rec.evidence):
            part = decided.get(("evidence", index))
            entry = {
                "claim": loaded.rich(item.claim).plain(),
                "source": item.source,
                "citation": loaded.bibliography.labels.get(item.source, item.source),
                "countries": list(item.countries) if item.countries is not None else None,
                "reason": part.reason if part is not None else "no condition",
                "leaves": [_leaf_data(leaf) for leaf in part.leaves] if part is not None else [],
            }
            shown = part is None or part.included
            (kept if shown and decision.included else dropped).append(entry)
        steps = [
            {
                "step": p.index + 1,
                "opening": p.opening,
                "included": p.included,
                "reason": p.reason,
                "leaves": [_leaf_data(leaf) for leaf in p.leaves],
            }
            for p in decision.parts
            if p.part == "steps"
        ]
        items.append(
            {
                "id": decision.recommendation,
                "title": decision.title,
                "priority": decision.priority,
                "included": decision.included,
                "decided_by": decision.decided_by,
                "reason": decision.reason,
                "leaves": [_leaf_data(leaf) for leaf in decision.leaves],
                "steps": steps,
                "evidence_kept": kept,
                "evidence_dropped": dropped,
                "country_note": rec.country_notes.get(tailored.country) is not None,
                "status": assessed.get(decision.recommendation, ("not-assessed", None))[0],
                "status_date": assessed.get(decision.recommendation, ("not-assessed", None))[1],
            }
        )
    return {
        "brief": tailored.brief_id,
        "edition": tailored.edition,
        "country": tailored.country,
        "country_name": tailored.country_name,
        "scenario": tailored.scenario,
        "scenario_label": tailored.scenario_label,
        "scenario_is_default": tailored.scenario_is_default,
        "recommendations": items,
        "paragraphs": [
            {
                "part": p.part,
                "index": p.index,
                "opening": p.opening,
                "included": p.included,
                "reason": p.reason,
            }
            for p in tailored.passages
        ],
    }


def _leaf_data(leaf: LeafResult) -> dict[str, Any]:
    data = {
        "fact": leaf.fact,
        "operator": leaf.operator,
        "operand": leaf.operand,
        "value": to_data(leaf.value),
        "defined": leaf.defined,
        "holds": leaf.holds,
    }
    if leaf.measure is not None:  # a series test: `latest`, `change 2013-2016`, `relative change …`
        data["measure"] = leaf.measure
    return data


def explanation_text(data: dict[str, Any]) -> str:
    """Return the explanation as an analyst reads it."""
    lines = [
        f"{data['brief']}, edition {data['edition']}: brief for {data['country_name']} ({data['country']})"
    ]
    if data["scenario"]:
        default = "the brief's active scenario" if data["scenario_is_default"] else "chosen with --scenario"
        lines.append(f'Scenario: {data["scenario"]}, "{data["scenario_label"]}" ({default})')
    else:
        lines.append("Scenario: none (scenario facts are undefined)")
    included = [r for r in data["recommendations"] if r["included"]]
    excluded = [r for r in data["recommendations"] if not r["included"]]
    lines.append("")
    lines.append(f"INCLUDED ({len(included)}), in the order the brief shows them")
    for number, rec in enumerate(included, 1):
        lines.append(f"  {number}. {rec['title']}  [{rec['id']}, priority {rec['priority']}]")
        lines.extend(_why(rec))
        for step in rec.get("steps", []):
            mark = "kept" if step["included"] else "left out"
            lines.append(f"       step {step['step']} {mark}: {_short(step['opening'])}")
            lines.extend(_part_why(step))
        for item in rec["evidence_kept"]:
            only = f"  (only for {', '.join(item['countries'])})" if item["countries"] else ""
            lines.append(f"       evidence: {_short(item['claim'])} ({item['citation']}){only}")
        for item in rec["evidence_dropped"]:
            lines.append(f"       evidence left out: {_short(item['claim'])} ({item['citation']})")
            lines.extend(_part_why({**item, "included": False}))
        if rec["country_note"]:
            lines.append(f"       country note for {data['country']}: yes")
        lines.extend(_follow_up(rec))
    if not included:
        lines.append("  (none)")
    lines.append("")
    lines.append(f"EXCLUDED ({len(excluded)})")
    for rec in excluded:
        lines.append(f"  - {rec['title']}  [{rec['id']}, priority {rec['priority']}]")
        lines.extend(_why(rec))
        lines.extend(_follow_up(rec))
    if not excluded:
        lines.append("  (none)")
    paragraphs = data.get("paragraphs") or []
    if paragraphs:
        lines.append("")
        lines.append(
            f"TAILORED PARAGRAPHS ({sum(p['included'] for p in paragraphs)} of {len(paragraphs)} kept)"
        )
        for p in paragraphs:
            mark = "kept" if p["included"] else "left out"
            lines.append(f"  {p['part']}, paragraph {p['index'] + 1}: {mark}: {p['opening']}")
            lines.append(f"       {p['reason']}")
    return "\n".join(lines)


def reason_lines(rec: dict[str, Any]) -> list[str]:
    """Return why one recommendation of `explanation()` is in or out, in explain's words."""
    return [line.strip() for line in _why(rec)]


def _why(rec: dict[str, Any]) -> list[str]:
    if rec["decided_by"] != "condition":
        return [f"       because: {rec['reason']}"]
    verb = "holds" if rec["included"] else "fails"
    out = [f"       because the condition {verb}:"]
    for leaf in rec["leaves"]:
        out.append(f"         {'✓' if leaf['holds'] else '✗'} {_leaf_text(leaf)}")
    return out


def _follow_up(rec: dict[str, Any]) -> list[str]:
    """Return the follow-up line: the latest status as a whole, when the recommendation was assessed."""
    if rec.get("status_date") is None:
        return []
    return [f"       follow-up: {rec['status']} (assessed {rec['status_date']})"]


def _part_why(part: dict[str, Any]) -> list[str]:
    """Return why a step was kept or left out: its country list, or each leaf of its condition."""
    if not part["leaves"]:
        return [f"         because: {part['reason']}"]
    verb = "holds" if part["included"] else "fails"
    return [
        f"         because the condition {verb}:",
        *(f"           {'✓' if leaf['holds'] else '✗'} {_leaf_text(leaf)}" for leaf in part["leaves"]),
    ]


def _leaf_text(leaf: dict[str, Any]) -> str:
    op = _OPERATOR_WORDS[leaf["operator"]]
    if leaf["fact"].startswith("status."):  # a status leaf: the follow-up decided
        subject = leaf["fact"].removeprefix("status.")
        operand = leaf["operand"]
        accepted = "[" + ", ".join(operand) + "]" if isinstance(operand, list | tuple) else operand
        return f"latest status of {subject} {op} {accepted}  (is {leaf['value']})"
    value = f"is {_as_written(leaf['value'])}" if leaf["defined"] else "is not defined"
    fact = f"{leaf['fact']} {leaf['measure']}" if leaf.get("measure") else leaf["fact"]
    return f"{fact} {op} {_as_written(leaf['operand'])}  ({value})"


def _as_written(value: Any) -> str:
    """Return a value as an analyst writes it in YAML: `10`, not the `10.0` it was read as."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.4g}"  # a computed change, not a number the analyst typed: four figures
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_as_written(v) for v in value) + "]"
    return repr(value)


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def assessments_outside_briefs(loaded: LoadedBrief) -> list[Problem]:
    """Warn of assessments of a recommendation that does not reach that country's brief, with the
    reason `explain` gives.

    Not when a status test decided it: a recommendation dropped once fully implemented has
    its assessments still.
    """
    return [
        problem
        for code, assessments in loaded.tracking.items()
        for problem in _not_applying(loaded, code, f"track:{code}", assessments)
    ]


def _not_applying(
    loaded: LoadedBrief, code: str, part: str, assessments: tuple[Assessment, ...]
) -> list[Problem]:

    if code not in loaded.countries:
        return []
    recs = {r.id: r for r in loaded.recommendations}
    statuses = latest_statuses(assessments)
    verdicts: dict[str, str | None] = {}
    problems = []
    for i, item in enumerate(assessments):
        rec = recs.get(item.recommendation)
        if rec is None:
            continue
        if rec.id not in verdicts:
            decision = decide(loaded, rec, code, statuses=statuses)
            by_status = any(leaf.fact.startswith("status.") for leaf in decision.leaves)
            verdicts[rec.id] = None if decision.included or by_status else decision.reason
        reason = verdicts[rec.id]
        if reason is not None:
            message = (
                f"'{rec.id}' is not in {code}'s brief ({reason}); the assessment is kept but not printed"
            )
            problems.append(loaded.problem(part, (i, "recommendation"), message, severity="warning"))
            verdicts[rec.id] = None  # said once per recommendation and file
    return problems
