"""The review report: who said what on which field, grouped by source file and field.

One set of data (`report_data`), said three ways: text for the terminal, JSON for scripts, and an
HTML page (`report_html`, standalone, or the fragment the preview shows). What no field holds is
listed at the end with its context, so a reader sees every comment and change of every file.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from briefgen.document.worddiff import WordDiff
from briefgen.review import Review
from briefgen.review.reading import Change, Comment, counted

TEMPLATES = Path(__file__).resolve().parent / "templates"


def report_data(review: Review) -> dict[str, Any]:
    """Return the report as plain data: the files, the fields they touch, and what maps to none."""
    files = []
    for file in review.files:
        comments, changes = counted(file)
        mapped_comments = len({c.id for entry in file.fields.values() for c in _thread(entry.comments)})
        files.append(
            {
                "file": str(file.path),
                "name": file.path.name,
                "brief": file.brief or None,
                "edition": file.edition,
                "language": file.language or None,
                "country": file.country or None,
                "draft": file.draft,
                "copy": file.copy_number,
                "recipient": file.recipient or None,
                "notes": list(file.notes),
                "comments": file.comment_count,
                "changes": file.revision_count,
                "accounted": {"comments": comments, "changes": changes},
                "mapped": {
                    "comments": mapped_comments,
                    "changes": len({id(c) for entry in file.fields.values() for c in entry.changes}),
                },
            }
        )
    fields: dict[str, dict[str, Any]] = {}
    for file in review.files:
        for entry in file.fields.values():
            if not (entry.changes or entry.comments or entry.structure or entry.old != entry.new):
                continue
            found = fields.setdefault(
                entry.key, {"key": entry.key, "file": entry.file, "field": entry.path, "reviews": []}
            )
            found["reviews"].append(
                {
                    "docx": file.path.name,
                    "language": file.language or None,
                    "country": file.country or None,
                    "old": entry.old,
                    "new": entry.new,
                    "words": list(WordDiff.of(entry.old, entry.new).segments)
                    if entry.old or entry.new
                    else [],
                    "changes": [_change(c) for c in entry.changes],
                    "comments": [_comment(c) for c in entry.comments],
                    "structure": list(entry.structure),
                }
            )
    unmapped = [
        {
            "docx": file.path.name,
            "where": item.where,
            "context": item.context,
            "comment": _comment(item.comment) if item.comment is not None else None,
            "change": _change(item.change) if item.change is not None else None,
        }
        for file in review.files
        for item in file.unmapped
    ]
    ordered = sorted(fields.values(), key=lambda f: (_file_order(f["file"]), f["file"]))
    return {
        "brief": review.brief,
        "working_edition": review.working_edition,
        "files": files,
        "fields": ordered,
        "unmapped": unmapped,
    }


def _file_order(file: str) -> int:
    """Order the source files as an analyst reads a brief: brief.yaml, recommendations, profiles."""
    if file == "brief.yaml":
        return 0
    return 1 if file.startswith("recommendations/") else 2


def _thread(comments: Iterable[Comment]) -> Iterable[Comment]:
    for comment in comments:
        yield comment
        yield from _thread(comment.replies)


def _comment(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "author": comment.author,
        "initials": comment.initials or None,
        "date": comment.date or None,
        "text": comment.text,
        "on": comment.on,
        "resolved": comment.done,
        "replies": [_comment(r) for r in comment.replies],
    }


def _change(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "author": change.author,
        "date": change.date or None,
        "text": change.text,
        "context": change.context,
    }


# --- text -------------------------------------------------------------------------------------------


def report_text(review: Review) -> str:
    """Return the report as the terminal shows it."""
    data = report_data(review)
    lines = [
        f"{data['brief']}: {len(data['files'])} reviewed file(s); working edition {data['working_edition']}"
    ]
    for file in data["files"]:
        what = " · ".join(
            str(x)
            for x in (
                file["country"],
                file["language"],
                f"edition {file['edition']}" if file["edition"] else None,
            )
            if x
        )
        lines.append(
            f"  {file['name']}: {what or 'not a briefgen brief'}; {file['comments']} comment(s), "
            f"{file['changes']} change(s); mapped to fields: {file['mapped']['comments']} comment(s), "
            f"{file['mapped']['changes']} change(s)"
        )
        lines.extend(f"    {note}" for note in file["notes"])
    current = None
    for field in data["fields"]:
        if field["file"] != current:
            current = field["file"]
            lines += ["", current]
        lines.append(f"  {field['field']}")
        for entry in field["reviews"]:
            lines.append(f"    in {entry['docx']}" + (f" ({entry['language']})" if entry["language"] else ""))
            for change in entry["changes"]:
                lines.append(f"      {_said_change(change)}")
            for comment in entry["comments"]:
                lines.extend(f"      {line}" for line in _said_comment(comment))
            for note in entry["structure"]:
                lines.append(f"      note: {note}")
            if entry["new"] != entry["old"]:
                marked = WordDiff(tuple(entry["words"])).marked()
                lines.append(f"      now reads: {_quoted(marked)}")
    if data["unmapped"]:
        lines += ["", "Not on any source field (listed, not applied)"]
        for item in data["unmapped"]:
            said = (
                _said_comment(item["comment"])
                if item["comment"] is not None
                else [_said_change(item["change"])]
            )
            lines.append(f"  {item['docx']}: on {item['where']}")
            lines.extend(f"    {line}" for line in said)
            if item["context"]:
                lines.append(f"    in: {_quoted(item['context'])}")
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return "“" + text.replace("\n\n", " ¶ ") + "”"


def _said_change(change: dict[str, Any]) -> str:
    when = f", {change['date'][:10]}" if change["date"] else ""
    text = f": {_quoted(change['text'])}" if change["text"] else ""
    return f"{change['kind']} by {change['author'] or 'someone'}{when}{text}"


def _said_comment(comment: dict[str, Any], depth: int = 0) -> list[str]:
    when = f", {comment['date'][:10]}" if comment["date"] else ""
    head = "reply" if depth else "comment"
    resolved = " (resolved)" if comment["resolved"] else ""
    on = f" on {_quoted(comment['on'])}" if comment["on"] and not depth else ""
    lines = [
        f"{'  ' * depth}{head} by {comment['author'] or 'someone'}{when}{resolved}{on}: {_quoted(comment['text'])}"
    ]
    for reply in comment["replies"]:
        lines.extend(_said_comment(reply, depth + 1))
    return lines


# --- HTML -------------------------------------------------------------------------------------------


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def report_css() -> str:
    """Return the report's stylesheet."""
    return (TEMPLATES / "review.css").read_text(encoding="utf-8")


def report_fragment(review: Review) -> str:
    """Return the report's body as an HTML fragment (the preview puts it in its own page)."""
    return str(_environment().get_template("review-body.html").render(report=report_data(review)))


def report_html(review: Review) -> str:
    """Return the report as a standalone HTML page."""
    return str(
        _environment()
        .get_template("review.html")
        .render(report=report_data(review), css=report_css(), body=report_fragment(review))
    )
