"""Importing this module readies every renderer of the process, and does nothing else.

A worker pool's fork server imports it (see `briefgen.workers`), so that every worker is born
with WeasyPrint and python-docx imported, the font configuration made, the print stylesheet
parsed and the templates compiled: a worker starts rendering the moment it is forked.
"""

from __future__ import annotations

import contextlib

from briefgen.formats import FORMATS
from briefgen.render import renderer_for

with contextlib.suppress(
    Exception
):  # a renderer that cannot start fails again in the worker, with its message
    for _format in FORMATS:
        renderer_for(_format)
