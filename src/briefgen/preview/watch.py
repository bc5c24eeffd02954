"""Watch the brief's folder, the shared profiles, the templates and the theme; report each batch of saves.

What is watched follows the brief: when a save makes it use another theme folder (brief.yaml's
`theme:` edited, a `theme/` folder added inside the brief), the watch starts again on the new
folders. A `briefs/theme/` created while the preview runs is seen at the next reload.

A folder can also be replaced whole: `git checkout` of another branch, a sync tool, or an editor
that saves by renaming a new folder into place. The system's file events follow the folder that
was watched, which is then the old one, so every half second the brief's and the profiles'
folders are checked to be the ones watched; when one was replaced, moved away or has come back,
the brief is read again (a brief moved away shows as "no such brief folder") and the watch
starts again on what is there now.
"""

from __future__ import annotations

import asyncio
import os
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
        folders = _identity(preview)
        async for changes in awatch(
            *watched,
            watch_filter=wanted,
            stop_event=stop,
            step=STEP_MS,
            rust_timeout=CHECK_MS,
            yield_on_timeout=True,
        ):
            if _identity(preview) != folders:  # replaced, moved away or back: read it again
                await handler({preview.folder.resolve()})
                break
            if changes:
                await handler({Path(path) for _, path in changes})
            if preview.watched_paths() != watched:
                break  # the brief now uses another theme folder: watch that one instead


CHECK_MS = 500
"""How often the brief's and the profiles' folders are checked to be the ones watched."""


def _identity(preview: Preview) -> tuple[tuple[int, int] | None, ...]:
    """Return which folders the brief and the profiles are now (device and inode; None: gone)."""
    from briefgen.preview import pipeline

    found: list[tuple[int, int] | None] = []
    for folder in (preview.folder, pipeline.countries_dir(preview.folder)):
        try:
            status = os.stat(folder)
        except OSError:
            found.append(None)
        else:
            found.append((status.st_dev, status.st_ino))
    return tuple(found)
