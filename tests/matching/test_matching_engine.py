"""Screening by name and identifier: methods, scores, explanations, paths, bad input."""

import pytest

from compliance.matching.engine import ScreeningIndex
from compliance.matching.entities import Entity, IncidentFacts, InvalidScreeningInput
from compliance.matching.settings import ScreeningSettings

LEI = "5493001KJTIIGC8Y1R12"

GROUP = Entity(kind="organisation", id="g1", name="Grupo Andino de Minería S.A.", country="PE")
MINERA = Entity(
    kind="organisation",
    id="o1",
    name="Compañía Minera Quispe S.A.",
    aliases=("Minera Quispe S.A.",),
    former_names=("Minera Condorcanqui S.A.",),
    parent_id="g1",
    lei=LEI,
    isins=("PEP123451001",),
    country="PE",
)
AGRO = Entity(kind="organisation", id="o2", name="Palmeras del Norte S.A.C.", country="PE")
SUPPLIER = Entity(
    kind="supplier", id="s1", name="Transportes Huallaga E.I.R.L.", owner_id="o2", country="PE"
)


def screen(*incidents, settings=None, entities=(GROUP, MINERA, AGRO, SUPPLIER)):
    return ScreeningIndex(entities, settings).screen(incidents)


def only(matches, entity_id):
    found = [match for match in matches if match.entity_id == entity_id]
    assert len(found) == 1, found
    return found[0]


def test_alias_match_explains_itself_in_plain_language():
    matches = screen(IncidentFacts(id=1, alleged_companies=("MINERA QUISPE",), country="PE"))
    match = only(matches, "o1")
    assert match.method == "alias"
    assert match.suggested
    assert match.explanation == "alias 'Minera Quispe S.A.' ≈ 'MINERA QUISPE' 100; same country"
    assert [step.id for step in match.path] == ["o1"]


def test_former_name_matches_under_its_own_method():
    matches = screen(IncidentFacts(id=1, alleged_companies=("Minera Condorcanqui",)))
    match = only(matches, "o1")
    assert match.method == "former_name"
    assert match.explanation.startswith("former name 'Minera Condorcanqui S.A.' ≈ ")


def test_country_agreement_adds_and_disagreement_subtracts():
    settings = ScreeningSettings()
    written = ("Minera Quispi",)
    same = only(screen(IncidentFacts(id=1, alleged_companies=written, country="PE")), "o1")
    unknown = only(screen(IncidentFacts(id=1, alleged_companies=written)), "o1")
    other = only(screen(IncidentFacts(id=1, alleged_companies=written, country="BO")), "o1")
    assert same.score - unknown.score == settings.country_bonus
    assert unknown.score - other.score == settings.country_penalty
    assert "different country (incident BO, PE)" in other.explanation
    assert "country" not in unknown.explanation


def test_identifier_wins_over_a_name_match_for_the_same_entity():
    incident = IncidentFacts(
        id=1, alleged_companies=("Minera Quispe",), identifiers=(" 5493 001k jtii gc8y 1r12 ",)
    )
    match = only(screen(incident), "o1")
    assert match.method == "identifier"
    assert match.score == 100
    assert match.explanation == (
        f"LEI {LEI} in the incident record is the LEI of 'Compañía Minera Quispe S.A.'"
    )


def test_isin_alone_finds_the_issuer():
    match = only(screen(IncidentFacts(id=1, identifiers=("PEP123451001",))), "o1")
    assert match.method == "identifier"
    assert "ISIN PEP123451001" in match.explanation


def test_subsidiary_match_is_also_shown_on_the_group_with_its_path():
    matches = screen(IncidentFacts(id=7, alleged_companies=("Minera Quispe SA",), country="PE"))
    group = only(matches, "g1")
    subsidiary = only(matches, "o1")
    assert group.method == "parent"
    assert group.score == subsidiary.score
    assert group.organisation_id == "g1"
    assert [(step.kind, step.id) for step in group.path] == [
        ("organisation", "g1"),
        ("organisation", "o1"),
    ]
    assert group.explanation == (
        "through subsidiary 'Compañía Minera Quispe S.A.': " + subsidiary.explanation
    )


def test_supplier_match_is_shown_on_the_organisation_that_declared_it():
    matches = screen(IncidentFacts(id=1, alleged_companies=("Transportes Huallaga",)))
    match = only(matches, "s1")
    assert match.entity_kind == "supplier"
    assert match.organisation_id == "o2"
    assert [(step.kind, step.name) for step in match.path] == [
        ("organisation", "Palmeras del Norte S.A.C."),
        ("supplier", "Transportes Huallaga E.I.R.L."),
    ]
    assert not [m for m in matches if m.entity_id == "o2"]


def test_near_miss_sharing_a_generic_word_is_not_matched():
    matches = screen(IncidentFacts(id=1, alleged_companies=("Palmeras del Sur S.A.C.",)))
    assert not [match for match in matches if match.suggested]


def test_threshold_is_configurable():
    incident = IncidentFacts(id=1, alleged_companies=("Minera Quispi",), country="BO")
    default = only(screen(incident), "o1")
    lenient = only(screen(incident, settings=ScreeningSettings(suggest_threshold=80)), "o1")
    assert default.score == lenient.score == 83
    assert not default.suggested
    assert lenient.suggested


def test_batch_gives_the_same_matches_as_one_by_one():
    incidents = [
        IncidentFacts(id=1, alleged_companies=("Minera Quispe",), country="PE"),
        IncidentFacts(id=2, alleged_companies=("Palmeras del Norte", "Minera Quispe")),
        IncidentFacts(id=3, alleged_companies=("", "   ")),
        IncidentFacts(id=4, alleged_companies=("Minera Quispe",), country="PE"),
    ]
    index = ScreeningIndex([GROUP, MINERA, AGRO, SUPPLIER])
    one_by_one = [match for incident in incidents for match in index.screen([incident])]
    assert index.screen(incidents) == one_by_one
    assert {match.incident_id for match in one_by_one} == {1, 2, 4}


def test_unknown_owner_or_parent_is_refused_with_a_useful_message():
    orphan = Entity(kind="site", id="x", name="Mina X", owner_id="missing")
    with pytest.raises(InvalidScreeningInput, match=r"owner 'missing'.*include that organisation"):
        ScreeningIndex([orphan])


def test_parent_loops_are_refused():
    first = Entity(kind="organisation", id="a", name="A Mining", parent_id="b")
    second = Entity(kind="organisation", id="b", name="B Mining", parent_id="a")
    with pytest.raises(InvalidScreeningInput, match="loops back"):
        ScreeningIndex([first, second])


def test_duplicate_entities_are_refused():
    with pytest.raises(InvalidScreeningInput, match="listed twice"):
        ScreeningIndex([AGRO, AGRO])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Entity(kind="plant", id=1, name="X"), "kind 'plant'"),
        (lambda: Entity(kind="site", id=1, name="X"), "needs the id of its organisation"),
        (lambda: Entity(kind="organisation", id=1, name="X", country="Peru"), "ISO 3166-1"),
        (lambda: IncidentFacts(id=1, lat=95.0, lon=0.0), "outside latitude"),
        (lambda: IncidentFacts(id=1, lat=5.0), "both latitude and longitude"),
        (lambda: IncidentFacts(id=1, precision="roughly"), "neither metres nor"),
        (lambda: IncidentFacts(id=1, precision=-3.0), "distance in metres"),
    ],
)
def test_malformed_input_is_refused(make, message):
    with pytest.raises(InvalidScreeningInput, match=message):
        make()
