"""Export a tailored brief as Pandoc Markdown, for the peer pipeline the benchmark compares with.

The same content as briefgen's own documents (title block, summary, profile table, analysis,
recommendations, references), so pandoc converts what briefgen renders.
"""

from __future__ import annotations

from briefgen.doctree import (
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
from briefgen.document.model import TailoredBrief
from briefgen.labels import fill, labels

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
    """Return the brief as one Pandoc Markdown document."""
    words = labels(brief.language)
    meta = [
        "---",
        f"title: {_quote(brief.title)}",
        *([f"subtitle: {_quote(brief.subtitle)}"] if brief.subtitle else []),
        f"author: {_quote(brief.organisation)}",
        f"date: {_quote(brief.date_text)}",
        f"lang: {brief.language}",
        "---",
        "",
        f"**{brief.prepared_for}** · {fill(words['edition'], edition=brief.edition)}"
        + (f" · {brief.marking}" if brief.marking else ""),
        "",
        f"# {words['summary']}",
        "",
        _rich(brief.summary),
        "",
        f"# {fill(words['at_a_glance'], country=brief.country_name)}",
        "",
        f"| {words['fact']} | {words['value']} | {words['year']} | {words['source']} |",
        "|---|---|---|---|",
        *(
            f"| {r.label.translate(_SPECIAL)} | {r.value.translate(_SPECIAL)} | {r.year or ''} | {r.source or ''} |"
            for r in brief.profile
        ),
        "",
        *(f"- {_rich(h)}" for h in brief.highlights),
        "",
    ]
    analysis = []
    for heading, body in brief.sections:
        analysis += [f"# {heading}", "", _rich(body), ""]
    recs = [f"# {words['recommendations']}", ""]
    for rec in brief.recommendations:
        recs += [f"## {rec.number}. {_rich(rec.title)}", "", f"**{words['when']}** {_rich(rec.trigger)}", ""]
        if rec.applies_because:
            recs += [f"*{words['applies']}:* {'; '.join(rec.applies_because)}.", ""]
        recs += [f"**{words['what']}** {_rich(rec.action)}", ""]
        recs += [f"{n}. {_rich(step)}" for n, step in enumerate(rec.steps, 1)] + [""]
        if rec.rationale is not None:
            recs += [f"**{words['why']}** {_rich(rec.rationale)}", ""]
        if rec.evidence:
            recs += [f"**{words['evidence']}**", ""]
            recs += [f"- {_inlines(e.cited())}" for e in rec.evidence] + [""]
        if rec.country_note is not None:
            recs += [
                f"> **{fill(words['for_country'], country=brief.country_name)}** {_rich(rec.country_note)}",
                "",
            ]
    body = analysis + recs if brief.analysis_position != "after-recommendations" else recs + analysis
    references = [f"# {words['references']}", ""] + [f"{_inlines(r.entry)}\n" for r in brief.references]
    return "\n".join(meta + body + references) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
