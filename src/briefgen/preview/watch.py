"""Watch the brief's folder, the shared profiles and the templates; report each batch of saves."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from briefgen.preview.state import Preview

Handler = Callable[[set[Path]], Awaitable[None]]
STEP_MS = 20
"""How long the folders must stay quiet before a batch of changes is reported."""


async def watch_changes(preview: Preview, handler: Handler, stop: asyncio.Event) -> None:
    """Call `handler` with the changed files that can change a page, until `stop` is set."""
    from watchfiles import DefaultFilter, awatch

    default = DefaultFilter()

    def wanted(change: object, path: str) -> bool:
        return default(change, path) and preview.relevant(Path(path))  # type: ignore[arg-type]

    async for changes in awatch(
        *preview.watched_paths(),
        watch_filter=wanted,
        stop_event=stop,
        step=STEP_MS,
        rust_timeout=500,
    ):
        await handler({Path(path) for _, path in changes})
