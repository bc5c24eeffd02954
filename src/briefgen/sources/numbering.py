"""A recommendation's number, fixed for the whole brief.

Every country's brief, the changes box, `diff` and the cover note speak of "Recommendation 2"
and mean the same one: numbers are given once per brief, over every active recommendation
(an explicit `number:` first, the rest by priority then id into the lowest free numbers), and a
country that does not get one sees a gap, never a renumbering.
"""

from __future__ import annotations

from collections.abc import Iterable

from briefgen.models import Recommendation


def brief_numbers(recommendations: Iterable[Recommendation]) -> dict[str, int]:
    """Return each active recommendation's number in the brief, by id."""
    active = [r for r in recommendations if r.status == "active"]
    numbers: dict[str, int] = {r.id: r.number for r in active if r.number is not None}
    taken = set(numbers.values())
    free = 1
    for rec in sorted(active, key=lambda r: (r.priority, r.id)):
        if rec.id in numbers:
            continue
        while free in taken:
            free += 1
        numbers[rec.id] = free
        taken.add(free)
    return numbers


def duplicate_numbers(recommendations: Iterable[Recommendation]) -> dict[int, list[str]]:
    """Return explicit numbers that more than one active recommendation claims, with their ids."""
    claims: dict[int, list[str]] = {}
    for rec in recommendations:
        if rec.status == "active" and rec.number is not None:
            claims.setdefault(rec.number, []).append(rec.id)
    return {n: sorted(ids) for n, ids in claims.items() if len(ids) > 1}
