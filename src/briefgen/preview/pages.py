"""The preview's pages: the overview, a country's preview (the brief's own HTML), and the rest.

Every page goes through one autoescaping, strict Jinja environment of the preview's own
templates, so text from the sources prints as text. A country's preview is the HTML the
renderer registry makes for the PDF, unchanged, with the preview's bar, banner, stylesheet
and script added at the edges. No page carries an inline script; the brief's inline
stylesheet is allowed by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from briefgen.errors import RenderError
from briefgen.preview import pipeline
from briefgen.preview.languages import language_names, languages
from briefgen.preview.model import Page

if TYPE_CHECKING:
    from briefgen.document.model import TailoredBrief
    from briefgen.preview.model import Snapshot
    from briefgen.sources.aggregate import LoadedBrief

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
_DIGEST_SLOT = "\x00digest\x00"  # the loader refuses U+0000 in sources, so data never holds it
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_BODY = re.compile(r"<body\b[^>]*>")


@cache
def environment() -> Environment:
    """Return the preview's template environment (autoescaping, strict about undefined names)."""
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page_url(country: str | None, scenario: str | None, suffix: str = "", language: str | None = None) -> str:
    """Return the path of a page; the scenario and the language go in the query only when chosen."""
    path = "/" if country is None else f"/country/{country}{suffix}"
    query = {k: v for k, v in (("scenario", scenario), ("lang", language)) if v}
    return path + ("?" + urlencode(query) if query else "")


def language_links(
    loaded: LoadedBrief, country: str | None, scenario: str | None, language: str | None
) -> list[dict[str, Any]]:
    """Return the language switch of a page: one link per language the brief is published in."""
    source = loaded.brief.languages[0]
    current = language or source
    return [
        {
            "code": code,
            "name": name,
            "href": page_url(country, scenario, language=None if code == source else code),
            "current": code == current,
        }
        for code, name in language_names(loaded)
    ]


def overview(
    snapshot: Snapshot,
    briefs: list[TailoredBrief],
    scenario: str | None,
    language: str | None = None,
    localised: LoadedBrief | None = None,
) -> Page:
    """Return the overview: title, edition, validation state, languages and the matrix.

    In a `language` other than the sources', the matrix and the links speak it (`localised`
    is the brief in that language); the preview's own words stay English, the analyst's.
    """
    loaded = snapshot.loaded
    assert loaded is not None
    shown = localised or loaded
    brief = shown.brief
    columns = [
        {
            "code": b.country,
            "name": b.country_name,
            "href": page_url(b.country, scenario, language=language),
            "pdf": page_url(b.country, scenario, "/pdf", language),
            "docx": page_url(b.country, scenario, "/docx", language),
            "count": len(b.recommendations),
        }
        for b in briefs
    ]
    rows: dict[str, dict[str, Any]] = {}
    histories = pipeline.assessment_history(loaded)
    for b in briefs:
        for item in pipeline.decisions(shown, b):
            row = rows.setdefault(
                item["id"],
                {"id": item["id"], "title": item["title"], "priority": item["priority"], "cells": []},
            )
            history = histories.get((item["id"], b.country), [])
            whole = next((h for h in history if h["step"] is None), None)
            row["cells"].append(
                {
                    "country": b.country,
                    "included": item["included"],
                    "reasons": item["reason_lines"],
                    "status": whole["status"] if whole else "not-assessed",
                    "status_label": whole["label"] if whole else None,
                    "status_date": whole["date"] if whole else None,
                    "history": history,
                }
            )
    active = briefs[0].scenario if briefs else brief.scenario
    context = {
        "brief": brief,
        "marking": brief.marking_in(language or brief.languages[0]),
        "language": language,
        "language_links": language_links(loaded, None, scenario, language),
        "released": loaded.previous.brief.edition if loaded.previous else None,
        "scenarios": [{"id": k, "label": v.label} for k, v in brief.scenarios.items()],
        "scenario": active,
        "scenario_chosen": scenario,
        "languages": languages(loaded),
        "columns": columns,
        "rows": list(rows.values()),
    }
    return _page("overview.html", snapshot, context)


def country(
    snapshot: Snapshot, brief: TailoredBrief, html: str, scenario: str | None, language: str | None = None
) -> Page:
    """Return one country's preview: the brief's own HTML with the preview's bar (and its
    language switch) on top."""
    head_end = html.find("</head>")
    body = _BODY.search(html)
    if head_end < 0 or body is None or body.start() < head_end:
        raise RenderError("the brief's HTML has no <head> and <body> to add the preview to")
    env = environment()
    context = {
        "snapshot": snapshot,
        "brief": brief,
        "overview": page_url(None, scenario, language=language),
        "pdf": page_url(brief.country, scenario, "/pdf", language),
        "docx": page_url(brief.country, scenario, "/docx", language),
        "language_links": language_links(snapshot.loaded, brief.country, scenario, language)
        if snapshot.loaded is not None
        else [],
        "digest": _DIGEST_SLOT,
    }
    head = env.get_template("head.html").render(context)
    bar = env.get_template("country-bar.html").render(context)
    text = html[:head_end] + head + html[head_end : body.end()] + bar + html[body.end() :]
    hashes = tuple(_style_hash(css) for css in _STYLE.findall(html[:head_end]))
    return _finish(200, text, hashes)


def review(snapshot: Snapshot, fragment: str | None, css: str, problem: str | None) -> Page:
    """Return the review page: the report on the reviewers' files in the brief's reviews/ folder."""
    context = {"fragment": fragment, "css": css, "problem": problem}
    text = environment().get_template("review.html").render(snapshot=snapshot, digest=_DIGEST_SLOT, **context)
    return _finish(200, text, (_style_hash(css),))


def missing(snapshot: Snapshot, message: str) -> Page:
    """Return the page for a country or scenario the brief does not have."""
    return _page("missing.html", snapshot, {"message": message}, status=404)


def waiting(snapshot: Snapshot, folder: Path) -> Page:
    """Return the page shown while the sources have never loaded."""
    return _page("waiting.html", snapshot, {"folder": str(folder)})


def _page(name: str, snapshot: Snapshot, context: dict[str, Any], status: int = 200) -> Page:
    text = environment().get_template(name).render(snapshot=snapshot, digest=_DIGEST_SLOT, **context)
    return _finish(status, text)


def _finish(status: int, text: str, hashes: tuple[str, ...] = ()) -> Page:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
    return Page(status, text.replace(_DIGEST_SLOT, digest, 1), digest, hashes)


def _style_hash(css: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii") + "'"
