"""The follow-up of a brief at a glance: each recommendation for each country, where it stands.

Pure: the loaded sources (and, for the overdue steps, the day each recommendation was first
released and the day to judge by) in, `document.followup` dataclasses out.

A recommendation's horizon ("12-36 months", "3-5 years", "6 months") is read as a duration,
its upper bound, counted from the day the recommendation was first released; a horizon that
is not a duration ("Ongoing, with quarterly reviews") gives no due date. A step is overdue for
a country when the recommendation is in that country's brief, the due date has passed, and
neither the step nor the recommendation as a whole has an assessment of full implementation.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from briefgen.document.followup import Cell, FollowUp, OverdueStep, Row
from briefgen.models import Assessment, Recommendation
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.numbering import brief_numbers
from briefgen.tailoring.core import decide
from briefgen.tailoring.progress import history, latest_statuses, rank
from briefgen.tailoring.sentences import institution_name

_DURATION = re.compile(r"(?:(\d+)\s*(?:[-–—]|to)\s*)?(\d+)\s*(month|months|year|years)\b", re.IGNORECASE)


def horizon_months(horizon: str | None) -> int | None:
    """Return the upper bound of a horizon in months ("12-36 months" -> 36, "3-5 years" -> 60)."""
    if not horizon:
        return None
    found = _DURATION.search(horizon)
    if found is None:
        return None
    amount = int(found.group(2))
    return amount * 12 if found.group(3).lower().startswith("year") else amount


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day `months` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def trend(before: str | None, now: str) -> str:
    """Return how `now` compares with the status `before` it: first, up, down or same."""
    if before is None:
        return "first"
    if rank(now) > rank(before):
        return "up"
    return "down" if rank(now) < rank(before) else "same"


def follow_up(
    loaded: LoadedBrief,
    *,
    released: Mapping[str, dt.date] | None = None,
    as_of: dt.date | None = None,
) -> FollowUp:
    """Return the brief's follow-up: the matrix and, given `as_of`, the steps past their horizon.

    `released`: the day each recommendation was first released (from the editions); one not
    released yet has no due date.
    """
    brief = loaded.brief
    matrix = _matrix(loaded)
    rows = _rows(matrix)
    overdue: list[OverdueStep] = []
    undated: list[tuple[str, str]] = []
    if as_of is not None:
        overdue, undated = _past_horizon(matrix, released or {}, as_of)
    return FollowUp(
        brief_id=brief.id,
        edition=brief.edition,
        date=brief.date,
        countries=matrix.countries,
        rows=rows,
        overdue=tuple(overdue),
        as_of=as_of,
        undated=tuple(undated),
    )


@dataclass(frozen=True)
class _Matrix:
    """The follow-up's rows and columns: the active recommendations by number, the brief's
    countries (code, name), and whether each recommendation is in each country's brief."""

    loaded: LoadedBrief
    active: list[Recommendation]
    numbers: dict[str, int]
    countries: tuple[tuple[str, str], ...]
    applies: dict[tuple[str, str], bool]


def _matrix(loaded: LoadedBrief) -> _Matrix:
    """Return the rows and columns of the brief's follow-up, and where each recommendation applies."""
    numbers = brief_numbers(loaded.recommendations)
    active = [r for r in loaded.recommendations if r.status == "active"]
    active.sort(key=lambda r: (numbers[r.id], r.id))
    countries = tuple(
        (code, loaded.countries[code].name) for code in loaded.brief.countries if code in loaded.countries
    )
    statuses = {code: latest_statuses(loaded.tracking.get(code, ())) for code, _ in countries}
    applies = {
        (rec.id, code): decide(loaded, rec, code, statuses=statuses[code]).included
        for rec in active
        for code, _ in countries
    }
    return _Matrix(loaded, active, numbers, countries, applies)


def _rows(matrix: _Matrix) -> tuple[Row, ...]:
    """Return a row for each active recommendation: in each country, its latest assessment as a
    whole, the one before it, and how many there are."""
    loaded = matrix.loaded
    language = loaded.brief.language
    # (recommendation, country): its assessments as a whole, oldest first
    histories: dict[tuple[str, str], list[Assessment]] = {}
    for code, _ in matrix.countries:
        for item in sorted(loaded.tracking.get(code, ()), key=lambda a: a.date):
            if item.step is None:
                histories.setdefault((item.recommendation, code), []).append(item)
    names: dict[tuple[str, str], str] = {}  # (country, institution): its name, worked out once
    rows = []
    for rec in matrix.active:
        cells = []
        for code, _ in matrix.countries:
            whole = histories.get((rec.id, code), [])
            latest = whole[-1] if whole else None
            previous = whole[-2].status if len(whole) > 1 else None
            lead_name = None
            if latest is not None:
                lead_name = names.get((code, latest.lead))
                if lead_name is None:
                    lead_name = names[code, latest.lead] = institution_name(
                        loaded.countries[code], latest.lead, language, loaded.institution_names
                    )
            cells.append(
                Cell(
                    recommendation=rec.id,
                    country=code,
                    applies=matrix.applies[(rec.id, code)],
                    status=latest.status if latest else "not-assessed",
                    date=latest.date if latest else None,
                    previous=previous,
                    trend=trend(previous, latest.status) if latest else None,
                    lead=latest.lead if latest else None,
                    lead_name=lead_name,
                    assessments=len(whole),
                )
            )
        rows.append(
            Row(rec.id, matrix.numbers[rec.id], loaded.rich(rec.title).plain(), rec.horizon, tuple(cells))
        )
    return tuple(rows)


def _past_horizon(
    matrix: _Matrix, released: Mapping[str, dt.date], as_of: dt.date
) -> tuple[list[OverdueStep], list[tuple[str, str]]]:
    """Return the steps past their horizon on `as_of` in each country whose brief has them, and
    the recommendations whose horizon is not a duration."""
    overdue: list[OverdueStep] = []
    undated: list[tuple[str, str]] = []
    for rec in matrix.active:
        months = horizon_months(rec.horizon)
        if months is None:
            if rec.horizon:
                undated.append((rec.id, rec.horizon))
            continue
        given = released.get(rec.id)
        if given is None or add_months(given, months) >= as_of:
            continue
        for code, _ in matrix.countries:
            if matrix.applies[(rec.id, code)]:
                overdue += _overdue_steps(
                    matrix.loaded, rec, matrix.numbers[rec.id], code, given, add_months(given, months)
                )
    return overdue, undated


def _overdue_steps(
    loaded: LoadedBrief, rec: Recommendation, number: int, code: str, given: dt.date, due: dt.date
) -> list[OverdueStep]:
    assessments: tuple[Assessment, ...] = tuple(loaded.tracking.get(code, ()))
    whole = history(assessments, rec.id)
    if whole and whole[-1].status == "full":
        return []
    out = []
    for n in range(1, len(rec.action.steps) + 1):
        text = rec.action.step_text(n - 1)
        own = history(assessments, rec.id, n)
        latest = own[-1] if own else (whole[-1] if whole else None)
        if latest is not None and latest.status == "full":
            continue
        out.append(
            OverdueStep(
                recommendation=rec.id,
                number=number,
                title=loaded.rich(rec.title).plain(),
                step=n,
                step_text=loaded.rich(text).plain(),
                country=code,
                horizon=rec.horizon or "",
                given=given,
                due=due,
                status=latest.status if latest else "not-assessed",
            )
        )
    return out


def first_released(editions: Mapping[int, tuple[dt.date, frozenset[str]]]) -> dict[str, dt.date]:
    """Return the day each recommendation was first released, from each edition's date and the
    active recommendations it holds."""
    out: dict[str, dt.date] = {}
    for number in sorted(editions):
        day, ids = editions[number]
        for rec in ids:
            out.setdefault(rec, day)
    return out
