"""Drawings handed to a worker while it already lays its document out.

A PDF is laid out first and painted last, and only the painting needs the figures' drawings.
So the build process hands a PDF to a worker as soon as a worker is free, with a `Promise`
instead of its drawings, and draws the figures meanwhile; the worker lays the page out around
placeholders of the same size (`inlinesvg.placeholder`) and collects the drawings when it is about
to paint. The first PDFs of a build then start when the workers do, not after matplotlib has
been imported and the first chart drawn.

`Drawer` is the build process's side: a thread that draws what was promised, in the order it
was promised, and posts each document's drawings as they are done (`DrawingServer`). The
handover is a Unix socket of the build process's own (in Linux's abstract namespace: no
file, nothing to clean up after a kill), one short connection per document, each answered
only after multiprocessing's challenge with a key of this build that the socket never carries
(the workers have it from their jobs). A worker asks for its document's drawings by the job's
key; the answer waits until they are drawn. If the build process is gone, the worker's
connection fails, as the worker itself ends (see `briefgen.build.pool`); if a drawing failed
there, the answer is None and the worker draws the figure itself, which reports the failure
against the document as a build in one process does.
"""

from __future__ import annotations

import contextlib
import os
import queue
import secrets
import socket
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Client, Connection, Listener, answer_challenge, deliver_challenge
from typing import Any

Drawings = Mapping[Any, bytes]
"""A document's drawings, as `charts.drawings` returns them."""


@dataclass(frozen=True)
class Promise:
    """Where a worker collects one document's drawings (sent with the job; see `DrawingServer.promise`)."""

    address: str
    authkey: bytes
    key: str

    def collect(self) -> Drawings | None:
        """Wait for the drawings and return them; None if they could not be drawn there."""
        with Client(self.address, family="AF_UNIX", authkey=self.authkey) as connection:
            connection.send(self.key)
            answer: Drawings | None = connection.recv()
        return answer


class DrawingServer:
    """The build process's side: drawings posted by job key, answered to the workers that ask.

    Use as a context manager; leaving it closes the socket and answers every worker still
    waiting with None.
    """

    def __init__(self) -> None:
        self._authkey = secrets.token_bytes(32)
        address = None
        if sys.platform.startswith("linux"):  # abstract: no file, gone with the process
            address = f"\0briefgen-drawings-{os.getpid()}-{secrets.token_hex(8)}"
        # no authkey here: the challenge is made in each connection's own thread (below), so a
        # stranger who connects and says nothing holds up no one
        self._listener = Listener(address, family="AF_UNIX")
        self.address: str = address or self._listener.address  # (the listener's own says bytes if abstract)
        self._posted: dict[str, Drawings | None] = {}
        self._asked: list[str] = []
        self._closed = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._serve, name="briefgen-drawings", daemon=True)
        self._thread.start()

    def promise(self, key: str) -> Promise:
        """Return the promise of the drawings to be posted under `key`."""
        return Promise(self.address, self._authkey, key)

    def wait_until_asked(self, key: str, timeout: float) -> bool:
        """Wait until a worker has asked for `key` (it may still be waiting); say whether one did."""
        with self._changed:
            return self._changed.wait_for(lambda: key in self._asked, timeout)

    def post(self, key: str, drawings: Drawings | None) -> None:
        """Post the drawings for `key` (None: they could not be drawn; the worker draws them)."""
        with self._changed:
            self._posted[key] = drawings
            self._changed.notify_all()

    def close(self) -> None:
        """Answer every worker still waiting with None, and close the socket to new ones."""
        with self._changed:
            if self._closed:
                return
            self._closed = True
            self._changed.notify_all()
        # A thread blocked in accept() keeps the socket listening after close() (Linux): knock
        # once, so that it returns, sees the post closed and stops accepting.
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as knock:
            knock.connect(self.address)
        self._thread.join(timeout=5)
        with contextlib.suppress(OSError):
            self._listener.close()

    def __enter__(self) -> DrawingServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _serve(self) -> None:
        while True:
            try:
                connection = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()
            if self._closed:  # that was the knock, or a worker answered None at once
                return

    def _answer(self, connection: Connection) -> None:
        with connection, contextlib.suppress(Exception):  # a stranger, or a worker gone: no answer
            deliver_challenge(connection, self._authkey)
            answer_challenge(connection, self._authkey)
            key = connection.recv()
            with self._changed:
                self._asked.append(key)
                self._changed.notify_all()
                self._changed.wait_for(lambda: key in self._posted or self._closed)
                drawings = self._posted.get(key)
            connection.send(drawings)


class Drawer:
    """A thread drawing the documents promised to workers, in the order promised.

    `draw(item)` returns one document's drawings; whatever it raises, the worker waiting for
    them is answered (None: it draws them itself, and a failure is reported against its
    document). Use as a context manager: leaving it stops the thread and closes the post.
    """

    def __init__(self, draw: Callable[[Any], Drawings]) -> None:
        self._draw = draw
        self._post = DrawingServer()
        self._todo: queue.SimpleQueue[tuple[str, Any] | None] = queue.SimpleQueue()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="briefgen-drawer", daemon=True)
        self._thread.start()

    def promise(self, key: str, item: Any) -> Promise:
        """Draw `item` next (after what was promised before) and return the promise of it."""
        self._todo.put((key, item))
        return self._post.promise(key)

    def __enter__(self) -> Drawer:
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop drawing (after the drawing in hand, skipping the rest on an error or Ctrl-C), and wait.

        The thread is joined, not left behind: a drawing is C++ code (matplotlib's Agg), and a
        thread still in it when the interpreter shuts down is ended in a way C++ cannot take
        ("terminate called without an active exception", SIGABRT).
        """
        self._stopping = exc[0] is not None
        self._todo.put(None)
        self._thread.join()
        self._post.close()  # whoever still waits (a drawing skipped) is answered None

    def _run(self) -> None:
        while (next_up := self._todo.get()) is not None:
            if self._stopping:
                continue
            key, item = next_up
            drawn = None
            try:
                drawn = self._draw(item)
            except Exception:  # the worker draws it again and reports the failure against the document
                pass
            finally:  # whatever happened, the worker waiting for it is answered
                self._post.post(key, drawn)
