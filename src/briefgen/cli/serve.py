"""`briefgen serve`: the brief in the browser, updated on every save."""

from __future__ import annotations

from pathlib import Path

import typer

from briefgen.cli.common import BRIEF_ARGUMENT


def serve(
    brief: Path | None = BRIEF_ARGUMENT,
    port: int | None = typer.Option(
        None, "--port", "-p", min=0, max=65535, help="Port (default 8765, or the next free one; 0: any)."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: loopback only)."),
    open_browser: bool = typer.Option(False, "--open", help="Open the overview in the web browser."),
) -> None:
    """Preview a brief in the browser: the matrix of who gets what, and each country's brief, live."""
    from briefgen.errors import InputError, Problem, UsageError
    from briefgen.sources.layout import brief_folders

    folders = brief_folders(brief)
    if len(folders) != 1:
        names = ", ".join(str(f) for f in folders)
        raise UsageError(f"several briefs under ./briefs ({names}): name the one to preview")
    folder = folders[0]
    if not (folder / "brief.yaml").is_file():
        raise InputError(
            [Problem(folder / "brief.yaml", 1, 1, "", "no brief here: a brief folder needs a brief.yaml")]
        )
    from briefgen.preview.server import serve as run

    run(folder, host, port, open_browser=open_browser)  # Ctrl-C: uvicorn stops, then hands it on
