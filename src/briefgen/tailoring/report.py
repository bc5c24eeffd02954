"""Make the implementation report of a brief's follow-up, in the loaded brief's language. Pure."""

from __future__ import annotations

from briefgen.document.citations import page_locator
from briefgen.document.doctree import Citation, CiteItem, walk_inlines
from briefgen.document.followup import FollowUp, OverdueStep
from briefgen.document.formatting import long_date, month_year
from briefgen.document.model import EvidenceItem, Reference
from briefgen.document.report import (
    ImplementationReport,
    MatrixCell,
    MatrixRow,
    ReportAssessment,
    ReportCountry,
    ReportPart,
    ReportRecommendation,
    StatusChart,
    StatusSeries,
)
from briefgen.document.typography import typeset
from briefgen.document.words import join_list, say
from briefgen.models import Assessment, Recommendation
from briefgen.models.tracking import STATUSES
from briefgen.sources.aggregate import LoadedBrief
from briefgen.tailoring.followup import trend
from briefgen.tailoring.progress import history, rank, status_label
from briefgen.tailoring.sentences import institution_name


def implementation_report(loaded: LoadedBrief, follow_up: FollowUp) -> ImplementationReport:
    """Return the report of `follow_up` (worked out from `loaded`) in `loaded`'s language."""
    brief = loaded.brief
    language = brief.language
    matrix = _matrix(follow_up, language)
    cited: set[str] = set()
    sections, illustrative = _country_sections(loaded, follow_up, cited)
    overdue = _overdue(follow_up, language)
    cited.update(_cited_in_summaries(sections))
    bibliography = loaded.bibliography
    references = tuple(
        Reference(key, bibliography.labels[key], bibliography.reference(key))
        for key in sorted(cited, key=bibliography.sort_key)
        if key in bibliography.labels
    )
    return ImplementationReport(
        brief_id=brief.id,
        edition=brief.edition,
        language=language,
        date=brief.date,
        date_text=long_date(brief.date, language),
        title=typeset(brief.title, language, smart_quotes=True),
        subtitle=say(language, "report_subtitle"),
        series=say(language, "report"),
        organisation=brief.organisation,
        marking=brief.marking_in(language),
        country_name=say(language, "report"),
        as_of=say(language, "report_as_of", date=long_date(brief.date, language)),
        countries=follow_up.countries,
        matrix=matrix,
        chart=_chart(loaded, follow_up),
        overdue=overdue,
        overdue_note=say(
            language,
            "report_overdue_note",
            date=long_date(follow_up.as_of, language) if follow_up.as_of else "",
        ),
        sections=sections,
        references=references,
        illustrative=illustrative,
        draft=loaded.draft,
        draft_translation=any(loaded.untranslated.values()),
        theme=loaded.theme,
        authors=tuple(a.name for a in brief.authors),
    )


def _matrix(follow_up: FollowUp, language: str) -> tuple[MatrixRow, ...]:
    """Return the matrix of recommendations by countries: each cell's latest status, month and trend."""
    return tuple(
        MatrixRow(
            row.number,
            row.title,
            tuple(
                MatrixCell(
                    country=cell.country,
                    applies=cell.applies,
                    status=cell.status,
                    label=status_label(cell.status, language) if cell.date else "",
                    month=month_year(cell.date, language) if cell.date else "",
                    trend=say(language, f"trend_{cell.trend}") if cell.trend else "",
                )
                for cell in row.cells
            ),
        )
        for row in follow_up.rows
    )


def _country_sections(
    loaded: LoadedBrief, follow_up: FollowUp, cited: set[str]
) -> tuple[tuple[ReportCountry, ...], bool]:
    """Return a section for each country with assessments: each recommendation's history, as a
    whole and step by step; and whether any assessment shown is illustrative.

    The works the assessments' evidence cites are added to `cited`.
    """
    recs = {r.id: r for r in loaded.recommendations}
    sections = []
    illustrative = False
    for code, name in follow_up.countries:
        assessments = loaded.tracking.get(code, ())
        if not assessments:
            continue
        items = []
        for row in follow_up.rows:
            cell = next(c for c in row.cells if c.country == code)
            parts, shown_illustrative = _report_parts(loaded, recs[row.recommendation], code, cited)
            illustrative = illustrative or shown_illustrative
            items.append(ReportRecommendation(row.number, row.title, cell.applies, parts))
        sections.append(ReportCountry(code, name, tuple(items)))
    return tuple(sections), illustrative


def _report_parts(
    loaded: LoadedBrief, rec: Recommendation, code: str, cited: set[str]
) -> tuple[tuple[ReportPart, ...], bool]:
    """Return the history of `rec` in country `code`: as a whole, then each step assessed (newest
    first); and whether any assessment in it is illustrative."""
    language = loaded.brief.language
    assessments = loaded.tracking.get(code, ())
    parts = []
    illustrative = False
    for step in (None, *range(1, len(rec.action.steps) + 1)):
        found = history(assessments, rec.id, step)
        if not found and step is not None:
            continue
        heading = say(language, "report_whole")
        if step is not None:
            text = loaded.rich(rec.action.step_text(step - 1)).plain()
            heading = say(language, "report_step", step=step, text=text)
        shown = []
        for n, item in enumerate(found):
            before = found[n - 1].status if n else None
            shown.append(_assessment(loaded, item, before, profile_lead(loaded, code, item), cited))
            illustrative = illustrative or item.illustrative
        parts.append(ReportPart(heading, tuple(reversed(shown)), step))
    return tuple(parts), illustrative


def _overdue(follow_up: FollowUp, language: str) -> tuple[tuple[str, str], ...]:
    """Return each step past its horizon, with its due date and the countries where it is overdue."""
    names = dict(follow_up.countries)
    grouped: dict[tuple[int, int], list[OverdueStep]] = {}
    for step in follow_up.overdue:
        grouped.setdefault((step.number, step.step), []).append(step)
    return tuple(
        (
            say(language, "report_overdue_step", number=number, step=n, text=steps[0].step_text),
            say(
                language,
                "report_overdue_due",
                due=long_date(steps[0].due, language),
                countries=join_list(
                    [
                        say(
                            language,
                            "report_overdue_country",
                            country=names[s.country],
                            status=status_label(s.status, language),
                        )
                        for s in steps
                    ],
                    language,
                ),
            ),
        )
        for (number, n), steps in sorted(grouped.items())
    )


def _cited_in_summaries(sections: tuple[ReportCountry, ...]) -> set[str]:
    """Return the works the assessments' summaries cite."""
    cited: set[str] = set()
    for section in sections:
        for shown_rec in section.recommendations:
            for part in shown_rec.parts:
                for printed in part.assessments:
                    for node in walk_inlines(printed.summary.blocks):
                        if isinstance(node, Citation):
                            cited.update(i.key for i in node.items)
    return cited


def profile_lead(loaded: LoadedBrief, code: str, item: Assessment) -> str:
    """Return the lead institution of an assessment as the government names it."""
    return institution_name(
        loaded.countries[code], item.lead, loaded.brief.language, loaded.institution_names
    )


def _assessment(
    loaded: LoadedBrief, item: Assessment, before: str | None, lead: str, cited: set[str]
) -> ReportAssessment:
    language = loaded.brief.language
    bibliography = loaded.bibliography
    evidence = []
    for claim in item.evidence:
        cite = (CiteItem(claim.source, page_locator(claim.locator, language)),)
        cited.add(claim.source)
        evidence.append(EvidenceItem(loaded.rich(claim.claim), Citation(cite, bibliography.cite(cite)), None))
    return ReportAssessment(
        status=item.status,
        label=status_label(item.status, language),
        date=item.date,
        month=month_year(item.date, language),
        trend=say(language, f"trend_{trend(before, item.status)}"),
        summary=loaded.rich(item.summary),
        lead=lead,
        assessor=item.assessor,
        evidence=tuple(evidence),
        illustrative=item.illustrative,
    )


def _chart(loaded: LoadedBrief, follow_up: FollowUp) -> StatusChart | None:
    """Return the chart of statuses over time: a panel per country that has assessments."""
    language = loaded.brief.language
    series = []
    dates = []
    for code, _ in follow_up.countries:
        assessments = loaded.tracking.get(code, ())
        for row in follow_up.rows:
            found = history(assessments, row.recommendation)
            if found:
                series.append(StatusSeries(code, row.number, tuple((a.date, rank(a.status)) for a in found)))
                dates += [a.date for a in found]
    if not series:
        return None
    shown = tuple(
        (code, name) for code, name in follow_up.countries if any(s.country == code for s in series)
    )
    names = dict(shown)
    lines = []
    for s in series:
        steps = join_list(
            [
                say(
                    language,
                    "with_year",
                    value=status_label(STATUSES[value], language),
                    year=month_year(day, language),
                )
                for day, value in s.points
            ],
            language,
        )
        lines.append(
            say(language, "report_chart_line", country=names[s.country], number=s.number, statuses=steps)
        )
    title = say(language, "report_chart")
    return StatusChart(
        title=title,
        label=say(language, "figure", number=1),
        countries=shown,
        series=tuple(series),
        scale=tuple(status_label(s, language) for s in STATUSES),
        start=min(dates),
        end=max([*dates, loaded.brief.date]),
        alt=say(language, "report_chart_alt", title=title) + " " + " ".join(lines),
        source_label=say(language, "figure_source"),
        source=say(language, "report_chart_source"),
        language=language,
        accent=loaded.theme.accent,
        font=loaded.theme.heading_font,
    )
