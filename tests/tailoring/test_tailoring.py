"""Tailoring: which recommendations, evidence and references each government's brief gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.document.doctree import plain_inlines
from briefgen.document.model import TailoredBrief
from briefgen.errors import TailoringError
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from conftest import ANDES, CENTRAL_ASIA, replace_in

MONITOR, PROFESSIONALISE, BALANCE = (
    "monitor-domestic-drivers",
    "professionalise-business-environment",
    "deepen-balancing",
)


@pytest.fixture(scope="module")
def central_asia():  # type: ignore[no-untyped-def]
    return load_sources(CENTRAL_ASIA)


def rec_ids(brief: TailoredBrief) -> list[str]:
    return [r.id for r in brief.recommendations]


def evidence_sources(brief: TailoredBrief, rec_id: str) -> list[str]:
    rec = next(r for r in brief.recommendations if r.id == rec_id)
    return [item.citation.items[0].key for item in rec.evidence]


def claims(brief: TailoredBrief) -> str:
    text = " | ".join(item.claim.plain() for r in brief.recommendations for item in r.evidence)
    return text.replace("\u00a0", " ")  # "USD 808 m" is set with non-breaking spaces


# --- the bundled brief, pinned country by country ------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize("country", ["KZ", "KG", "TJ", "TM", "UZ"])
def test_when_china_recovers_every_government_gets_all_three_in_priority_order(
    central_asia, country: str
) -> None:
    assert rec_ids(tailor(central_asia, country)) == [MONITOR, PROFESSIONALISE, BALANCE]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("KZ", [MONITOR, BALANCE]),
        ("KG", [MONITOR, PROFESSIONALISE, BALANCE]),
        ("TJ", [MONITOR, PROFESSIONALISE, BALANCE]),
        ("TM", [MONITOR, BALANCE]),
        ("UZ", [MONITOR, BALANCE]),
    ],
)
def test_when_china_stalls_only_the_indebted_remittance_economies_keep_the_business_recommendation(
    central_asia, country: str, expected: list[str]
) -> None:
    brief = tailor(central_asia, country, "china-stalls")
    assert rec_ids(brief) == expected


NUMBERS = {MONITOR: 1, PROFESSIONALISE: 2, BALANCE: 3}


@pytest.mark.unit
@pytest.mark.parametrize("scenario", ["china-recovers", "china-stalls"])
@pytest.mark.parametrize("country", ["KZ", "KG", "TJ", "TM", "UZ"])
def test_stable_numbers_a_recommendation_has_one_number_in_every_brief_and_a_gap_where_left_out(
    central_asia, country: str, scenario: str
) -> None:
    brief = tailor(central_asia, country, scenario)
    assert {r.id: r.number for r in brief.recommendations} == {
        r.id: NUMBERS[r.id] for r in brief.recommendations
    }


@pytest.mark.unit
def test_stable_numbers_an_explicit_number_is_kept_and_the_rest_fill_the_free_ones(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "andes-water"
    shutil.copytree(ANDES, folder)
    shutil.copytree(ANDES.parent / "countries", tmp_path / "countries")
    replace_in(folder / "recommendations/share-hydrological-data.yaml", "priority:", "number: 1\npriority:")
    loaded = load_sources(folder)
    bolivia = {r.id: r.number for r in tailor(loaded, "BO").recommendations}
    assert bolivia == {
        "share-hydrological-data": 1,
        "protect-glacier-basins": 2,
        "prepare-drought-finance": 3,
    }
    # Chile lacks two of them: its one recommendation keeps its number, the others are a gap
    assert [(r.id, r.number) for r in tailor(loaded, "CL").recommendations] == [
        ("prepare-drought-finance", 3)
    ]


@pytest.mark.unit
def test_stable_numbers_two_recommendations_claiming_one_number_is_a_validation_error(tmp_path: Path) -> None:
    import shutil

    from briefgen.validate import validate

    folder = tmp_path / "andes-water"
    shutil.copytree(ANDES, folder)
    shutil.copytree(ANDES.parent / "countries", tmp_path / "countries")
    for name in ("share-hydrological-data", "protect-glacier-basins"):
        replace_in(folder / f"recommendations/{name}.yaml", "priority:", "number: 2\npriority:")
    errors = [p for p in validate(folder).problems if p.severity == "error"]
    assert len(errors) == 1 and "number 2 is already given to" in errors[0].message
    assert errors[0].file.name in {"share-hydrological-data.yaml", "protect-glacier-basins.yaml"}


@pytest.mark.unit
def test_the_kyrgyz_brief_under_stalling_says_in_a_sentence_which_facts_made_it_apply(central_asia) -> None:
    rec = tailor(central_asia, "KG", "china-stalls").recommendations[1]
    assert rec.applies_because == (
        "Applies because Kyrgyzstan owes China 43% of its public external debt (2019) and receives "
        "remittances equal to 29% of its GDP (2019), under the scenario ‘China’s economy fails to recover’."
    )


@pytest.mark.unit
def test_a_fact_without_a_sentence_form_is_said_from_its_label(central_asia) -> None:
    import dataclasses

    from briefgen.tailoring.sentences import fact_clause

    profile = central_asia.countries["KG"]
    fact = profile.facts["remittances_share_gdp"]
    plain = profile.model_copy(
        update={"facts": {"remittances_share_gdp": fact.model_copy(update={"sentence": None})}}
    )
    assert (
        fact_clause("remittances_share_gdp", plain, "en")
        == "records “Remittances received (% of GDP)” as 29% (2019)"
    )
    assert dataclasses.is_dataclass(tailor(central_asia, "KG"))


@pytest.mark.unit
@pytest.mark.parametrize(
    ("country", "names"),
    [
        (
            "KG",
            (
                "Ministry of Foreign Affairs of the Kyrgyz Republic",
                # its name on the working edition's date (November 2021; "Office of the
                # President" until May 2021: tests/tailoring/test_termbase.py)
                "Presidential Administration of the Kyrgyz Republic",
            ),
        ),
        (
            "TJ",
            (
                "Ministry of Foreign Affairs of the Republic of Tajikistan",
                "Executive Office of the President of the Republic of Tajikistan",
            ),
        ),
    ],
)
def test_institutions_are_named_as_that_government_names_them(
    central_asia, country: str, names: tuple[str, ...]
) -> None:
    rec = next(r for r in tailor(central_asia, country).recommendations if r.id == BALANCE)
    assert rec.institutions == names


@pytest.mark.unit
def test_an_institution_without_a_name_gets_a_readable_generic_one_and_a_warning(tmp_path: Path) -> None:
    import shutil

    from briefgen.validate import validate

    folder = tmp_path / "andes-water"
    shutil.copytree(ANDES, folder)
    shutil.copytree(ANDES.parent / "countries", tmp_path / "countries")
    replace_in(
        tmp_path / "countries/CL.yaml",
        "institutions:\n  environment-ministry: Ministry of the Environment of Chile\n",
        "",
    )
    result = validate(folder)
    [warning] = [p for p in result.problems if "has no name" in p.message]
    assert warning.severity == "warning" and "CL" in warning.message
    chile = tailor(result.loaded, "CL")  # type: ignore[arg-type]
    assert all(r.institutions == ("Environment ministry",) for r in chile.recommendations if r.institutions)


@pytest.mark.unit
def test_turkmenistan_is_left_out_of_the_stalling_case_because_its_debt_is_not_recorded(central_asia) -> None:
    decision = next(
        d for d in tailor(central_asia, "TM", "china-stalls").decisions if d.recommendation == PROFESSIONALISE
    )
    assert not decision.included and decision.decided_by == "condition"
    assert [(leaf.fact, leaf.defined) for leaf in decision.leaves] == [
        ("scenario.china_economy", True),
        ("country.debt_to_china_share_external_debt", False),
    ]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("country", "shown", "hidden"),
    [
        (
            "KZ",
            ["protests", "USD 808 m"],
            ["National Bank of Uzbekistan", "neutrality", "remittances equalled"],
        ),
        (
            "KG",
            ["protests", "remittances equalled"],
            ["USD 808 m", "National Bank of Uzbekistan", "neutrality"],
        ),
        ("TJ", ["remittances equalled", "Xinjiang"], ["protests", "USD 808 m", "neutrality"]),
        ("TM", ["neutrality", "Turkmengaz"], ["protests", "USD 808 m", "remittances equalled"]),
        (
            "UZ",
            ["National Bank of Uzbekistan"],
            ["protests", "USD 808 m", "neutrality", "remittances equalled"],
        ),
    ],
)
def test_each_brief_shows_the_evidence_that_concerns_it_and_no_other_country_evidence(
    central_asia, country: str, shown: list[str], hidden: list[str]
) -> None:
    text = claims(tailor(central_asia, country))
    for phrase in shown:
        assert phrase in text, phrase
    for phrase in hidden:
        assert phrase not in text, phrase


@pytest.mark.unit
def test_the_kyrgyz_reference_list_omits_works_cited_only_for_other_countries(central_asia) -> None:
    keys = [ref.key for ref in tailor(central_asia, "KG").references]
    assert "un-ga1995" not in keys  # cited only in evidence shown to Turkmenistan
    assert "china-general-technology2017" not in keys  # only for Kazakhstan
    assert {"chen2020", "imf-debt-2020", "world-bank-wdi"} <= set(keys)
    assert "un-ga1995" in [ref.key for ref in tailor(central_asia, "TM").references]


@pytest.mark.unit
def test_the_reference_list_is_alphabetical(central_asia) -> None:
    labels = [ref.label.casefold() for ref in tailor(central_asia, "TJ").references]
    assert labels == sorted(labels)


@pytest.mark.unit
def test_every_country_gets_its_note_where_the_data_has_one(central_asia) -> None:
    kg = tailor(central_asia, "KG")
    assert all(r.country_note is not None for r in kg.recommendations)
    tm = tailor(central_asia, "TM")
    assert [r.country_note is not None for r in tm.recommendations] == [False, False, True]


@pytest.mark.unit
def test_the_brief_records_the_scenario_it_was_built_for(central_asia) -> None:
    default = tailor(central_asia, "KZ")
    assert (default.scenario, default.scenario_is_default) == ("china-recovers", True)
    stalled = tailor(central_asia, "KZ", "china-stalls")
    assert (stalled.scenario, stalled.scenario_label, stalled.scenario_is_default) == (
        "china-stalls",
        "China’s economy fails to recover",
        False,
    )


@pytest.mark.unit
def test_the_title_block_names_the_government_with_its_article(central_asia) -> None:
    # the Kyrgyz government's name on the working edition's date (November 2021)
    assert (
        tailor(central_asia, "KG").prepared_for
        == "Prepared for the Cabinet of Ministers of the Kyrgyz Republic"
    )
    assert (
        tailor(central_asia, "KZ").prepared_for == "Prepared for the Government of the Republic of Kazakhstan"
    )
    # the profile's own name of the government, where it is not "the Government of …"
    assert tailor(central_asia, "TM").prepared_for == "Prepared for the Cabinet of Ministers of Turkmenistan"


@pytest.mark.unit
def test_the_chinese_phrase_is_kept_and_tagged_as_chinese(central_asia) -> None:
    brief = tailor(central_asia, "KZ")
    from briefgen.document.doctree import Text, walk_inlines

    runs = [
        n for _, body in brief.sections for n in walk_inlines(body.blocks) if isinstance(n, Text) and n.lang
    ]
    assert [(r.text, r.lang) for r in runs] == [("新型大国关系", "zh-Hans")]


@pytest.mark.unit
def test_tailoring_is_pure_same_input_same_output(central_asia) -> None:
    assert tailor(central_asia, "UZ").canonical_json() == tailor(central_asia, "UZ").canonical_json()
    assert tailor(load_sources(CENTRAL_ASIA), "UZ") == tailor(central_asia, "UZ")


@pytest.mark.unit
def test_an_unknown_country_or_scenario_is_a_clear_error(central_asia) -> None:
    with pytest.raises(TailoringError, match="XX is not one of china-central-asia's countries"):
        tailor(central_asia, "XX")
    with pytest.raises(TailoringError, match="has no scenario 'boom'"):
        tailor(central_asia, "KZ", "boom")


# --- the fixture brief on another region -----------------------------------------------------


@pytest.mark.unit
def test_another_region_is_tailored_by_its_files_alone() -> None:
    andes = load_sources(ANDES)
    assert rec_ids(tailor(andes, "PE")) == ["protect-glacier-basins", "share-hydrological-data"]
    # Bolivia had a drought and records no water stress index: `not (index < 3.5)` is true when
    # the index is missing, as documented in briefgen.tailoring.conditions.
    assert rec_ids(tailor(andes, "BO")) == [
        "protect-glacier-basins",
        "prepare-drought-finance",
        "share-hydrological-data",
    ]
    assert rec_ids(tailor(andes, "CL")) == ["prepare-drought-finance"]
    assert rec_ids(tailor(andes, "PE", "el-nino")) == [
        "protect-glacier-basins",
        "prepare-drought-finance",
        "share-hydrological-data",
    ]


@pytest.mark.unit
def test_equal_priorities_are_ordered_by_id_and_retired_ones_never_show() -> None:
    andes = load_sources(ANDES)
    decisions = tailor(andes, "PE", "el-nino").decisions
    assert [(d.recommendation, d.included, d.decided_by) for d in decisions] == [
        ("old-idea", False, "status"),
        ("protect-glacier-basins", True, "condition"),
        ("prepare-drought-finance", True, "condition"),
        ("share-hydrological-data", True, "always"),
    ]


@pytest.mark.unit
def test_a_recommendation_for_named_countries_says_so_when_it_leaves_one_out() -> None:
    decision = next(
        d
        for d in tailor(load_sources(ANDES), "CL").decisions
        if d.recommendation == "share-hydrological-data"
    )
    assert (decision.included, decision.reason) == (False, "audience is PE, BO; CL is not in it")


@pytest.mark.unit
def test_the_profile_table_formats_values_with_units_years_and_sources() -> None:
    rows = {row.name: row for row in tailor(load_sources(ANDES), "PE").profile}
    glacier = rows["glacier_share_water_supply"]
    assert (glacier.label, glacier.value, glacier.year, glacier.source) == (
        "Dry-season water from glaciers",
        "40%",
        2020,
        "UNESCO, 2021a",
    )
    assert rows["drought_2023"].value == "no"
    assert rows["basin"].value == "Titicaca"


@pytest.mark.unit
def test_editing_one_profile_changes_only_that_country(andes: Path) -> None:
    before = {c: tailor(load_sources(andes), c).canonical_json() for c in ("PE", "BO", "CL")}
    replace_in(andes.parent / "countries/BO.yaml", "value: 0.3,", "value: 0.1,")
    after = {c: tailor(load_sources(andes), c).canonical_json() for c in ("PE", "BO", "CL")}
    assert [c for c in before if before[c] != after[c]] == ["BO"]
    first = tailor(load_sources(andes), "BO").recommendations[0]
    assert plain_inlines(first.title.inlines()) == "Prepare drought finance before the dry season"
