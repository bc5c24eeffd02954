"""Review: reviewers comment and track changes in Word; each comes back to the source field it is on.

Files are reviewed for real: LibreOffice (driven through its UNO API by tests/review/lo_edit.py) adds
comments and tracked changes to a built DOCX and saves it as DOCX, twice; and Word's way of
writing a review (threads in `w15`, a comment on an insertion, a deletion over two steps, a
moved paragraph) is written by hand (tests/wordreview.py). In every file, each comment and each
revision is either mapped to its field or listed as unmapped, and the two add up to what the
file holds.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.document.model import TailoredBrief
from briefgen.render.docx import DocxRenderer, field_texts
from briefgen.render.ooxml import source_map
from briefgen.render.revisions import count_revision_elements
from briefgen.review import review
from briefgen.review.reading import FileReview, counted, read_file
from conftest import libreoffice, publish_in_russian, replace_in
from wordreview import WordReview

runner = CliRunner()
LO_EDIT = Path(__file__).resolve().parent / "lo_edit.py"
UNO_PYTHON = "/usr/bin/python3"  # the system Python, which has LibreOffice's bridge (python3-uno)
STEPS = "recommendations/protect-glacier-basins.yaml:action.steps"
NOTE = "recommendations/protect-glacier-basins.yaml:country_notes.PE"
TITLE = "recommendations/protect-glacier-basins.yaml:title"
CLAIM = "recommendations/protect-glacier-basins.yaml:evidence[0].claim"
LABEL = "PE.yaml:facts.glacier_share_water_supply.label"


def tailored(folder: Path, country: str = "PE", language: str = "en") -> TailoredBrief:
    """Return a country's brief as a draft build of the working sources makes it."""
    from briefgen.sources.frozen import load_working
    from briefgen.tailoring import tailor
    from briefgen.translation.apply import localise

    return tailor(localise(load_working(folder), language, allow_untranslated=True), country)


def draft_docx(folder: Path, path: Path, country: str = "PE", language: str = "en") -> Path:
    """Write a country's draft DOCX, as `briefgen build` makes it, to `path`."""
    path.write_bytes(DocxRenderer().render(tailored(folder, country, language)))
    return path


def edited_in_libreoffice(source: Path, out: Path, ops: list[dict[str, object]], tmp_path: Path) -> Path:
    """Have LibreOffice make `ops` as a reviewer (changes tracked), save as DOCX, open, save again."""
    plan = tmp_path / f"{out.stem}-plan.json"
    plan.write_text(
        json.dumps(
            {
                "input": str(source),
                "output": str(out),
                "profile": str(tmp_path / f"{out.stem}-profile"),
                "author": "Ana Reviewer",
                "resave": True,
                "ops": ops,
            }
        ),
        encoding="utf-8",
    )
    done = subprocess.run([UNO_PYTHON, str(LO_EDIT), str(plan)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


def comments_in(path: Path) -> int:
    """Return how many comments a DOCX holds (python-docx reads them)."""
    return len(list(Document(str(path)).comments))


def assert_none_lost(file: FileReview, path: Path) -> None:
    """Every comment and revision of the file is mapped to a field or listed as unmapped, once."""
    comments, changes = counted(file)
    assert comments == file.comment_count == comments_in(path)
    assert changes == file.revision_count == count_revision_elements(path.read_bytes())


def git_diff(folder: Path) -> str:
    return subprocess.run(
        ["git", "diff", "--no-color", "-U0"], cwd=folder, capture_output=True, text=True, check=True
    ).stdout


def committed(folder: Path) -> Path:
    """Put the briefs folder under git, so a test can read `git diff` of what --apply wrote."""
    run = {"cwd": folder, "check": True, "capture_output": True}
    subprocess.run(["git", "init", "-q"], **run)  # type: ignore[call-overload]
    subprocess.run(["git", "add", "-A"], **run)  # type: ignore[call-overload]
    subprocess.run(  # type: ignore[call-overload]
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "sources"], **run
    )
    return folder


def changed_lines(diff: str) -> list[str]:
    return [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


# --- every Word brief knows its sources ----------------------------------------------------------------


@pytest.mark.slow
def test_every_text_from_a_source_field_is_anchored_under_its_catalog_key(
    andes: Path, tmp_path: Path
) -> None:
    from briefgen.sources.loading import load_sources
    from briefgen.sources.texts import texts

    brief = tailored(andes)
    path = draft_docx(andes, tmp_path / "pe.docx")
    attributes, fields = source_map(path.read_bytes()) or ({}, [])
    assert attributes == {
        "brief": "andes-water",
        "edition": "1",
        "language": "en",
        "country": "PE",
        "draft": "true",
        "scenario": "neutral",
    }
    keys = {f["key"] for f in fields}
    catalog = {t.context for t in texts(load_sources(andes), printed_only=False)}
    assert keys <= catalog  # the anchors use the catalogs' msgctxt, nothing else
    for wanted in (TITLE, f"{STEPS}[0]", f"{STEPS}[1]", CLAIM, NOTE, LABEL, "brief.yaml:sections[0].body",
                   "brief.yaml:summary", "PE.yaml:highlights[1]", "brief.yaml:title"):  # fmt: skip
        assert wanted in keys, wanted
    read = read_file(path)
    shown = field_texts(brief)
    assert {k: f.old for k, f in read.fields.items()} == shown  # each anchor holds exactly its field's text
    assert shown[CLAIM] == "Glacier area fell by a third since the 1980s"  # the citation is not the claim
    assert shown["brief.yaml:sections[0].body"].split("\n\n") == [
        "Tropical glaciers have lost a third of their area since the 1980s (UNESCO,\u00a02021a).",
        "Peru holds most of them.",
        "Bolivia’s cities depend on them (UNESCO, 2021b,\u00a0p.\u00a012).",
    ]
    assert read.unmapped == [] and read.revision_count == 0


@pytest.mark.slow
def test_readers_see_nothing_of_the_anchors_and_the_file_stays_valid(andes: Path, tmp_path: Path) -> None:
    path = draft_docx(andes, tmp_path / "anchored.docx")
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    body = entries["word/document.xml"].decode()
    names = re.findall(r'<w:bookmarkStart [^>]*w:name="([^"]+)"', body)
    assert len(names) > 20 and all(n.startswith("_bg") and len(n) <= 40 for n in names)  # hidden in Word
    # the same document without anchors or source map: what LibreOffice prints must not differ
    bare = re.sub(r"<w:bookmark(Start|End) [^>]*/>", "", body)
    plain = tmp_path / "plain" / "anchored.docx"
    plain.parent.mkdir()
    with zipfile.ZipFile(plain, "w") as archive:
        for name, data in entries.items():
            if not name.startswith("customXml/"):
                archive.writestr(name, bare.encode() if name == "word/document.xml" else data)
    Document(str(path))  # python-docx opens it
    libreoffice("pdf", tmp_path / "a", path, profile=tmp_path / "lo-a")
    libreoffice("pdf", tmp_path / "b", plain, profile=tmp_path / "lo-b")

    def text(pdf: Path) -> str:
        return subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout

    printed = text(tmp_path / "a" / "anchored.pdf")
    assert "Map the basins." in printed
    assert printed == text(tmp_path / "b" / "anchored.pdf")


@pytest.mark.slow
def test_a_numbered_copy_keeps_every_anchor_and_says_which_copy_it_is(andes: Path, tmp_path: Path) -> None:
    from briefgen.render.stamp import stamp_docx

    original = draft_docx(andes, tmp_path / "pe.docx").read_bytes()
    copy = stamp_docx(original, "Copy 007 · Vice-Minister, Ministry of Agriculture", 7)
    attributes, fields = source_map(copy) or ({}, [])
    assert attributes["copy"] == "7"
    assert fields == (source_map(original) or ({}, []))[1]
    assert stamp_docx(original, "Copy 007 · Vice-Minister, Ministry of Agriculture", 7) == copy  # same bytes
    path = tmp_path / "copy.docx"
    path.write_bytes(copy)
    assert read_file(path).fields.keys() == read_file(tmp_path / "pe.docx").fields.keys()


@pytest.mark.slow
def test_libreoffice_keeps_the_anchors_bookmarks_where_it_loses_a_content_controls_tag(
    andes: Path, tmp_path: Path
) -> None:
    """Why the anchors are bookmarks (docs/review.md): the same step, anchored both ways, edited
    and saved twice by LibreOffice; the bookmark keeps its name, the content control its tag not."""
    from lxml import etree

    from wordreview import w

    source = draft_docx(andes, tmp_path / "pe.docx")
    with zipfile.ZipFile(source) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    body = etree.fromstring(entries["word/document.xml"])
    step = WordReview(source.read_bytes()).paragraph("Limit mining near glacier tongues.")
    [paragraph] = [p for p in body.iter(w("p")) if etree.tostring(p) == etree.tostring(step)]
    control = etree.SubElement(paragraph, w("sdt"))
    properties = etree.SubElement(control, w("sdtPr"))
    etree.SubElement(properties, w("tag")).set(w("val"), "briefgen:steps-1")
    etree.SubElement(properties, w("id")).set(w("val"), "4242")
    content = etree.SubElement(control, w("sdtContent"))
    for run in [r for r in paragraph if r.tag == w("r")]:
        content.append(run)
    entries["word/document.xml"] = etree.tostring(
        body, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    both = tmp_path / "both.docx"
    both.write_bytes(_zipped(entries))
    assert b"briefgen:steps-1" in entries["word/document.xml"]
    ops: list[dict[str, object]] = [{"op": "delete", "find": "near "}]
    saved = edited_in_libreoffice(both, tmp_path / "both-saved.docx", ops, tmp_path)
    with zipfile.ZipFile(saved) as archive:
        xml = archive.read("word/document.xml").decode()
    step_anchor = next(
        f["anchor"] for f in (source_map(source.read_bytes()) or ({}, []))[1] if f["key"] == f"{STEPS}[1]"
    )
    assert f'w:name="{step_anchor}"' in xml  # the bookmark came back, by name
    assert "<w:sdt>" in xml or "<w:sdt " in xml  # LibreOffice kept a content control…
    assert "briefgen:steps-1" not in xml  # …but not its tag: the field's key would be lost


# --- a review made in LibreOffice ------------------------------------------------------------------------------

LIBREOFFICE_REVIEW: list[dict[str, object]] = [
    {"op": "insert", "find": "Map the basins.", "at": 8, "text": "glacier-fed "},
    {"op": "delete", "find": "near "},
    {"op": "replace", "find": "Droughts follow", "text": "Droughts often follow"},
    {"op": "insert", "find": "fell by a third since the 1980s", "at": 31, "text": " in the Andes"},
    {"op": "comment", "find": "model for the region", "text": "Which law? Cite it."},
    {"op": "comment", "find": "glacier-fed basins", "text": "Title too long"},
    {"op": "comment", "find": "Dry-season water", "text": "Say dry season"},
    {"op": "comment", "find": "Applies because", "text": "Is this sentence generated?"},
]


@pytest.mark.slow
def test_comments_and_changes_made_in_libreoffice_come_back_to_their_fields(
    andes: Path, tmp_path: Path
) -> None:
    source = draft_docx(andes, tmp_path / "pe.docx")
    path = edited_in_libreoffice(source, tmp_path / "reviewed.docx", LIBREOFFICE_REVIEW, tmp_path)
    found = review(andes, [path]).files[0]
    fields = found.fields
    assert fields[f"{STEPS}[0]"].new == "Map the glacier-fed basins."
    assert [(c.kind, c.text, c.author) for c in fields[f"{STEPS}[0]"].changes] == [
        ("insertion", "glacier-fed ", "Ana Reviewer")
    ]
    assert fields[f"{STEPS}[1]"].new == "Limit mining glacier tongues."
    assert fields["brief.yaml:sections[1].body"].new == "Droughts often follow El Niño years."
    assert fields[CLAIM].new == "Glacier area fell by a third since the 1980s in the Andes"
    # LibreOffice moves an anchor's end back a character per comment in it when it reopens a file;
    # the reader puts it back where the sources say the text ends
    assert fields[NOTE].old == fields[NOTE].new == "Peru’s glacier law is a model for the region."
    assert [(c.text, c.on) for c in fields[NOTE].comments] == [
        ("Which law? Cite it.", "model for the region")
    ]
    assert [c.text for c in fields[TITLE].comments] == ["Title too long"]
    assert [c.text for c in fields[LABEL].comments] == ["Say dry season"]
    assert fields[LABEL].old == "Dry-season water from glaciers"
    [generated] = found.unmapped
    assert generated.comment is not None and generated.comment.text == "Is this sentence generated?"
    assert generated.where == "generated text (not from a source field)"
    assert generated.context.startswith("Applies because Peru draws 40%")
    assert_none_lost(found, path)
    assert found.comment_count == 4 and found.revision_count >= 4


@pytest.mark.slow
def test_the_review_report_says_who_said_what_on_which_field(andes: Path, tmp_path: Path) -> None:
    source = draft_docx(andes, tmp_path / "pe.docx")
    path = edited_in_libreoffice(
        source, tmp_path / "reviewed.docx", LIBREOFFICE_REVIEW[:2] + LIBREOFFICE_REVIEW[4:], tmp_path
    )
    html = tmp_path / "report.html"
    result = runner.invoke(app, ["review", str(andes), str(path), "--html", str(html)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "recommendations/protect-glacier-basins.yaml\n  title\n" in text
    assert "insertion by Ana Reviewer" in text and "now reads: “Map the {+glacier-fed +}basins.”" in text
    assert "Not on any source field" in text and "Is this sentence generated?" in text
    page = html.read_text(encoding="utf-8")
    assert "<ins>glacier-fed </ins>" in page and "Which law? Cite it." in page
    data = json.loads(runner.invoke(app, ["review", str(andes), str(path), "--json"]).output)
    [file] = data["files"]
    assert file["comments"] == 4 and file["mapped"]["comments"] == 3
    by_key = {f["key"]: f for f in data["fields"]}
    assert by_key[f"{STEPS}[1]"]["reviews"][0]["new"] == "Limit mining glacier tongues."
    assert [u["comment"]["text"] for u in data["unmapped"]] == ["Is this sentence generated?"]


@pytest.mark.slow
def test_review_apply_of_a_step_edited_in_libreoffice_changes_exactly_that_line(
    briefs_copy: Path, tmp_path: Path
) -> None:
    andes = briefs_copy / "andes-water"
    rec = andes / "recommendations" / "protect-glacier-basins.yaml"
    replace_in(
        rec, "action:\n", "# Reviewed with the water team, March 2024.\naction:  # what governments do\n"
    )
    replace_in(rec, "  steps: [", "  # keep the steps short\n  steps: [")
    committed(briefs_copy)
    source = draft_docx(andes, tmp_path / "pe.docx")
    ops: list[dict[str, object]] = [
        {"op": "insert", "find": "Map the basins.", "at": 8, "text": "glacier-fed "},
        {"op": "comment", "find": "Map the", "text": "Good"},
    ]
    path = edited_in_libreoffice(source, tmp_path / "reviewed.docx", ops, tmp_path)
    result = runner.invoke(app, ["review", str(andes), str(path), "--apply"])
    assert result.exit_code == 0, result.output
    assert "Applied\n  recommendations/protect-glacier-basins.yaml:action.steps[0]" in result.output
    assert changed_lines(git_diff(briefs_copy)) == [
        "-  steps: [Map the basins., Limit mining near glacier tongues.]",
        "+  steps: [Map the glacier-fed basins., Limit mining near glacier tongues.]",
    ]
    text = rec.read_text(encoding="utf-8")
    assert "# Reviewed with the water team, March 2024.\naction:  # what governments do\n" in text
    assert "  # keep the steps short\n" in text
    assert runner.invoke(app, ["validate", str(andes)]).exit_code == 0


# --- a review as Word writes it --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def word_review(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A PE draft reviewed as Word records it: a thread with replies, a comment on an insertion,
    a deletion over two steps, a moved paragraph, a comment on the references."""
    import shutil

    from conftest import FIXTURES

    root = tmp_path_factory.mktemp("word")
    shutil.copytree(FIXTURES / "briefs", root / "briefs")
    andes = root / "briefs" / "andes-water"
    word = WordReview(draft_docx(andes, root / "pe.docx").read_bytes())
    word.comment(
        "model for the region",
        "Which law is meant?",
        "Maria Lopez",
        replies=[("Ana Reviewer", "Law 30640, on glaciers."), ("Maria Lopez", "Then cite it.")],
        done=True,
    )
    inserted = word.insert("Publish river and lake gauge data", " daily", "Maria Lopez")
    word.comment("", "Daily is too often for lake gauges.", "Juan Perez", inside=inserted)
    word.delete_across("the basins.", "Limit mining ", "Juan Perez")
    word.move_before("Andean towns call it", "Lima depends on", "Maria Lopez")
    word.comment("Rabatel, Antoine", "Use the 2019 update.", "Juan Perez")
    word.insert("Evidence", " (two studies)", "Juan Perez")  # typed into a generated label
    word.insert_in_part("word/footer1.xml", "Water Security in the Andes", " (draft 2)", "Maria Lopez")
    [run] = word.isolate("drought and shared", word.paragraph("Glaciers, drought and shared basins"))
    run.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t").text = "droughts and shared"
    path = root / "word.docx"
    path.write_bytes(word.save())
    return andes, path


@pytest.fixture(scope="module")
def word_read(word_review: tuple[Path, Path]) -> FileReview:
    andes, path = word_review
    return review(andes, [path]).files[0]


@pytest.mark.slow
def test_a_word_comment_thread_with_replies_stays_one_thread_on_its_field(word_read: FileReview) -> None:
    [thread] = word_read.fields[NOTE].comments
    assert (thread.author, thread.initials, thread.text, thread.on, thread.done) == (
        "Maria Lopez",
        "ML",
        "Which law is meant?",
        "model for the region",
        True,
    )
    assert thread.date == "2024-03-06T10:15:00Z"
    assert [(r.author, r.text) for r in thread.replies] == [
        ("Ana Reviewer", "Law 30640, on glaciers."),
        ("Maria Lopez", "Then cite it."),
    ]


@pytest.mark.slow
def test_a_comment_on_a_reviewers_insertion_belongs_to_the_field_it_was_made_in(
    word_read: FileReview,
) -> None:
    entry = word_read.fields["recommendations/share-hydrological-data.yaml:action.summary"]
    assert entry.new == "Publish river and lake gauge data daily in one open format."
    assert [(c.kind, c.text) for c in entry.changes] == [("insertion", " daily")]
    assert [(c.author, c.text, c.on) for c in entry.comments] == [
        ("Juan Perez", "Daily is too often for lake gauges.", "daily")
    ]


@pytest.mark.slow
def test_a_deletion_over_two_steps_belongs_to_both_and_says_it_joins_them(word_read: FileReview) -> None:
    first, second = word_read.fields[f"{STEPS}[0]"], word_read.fields[f"{STEPS}[1]"]
    assert (first.old, first.new) == ("Map the basins.", "Map ")
    assert (second.old, second.new) == ("Limit mining near glacier tongues.", "near glacier tongues.")
    assert first.structure == [f"joined with {STEPS}[1]"]
    assert sorted(c.kind for c in first.changes) == ["deletion", "paragraph deleted"]
    assert second.structure == [f"joined with {STEPS}[0]"]
    assert sorted(c.kind for c in second.changes) == ["deletion", "paragraph deleted"]


@pytest.mark.slow
def test_a_moved_paragraph_belongs_to_the_field_it_was_moved_from(word_read: FileReview) -> None:
    moved = word_read.fields["PE.yaml:highlights[1]"]
    assert sorted(c.kind for c in moved.changes) == [
        "moved away",
        "moved here",
        "paragraph moved away",
        "paragraph moved here",
    ]
    assert moved.structure == ["moved: the reviewer moved this text elsewhere"]
    assert moved.old == moved.new == "Andean towns call it yaku — water."  # moved, not deleted
    assert word_read.fields["PE.yaml:highlights[0]"].changes == []


@pytest.mark.slow
def test_a_text_changed_without_tracking_is_said_and_never_applied(word_read: FileReview) -> None:
    subtitle = word_read.fields["brief.yaml:subtitle"]
    assert subtitle.old == subtitle.new == "Glaciers, droughts and shared basins"
    assert subtitle.structure == [
        "the file's text differs from what its source makes (“Glaciers, drought and shared basins”): "
        "changed without tracking?"
    ]


@pytest.mark.slow
def test_every_comment_and_revision_of_a_word_review_is_mapped_or_listed(
    word_review: tuple[Path, Path], word_read: FileReview
) -> None:
    _, path = word_review
    assert_none_lost(word_read, path)
    assert word_read.comment_count == 5  # a thread of three, one on the insertion, one on the references
    [references] = [u for u in word_read.unmapped if u.comment is not None]
    [label] = [u for u in word_read.unmapped if u.change is not None and "header" not in u.where]
    [footer] = [u for u in word_read.unmapped if u.change is not None and "header" in u.where]
    assert references.comment is not None and references.comment.text == "Use the 2019 update."
    assert references.context.startswith("Rabatel, Antoine")
    assert references.where == "generated text (not from a source field)"
    assert label.change is not None and label.change.text == " (two studies)"
    assert (label.where, label.context) == (
        "text the reviewer added outside any field",
        "Evidence (two studies)",
    )
    assert footer.change is not None and footer.change.text == " (draft 2)"
    assert footer.where == "page furniture (a header or footer)"


@pytest.mark.slow
def test_apply_refuses_a_join_or_a_move_and_writes_nothing_unless_partial(
    word_review: tuple[Path, Path], tmp_path: Path
) -> None:
    import shutil

    andes, path = word_review
    briefs = tmp_path / "briefs"
    shutil.copytree(andes.parent, briefs)
    committed(briefs)
    result = runner.invoke(app, ["review", str(briefs / "andes-water"), str(path), "--apply"])
    assert result.exit_code == 1
    assert "cannot be applied; nothing was written" in result.output
    assert f"joined with {STEPS}[1]" in result.output
    assert "moved: the reviewer moved this text elsewhere" in result.output
    assert git_diff(briefs) == ""
    partial = runner.invoke(app, ["review", str(briefs / "andes-water"), str(path), "--apply", "--partial"])
    assert partial.exit_code == 1  # some edits were refused: said, and the status says so
    assert changed_lines(git_diff(briefs)) == [
        "-  summary: Publish river and lake gauge data in one open format.",
        "+  summary: Publish river and lake gauge data daily in one open format.",
    ]


# --- translations ------------------------------------------------------------------------------------------------

RUSSIAN_STEPS = {
    "Map the basins.": "Нанести бассейны на карту.",
    "Limit mining near glacier tongues.": "Ограничить добычу вблизи языков ледников.",
}


def translated_into_russian(andes: Path) -> Path:
    """Publish the fixture brief in Russian too, with every text translated (the steps in Russian)."""
    from briefgen.sources.catalogs import catalog_paths
    from briefgen.sources.loading import load_sources
    from briefgen.translation.update import po_bytes, read_po_file, update

    publish_in_russian(andes)
    update(load_sources(andes), "ru")
    for path in catalog_paths(andes, "ru").values():
        catalog = read_po_file(path, "ru")
        for message in catalog:
            if message.id:
                message.string = RUSSIAN_STEPS.get(message.id, message.id)
        path.write_bytes(po_bytes(catalog))
    return andes


@pytest.mark.slow
def test_an_edit_on_the_russian_copy_changes_exactly_that_po_entry(briefs_copy: Path, tmp_path: Path) -> None:
    andes = translated_into_russian(briefs_copy / "andes-water")
    committed(briefs_copy)
    word = WordReview(draft_docx(andes, tmp_path / "ru.docx", language="ru").read_bytes())
    word.insert("Ограничить добычу ", "полезных ископаемых ", "Ирина Смирнова")
    word.comment("Нанести бассейны", "Каким масштабом?", "Ирина Смирнова")
    path = tmp_path / "ru-reviewed.docx"
    path.write_bytes(word.save())
    result = runner.invoke(app, ["review", str(andes), str(path), "--apply"])
    assert result.exit_code == 0, result.output
    assert "translations/ru.po" in result.output
    assert changed_lines(git_diff(briefs_copy)) == [
        '-msgstr "Ограничить добычу вблизи языков ледников."',
        '+msgstr "Ограничить добычу полезных ископаемых вблизи языков ледников."',
    ]
    diff = git_diff(briefs_copy)
    assert "andes-water/translations/ru.po" in diff and ".yaml" not in diff  # the English is untouched


@pytest.mark.slow
def test_a_russian_edit_made_after_the_english_changed_stays_fuzzy(briefs_copy: Path, tmp_path: Path) -> None:
    from briefgen.sources.catalogs import catalog_paths
    from briefgen.sources.loading import load_sources
    from briefgen.translation.update import read_po_file, update

    andes = translated_into_russian(briefs_copy / "andes-water")
    word = WordReview(draft_docx(andes, tmp_path / "ru.docx", language="ru").read_bytes())
    word.insert("Ограничить добычу ", "полезных ископаемых ", "Ирина Смирнова")
    path = tmp_path / "ru-reviewed.docx"
    path.write_bytes(word.save())
    rec = andes / "recommendations" / "protect-glacier-basins.yaml"
    replace_in(rec, "Limit mining near glacier tongues.", "Limit mining near glacier tongues and lakes.")
    update(load_sources(andes), "ru")  # the translator's catalog now marks the entry fuzzy
    result = runner.invoke(app, ["review", str(andes), str(path), "--apply"])
    assert result.exit_code == 0, result.output
    assert "kept fuzzy: the English changed since the translation was made" in result.output
    catalog = read_po_file(catalog_paths(andes, "ru")["brief"], "ru")
    [entry] = [m for m in catalog if m.context == f"{STEPS}[1]"]
    assert entry.string == "Ограничить добычу полезных ископаемых вблизи языков ледников."
    assert entry.fuzzy


# --- a source changed since the reviewed edition ----------------------------------------------------------------------


@pytest.mark.slow
def test_a_change_to_a_field_edited_since_the_reviewed_edition_is_refused_with_the_three_texts(
    briefs_copy: Path, tmp_path: Path
) -> None:
    from briefgen.editions.release import release
    from briefgen.sources.frozen import load_edition
    from briefgen.tailoring import tailor

    andes = briefs_copy / "andes-water"
    release(andes)  # edition 1 goes out for review; the working edition is now 2
    edition_1 = tmp_path / "pe-e1.docx"
    edition_1.write_bytes(DocxRenderer().render(tailor(load_edition(andes, 1), "PE")))
    rec = andes / "recommendations" / "protect-glacier-basins.yaml"
    replace_in(rec, "Limit mining near glacier tongues.", "Stop mining near glacier tongues.")
    committed(briefs_copy)
    word = WordReview(edition_1.read_bytes())
    word.delete("near ", "Juan Perez", "Limit mining")
    word.insert("Droughts follow El Niño years.", " They last longer now.", "Juan Perez")
    path = tmp_path / "reviewed.docx"
    path.write_bytes(word.save())
    result = runner.invoke(app, ["review", str(andes), str(path), "--apply"])
    assert result.exit_code == 1
    output = result.output
    assert "made from edition 1; the working edition is 2" in output
    assert f"{STEPS}[1] (reviewed.docx): the source changed since edition 1 was made" in output
    assert "old:     “Limit mining near glacier tongues.”" in output
    assert "theirs:  “Limit mining glacier tongues.”" in output
    assert "current: “Stop mining near glacier tongues.”" in output
    assert git_diff(briefs_copy) == ""  # all or nothing: the other edit was not written either
    data = json.loads(runner.invoke(app, ["review", str(andes), str(path), "--apply", "--json"]).output)
    [refused] = data["refused"]
    assert (refused["old"], refused["theirs"], refused["current"]) == (
        "Limit mining near glacier tongues.",
        "Limit mining glacier tongues.",
        "Stop mining near glacier tongues.",
    )
    assert data["written"] == [] and git_diff(briefs_copy) == ""
    partial = runner.invoke(app, ["review", str(andes), str(path), "--apply", "--partial"])
    assert partial.exit_code == 1
    assert changed_lines(git_diff(briefs_copy)) == [
        "-    body: Droughts follow El Niño years.",
        "+    body: Droughts follow El Niño years. They last longer now.",
    ]


# --- which file it is -----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_an_edit_that_would_leave_the_sources_invalid_writes_nothing(
    briefs_copy: Path, tmp_path: Path
) -> None:
    andes = briefs_copy / "andes-water"
    committed(briefs_copy)
    word = WordReview(draft_docx(andes, tmp_path / "pe.docx").read_bytes())
    word.delete("Share hydrological data across the Titicaca basin", "Juan Perez")  # a title, all of it
    word.delete("near ", "Juan Perez", "Limit mining")
    path = tmp_path / "reviewed.docx"
    path.write_bytes(word.save())
    result = runner.invoke(app, ["review", str(andes), str(path), "--apply"])
    assert result.exit_code == 1
    assert "share-hydrological-data.yaml:2:8: title: String should have at least 1 character" in result.output
    assert git_diff(briefs_copy) == ""  # checked on a copy first: nothing was written


@pytest.mark.slow
def test_a_file_of_another_brief_is_recognised_and_never_applied(andes: Path, tmp_path: Path) -> None:
    data = draft_docx(andes, tmp_path / "pe.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    item = next(n for n in entries if n.startswith("customXml/item") and b"<sources" in entries[n])
    entries[item] = entries[item].replace(b'brief="andes-water"', b'brief="mekong-rivers"')
    word = WordReview(_zipped(entries))
    word.delete("near ", "Juan Perez", "Limit mining")
    path = tmp_path / "other.docx"
    path.write_bytes(word.save())
    result = runner.invoke(app, ["review", str(andes), str(path), "--apply"])
    assert result.exit_code == 1
    assert "this file is a brief of 'mekong-rivers', not of 'andes-water'" in result.output
    assert "the file is a brief of 'mekong-rivers'" in result.output


def _zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.unit
def test_a_file_that_is_not_a_word_document_is_a_clear_error(andes: Path, tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_text("these are my notes", encoding="utf-8")
    result = runner.invoke(app, ["review", str(andes), str(path)])
    assert result.exit_code == 1
    assert (
        "notes.docx:1:1: (file): not a reviewable Word file: not a Word document (.docx): it is not a zip file"
        in (result.output + str(result.exception))
    )


@pytest.mark.unit
def test_review_without_files_reads_the_reviews_folder_and_says_when_it_is_empty(andes: Path) -> None:
    result = runner.invoke(app, ["review", str(andes)])
    assert result.exit_code == 2
    assert "no file to review: name the reviewers' .docx files, or put them in" in result.output
    assert runner.invoke(app, ["review", str(andes), "--partial"]).exit_code == 2


@pytest.mark.slow
def test_a_stamped_copy_round_trips_through_libreoffice_and_its_review_names_the_recipient(
    andes: Path, tmp_path: Path
) -> None:
    from briefgen.distribution import DistributionRequest, distribute
    from briefgen.editions.release import release

    release(andes)
    distribute(
        DistributionRequest(
            andes,
            recipients=("pe-water-vice-minister",),
            channel="outbox",
            outbox=tmp_path / "outbox",
            sender="analyst@example.org",
            out=tmp_path / "build",
            jobs=1,
        )
    )
    [copy] = (tmp_path / "build").rglob("*-copy*.docx")
    ops: list[dict[str, object]] = [
        {"op": "delete", "find": "near "},
        {"op": "comment", "find": "glacier law", "text": "Which law?"},
    ]
    path = edited_in_libreoffice(copy, tmp_path / "returned.docx", ops, tmp_path)
    attributes, fields = source_map(path.read_bytes()) or ({}, [])
    assert attributes["copy"] == "1" and len(fields) == len((source_map(copy.read_bytes()) or ({}, []))[1])
    result = runner.invoke(app, ["review", str(andes), str(path)])
    assert result.exit_code == 0, result.output
    assert (
        "numbered copy 001 of edition 1, held by Vice-Minister for Water, Vice-Minister, "
        "Ministry of Agriculture (pe-water-vice-minister)"
    ) in result.output
    found = review(andes, [path]).files[0]
    assert found.fields[f"{STEPS}[1]"].new == "Limit mining glacier tongues."
    assert [c.text for c in found.fields[NOTE].comments] == ["Which law?"]
    assert_none_lost(found, path)


# --- the preview's page ------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_preview_shows_the_review_of_the_files_in_reviews_and_writes_nothing(
    andes: Path, tmp_path: Path
) -> None:
    from starlette.testclient import TestClient

    from briefgen.preview.app import create_app
    from briefgen.preview.state import Preview

    (andes / "reviews").mkdir()
    word = WordReview(draft_docx(andes, tmp_path / "pe.docx").read_bytes())
    word.delete("near ", "Juan Perez", "Limit mining")
    word.comment("model for the region", "Which law?", "Maria Lopez")
    (andes / "reviews" / "juan.docx").write_bytes(word.save())
    before = {p: p.stat().st_mtime_ns for p in andes.parent.rglob("*")}
    with TestClient(create_app(Preview(andes), None, watch=False)) as client:
        page = client.get("/review")
    assert page.status_code == 200
    assert "juan.docx" in page.text and "Which law?" in page.text and "<del> near</del>" in page.text
    assert "style-src 'self' 'sha256-" in page.headers["content-security-policy"]
    assert {p: p.stat().st_mtime_ns for p in andes.parent.rglob("*")} == before


# --- the pieces ---------------------------------------------------------------------------------------------------------


@pytest.mark.unit
def test_a_yaml_edit_changes_that_scalar_alone_in_every_way_it_can_be_written() -> None:
    from briefgen.review.yamledit import replace_scalar

    text = (
        "# a recommendation\n"
        "title: 'Protect the basins'   # short\n"
        'horizon: "12-24 months"\n'
        "action:\n"
        "  summary: |\n"
        "    Protect the basins.\n"
        "\n"
        "    Map them first.\n"
        "  steps: [Map the basins., Limit mining.]\n"
        "rationale: >\n"
        "  Glaciers are\n"
        "  a buffer.\n"
    )

    def changed(loc: tuple[str | int, ...], value: str) -> list[str]:
        after = replace_scalar(text, loc, value)
        assert after is not None
        old, new = text.splitlines(), after.splitlines()
        return [f"{a} => {b}" for a, b in zip(old, new, strict=False) if a != b] + new[len(old) :]

    assert changed(("title",), "Protect the river's basins") == [
        "title: 'Protect the basins'   # short => title: 'Protect the river''s basins'   # short"
    ]
    assert changed(("horizon",), 'The "next" 12-24 months') == [
        'horizon: "12-24 months" => horizon: "The \\"next\\" 12-24 months"'
    ]
    assert changed(("action", "summary"), "Protect the basins.\n\nMap them all first.\n") == [
        "    Map them first. =>     Map them all first."
    ]
    assert changed(("action", "steps", 1), "Limit mining: near tongues.") == [
        '  steps: [Map the basins., Limit mining.] =>   steps: [Map the basins., "Limit mining: near tongues."]'
    ]
    assert changed(("rationale",), "Glaciers are a lasting buffer.") == [
        'rationale: > => rationale: "Glaciers are a lasting buffer."'
    ]


@pytest.mark.unit
def test_an_edit_is_carried_past_markdown_and_never_into_a_citation() -> None:
    from briefgen.review.carry import carry

    source = "Governments should *protect* glacier basins [@chen2020, p. 4].^[Loss is uneven.]"
    shown = "Governments should protect glacier basins (Chen, 2020, p.\u00a04).^[Loss is uneven.]"
    assert carry(shown, shown.replace("protect glacier", "protect all glacier"), source) == (
        "Governments should *protect* all glacier basins [@chen2020, p. 4].^[Loss is uneven.]"
    )
    assert carry(shown, shown.replace("uneven", "very uneven"), source) == (
        "Governments should *protect* glacier basins [@chen2020, p. 4].^[Loss is very uneven.]"
    )
    changed = carry(shown, shown.replace("Chen, 2020", "Chen, 2021"), source)
    assert changed is None or changed != source  # placed somewhere; the caller's check refuses it


@pytest.mark.unit
def test_a_field_key_names_its_file_and_path() -> None:
    from briefgen.sources.fieldkeys import field_key, parse_key

    key = field_key("recommendations/protect-glacier-basins.yaml", ("action", "steps", 2))
    assert key == "recommendations/protect-glacier-basins.yaml:action.steps[2]"
    assert parse_key(key) == ("recommendations/protect-glacier-basins.yaml", ("action", "steps", 2))
    assert parse_key("KG.yaml:highlights.lake-issyk.text") == (
        "KG.yaml",
        ("highlights", "lake-issyk", "text"),
    )
    with pytest.raises(ValueError):
        parse_key("brief.yaml")
