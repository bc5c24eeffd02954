"""`briefgen build`: render every brief, country and format; incremental and parallel.

The command's options are made from `briefgen.build.request.OPTIONS`, the table the command's
first step reads plain arguments with, so the two readers cannot disagree.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import typer

from briefgen.build.request import OPTIONS, Option, default_of, request_from
from briefgen.cli.common import BRIEF_ARGUMENT


def _parameter(option: Option) -> inspect.Parameter:
    """Return the Typer parameter of one row of the table."""
    default = default_of(option.field)
    kind: Any
    if option.flag:
        kind, shown = bool, default
    elif option.repeated:
        kind, shown = list[str], list(default)
    elif option.read is int:
        kind, shown = int | None, default
    elif option.read is Path:
        kind, shown = Path, default
    else:
        kind = str | None if default is None else str
        shown = default if option.shown_default is None else option.shown_default
    info = typer.Option(shown, *option.flags, help=option.help, min=option.at_least)
    return inspect.Parameter(option.field, inspect.Parameter.KEYWORD_ONLY, default=info, annotation=kind)


def build(brief: Path | None = BRIEF_ARGUMENT, **values: Any) -> int:
    """Build the tailored briefs: every brief x country x format, skipping what has not changed."""
    from briefgen.build.command import run_command
    from briefgen.sources.layout import brief_folders

    return run_command(request_from(values, tuple(brief_folders(brief))))


_brief = inspect.signature(build).parameters["brief"].replace(annotation=Path | None)
build.__signature__ = inspect.Signature([_brief, *map(_parameter, OPTIONS)])  # type: ignore[attr-defined]
build.__annotations__ = {p.name: p.annotation for p in build.__signature__.parameters.values()}  # type: ignore[attr-defined]
