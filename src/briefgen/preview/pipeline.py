"""The project's own pipeline, as the preview calls it: every import of another stage is here.

The preview re-implements nothing: it loads with `briefgen.load_brief` (which carries the last
release, for the changes box), tailors with `briefgen.tailor`, takes the reasons from
`explain`, and renders through the renderer registry. When those modules move, this file is
the one to follow them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefgen.document.model import TailoredBrief
    from briefgen.sources.aggregate import LoadedBrief


def load(folder: Path) -> LoadedBrief:
    """Load and validate a brief; raise InputError listing every problem (as `validate` does)."""
    from briefgen import load_brief

    return load_brief(folder)


def in_language(loaded: LoadedBrief, language: str) -> LoadedBrief:
    """Return the brief in `language`; what the catalogs lack stays in the source language, marked."""
    from briefgen.translation.apply import localise

    return localise(loaded, language, allow_untranslated=True)


def tailored(loaded: LoadedBrief, country: str, scenario: str | None) -> TailoredBrief:
    """Return one government's finished brief, the changes since the last release included."""
    from briefgen import tailor

    return tailor(loaded, country, scenario)


def decisions(loaded: LoadedBrief, brief: TailoredBrief) -> list[dict[str, Any]]:
    """Return each recommendation in or out of `brief`, with explain's reason lines."""
    from briefgen.tailoring.explain import explanation, reason_lines

    items = explanation(loaded, brief)["recommendations"]
    return [{**item, "reason_lines": reason_lines(item)} for item in items]


def assessment_history(loaded: LoadedBrief) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Return each (recommendation, country)'s assessments, newest first, as the overview shows them."""
    from briefgen.document.doctree import plain_inlines
    from briefgen.tailoring.progress import first_sentence, status_label
    from briefgen.tailoring.report import profile_lead

    language = loaded.brief.language
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for code, assessments in loaded.tracking.items():
        if code not in loaded.countries:
            continue
        for item in sorted(assessments, key=lambda a: a.date, reverse=True):
            out.setdefault((item.recommendation, code), []).append(
                {
                    "date": item.date.isoformat(),
                    "status": item.status,
                    "label": status_label(item.status, language),
                    "step": item.step,
                    "sentence": plain_inlines(first_sentence(loaded.rich(item.summary))),
                    "lead": profile_lead(loaded, code, item),
                    "illustrative": item.illustrative,
                }
            )
    return out


def render(brief: TailoredBrief, fmt: str) -> bytes:
    """Return the document in format `fmt`, from the renderer registry."""
    from briefgen.render import renderer_for

    return renderer_for(fmt).render(brief)


def review_report(folder: Path, loaded: LoadedBrief) -> tuple[str, str]:
    """Return the review report of the files in the brief's reviews/ folder: HTML fragment and CSS.

    Reads only: the files, the sources and the released editions (not the distribution ledger).
    """
    from briefgen.review import review, reviewed_files
    from briefgen.review.report import report_css, report_fragment

    found = review(folder, reviewed_files(folder), working=loaded, ledger=False)
    return report_fragment(found), report_css()


def media_type(fmt: str) -> str:
    """Return the media type of a format, from the formats table."""
    from briefgen.formats import format_named

    return format_named(fmt).media_type


def forget_renderers() -> None:
    """Drop the process's renderers, so the next document reads the templates afresh."""
    from briefgen.render import renderer_for

    renderer_for.cache_clear()


def templates_dir() -> Path:
    """Return the folder of the documents' templates and assets."""
    from briefgen.render import templates_dir as _templates_dir

    return _templates_dir()


def file_name(brief: TailoredBrief, fmt: str) -> str:
    """Return the name `build` gives this document."""
    from briefgen.build.plan import output_path

    _, relative = output_path(Path("build"), brief, fmt)
    return Path(relative).name


def countries_dir(folder: Path) -> Path:
    """Return the folder of the shared country profiles for a brief folder."""
    from briefgen.sources.layout import COUNTRIES_DIR

    return folder.parent / COUNTRIES_DIR
