"""Official names valid on the brief's date: a termbase of dated forms in the country profiles."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.models import CountryProfile, Term
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from briefgen.tailoring.sentences import capital_name, government_name, institution_name, name_on
from briefgen.translation.apply import localise
from conftest import CENTRAL_ASIA, replace_in

runner = CliRunner()


def dated(loaded: LoadedBrief, day: dt.date) -> LoadedBrief:
    return dataclasses.replace(loaded, brief=loaded.brief.model_copy(update={"date": day}), _texts={})


@pytest.fixture(scope="module")
def central_asia() -> LoadedBrief:
    return load_sources(CENTRAL_ASIA)


@pytest.mark.unit
def test_a_kyrgyz_office_renamed_in_2021_keeps_its_2020_name_in_a_2020_brief(
    central_asia: LoadedBrief,
) -> None:
    """The Office of the President became the Presidential Administration on 5 May 2021, and the
    Government the Cabinet of Ministers: a brief dated 2020 says the old names, one dated 2022
    the new ones, in English and in Russian."""
    for day, office, government in (
        (dt.date(2020, 11, 15), "Office of the President", "Government"),
        (dt.date(2022, 3, 1), "Presidential Administration", "Cabinet of Ministers"),
    ):
        loaded = dated(central_asia, day)
        brief = tailor(loaded, "KG")
        addressed = {name for rec in brief.recommendations for name in rec.institutions}
        assert f"{office} of the Kyrgyz Republic" in addressed, day
        assert brief.prepared_for == f"Prepared for the {government} of the Kyrgyz Republic"
    russian_2020 = tailor(localise(dated(central_asia, dt.date(2020, 11, 15)), "ru"), "KG")
    russian_2022 = tailor(localise(dated(central_asia, dt.date(2022, 3, 1)), "ru"), "KG")
    assert "Аппарат Президента Кыргызской Республики" in russian_2020.recommendations[0].institutions
    assert "Администрация Президента Кыргызской Республики" in russian_2022.recommendations[0].institutions
    assert russian_2020.prepared_for == "Подготовлено для Правительства Кыргызской Республики"
    assert russian_2022.prepared_for == "Подготовлено для Кабинета Министров Кыргызской Республики"


@pytest.mark.unit
def test_the_capital_is_named_as_it_was_on_the_date(central_asia: LoadedBrief) -> None:
    kazakhstan = central_asia.countries["KZ"]
    assert capital_name(kazakhstan, "en", dt.date(2018, 1, 1)) == "Astana"
    assert capital_name(kazakhstan, "en", dt.date(2020, 11, 15)) == "Nur-Sultan"
    assert capital_name(kazakhstan, "en", dt.date(2023, 1, 1)) == "Astana"
    assert capital_name(central_asia.countries["KG"], "en", dt.date(2020, 11, 15)) == "Bishkek"
    russian = localise(central_asia, "ru").countries["KZ"]
    assert capital_name(russian, "ru", dt.date(2020, 11, 15)) == "Нур-Султан"


@pytest.mark.unit
def test_a_name_the_profile_gives_in_a_language_is_used_as_given() -> None:
    """A form's `forms` is the government's own wording in that language: it wins over a
    translation, and a language without one takes the name (or the catalog's translation)."""
    office = [
        Term(
            name="Office of the President",
            valid_to=dt.date(2021, 5, 4),
            forms={"ky": "Президенттин Аппараты"},
        ),
        Term(name="Presidential Administration", valid_from=dt.date(2021, 5, 5)),
    ]
    assert name_on(office, "ky", dt.date(2020, 1, 1)) == "Президенттин Аппараты"
    assert name_on(office, "ru", dt.date(2020, 1, 1)) == "Office of the President"
    assert name_on(office, "ky", dt.date(2022, 1, 1)) == "Presidential Administration"
    assert name_on(office, "ky", None) == "Presidential Administration"  # no date: the latest
    profile = CountryProfile(
        code="RU",
        name="Ruritania",
        official_name="Kingdom of Ruritania",
        institutions={"office": office, "plain": "Ministry of Plain Names"},
        government="Royal Government of Ruritania",
    )
    assert institution_name(profile, "office", "ky", on=dt.date(2020, 1, 1)) == "Президенттин Аппараты"
    assert institution_name(profile, "plain", "en", on=dt.date(1900, 1, 1)) == "Ministry of Plain Names"
    assert institution_name(profile, "unknown-body", "en") == "Unknown body"
    assert government_name(profile, "en") == "Royal Government of Ruritania"


@pytest.mark.slow
def test_validate_warns_when_the_brief_s_date_is_outside_every_form_of_a_name_it_prints(
    central_asia_copy: Path,
) -> None:
    profile = central_asia_copy.parent / "countries" / "KG.yaml"
    replace_in(
        profile,
        "- {name: Office of the President of the Kyrgyz Republic, valid_to: 2021-05-04}",
        "- {name: Office of the President of the Kyrgyz Republic, valid_from: 2010-04-07, valid_to: 2021-05-04}",
    )
    line = next(
        n
        for n, text in enumerate(profile.read_text(encoding="utf-8").splitlines(), start=1)
        if "Office of the President of the Kyrgyz Republic" in text  # the list's first form
    )
    replace_in(central_asia_copy / "brief.yaml", "date: 2021-11-15", "date: 2009-06-01")
    shutil.rmtree(central_asia_copy / "tracking")  # its assessments would postdate a 2009 brief
    result = runner.invoke(app, ["validate", str(central_asia_copy)])
    assert result.exit_code == 0, result.output  # a warning: the brief still builds
    assert f"countries/KG.yaml:{line}:" in result.output
    assert "dated 2009-06-01, outside every form of this name" in result.output
    assert "institutions.presidential-administration" in result.output


@pytest.mark.slow
def test_forms_that_overlap_are_an_error_at_their_line(central_asia_copy: Path) -> None:
    profile = central_asia_copy.parent / "countries" / "KG.yaml"
    replace_in(
        profile,
        "- {name: Presidential Administration of the Kyrgyz Republic, valid_from: 2021-05-05}",
        "- {name: Presidential Administration of the Kyrgyz Republic, valid_from: 2021-01-01}",
    )
    result = runner.invoke(app, ["validate", str(central_asia_copy)])
    assert result.exit_code == 1
    assert "countries/KG.yaml:" in result.output and "the forms overlap or are out of order" in result.output
