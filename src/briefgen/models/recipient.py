"""The distribution list: `briefs/<brief>/recipients.yaml`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import RootModel, StringConstraints

from briefgen.formats import FormatName
from briefgen.models.common import CountryCode, LanguageCode, Line, Slug, SourceModel

Email = Annotated[
    str,
    StringConstraints(
        pattern=r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$",
        max_length=254,
    ),
]


class Recipient(SourceModel):
    """An official who receives numbered copies of the brief."""

    id: Slug
    """Stable identifier of the recipient."""
    name: Line
    """The person's name, or a role title where no name is known."""
    title: Line
    """Position held (`Deputy Minister of Foreign Affairs`)."""
    institution: Line
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
