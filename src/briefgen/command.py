"""The `briefgen` command's entry point: from its first instruction, Ctrl-C ends it with one line.

The console script imports this module before anything else of briefgen, and it imports
nothing but the interpreter's own `_signal`, `os` and `sys`, loaded before Python runs a line.
Until the command can clean up after an interruption (`briefgen.launch.main`, which stops its
workers and leaves every output whole), there is nothing to clean up: no file written, no
process started. So a Ctrl-C that comes while Python imports the command (a few tenths of a
second, more on a loaded machine) ends the process at once with the line and status a Ctrl-C
gets later, instead of a traceback from the middle of whatever module was importing; and once
the command has ended, a Ctrl-C while the interpreter shuts down does the same.

Only the command imports this module: a program or a test that imports briefgen keeps its own
Ctrl-C.
"""

import _signal  # type: ignore[import-not-found]  # the interpreter's own: no `enum` to import first
import os
import sys

INTERRUPTED = 130
"""The shell's status for a command ended by SIGINT (128 + 2), as `briefgen.errors` says it."""

_interrupted = False


def _end_now(signum: int, frame: object) -> None:
    """End the process at once, with one line: nothing is running that needs stopping."""
    try:
        os.write(2, b"briefgen: interrupted\n")
    finally:
        os._exit(INTERRUPTED)


def _interrupt(signum: int, frame: object) -> None:
    """Raise KeyboardInterrupt where the command is, as Python does, and remember that it came."""
    global _interrupted
    _interrupted = True
    errors = sys.modules.get("briefgen.errors")  # loaded by then; an error it reports is not the sources'
    if errors is not None:
        errors.note_interrupt()
    raise KeyboardInterrupt


_signal.signal(_signal.SIGINT, _end_now)


def main() -> None:
    """Run the `briefgen` command, with Ctrl-C ending it cleanly at every moment."""
    from briefgen.launch import main as run

    _signal.signal(_signal.SIGINT, _interrupt)
    try:
        run()
    except SystemExit as exc:
        if _interrupted and exc.code in (0, None):  # the interruption was lost on its way up: see below
            _end_now(_signal.SIGINT, None)
        raise
    except BaseException:
        # an interruption that a library turned into something else on its way up (pydantic-core
        # makes a Ctrl-C during its own import a PanicException) is still the interruption
        if _interrupted:
            _end_now(_signal.SIGINT, None)
        raise
    else:
        # a library that swallowed the KeyboardInterrupt (C code that clears the error) let the
        # command run on; it was still asked to stop, and says so
        if _interrupted:
            _end_now(_signal.SIGINT, None)
    finally:
        # what is left is the interpreter's shutdown: nothing to clean up, nothing to wait for
        _signal.signal(_signal.SIGINT, _end_now)
