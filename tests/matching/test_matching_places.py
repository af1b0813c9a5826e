"""Sites within a radius of located incidents, admin-region matching, country and region keys."""

import math

import pytest

from compliance.matching.engine import ScreeningIndex
from compliance.matching.entities import Entity, IncidentFacts
from compliance.matching.places import EARTH_RADIUS_KM, SiteLocator, country_code, region_keys
from compliance.matching.settings import ScreeningSettings

KM_PER_DEGREE = 2 * math.pi * EARTH_RADIUS_KM / 360
SITE_LAT, SITE_LON = -9.5333, -77.0500

OWNER = Entity(kind="organisation", id="o1", name="Minera Huascarán S.A.", parent_id="g1")
GROUP = Entity(kind="organisation", id="g1", name="Grupo Cordillera")
SITE = Entity(
    kind="site",
    id="s1",
    name="Mina Yurac",
    owner_id="o1",
    country="PE",
    admin_region="Áncash",
    lat=SITE_LAT,
    lon=SITE_LON,
    sector="gold mining",
)


def north_of_site(km: float) -> float:
    return SITE_LAT + km / KM_PER_DEGREE


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def screen(*incidents, settings=None):
    return ScreeningIndex([GROUP, OWNER, SITE], settings).screen(incidents)


def site_match(matches):
    found = [match for match in matches if match.entity_id == "s1"]
    return found[0] if found else None


def test_locator_measures_great_circle_distances():
    locator = SiteLocator([48.8566, 0.0], [2.3522, 0.0])
    hits = locator.within([51.5074, 0.0], [-0.1278, 1.0], [400.0, 112.0])
    found = {
        (int(query), int(site)): float(km)
        for query, site, km in zip(hits.query, hits.site, hits.distance_km, strict=True)
    }
    assert set(found) == {(0, 0), (1, 1)}
    assert found[(0, 0)] == pytest.approx(haversine_km(51.5074, -0.1278, 48.8566, 2.3522), 1e-6)
    assert found[(0, 0)] == pytest.approx(343.6, abs=0.1)
    assert found[(1, 1)] == pytest.approx(KM_PER_DEGREE, 1e-9)


def test_locator_respects_each_querys_own_radius():
    locator = SiteLocator([0.0], [0.0])
    hits = locator.within([0.0, 0.0], [1.0, 1.0], [111.0, 111.3])
    assert hits.query.tolist() == [1]


def test_empty_locator_finds_nothing():
    hits = SiteLocator([], []).within([0.0], [0.0], [50.0])
    assert len(hits.site) == 0


def test_close_incident_matches_the_site_in_a_coarse_band():
    incident = IncidentFacts(id=1, lat=north_of_site(2.0), lon=SITE_LON, precision="exact")
    match = site_match(screen(incident))
    assert match.method == "place_radius"
    assert match.score == 95
    assert match.suggested
    assert match.explanation == "site 'Mina Yurac' within 2.5 km of the incident location"
    assert "2.0" not in match.explanation


@pytest.mark.parametrize(
    ("km", "sector", "score", "suggested"),
    [
        (4.0, None, 90, True),
        (7.0, None, 85, False),
        (7.0, "Mining & Extractives", 90, True),
        (7.0, "Logging", None, False),
        (10.5, None, None, False),
    ],
)
def test_score_falls_with_distance_and_follows_sector(km, sector, score, suggested):
    incident = IncidentFacts(
        id=1, lat=north_of_site(km), lon=SITE_LON, precision="exact", sector=sector
    )
    match = site_match(screen(incident))
    assert (match.score if match else None) == score
    assert (match.suggested if match else False) == suggested


def test_location_uncertainty_widens_the_search():
    far = IncidentFacts(id=1, lat=north_of_site(12.0), lon=SITE_LON, precision=4_000.0)
    match = site_match(screen(far))
    assert match.score == 85
    assert match.explanation == (
        "site 'Mina Yurac' within 14 km of the incident location (location known to ±4 km)"
    )
    exact = IncidentFacts(id=2, lat=far.lat, lon=far.lon, precision="exact")
    assert site_match(screen(exact)) is None


def test_radius_is_configurable():
    incident = IncidentFacts(id=1, lat=north_of_site(15.0), lon=SITE_LON, precision="exact")
    assert site_match(screen(incident)) is None
    assert site_match(screen(incident, settings=ScreeningSettings(radius_km=20.0)))


def test_site_match_carries_the_owner_and_group_path():
    incident = IncidentFacts(id=1, lat=north_of_site(1.0), lon=SITE_LON, precision="exact")
    matches = screen(incident)
    assert [(step.kind, step.id) for step in site_match(matches).path] == [
        ("organisation", "o1"),
        ("site", "s1"),
    ]
    group = next(match for match in matches if match.entity_id == "g1")
    assert group.method == "parent"
    assert [step.id for step in group.path] == ["g1", "o1", "s1"]
    assert group.explanation.startswith(
        "through subsidiary 'Minera Huascarán S.A.' → site 'Mina Yurac': "
    )


def test_incident_located_only_by_region_meets_sites_of_its_sector_there():
    incident = IncidentFacts(
        id=1, country="PE", region="Ancash Region", precision="region", sector="Mining"
    )
    match = site_match(screen(incident))
    assert match.method == "place_region"
    assert match.score == 90
    assert match.suggested
    assert match.explanation == (
        "site 'Mina Yurac' is in the incident's region (Ancash Region, PE), where the incident "
        "is located only by region; same sector (mining)"
    )


@pytest.mark.parametrize(
    "incident",
    [
        IncidentFacts(id=1, country="PE", region="Áncash", sector="Sector could not be confirmed*"),
        IncidentFacts(id=1, country="PE", region="Áncash", sector="Agribusiness"),
        IncidentFacts(id=1, country="BO", region="Áncash", sector="Mining"),
        IncidentFacts(id=1, country="PE", region="Cusco", sector="Mining"),
        IncidentFacts(id=1, country="PE", region="Áncash", sector="Mining", precision="country"),
    ],
)
def test_region_match_needs_same_country_region_and_sector(incident):
    assert site_match(screen(incident)) is None


def test_coordinates_marked_as_region_precision_use_the_region():
    incident = IncidentFacts(
        id=1, lat=0.0, lon=0.0, precision="region", country="PE", region="Ancash", sector="mine"
    )
    assert site_match(screen(incident)).method == "place_region"


def test_region_keys_drop_generic_words_accents_and_split_lists():
    assert region_keys("Bukidnon, Mindanao") == {"bukidnon", "mindanao"}
    assert region_keys("South Cotabato Province.") == {"south cotabato"}
    assert region_keys("Departamento del Cauca") == {"cauca"}
    assert region_keys("Pará") == region_keys("PARA") == {"para"}
    assert region_keys("Quezon City") != region_keys("Quezon")
    assert region_keys(None) == frozenset()


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Colombia", "CO"),
        ("Democratic Republic of Congo", "CD"),
        ("Russia", "RU"),
        ("Viet Nam", "VN"),
        ("Turkey", "TR"),
        ("United States of America", "US"),
        ("Iran", "IR"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_country_names_as_sources_write_them(written, code):
    assert country_code(written) == code
