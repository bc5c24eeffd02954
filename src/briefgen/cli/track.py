"""`briefgen track`: the follow-up at a glance, each government's progress on each recommendation."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from briefgen.cli.common import ONE_BRIEF

if TYPE_CHECKING:
    from briefgen.document.followup import Cell, FollowUp
    from briefgen.sources.aggregate import LoadedBrief

TREND_MARKS = {"up": "↑", "down": "↓", "same": "=", "first": "new"}
STYLES = {
    "not-assessed": "dim",
    "no-progress": "black on #e4eeef",
    "limited": "black on #b4d0d2",
    "some": "black on #78a9ad",
    "substantial": "white on #3d7f84",
    "full": "bold white on #0f5257",
}


def track(
    brief: Path = ONE_BRIEF,
    by: str | None = typer.Option(
        None, "--by", help="Group by `institution`: the lead institution, as each government names it."
    ),
    overdue: bool = typer.Option(
        False,
        "--overdue",
        help="List the steps past their horizon with no assessment of full implementation.",
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="The day --overdue judges by, YYYY-MM-DD (default: today)."
    ),
    edition: int | None = typer.Option(
        None,
        "--edition",
        "-e",
        help="The follow-up as a released edition froze it (default: the working sources).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the follow-up as JSON."),
    csv_file: Path | None = typer.Option(
        None, "--csv", help="Write the view as CSV to FILE (`-` for standard output).", metavar="FILE"
    ),
    xlsx_file: Path | None = typer.Option(
        None, "--xlsx", help="Write every view as an XLSX workbook, one sheet each, to FILE.", metavar="FILE"
    ),
    report: Path | None = typer.Option(
        None,
        "--report",
        help="Write the implementation report (PDF and DOCX, every language) to DIR.",
        metavar="DIR",
    ),
    formats: str = typer.Option("pdf,docx", "--format", "-f", help="The report's formats: pdf, docx, html."),
    languages: list[str] = typer.Option(
        [],
        "--language",
        "-l",
        help="The report's language (repeatable; default: every language of the brief).",
    ),
) -> None:
    """Show the follow-up: recommendations by countries, each cell's latest status, date and trend."""
    from briefgen.build.collector import loading_to_keep
    from briefgen.errors import UsageError
    from briefgen.tailoring.followup import follow_up

    if by not in (None, "institution"):
        raise UsageError(f"--by takes `institution`, not {by!r}")
    if as_json and csv_file is not None:
        raise UsageError("choose one of --json and --csv")
    if as_of is not None and not (overdue or xlsx_file or report):
        raise UsageError("--as-of goes with --overdue (or --xlsx and --report, which list the overdue steps)")
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise UsageError(f"--as-of must be YYYY-MM-DD, not {as_of!r}") from None
    with loading_to_keep():
        loaded = _load(brief, edition)
        released = _first_released(brief) if overdue or xlsx_file or report else None
        result = follow_up(loaded, released=released, as_of=day if released is not None else None)
    if report is not None:
        _report(loaded, result, released or {}, report, formats, languages)
    if xlsx_file is not None:
        _write(xlsx_file, _xlsx(result))
    if csv_file is not None:
        data = _csv(result, by=by, overdue=overdue)
        if str(csv_file) == "-":
            sys.stdout.buffer.write(data)
        else:
            _write(csv_file, data)
    if as_json:
        typer.echo(json.dumps(_json(result, by=by, overdue=overdue), indent=2, ensure_ascii=False))
    elif csv_file is None and xlsx_file is None and report is None:
        _print(result, loaded, by=by, overdue=overdue)


def _load(folder: Path, edition: int | None) -> LoadedBrief:
    from briefgen.sources.frozen import load_edition
    from briefgen.sources.loading import load_sources

    if edition is not None:
        return load_edition(folder, edition)
    loaded = load_sources(folder)
    loaded.draft = True  # the working sources: a report from them says DRAFT, as a brief does
    return loaded


def _first_released(folder: Path) -> dict[str, dt.date]:
    """Return the day each recommendation was first released, read from the frozen editions."""
    from briefgen.sources.frozen import read_edition, released_editions
    from briefgen.tailoring.followup import first_released

    editions = {}
    for number in released_editions(folder):
        frozen = read_edition(folder, number)
        ids = frozenset(r["id"] for r in frozen["content"]["recommendations"] if r.get("status") == "active")
        editions[number] = (dt.date.fromisoformat(frozen["released"]), ids)
    return first_released(editions)


def _write(path: Path, data: bytes) -> None:
    from briefgen.atomic import write_bytes_atomic
    from briefgen.errors import UsageError, writing_to

    if path.is_dir():
        raise UsageError(f"{path} is a folder; name a file")
    with writing_to(path):
        write_bytes_atomic(path, data)
    typer.echo(str(path), err=True)


def _csv(result: FollowUp, *, by: str | None, overdue: bool) -> bytes:
    from briefgen.render import sheets

    if overdue:
        return sheets.to_csv(sheets.overdue_rows(result), sheets.OVERDUE_COLUMNS)
    if by == "institution":
        return sheets.to_csv(sheets.institution_rows(result), sheets.INSTITUTION_COLUMNS)
    return sheets.to_csv(sheets.cell_rows(result), sheets.CELL_COLUMNS)


def _xlsx(result: FollowUp) -> bytes:
    from briefgen.render import sheets

    return sheets.to_xlsx(result)


def _json(result: FollowUp, *, by: str | None, overdue: bool) -> dict[str, Any]:
    from briefgen.document.model import to_data
    from briefgen.render import sheets

    data: dict[str, Any] = {
        "brief": result.brief_id,
        "edition": result.edition,
        "date": result.date.isoformat(),
        "countries": [{"code": code, "name": name} for code, name in result.countries],
        "cells": to_data(sheets.cell_rows(result)),
    }
    if by == "institution":
        data["by_institution"] = to_data(sheets.institution_rows(result))
    if overdue:
        data["as_of"] = result.as_of.isoformat() if result.as_of else None
        data["overdue"] = to_data(sheets.overdue_rows(result))
        data["not_checked"] = [{"recommendation": r, "horizon": h} for r, h in result.undated]
    return data


def _print(result: FollowUp, loaded: LoadedBrief, *, by: str | None, overdue: bool) -> None:
    from rich.console import Console

    # a terminal wraps at its width; a file or a pipe gets whole lines
    console = Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 250)
    console.print(
        f"[bold]{result.brief_id}[/bold]: follow-up, edition {result.edition} ({result.date.isoformat()})"
    )
    if overdue:
        _print_overdue(console, result)
    elif by == "institution":
        _print_by_institution(console, result)
    else:
        _print_matrix(console, result)


def _cell_text(cell: Cell) -> Any:
    from rich.text import Text

    text = Text()
    if cell.date is None:
        text.append("not assessed" if cell.applies else "–", style="dim")
        return text
    text.append(cell.status, style=STYLES[cell.status])
    text.append(f"\n{TREND_MARKS.get(cell.trend or '', '')} {cell.date.isoformat()}")
    if not cell.applies:
        text.append("\n(not in its brief)", style="dim")
    return text


WIDE = 8
"""More countries than this: the matrix is printed as a plain grid, one line a recommendation
(a table drawn cell by cell takes seconds for fifty countries, and no terminal shows it whole)."""


def _print_matrix(console: Any, result: FollowUp) -> None:
    from rich.table import Table
    from rich.text import Text

    if len(result.countries) > WIDE:
        _print_grid(result)
        return

    table = Table(show_lines=True, header_style="bold")
    table.add_column("Recommendation", min_width=28, max_width=44)
    for code, _ in result.countries:
        table.add_column(code, no_wrap=True, min_width=13)
    for row in result.rows:
        table.add_row(Text(f"{row.number}. {row.title}"), *(_cell_text(c) for c in row.cells))
    console.print(table)
    console.print("  ".join(f"{code} {name}" for code, name in result.countries), style="dim")
    console.print(
        "Each cell: the latest status of the recommendation as a whole; its trend since the assessment "
        "before it (↑ better, ↓ worse, = unchanged, new: the first) and date; – : not in that country's brief.",
        style="dim",
    )


def _print_by_institution(console: Any, result: FollowUp) -> None:
    from rich.markup import escape

    from briefgen.render import sheets

    rows = sheets.institution_rows(result)
    shown: tuple[str, str] | None = None
    for row in rows:
        if shown is None or shown[0] != row["country"]:
            console.print(f"\n[bold]{escape(row['country_name'])} ({row['country']})[/bold]")
        if shown is None or shown != (row["country"], row["lead_name"]):
            console.print(f"  {escape(row['lead_name'])}")
        shown = (row["country"], row["lead_name"])
        mark = TREND_MARKS.get(row["trend"], "")
        console.print(
            f"    {row['number']}. {escape(row['title'])}: [{STYLES[row['status']]}] {row['status']} [/] "
            f"{mark} {row['date'].isoformat()}"
        )
    unassessed: dict[str, list[str]] = {}
    for matrix_row in result.rows:
        for cell in matrix_row.cells:
            if cell.lead is None and cell.applies:
                unassessed.setdefault(cell.country, []).append(str(matrix_row.number))
    if unassessed:
        listed = "; ".join(f"{code}: {', '.join(numbers)}" for code, numbers in unassessed.items())
        console.print(f"\nNot assessed yet (no lead institution): {listed}", style="dim")


def _print_overdue(console: Any, result: FollowUp) -> None:
    from rich.markup import escape

    day = result.as_of.isoformat() if result.as_of else ""
    if not result.overdue:
        console.print(
            f"No step is past its horizon without an assessment of full implementation (as of {day})."
        )
    else:
        console.print(f"Steps past their horizon with no assessment of full implementation, as of {day}:")
        for step in result.overdue:
            console.print(
                f"  {step.country}  {step.number}.{step.step}  {escape(step.step_text)}\n"
                f"        “{escape(step.title)}”: horizon {escape(step.horizon)} from {step.given.isoformat()}, "
                f"due {step.due.isoformat()}; latest status: {step.status}"
            )
    for rec, horizon in result.undated:
        console.print(
            f"Not checked: the horizon of {rec} ({escape(repr(horizon))}) is not a duration.", style="dim"
        )


def _report(
    loaded: LoadedBrief,
    result: FollowUp,
    released: dict[str, dt.date],
    folder: Path,
    formats: str,
    languages: list[str],
) -> None:
    """Write the implementation report in each language and format: DIR/<lang>/<brief>-implementation-report-e<N>.<ext>."""
    from briefgen.atomic import write_bytes_atomic
    from briefgen.errors import TranslationIncomplete, UsageError, check_output_folder, writing_to
    from briefgen.tailoring.followup import follow_up
    from briefgen.tailoring.report import implementation_report
    from briefgen.translation.build import Incomplete, in_languages

    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in ("pdf", "docx", "html")]
    if unknown or not wanted:
        raise UsageError(f"the report's formats are pdf, docx and html, not {', '.join(unknown) or 'none'}")
    check_output_folder(folder, "--report")
    made = []
    incomplete: list[Incomplete] = []
    for localised, countries in in_languages(
        loaded, languages, loaded.brief.countries, False, incomplete=incomplete
    ):
        if len(countries) < len(loaded.brief.countries):
            continue  # a report covers every country: that language is incomplete, said below
        localised_result = follow_up(localised, released=released, as_of=result.as_of)
        report = implementation_report(localised, localised_result)
        for fmt in wanted:
            data = _render_report(report, fmt)
            path = folder / report.language / f"{report.slug}.{fmt}"
            with writing_to(path):
                path.parent.mkdir(parents=True, exist_ok=True)
                write_bytes_atomic(path, data)
            made.append(path)
    for path in made:
        typer.echo(str(path))
    if incomplete:  # strict, as a build is: an incomplete translation makes no report in that language
        raise TranslationIncomplete(incomplete[0].language, list(incomplete[0].problems))


def _render_report(report: Any, fmt: str) -> bytes:
    if fmt == "pdf":
        from briefgen.render.pdf import PdfRenderer

        return PdfRenderer().render_report(report)
    if fmt == "docx":
        from briefgen.render.docx import DocxRenderer

        return DocxRenderer().render_report(report)
    from briefgen.render.html import HtmlRenderer

    return HtmlRenderer().render_report(report)


def _print_grid(result: FollowUp) -> None:
    """Print the matrix as plain columns: a cell is its status word and trend (– : not in its brief)."""
    width = 16
    lines = ["Recommendation".ljust(8) + "".join(code.ljust(width) for code, _ in result.countries)]
    for row in result.rows:
        cells = []
        for cell in row.cells:
            text = "–" if not cell.applies and cell.date is None else cell.status
            if cell.date is not None:
                text += " " + TREND_MARKS.get(cell.trend or "", "")
            cells.append(text.ljust(width))
        lines.append(f"{row.number:>4}.   " + "".join(cells) + f"  {row.title}")
    lines.append(
        "Each cell: the latest status as a whole and its trend (↑ better, ↓ worse, = unchanged, new: the first)."
    )
    typer.echo("\n".join(lines))
