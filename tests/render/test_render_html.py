"""The HTML brief: same content and order as the DOCX, data escaped, templates strict."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from briefgen.document.model import TailoredBrief
from briefgen.document.words import words
from briefgen.errors import RenderError
from briefgen.render import templates_dir
from briefgen.render.html import HtmlRenderer
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from conftest import ANDES, central_asia_edition_1, replace_in

VOID = {"meta", "link", "br", "img", "hr", "input", "col", "wbr", "source"}
WORDS = words("en")


@pytest.fixture(scope="module")
def renderer() -> HtmlRenderer:
    return HtmlRenderer()


@pytest.fixture(scope="module")
def kyrgyz() -> TailoredBrief:
    return tailor(central_asia_edition_1(), "KG")


@pytest.fixture(scope="module")
def kyrgyz_html(renderer: HtmlRenderer, kyrgyz: TailoredBrief) -> str:
    return renderer.render(kyrgyz).decode("utf-8")


class _Outline(HTMLParser):
    """Collect the text in document order and check that every element is closed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in ("style", "title"):
            return
        self.text.append(data)


def outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    parser.close()
    return parser


def body_text(html: str) -> str:
    return " ".join("".join(outline(html).text).split())


@pytest.mark.unit
def test_the_page_is_well_formed_and_stands_on_its_own(kyrgyz_html: str) -> None:
    parsed = outline(kyrgyz_html)
    assert parsed.errors == []
    assert parsed.stack == []
    assert kyrgyz_html.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<title>China’s Pursuit of Power in Central Asia: Kyrgyzstan</title>" in kyrgyz_html
    assert '<meta charset="utf-8">' in kyrgyz_html
    # the stylesheet is inlined, nothing is linked: the file opens on its own from build/
    assert "@page" in kyrgyz_html and "size: A4" in kyrgyz_html
    assert not [t for t, a in parsed.tags if t in ("link", "script", "img")]


@pytest.mark.unit
def test_metadata_comes_from_the_brief_not_the_clock(kyrgyz_html: str) -> None:
    assert '<meta name="dcterms.created" content="2020-11-15">' in kyrgyz_html
    assert '<meta name="dcterms.modified" content="2020-11-15">' in kyrgyz_html
    assert '<meta name="author" content="Central Asia Policy Programme">' in kyrgyz_html
    assert re.search(r'<meta name="keywords" content="Kyrgyzstan, KG, china-central-asia', kyrgyz_html)


@pytest.mark.unit
def test_same_brief_gives_the_same_bytes(renderer: HtmlRenderer, kyrgyz: TailoredBrief) -> None:
    assert renderer.render(kyrgyz) == HtmlRenderer().render(kyrgyz)


@pytest.mark.unit
def test_title_block_says_who_it_is_for_and_which_edition(kyrgyz_html: str) -> None:
    text = body_text(kyrgyz_html)
    assert text.startswith(
        "Policy Brief OFFICIAL China’s Pursuit of Power in Central Asia Three administrations, one region"
    )
    assert (
        "Prepared for the Government of the Kyrgyz Republic "
        "Central Asia Policy Programme · Edition 1 · 15 November 2020"
    ) in text
    assert "Scenario:" not in text  # the default scenario is not announced


@pytest.mark.unit
def test_a_scenario_other_than_the_default_is_named_in_the_metadata_row(renderer: HtmlRenderer) -> None:
    brief = tailor(central_asia_edition_1(), "KZ", scenario="china-stalls")
    text = body_text(renderer.render(brief).decode())
    assert f"Edition 1 · 15 November 2020 · Scenario: {brief.scenario_label}" in text


@pytest.mark.unit
def test_content_comes_in_the_docx_order(kyrgyz: TailoredBrief, kyrgyz_html: str) -> None:
    text = body_text(kyrgyz_html)
    landmarks = [
        kyrgyz.title,
        kyrgyz.prepared_for,
        WORDS["summary"],
        WORDS["at_a_glance"].format(country="Kyrgyzstan"),
        *(heading for heading, _ in kyrgyz.sections),
        WORDS["recommendations"],
        *(rec.title.plain() for rec in kyrgyz.recommendations),
        WORDS["references"],
    ]
    positions = [text.find(mark) for mark in landmarks]
    assert -1 not in positions, [m for m, p in zip(landmarks, positions, strict=True) if p < 0]
    assert positions == sorted(positions)


@pytest.mark.unit
def test_analysis_can_follow_the_recommendations(andes: Path, renderer: HtmlRenderer) -> None:
    replace_in(andes / "brief.yaml", "sections:", "analysis_position: after-recommendations\nsections:")
    text = body_text(renderer.render(tailor(load_sources(andes), "BO")).decode())
    assert (
        text.find("Recommendations")
        < text.find("Protect glacier-fed basins")
        < text.find("Glaciers Tropical")
    )
    assert text.find("Glaciers Tropical") < text.find("References")


@pytest.mark.unit
def test_profile_table_has_fact_value_year_and_the_sources_under_it(kyrgyz_html: str) -> None:
    assert (
        '<tr><th scope="row" class="fact">Remittances received<sup class="source-mark">b</sup></th>'
        '<td class="value">29%</td><td class="year">2019</td></tr>'
    ) in kyrgyz_html
    assert '<td class="value">USD\u00a06.3\u00a0bn</td>' in kyrgyz_html
    sources = re.search(r'<p class="table-sources">(.*?)</p>', kyrgyz_html, re.S)
    assert sources is not None
    assert "<sup>b</sup>&#8239;World Bank, 2020a" in sources.group(1)  # never parted at a line end
    assert "China is the largest single creditor" in kyrgyz_html


@pytest.mark.unit
def test_each_recommendation_has_its_labelled_parts(kyrgyz: TailoredBrief, kyrgyz_html: str) -> None:
    cards = re.findall(r'<section class="recommendation".*?\n</section>', kyrgyz_html, re.S)
    assert len(cards) == len(kyrgyz.recommendations) == 3
    for rec, card in zip(kyrgyz.recommendations, cards, strict=True):
        assert f'<span class="rec-number">{rec.number}</span>' in card
        for label in ("when", "what", "evidence"):
            assert f'<h4 class="label">{WORDS[label]}</h4>' in card
        assert card.count("<li>") >= len(rec.steps) + len(rec.evidence)
        assert ('<h4 class="label">For Kyrgyzstan</h4>' in card) == (rec.country_note is not None)
        assert ('<p class="applies">' in card) == bool(rec.applies_because)
    second = kyrgyz.recommendations[1]
    assert second.applies_because
    assert f'<p class="applies">{escape(second.applies_because)}</p>' in cards[1]
    assert second.applies_because.startswith("Applies ")


@pytest.mark.unit
def test_evidence_carries_its_author_date_citation_before_the_full_stop_as_in_the_docx(
    kyrgyz_html: str,
) -> None:
    assert (
        "Beijing had no plan for an independent Central Asia and improvised its first policy after 1991 "
        '<span class="citation">(Xing, 1996,\u00a0p.\u00a017)</span>.</li>'
    ) in kyrgyz_html


@pytest.mark.unit
def test_kyrgyz_brief_omits_evidence_shown_only_to_turkmenistan(kyrgyz_html: str) -> None:
    assert "Turkmengaz" not in kyrgyz_html
    assert "For Turkmenistan" not in kyrgyz_html


@pytest.mark.unit
def test_the_han_phrase_is_tagged_as_simplified_chinese(kyrgyz_html: str) -> None:
    assert '(<span lang="zh-Hans">新型大国关系</span>)' in kyrgyz_html


@pytest.mark.unit
def test_han_text_in_a_reference_is_tagged_too(kyrgyz_html: str) -> None:
    references = kyrgyz_html[kyrgyz_html.index('<section class="references"') :]
    assert '<span lang="zh-Hans">中国和新独立的中亚国家关系</span>' in references


@pytest.mark.unit
def test_footnotes_stand_where_they_are_called(kyrgyz_html: str) -> None:
    assert (
        'conditions inside China.<span class="footnote">The analysis and recommendations are adapted '
        'from a published 2020 policy brief <span class="citation">(Yau,\u00a02020a)</span>.</span> Reading'
    ) in kyrgyz_html


@pytest.mark.unit
def test_references_list_the_works_cited(kyrgyz: TailoredBrief, kyrgyz_html: str) -> None:
    references = kyrgyz_html[kyrgyz_html.index('<section class="references"') :]
    assert references.count('<li id="ref-') == len(kyrgyz.references)
    # a printed URL breaks only after a slash or before a dot: never after "https://", nor at a hyphen
    assert (
        '<a href="https://nbn-resolving.org/urn:nbn:de:0168-ssoar-78423-1" class="url">'
        '<span class="nobr">https://nbn-resolving</span><wbr><span class="nobr">.org/</span><wbr>'
        '<span class="nobr">urn:nbn:de:0168-ssoar-78423-1</span></a>'
    ) in references


@pytest.mark.unit
def test_the_fixture_brief_on_another_region_renders(renderer: HtmlRenderer) -> None:
    brief = tailor(load_sources(ANDES), "CL")
    text = body_text(renderer.render(brief).decode())
    assert "Prepare drought finance before the dry season" in text
    assert "Protect glacier-fed basins" not in text
    assert "Share hydrological data" not in text
    assert "For Chile Chile can build on its scarcity decrees." in text
    assert "OFFICIAL-SENSITIVE" in text


@pytest.mark.unit
@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ('<img src="file:///etc/passwd">', "&lt;img src=&#34;file:///etc/passwd&#34;&gt;"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("{{ 7*7 }}", "{{ 7*7 }}"),
        ("{% raw %}x", "{% raw %}x"),
        ("<b>bold</b> &amp; co", "&lt;b&gt;bold&lt;/b&gt; &amp;amp; co"),
    ],
)
def test_markup_in_the_data_prints_as_text(
    andes: Path, renderer: HtmlRenderer, typed: str, printed: str
) -> None:
    quoted = "'" + typed.replace("'", "''") + "'"
    replace_in(andes / "brief.yaml", "title: Water Security in the Andes", f"title: {quoted}")
    replace_in(andes / "brief.yaml", "series: Test Brief", f"series: {quoted}")
    html = renderer.render(tailor(load_sources(andes), "PE")).decode()
    assert f'<h1 class="title">{printed}</h1>' in html
    assert f'<span class="series">{printed}</span>' in html
    assert ">49<" not in html
    assert outline(html).errors == []


@pytest.mark.unit
def test_markup_in_a_markdown_field_prints_as_text(andes: Path, renderer: HtmlRenderer) -> None:
    # raw inline HTML prints as typed; an HTML block or an image is a validation error
    # (tests/test_editorial.py), so it never reaches a renderer
    replace_in(
        andes / "brief.yaml",
        "  Andean glaciers are shrinking",
        "  Andean <style>@import url(http://example.invalid/x.css)</style> glaciers are shrinking",
    )
    html = renderer.render(tailor(load_sources(andes), "PE")).decode()
    assert "Andean &lt;style&gt;@import url(http://example.invalid/x.css)&lt;/style&gt; glaciers" in html
    assert "<style>@import" not in html


@pytest.mark.unit
def test_a_template_that_names_an_unknown_variable_fails_loudly(
    tmp_path: Path, kyrgyz: TailoredBrief
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(templates_dir(), templates, ignore=shutil.ignore_patterns("*.docx"))
    replace_in(templates / "partials" / "summary.html", "{{ labels.summary }}", "{{ brief.summery }}")
    with pytest.raises(RenderError, match="summery"):
        HtmlRenderer(templates).render(kyrgyz)


@pytest.mark.unit
def test_page_numbers_use_the_words_of_the_labels(kyrgyz_html: str) -> None:
    assert '@bottom-right { content: "Page " counter(page) " of " counter(pages); }' in kyrgyz_html
