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

HeaderWording = HeaderLine | dict[LanguageCode, HeaderLine]
"""A header line in the brief's source language (a plain string) or per language,
`{en: Director, ru: Директор}`."""


class Recipient(SourceModel):
    """An official who receives numbered copies of the brief."""

    id: Slug
    """Stable identifier of the recipient."""
    name: HeaderWording
    """The person's name, or a role title where no name is known; a plain string is in the
    brief's source language, `{en: …, ru: …}` gives it per language."""
    title: HeaderWording
    """Position held (`Deputy Minister`), as the stamp on every page prints it; per language as `name`."""
    institution: HeaderWording
    """Ministry or office, as the stamp and the address block print it; per language as `name`."""
    salutation: HeaderWording | None = None
    """The cover note's whole greeting, exactly as written (`{ru: Уважаемый господин
    директор!}`); without it the greeting is built from `courtesy_title` and `gender`."""
    courtesy_title: HeaderWording | None = None
    """How the greeting names the recipient (`{en: Director, ru: господин директор}` gives
    "Dear Director," and «Уважаемый господин директор!»); default: `name`."""
    gender: Literal["masculine", "feminine"] | None = None
    """Grammatical gender of the form of address, where the language's greeting agrees with it
    (Russian «Уважаемый …» / «Уважаемая …»); required there unless `salutation` is given."""
    addressee: list[HeaderLine] | dict[LanguageCode, list[HeaderLine]] | None = None
    """The cover note's address block, line by line, as a letter in that language heads it
    (Russian puts it in the dative: «Директору Департамента …»); default: name, title (when
    the name does not already say it) and institution."""
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
