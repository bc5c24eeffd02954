"""The Markdown subset becomes one format-neutral tree; raw HTML stays text."""

from __future__ import annotations

import pytest

from briefgen.document.citations import Bibliography, page_locator
from briefgen.document.doctree import (
    BulletList,
    Citation,
    CiteItem,
    Emphasis,
    Footnote,
    Link,
    NumberedList,
    Paragraph,
    Strong,
    Text,
)
from briefgen.document.text import citations_in, parse
from briefgen.models import Source


def only_paragraph(markdown: str) -> tuple:
    blocks = parse(markdown).blocks
    assert len(blocks) == 1 and isinstance(blocks[0], Paragraph)
    return blocks[0].children


@pytest.mark.unit
def test_emphasis_strong_and_plain_text() -> None:
    assert only_paragraph("a *b* **c**") == (
        Text("a "),
        Emphasis((Text("b"),)),
        Text(" "),
        Strong((Text("c"),)),
    )


@pytest.mark.unit
def test_raw_html_and_template_syntax_are_printed_as_typed() -> None:
    source = '<b>x</b> <img src="file:///etc/passwd"> <script>alert(1)</script> {{ 7*7 }} &amp;'
    assert only_paragraph(source) == (Text(source),)


@pytest.mark.unit
def test_images_and_links_to_local_files_stay_words() -> None:
    children = only_paragraph("![x](file:///etc/passwd) [y](file:///etc/passwd) [z](javascript:alert(1))")
    assert not any(isinstance(c, Link) for c in children)
    assert "![x](file:///etc/passwd)" in children[0].text


@pytest.mark.unit
def test_web_links_are_links() -> None:
    assert only_paragraph("[site](https://example.org)") == (Link("https://example.org", (Text("site"),)),)


@pytest.mark.unit
def test_lists_become_lists() -> None:
    blocks = parse("Intro\n\n- one\n- two\n\n3. three\n4. four").blocks
    assert isinstance(blocks[1], BulletList) and len(blocks[1].items) == 2
    assert isinstance(blocks[2], NumberedList) and blocks[2].start == 3


@pytest.mark.unit
def test_citations_with_locators_and_several_works() -> None:
    children = only_paragraph("As shown [@chen2020, p. 3; @putz2020].")
    citation = children[1]
    assert citation == Citation((CiteItem("chen2020", "p. 3"), CiteItem("putz2020")), "")


@pytest.mark.unit
def test_a_citation_like_text_that_is_not_a_key_stays_text() -> None:
    assert only_paragraph("email me [@ home]") == (Text("email me [@ home]"),)


@pytest.mark.unit
def test_footnotes_hold_their_own_inline_content() -> None:
    children = only_paragraph("Claim.^[See *also* [@x].]")
    note = children[1]
    assert isinstance(note, Footnote)
    assert note.children[1] == Emphasis((Text("also"),))
    assert isinstance(note.children[3], Citation)


@pytest.mark.unit
def test_citations_in_finds_keys_in_footnotes_too() -> None:
    assert [item.key for item, _ in citations_in("a [@one] b^[c [@two, p. 4]]")] == ["one", "two"]


@pytest.mark.unit
def test_chinese_runs_are_tagged_for_fonts_and_screen_readers() -> None:
    assert only_paragraph("a “新型大国关系” b") == (Text("a “"), Text("新型大国关系", "zh-Hans"), Text("” b"))


@pytest.mark.unit
def test_cyrillic_and_turkic_latin_letters_pass_through_untouched() -> None:
    letters = "ә ғ қ ң ө ұ ү һ і oʻ gʻ ň ý ž ş ç ä ӣ ӯ ҳ ҷ"
    assert only_paragraph(letters) == (Text(letters),)


# --- author-date citations ---------------------------------------------------------------------


def source(author: object, year: int, title: str = "T") -> Source:
    return Source.model_validate({"type": "article", "author": author, "title": title, "year": year})


@pytest.mark.unit
def test_author_date_labels_for_one_two_many_authors_and_organisations() -> None:
    bib = Bibliography.of(
        {
            "chen": source(["Chen, Li"], 2020),
            "jiguo": source(["Ji, Xin", "Guo, Yan"], 2017),
            "many": source(["Yu, A", "Li, B", "Wu, C"], 2017),
            "wb": source("World Bank", 2020),
        }
    )
    # the last two words never split, nor "p." from its number
    assert bib.cite((CiteItem("chen", "p. 3"),)) == "Chen, 2020,\u00a0p.\u00a03"
    assert bib.cite((CiteItem("jiguo"),)) == "Ji & Guo,\u00a02017"
    assert bib.cite((CiteItem("many"),)) == "Yu et al.,\u00a02017"
    assert bib.cite((CiteItem("wb"), CiteItem("chen"))) == "World Bank, 2020; Chen,\u00a02020"


@pytest.mark.unit
def test_same_author_and_year_are_told_apart_with_letters_by_title() -> None:
    bib = Bibliography.of({"b": source(["Yau, N"], 2020, "Zebra"), "a": source(["Yau, N"], 2020, "Aardvark")})
    assert (bib.labels["a"], bib.labels["b"]) == ("Yau, 2020a", "Yau, 2020b")


@pytest.mark.unit
def test_pages_become_locators() -> None:
    assert page_locator("3") == "p.\u00a03"
    assert page_locator("12-14") == "pp.\u00a012–14"
    assert page_locator("p. 7") == "p.\u00a07"  # as typed, the line kept from breaking after "p."
    assert page_locator("ch. 2", "ru") == "гл.\u00a02"
    assert page_locator(None) is None


@pytest.mark.unit
def test_resolved_citation_text_lands_in_the_tree() -> None:
    bib = Bibliography.of({"chen2020": source(["Chen, Li"], 2020)})
    citation = parse("x [@chen2020, p. 3]", bib.cite).blocks[0].children[1]
    assert citation.text == "Chen, 2020,\u00a0p.\u00a03"


@pytest.mark.unit
def test_reference_entries_follow_one_author_date_style() -> None:
    bib = Bibliography.of(
        {
            "r": Source.model_validate(
                {
                    "type": "report",
                    "author": "UNESCO",
                    "title": "Atlas",
                    "year": 2021,
                    "publisher": "UNESCO Publishing",
                    "url": "https://example.org/a",
                    "accessed": "2024-01-15",
                }
            ),
            "a": Source.model_validate(
                {
                    "type": "article",
                    "author": ["Vuille, M", "Bradley, R"],
                    "title": "Decline",
                    "year": 2018,
                    "container": "Earth-Science Reviews",
                }
            ),
        }
    )
    from briefgen.document.doctree import plain_inlines

    assert (
        plain_inlines(bib.reference("r"))
        == "UNESCO (2021). Atlas. UNESCO Publishing. https://example.org/a (accessed 15 January 2024)."
    )
    assert (
        plain_inlines(bib.reference("a")) == "Vuille, M & Bradley, R (2018). Decline. Earth-Science Reviews."
    )
