"""Export a tailored brief as Pandoc Markdown, for the peer pipeline the benchmark compares with.

The same content as briefgen's own documents (title block, summary, profile table, analysis,
recommendations, references), so pandoc converts what briefgen renders.
"""

from __future__ import annotations

from collections.abc import Callable

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
from briefgen.document.outline import Part, outline
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
        rows, sources = source_notes(brief.profile)
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

    def recommendations() -> list[str]:
        recs = [f"# {labels['recommendations']}", ""]
        for rec in brief.recommendations:
            recs += [
                f"## {rec.number}. {_rich(rec.title)}",
                "",
                f"**{labels['when']}** {_rich(rec.trigger)}",
                "",
            ]
            if rec.applies_because:
                recs += [f"*{labels['applies']}:* {'; '.join(rec.applies_because)}.", ""]
            recs += [f"**{labels['what']}** {_rich(rec.action)}", ""]
            recs += [f"{n}. {_rich(step)}" for n, step in enumerate(rec.steps, 1)] + [""]
            if rec.rationale is not None:
                recs += [f"**{labels['why']}** {_rich(rec.rationale)}", ""]
            if rec.evidence:
                recs += [f"**{labels['evidence']}**", ""]
                recs += [f"- {_inlines(e.cited())}" for e in rec.evidence] + [""]
            if rec.country_note is not None:
                recs += [
                    f"> **{fill(labels['for_country'], country=brief.country_name)}** {_rich(rec.country_note)}",
                    "",
                ]
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
