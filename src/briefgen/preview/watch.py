"""Watch the brief's folder, the shared profiles, the templates and the theme; report each batch of saves.

What is watched follows the brief: when a save makes it use another theme folder (brief.yaml's
`theme:` edited, a `theme/` folder added inside the brief), the watch starts again on the new
folders. A `briefs/theme/` created while the preview runs is seen at the next reload.
"""

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

    while not stop.is_set():
        watched = preview.watched_paths()
        async for changes in awatch(
            *watched,
            watch_filter=wanted,
            stop_event=stop,
            step=STEP_MS,
            rust_timeout=500,
        ):
            await handler({Path(path) for _, path in changes})
            if preview.watched_paths() != watched:
                break  # the brief now uses another theme folder: watch that one instead
