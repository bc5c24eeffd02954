"""Canonical JSON: the same data always gives the same text, so hashes and files are stable."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(data: Any) -> str:
    """Return plain data as canonical JSON: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
