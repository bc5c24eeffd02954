"""A text's changes word by word: what the diff prints and the redline marks as tracked changes."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

Op = Literal["equal", "insert", "delete"]
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class WordDiff:
    """A text's changes, word by word: (op, text) segments in reading order."""

    segments: tuple[tuple[Op, str], ...]

    @classmethod
    def of(cls, old: str, new: str) -> WordDiff:
        """Return the word-level changes from `old` to `new`."""
        a, b = _TOKEN.findall(old), _TOKEN.findall(new)
        segments: list[tuple[Op, str]] = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag == "equal":
                segments.append(("equal", "".join(a[i1:i2])))
            if tag in ("delete", "replace"):
                segments.append(("delete", "".join(a[i1:i2])))
            if tag in ("insert", "replace"):
                segments.append(("insert", "".join(b[j1:j2])))
        return cls(tuple(segments))

    def marked(self) -> str:
        """Return the text with changes marked as `[-deleted-]{+inserted+}`."""
        marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
        return "".join(marks[op].format(text) for op, text in self.segments)
