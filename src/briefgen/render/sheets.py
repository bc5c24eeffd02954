"""The follow-up as tables, for the people who live in spreadsheets: CSV and an XLSX workbook.

The CSV holds one view (the cells, one row each; or the overdue steps). The workbook holds
every view, one sheet each: the matrix (recommendations by countries, a status word and its
colour in each cell), the cells (the CSV's rows, dates as dates), the cells by lead
institution, and the overdue steps. Every sheet's header row is frozen, and every status
column offers the scale as a drop-down list (data validation), so a status typed by hand is
one of the six. Same follow-up, same bytes: the workbook's dates are the brief's, not the clock's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from briefgen.document.followup import Cell, FollowUp

SCALE = ("not-assessed", "no-progress", "limited", "some", "substantial", "full")
"""The statuses, in order (as `models.tracking.STATUSES`; renderers do not import the models)."""

FILLS = {
    "not-assessed": "FFFFFF",
    "no-progress": "E4EEEF",
    "limited": "B4D0D2",
    "some": "78A9AD",
    "substantial": "3D7F84",
    "full": "0F5257",
}
"""The status colours of print.css: one hue, light (no progress) to the accent (full)."""
WHITE_TEXT = {"substantial", "full"}

CELL_COLUMNS = (
    "recommendation",
    "number",
    "title",
    "country",
    "country_name",
    "applies",
    "status",
    "date",
    "trend",
    "previous_status",
    "lead",
    "lead_name",
    "assessments",
)
INSTITUTION_COLUMNS = (
    "lead_name",
    "lead",
    "country",
    "country_name",
    "number",
    "title",
    "status",
    "date",
    "trend",
)
OVERDUE_COLUMNS = (
    "recommendation",
    "number",
    "title",
    "step",
    "step_text",
    "country",
    "horizon",
    "given",
    "due",
    "status",
    "as_of",
)


def cell_rows(follow_up: FollowUp) -> list[dict[str, Any]]:
    """Return every cell as a flat row (dates as dates), in the matrix's order."""
    names = dict(follow_up.countries)
    out = []
    for row in follow_up.rows:
        for cell in row.cells:
            out.append(
                {
                    "recommendation": row.recommendation,
                    "number": row.number,
                    "title": row.title,
                    "country": cell.country,
                    "country_name": names[cell.country],
                    "applies": "yes" if cell.applies else "no",
                    "status": cell.status,
                    "date": cell.date,
                    "trend": cell.trend or "",
                    "previous_status": cell.previous or "",
                    "lead": cell.lead or "",
                    "lead_name": cell.lead_name or "",
                    "assessments": cell.assessments,
                }
            )
    return out


def institution_rows(follow_up: FollowUp) -> list[dict[str, Any]]:
    """Return the assessed cells grouped by lead institution (by country, then institution name)."""
    names = dict(follow_up.countries)
    rows: list[tuple[Cell, Any]] = [(cell, row) for row in follow_up.rows for cell in row.cells if cell.lead]
    order = {code: n for n, (code, _) in enumerate(follow_up.countries)}
    rows.sort(key=lambda pair: (order[pair[0].country], pair[0].lead_name or "", pair[1].number))
    return [
        {
            "lead_name": cell.lead_name,
            "lead": cell.lead,
            "country": cell.country,
            "country_name": names[cell.country],
            "number": row.number,
            "title": row.title,
            "status": cell.status,
            "date": cell.date,
            "trend": cell.trend or "",
        }
        for cell, row in rows
    ]


def overdue_rows(follow_up: FollowUp) -> list[dict[str, Any]]:
    """Return the overdue steps as flat rows."""
    return [
        {
            "recommendation": step.recommendation,
            "number": step.number,
            "title": step.title,
            "step": step.step,
            "step_text": step.step_text,
            "country": step.country,
            "horizon": step.horizon,
            "given": step.given,
            "due": step.due,
            "status": step.status,
            "as_of": follow_up.as_of,
        }
        for step in follow_up.overdue
    ]


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> bytes:
    """Return rows as CSV (UTF-8 with a byte-order mark, so spreadsheets read it as UTF-8)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(follow_up: FollowUp) -> bytes:
    """Return the follow-up as a workbook: Matrix, Cells, By institution, Overdue."""
    from openpyxl import Workbook

    book = Workbook()
    matrix = book.active
    matrix.title = "Matrix"
    _matrix(matrix, follow_up)
    _table(book.create_sheet("Cells"), CELL_COLUMNS, cell_rows(follow_up), ("status", "previous_status"))
    _table(book.create_sheet("By institution"), INSTITUTION_COLUMNS, institution_rows(follow_up), ("status",))
    _table(book.create_sheet("Overdue"), OVERDUE_COLUMNS, overdue_rows(follow_up), ("status",))
    stamp = dt.datetime.combine(follow_up.date, dt.time())
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.creator = "briefgen"
    book.properties.title = f"{follow_up.brief_id}: follow-up, edition {follow_up.edition}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _status_list() -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        type="list",
        formula1='"' + ",".join(SCALE) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Status",
        error="A status is one of: " + ", ".join(SCALE),
    )


def _header(sheet: Any, columns: Iterable[str]) -> None:
    from openpyxl.styles import Font

    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _table(
    sheet: Any, columns: Sequence[str], rows: Sequence[dict[str, Any]], statuses: Sequence[str]
) -> None:
    from openpyxl.utils import get_column_letter

    _header(sheet, columns)
    for row in rows:
        sheet.append([row[c] if row[c] != "" else None for c in columns])
    for n, column in enumerate(columns, start=1):
        letter = get_column_letter(n)
        if column in ("date", "given", "due", "as_of"):
            for cell in sheet[letter][1:]:
                cell.number_format = "yyyy-mm-dd"
        if column in statuses:
            validation = _status_list()
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{max(len(rows) + 1, 2)}")
        width = max([len(column), *(len(str(r[column])) for r in rows)], default=10)
        sheet.column_dimensions[letter].width = min(max(width + 2, 10), 60)


def _matrix(sheet: Any, follow_up: FollowUp) -> None:
    """Recommendations down, countries across; a cell is the status word on its colour."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    codes = [code for code, _ in follow_up.countries]
    _header(sheet, ["number", "recommendation", *codes])
    sheet.freeze_panes = "C2"
    for row in follow_up.rows:
        sheet.append([row.number, row.title, *(cell.status for cell in row.cells)])
        for cell, target in zip(row.cells, sheet[sheet.max_row][2:], strict=True):
            target.fill = PatternFill("solid", fgColor=FILLS[cell.status])
            target.font = Font(color="FFFFFF" if cell.status in WHITE_TEXT else "1B1F22")
            target.alignment = Alignment(horizontal="center")
    if codes:
        validation = _status_list()
        sheet.add_data_validation(validation)
        last = get_column_letter(2 + len(codes))
        validation.add(f"C2:{last}{max(len(follow_up.rows) + 1, 2)}")
    sheet.column_dimensions["B"].width = 60
    for n in range(3, 3 + len(codes)):
        sheet.column_dimensions[get_column_letter(n)].width = 14
