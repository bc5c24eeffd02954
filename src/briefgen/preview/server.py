"""Run the preview: bind a port (the next free one when the default is taken), serve, stop cleanly.

Imported only by `briefgen serve`, so no other command loads uvicorn.
"""

from __future__ import annotations

import errno
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import uvicorn

from briefgen.errors import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
PORTS_TRIED = 20
"""With the default port, how many following ports are tried when it is taken."""


def bind(host: str, port: int | None) -> socket.socket:
    """Return a listening socket on `host`; `port` None means the default or the next free one."""
    candidates = [port] if port is not None else list(range(DEFAULT_PORT, DEFAULT_PORT + PORTS_TRIED))
    last: OSError | None = None
    for candidate in candidates:
        try:
            return _listen(host, candidate)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise UsageError(f"cannot listen on {host}:{candidate}: {exc.strerror or exc}") from None
            last = exc
    tried = f"port {port}" if port is not None else f"ports {candidates[0]}-{candidates[-1]}"
    raise UsageError(f"{tried} on {host} already in use; choose another with --port") from last


def _listen(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UsageError(f"cannot listen on {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve(folder: Path, host: str, port: int | None, *, open_browser: bool = False) -> None:
    """Serve the live preview of `folder` until interrupted."""
    from briefgen.preview.app import AllowedHosts, create_app, is_loopback
    from briefgen.preview.state import Preview

    sock = bind(host, port)
    bound_port = sock.getsockname()[1]
    if not is_loopback(host):
        print(
            f"briefgen serve: warning: listening on {host}, not on loopback: anyone who can reach "
            "this machine can read the brief",
            file=sys.stderr,
            flush=True,
        )
    preview = Preview(folder)
    if not preview.snapshot.valid:
        for line in preview.snapshot.problems:
            print(line, file=sys.stderr)
    app = create_app(preview, AllowedHosts.for_address(host, bound_port))
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{bound_port}/"
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=2,
        server_header=False,
        ws="none",
    )
    server = _Server(config, app.hub.close_threadsafe)
    print(f"briefgen serve: previewing {folder} at {url} (Ctrl-C to stop)", flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    server.run(sockets=[sock])


class _Server(uvicorn.Server):
    """uvicorn's server, which also ends the open event streams when asked to stop."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_exit = on_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Stop: end the event streams first, or the server would wait for them."""
        self._on_exit()
        super().handle_exit(sig, frame)
