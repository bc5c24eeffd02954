"""Export a tailored brief as Pandoc Markdown, for the peer pipeline the benchmark compares with.

The same content as briefgen's own documents (title block, summary, profile table, analysis,
recommendations, references), so pandoc converts what briefgen renders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from briefgen.document.doctree import (
    Block,
    BulletList,
    Citation,
    Code,
    Emphasis,
    Footnote,
    Inline,
    LineBreak,
    Link,
    NumberedList,
    Paragraph,
    RichText,
    Strong,
    Text,
)
from briefgen.document.model import TailoredBrief, source_notes
from briefgen.document.outline import Part, card, outline
from briefgen.document.words import fill, words

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>#|^~$"})


def _inlines(children: tuple[Inline, ...]) -> str:
    out = []
    for node in children:
        if isinstance(node, Text):
            out.append(node.text.translate(_SPECIAL))
        elif isinstance(node, Emphasis):
            out.append(f"*{_inlines(node.children)}*")
        elif isinstance(node, Strong):
            out.append(f"**{_inlines(node.children)}**")
        elif isinstance(node, Code):
            out.append(f"`{node.text}`")
        elif isinstance(node, LineBreak):
            out.append("\\\n")
        elif isinstance(node, Link):
            out.append(f"[{_inlines(node.children)}]({node.href})")
        elif isinstance(node, Citation):
            out.append(f"({node.text.translate(_SPECIAL)})")
        elif isinstance(node, Footnote):
            out.append(f"^[{_inlines(node.children)}]")
    return "".join(out)


def _blocks(blocks: tuple[Block, ...], indent: str = "") -> str:
    parts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(indent + _inlines(block.children))
        elif isinstance(block, BulletList | NumberedList):
            lines = []
            for n, item in enumerate(block.items, 1):
                marker = "- " if isinstance(block, BulletList) else f"{n}. "
                body = _blocks(item, indent + "   ").lstrip()
                lines.append(indent + marker + body)
            parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _rich(text: RichText) -> str:
    return _blocks(text.blocks)


def to_markdown(brief: TailoredBrief) -> str:
    """Return the brief as one Pandoc Markdown document, its parts in the brief's own outline."""
    labels = words(brief.language)
    meta = [
        "---",
        f"title: {_quote(brief.title)}",
        *([f"subtitle: {_quote(brief.subtitle)}"] if brief.subtitle else []),
        f"author: {_quote(brief.organisation)}",
        f"date: {_quote(brief.date_text)}",
        f"lang: {brief.language}",
        "---",
        "",
    ]

    def title() -> list[str]:
        return [
            f"**{brief.prepared_for}** · {fill(labels['edition'], edition=brief.edition)}"
            + (f" · {brief.marking}" if brief.marking else ""),
            "",
        ]

    def changes() -> list[str]:
        assert brief.changes is not None
        lines = [f"# {fill(labels['changes'], edition=brief.changes.edition)}", ""]
        shown = brief.changes.lines or (fill(labels["no_changes"], edition=brief.changes.edition),)
        return [*lines, *(f"- {line}" for line in shown), ""]

    def summary() -> list[str]:
        return [f"# {labels['summary']}", "", _rich(brief.summary), ""]

    def profile() -> list[str]:
        rows, sources = source_notes(brief.profile, brief.language)
        return [
            f"# {fill(labels['at_a_glance'], country=brief.country_name)}",
            "",
            f"| {labels['fact']} | {labels['value']} | {labels['year']} |",
            "|---|---|---|",
            *(
                f"| {r.label.translate(_SPECIAL)}{f'^{letter}^' if letter else ''} | "
                f"{r.value.translate(_SPECIAL)} | {r.year or ''} |"
                for r, letter in rows
            ),
            "",
            *(
                [f"{labels['sources']}: " + "; ".join(f"^{k}^ {v}" for k, v in sources) + ".", ""]
                if sources
                else []
            ),
            *(f"- {_rich(h)}" for h in brief.highlights),
            "",
        ]

    def analysis() -> list[str]:
        out: list[str] = []
        for heading, body in brief.sections:
            out += [f"# {heading}", "", _rich(body), ""]
        return out

    def card_parts(rec: Any) -> dict[str, Callable[[], list[str]]]:
        """One Markdown block per card part, walked in `card(rec)`'s order like every format."""
        return {
            "heading": lambda: [f"## {rec.number}. {_rich(rec.title)}", ""],
            "meta": lambda: [
                " · ".join(
                    [f"*{labels['horizon']}* {rec.horizon}"] * bool(rec.horizon)
                    + [f"*{labels['addressed_to']}* {'; '.join(rec.institutions)}"] * bool(rec.institutions)
                ),
                "",
            ],
            "progress": lambda: [
                f"*{labels['progress']}* "
                + fill(
                    labels[
                        "progress_status_illustrative" if rec.progress.illustrative else "progress_status"
                    ],
                    status=rec.progress.label,
                    date=rec.progress.date_text,
                )
                + f" · {_inlines(rec.progress.text)}",
                "",
            ],
            "when": lambda: (
                [f"**{labels['when']}** {_rich(rec.trigger)}", ""]
                + ([rec.applies_because, ""] if rec.applies_because else [])
            ),
            "watch": lambda: [f"**{labels['watch']}**", ""] + [f"- {_rich(w)}" for w in rec.watch] + [""],
            "what": lambda: (
                [f"**{labels['what']}** {_rich(rec.action)}", ""]
                + [f"{n}. {_rich(step)}" for n, step in enumerate(rec.steps, 1)]
                + [""]
            ),
            "why": lambda: [f"**{labels['why']}** {_rich(rec.rationale)}", ""],
            "evidence": lambda: (
                [f"**{labels['evidence']}**", ""] + [f"- {_inlines(e.cited())}" for e in rec.evidence] + [""]
            ),
            "country_note": lambda: [
                f"> **{fill(labels['for_country'], country=brief.country_name)}** {_rich(rec.country_note)}",
                "",
            ],
        }

    def recommendations() -> list[str]:
        recs = [f"# {labels['recommendations']}", ""]
        for rec in brief.recommendations:
            blocks = card_parts(rec)
            for part in card(rec):
                recs += blocks[part]()
        return recs

    def references() -> list[str]:
        return [f"# {labels['references']}", ""] + [f"{_inlines(r.entry)}\n" for r in brief.references]

    parts: dict[Part, Callable[[], list[str]]] = {
        "title": title,
        "changes": changes,
        "changes_continued": lambda: [],  # the peer export lists every change in its first part
        "summary": summary,
        "profile": profile,
        "analysis": analysis,
        "recommendations": recommendations,
        "references": references,
    }
    body = [line for part in outline(brief) for line in parts[part]()]
    return "\n".join(meta + body) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
