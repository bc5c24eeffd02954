"""Draw the implementation report's chart: statuses over time, one panel per country (matplotlib).

The figures' look (`render.charts`): the labels' sans at 8 pt, light horizontal grid, no box,
no legend. Each recommendation is a step line, labelled with its number at its end; the
statuses are the y axis's words, so the chart reads without colour. Lines that share a status
are set a little apart so that none hides another. Same chart, same bytes (the SVG's hash
salt and metadata are fixed, as for the briefs' figures).
"""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from typing import Any

from briefgen.document.report import StatusChart
from briefgen.render import charts

PANEL_HEIGHT_CM = 5.2
COLUMNS = 3


def svg(chart: StatusChart) -> bytes:
    """Return the chart as a standalone SVG file."""
    return _draw(chart, "svg")


def png(chart: StatusChart) -> bytes:
    """Return the chart as a PNG, 16 cm wide, for Word."""
    return _draw(chart, "png")


@lru_cache(maxsize=8)
def _draw(chart: StatusChart, fmt: str) -> bytes:
    charts._load_matplotlib()
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure as Canvas

    style = dict(charts._STYLE)
    if chart.font:
        style["font.sans-serif"] = [chart.font, *charts.SANS]
    accent = chart.accent or charts.ACCENT
    panels = len(chart.countries)
    columns = min(COLUMNS, panels)
    rows = -(-panels // columns)
    buffer = io.BytesIO()
    with charts._DRAWING, charts._rc_context(style):
        height = rows * PANEL_HEIGHT_CM + 0.4
        canvas = Canvas(figsize=(charts.WIDTH_CM / 2.54, height / 2.54), dpi=100)
        grid = canvas.add_gridspec(
            rows,
            columns,
            left=0.19,
            right=0.96,
            top=1 - 0.55 / height,
            bottom=1.0 / height,
            wspace=0.14,
            hspace=0.55,
        )
        start = _day(chart.start - dt.timedelta(days=20))
        end = _day(chart.end + dt.timedelta(days=20))
        for n, (code, name) in enumerate(chart.countries):
            ax = canvas.add_subplot(grid[n // columns, n % columns])
            own = [s for s in chart.series if s.country == code]
            for k, series in enumerate(own):
                offset = (k - (len(own) - 1) / 2) * 0.11  # lines that share a status stay visible
                xs = [_day(day) for day, _ in series.points] + [end]
                ys = [value + offset for _, value in series.points]
                ys.append(ys[-1])
                ax.step(xs, ys, where="post", color=accent, linewidth=1.4, solid_capstyle="butt")
                ax.plot(xs[:-1], ys[:-1], linestyle="none", marker="o", markersize=2.8, color=accent)
                ax.annotate(
                    str(series.number),
                    xy=(end, ys[-1]),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    ha="left",
                    fontsize=7.5,
                    fontweight="bold",
                    color=accent,
                    annotation_clip=False,
                )
            ax.set_title(name, loc="left", fontsize=8.5, fontweight="bold", color="#1b1f22", pad=4)
            ax.set_xlim(start, end)
            ax.set_ylim(-0.4, len(chart.scale) - 0.6)
            ax.set_yticks(range(len(chart.scale)))
            ax.set_yticklabels(chart.scale if n % columns == 0 else [])
            ticks = _ticks(chart.start, chart.end)
            ax.set_xticks([_day(day) for day in ticks])
            ax.set_xticklabels(_tick_labels(ticks, chart.language))
            _plain_axes(ax)
        buffer = io.BytesIO()
        if fmt == "svg":
            charts._save_svg(canvas, buffer)
        else:
            canvas.savefig(buffer, format="png", dpi=200, metadata={"Software": charts.CREATOR})
    return buffer.getvalue()


def _day(day: dt.date) -> float:
    """Return a date as the x axis counts (days); the ticks are placed and labelled by hand."""
    return float(day.toordinal())


def _ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    """Return the first day of each quarter between `start` and `end` (of each year, over four years)."""
    step = 3 if (end - start).days <= 4 * 365 else 12
    day = dt.date(start.year, 1, 1)
    out = []
    while day <= end:
        if day >= start:
            out.append(day)
        month = day.month - 1 + step
        day = dt.date(day.year + month // 12, month % 12 + 1, 1)
    return out


def _tick_labels(ticks: list[dt.date], language: str) -> list[str]:
    """Return each tick's month in the chart's language, with the year under the first and each January's."""
    from babel.dates import format_date

    from briefgen.document.formatting import locale_for

    locale = locale_for(language)
    labels = []
    for n, day in enumerate(ticks):
        month = str(format_date(day, "LLL", locale=locale))
        labels.append(f"{month}\n{day.year}" if n == 0 or day.month == 1 else month)
    return labels


def _plain_axes(ax: Any) -> None:
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.yaxis.grid(True, color=charts.GRID, linewidth=0.6)
    ax.xaxis.grid(False)
    ax.set_axisbelow(True)
    ax.tick_params(axis="both", bottom=False, left=False, pad=2, labelsize=7)
