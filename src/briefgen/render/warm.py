"""Importing this module readies every renderer of the process for a life of forking workers.

A worker pool's fork server imports it (see `briefgen.build.pool`), so that every worker is born
with WeasyPrint and python-docx imported, the font configuration made, the print stylesheet
parsed and the templates compiled: a worker starts rendering the moment it is forked.

Then everything loaded so far is frozen out of the garbage collector's reach (`gc.freeze`):
a worker's collections never walk the server's objects, so they are faster and never write to
(and so copy) the memory the workers share with the server.
"""

from __future__ import annotations

import contextlib
import gc

from briefgen.formats import FORMATS
from briefgen.render import renderer_for

with contextlib.suppress(
    Exception
):  # a renderer that cannot start fails again in the worker, with its message
    for _format in FORMATS:
        warm_up = getattr(renderer_for(_format), "warm_up", None)
        if warm_up is not None:  # done here once, not in each worker at its first document
            warm_up()

gc.freeze()
