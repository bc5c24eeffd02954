"""Parse briefgen's Markdown subset into the document tree, with markdown-it-py.

The subset: paragraphs, *emphasis*, **strong**, `code`, bullet and numbered lists, links,
citations `[@key]`, `[@key, p. 12]` or `[@a; @b, p. 3]`, and inline footnotes `^[text]`.
Raw HTML, images, headings, tables and entities are not parsed, so they print as the
characters typed: `<b>` stays four characters, `![x](file:///etc/passwd)` stays text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from briefgen.document.doctree import (
    Block,
    BulletList,
    Citation,
    CiteItem,
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
    Table,
    Text,
)
from briefgen.document.typography import bind, quotes, typeset

CiteResolver = Callable[[tuple[CiteItem, ...]], str]

# a locator is text without brackets or `@`: `[@a, p. 17 and then [@b]` is no citation of `a`
# that swallows `b` (validation names the `[@` left open)
CITE_ITEM = re.compile(r"\s*@([a-z0-9]+(?:-[a-z0-9]+)*)\s*(?:,\s*([^;\[\]@]*?))?\s*$")
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
# Han, CJK punctuation, kana, full-width forms: runs of these are tagged zh-Hans so that
# renderers pick a CJK font and screen readers the right voice.
_CJK_RUN = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """Match `[@key, locator; @key2]` at the current position."""
    src, pos = state.src, state.pos
    if not src.startswith("[@", pos):
        return False
    end = src.find("]", pos)
    if end < 0:
        return False
    items = []
    for part in src[pos + 1 : end].split(";"):
        match = CITE_ITEM.match(part)
        if not match:
            return False
        items.append(CiteItem(match.group(1), (match.group(2) or "").strip() or None))
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"items": tuple(items), "offset": pos}
    state.pos = end + 1
    return True


@lru_cache(maxsize=8)
def _parser(language: str = "en") -> MarkdownIt:
    """Return the subset's parser; its typographer sets `language`'s quotes and dashes."""
    md = MarkdownIt("zero", {"html": True, "linkify": False, "typographer": True, "quotes": quotes(language)})
    md.enable(
        ["emphasis", "list", "link", "newline", "escape", "backticks", "replacements", "smartquotes", "table"]
    )
    # raw inline HTML is recognised only to be kept out of the typographer: it prints as typed
    md.enable("html_inline")
    md.use(footnote_plugin, inline=True, move_to_end=False)
    md.disable(["footnote_def", "footnote_ref"])
    md.inline.ruler.before("link", "citation", _citation_rule)
    return md


_MD = _parser()
"""The English parser: what validation reads citations with (typography does not move them)."""


def parse(text: str, cite: CiteResolver | None = None, language: str = "en") -> RichText:
    """Parse one text field into the document tree, resolving citations with `cite`; the
    typography follows `language` (quotes, dashes, non-breaking spaces)."""
    env: dict[str, Any] = {}
    tokens = _parser(language).parse(text, env)
    footnotes = env.get("footnotes", {}).get("list", {})
    blocks, _ = _blocks(tokens, 0, None, footnotes, cite, language)
    return RichText(tuple(blocks))


@lru_cache(maxsize=4096)
def citations_in(text: str) -> tuple[tuple[CiteItem, int], ...]:
    """Return every work cited in `text`, with the character offset of its citation."""
    found: list[tuple[CiteItem, int]] = []
    env: dict[str, Any] = {}
    tokens = _MD.parse(text, env)
    inline_groups = [t.children or [] for t in tokens if t.type == "inline"]
    inline_groups += [note.get("tokens") or [] for note in env.get("footnotes", {}).get("list", {}).values()]
    for children in inline_groups:
        for token in children:
            if token.type == "citation":
                for item in token.meta["items"]:
                    # offsets inside a footnote are relative to it: find the key in the whole text
                    found.append((item, max(text.find("@" + item.key), 0)))
    return tuple(found)


def _blocks(
    tokens: Sequence[Token],
    i: int,
    closing: str | None,
    footnotes: dict[int, Any],
    cite: CiteResolver | None,
    language: str = "en",
) -> tuple[list[Block], int]:
    out: list[Block] = []
    while i < len(tokens):
        token = tokens[i]
        if closing and token.type == closing:
            return out, i + 1
        if token.type == "paragraph_open":
            inline = tokens[i + 1]
            out.append(Paragraph(_inlines(inline.children or [], footnotes, cite, language)))
            i += 3
        elif token.type == "table_open":
            table, i = _table(tokens, i + 1, footnotes, cite, language)
            out.append(table)
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            close = token.type.replace("_open", "_close")
            items: list[tuple[Block, ...]] = []
            i += 1
            while tokens[i].type == "list_item_open":
                item, i = _blocks(tokens, i + 1, "list_item_close", footnotes, cite, language)
                items.append(tuple(item))
            i += 1  # the list's closing token
            assert tokens[i - 1].type == close
            if token.type == "bullet_list_open":
                out.append(BulletList(tuple(items)))
            else:
                start = token.attrGet("start")
                out.append(NumberedList(tuple(items), int(start) if start else 1))
        else:  # a token of a rule the subset leaves out: skip it
            i += 1
    return out, i


def _table(
    tokens: Sequence[Token], i: int, footnotes: dict[int, Any], cite: CiteResolver | None, language: str
) -> tuple[Table, int]:
    """Read a table from just after `table_open` to just after `table_close`."""
    rows: list[tuple[tuple[Inline, ...], ...]] = []
    align: list[str] = []
    header_rows = 0
    cells: list[tuple[Inline, ...]] = []
    while tokens[i].type != "table_close":
        token = tokens[i]
        if token.type in ("th_open", "td_open"):
            style = str(token.attrGet("style") or "")
            if token.type == "th_open":
                align.append(style.removeprefix("text-align:"))
            cells.append(_inlines(tokens[i + 1].children or [], footnotes, cite, language))
        elif token.type == "tr_close":
            rows.append(tuple(cells))
            cells = []
        elif token.type == "thead_close":
            header_rows = len(rows)
        i += 1
    header = rows[0] if header_rows else ()
    return Table(header, tuple(rows[header_rows:]), tuple(align)), i + 1


def _inlines(
    tokens: Sequence[Token], footnotes: dict[int, Any], cite: CiteResolver | None, language: str = "en"
) -> tuple[Inline, ...]:
    stack: list[tuple[str, list[Inline], str]] = [("", [], "")]
    for token in tokens:
        kind = token.type
        top = stack[-1][1]
        if kind == "text":
            top.extend(script_runs(typeset(token.content, language)))
        elif kind == "html_inline":  # as typed, quotes and all
            top.append(Text(token.content))
        elif kind == "code_inline":
            top.append(Code(token.content))
        elif kind in ("softbreak",):
            top.append(Text(" "))
        elif kind == "hardbreak":
            top.append(LineBreak())
        elif kind in ("em_open", "strong_open"):
            stack.append((kind, [], ""))
        elif kind == "link_open":
            stack.append((kind, [], str(token.attrGet("href") or "")))
        elif kind in ("em_close", "strong_close", "link_close"):
            opener, children, href = stack.pop()
            parent = stack[-1][1]
            if opener == "em_open":
                parent.append(Emphasis(tuple(children)))
            elif opener == "strong_open":
                parent.append(Strong(tuple(children)))
            elif _SAFE_LINK.match(href):
                parent.append(Link(href, tuple(children)))
            else:  # a link to anything but the web or mail is kept as its words
                parent.extend(children)
        elif kind == "citation":
            items = token.meta["items"]
            top.append(Citation(items, cite(items) if cite else ""))
        elif kind == "footnote_ref":
            note = footnotes.get(token.meta["id"], {})
            top.append(Footnote(_inlines(note.get("tokens") or [], footnotes, cite, language)))
    # once the runs are joined, the spaces of a source line break are typeset too ("слово\n— …")
    return tuple(
        Text(bind(run.text, language)) if isinstance(run, Text) and not run.lang else run
        for run in _merge_text(stack[0][1])
    )


def script_runs(text: str) -> list[Inline]:
    """Split plain text into runs, tagging Han and kana runs `zh-Hans`."""
    out: list[Inline] = []
    pos = 0
    for match in _CJK_RUN.finditer(text):
        if match.start() > pos:
            out.append(Text(text[pos : match.start()]))
        out.append(Text(match.group(), "zh-Hans"))
        pos = match.end()
    if pos < len(text):
        out.append(Text(text[pos:]))
    return out


def _merge_text(children: list[Inline]) -> tuple[Inline, ...]:
    merged: list[Inline] = []
    for child in children:
        last = merged[-1] if merged else None
        if isinstance(child, Text) and isinstance(last, Text) and last.lang == child.lang:
            merged[-1] = Text(last.text + child.text, last.lang)
        else:
            merged.append(child)
    return tuple(merged)
