"""The distribution list: `briefs/<brief>/recipients.yaml`."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, RootModel, StringConstraints

from briefgen.formats import FormatName
from briefgen.models.common import CountryCode, LanguageCode, Line, Slug, SourceModel

Email = Annotated[
    str,
    StringConstraints(
        pattern=r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$",
        max_length=254,
    ),
]

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_printable_line(value: str) -> str:
    found = _UNPRINTABLE.search(value)
    if found:
        what = "a line break" if found.group() in "\r\n\u2028\u2029" else "a control character"
        raise ValueError(
            f"{what} (U+{ord(found.group()):04X}) cannot go in a mail header or a copy's stamp line; "
            "write it on one line of plain text"
        )
    return value


HeaderLine = Annotated[Line, AfterValidator(_one_printable_line)]
"""A line that reaches a mail header or the stamp on every page: no line breaks or control characters."""


class Recipient(SourceModel):
    """An official who receives numbered copies of the brief."""

    id: Slug
    """Stable identifier of the recipient."""
    name: HeaderLine
    """The person's name, or a role title where no name is known."""
    title: HeaderLine
    """Position held (`Deputy Minister of Foreign Affairs`)."""
    institution: HeaderLine
    """Ministry or office."""
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    """Country whose tailored brief this recipient gets; one of the brief's countries."""
    language: LanguageCode = "en"
    """Language of the copies and cover note."""
    email: Email | None = None
    """Address for delivery by email; without it copies go to the outbox."""
    formats: list[FormatName] = ["pdf"]
    """Formats sent to this recipient."""
    channel: Literal["email", "outbox"] | None = None
    """Delivery channel; default email when an address is given, else outbox."""


class Recipients(RootModel[list[Recipient]]):
    """The distribution list."""


__all__ = ["CountryCode", "Recipient", "Recipients"]
