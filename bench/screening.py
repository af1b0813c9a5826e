"""Benchmark of the screening engine against a brute-force rapidfuzz cdist.

Generates 5,000 organisations (3 aliases each), 20,000 sites and 100,000 incidents with planted
matches: 12% name an organisation (its name or an alias, with changed legal forms, case,
accents, word order, "the"/"Group", and a typo in one in five), 28% name one of 4,000
unrelated companies, the rest name no company (as in the Global Witness data). 30% are located
to within 5 km (a fifth of those placed within 5 km of a site), the rest only by region (one
of 30 per country); half of the sectors are unknown, as in the Global Witness data.

Timed in the same run (index build excluded; it takes about 1-2 s here):
- engine_s: `ScreeningIndex.screen` over all 100,000 incidents as name facts (alleged
  companies, identifiers, country; locations left out, the place search is geo_s): raw names
  normalised, blocked, scored, country-adjusted, parent links, paths and explanations built;
- bruteforce_s: `rapidfuzz.process.cdist` of the normalised name of every incident that names
  a company (one row each, as a loop over incidents would) against every normalised
  organisation name and alias, token-sorted text with fuzz.ratio (that is token_sort_ratio),
  all cores, keeping pairs above the engine's score floor; normalising is not timed here;
- geo_s: the sites-within-radius search alone (BallTree, haversine) for all precisely located
  incidents.
recall / precision: the engine's suggested name matches to organisations (methods identifier,
name, alias, former name) against the planted truth.
"""

from __future__ import annotations

import random
import time

import numpy as np
from rapidfuzz import fuzz, process

from compliance.matching.engine import ScreeningIndex
from compliance.matching.entities import Entity, IncidentFacts
from compliance.matching.names import normalise_name
from compliance.matching.places import SiteLocator

ORGANISATIONS = 5_000
SITES = 20_000
INCIDENTS = 100_000
UNRELATED = 4_000
SEED = 20_240_517

SYLLABLES = (
    "ta", "ka", "ri", "mo", "lu", "ne", "so", "va", "qui", "xa", "ban", "dor", "tel", "min",
    "ara", "pe", "zu", "lo", "che", "gua", "hui", "ko", "na", "ye", "wa", "bo", "li", "mu", "sa",
    "ti", "ro", "de", "fa", "ju", "ven", "cal", "pon", "sur", "tam",
)  # fmt: skip
DESCRIPTORS = (
    "Mining", "Minera", "Resources", "Gold", "Copper", "Agro", "Palm Oil", "Energy", "Hydro",
    "Energía", "Timber", "Forestal", "Plantations", "Petroleum", "Coal", "Infrastructure",
    "Construction", "Mineração", "Agropecuária", "Nickel", "Cement", "Sugar", "Power",
)  # fmt: skip
TRANSLATIONS = {"Mining": "Minera", "Minera": "Mining", "Energy": "Energía", "Energía": "Energy"}
LEGAL_FORMS = (
    "S.A.", "S.A.C.", "S.A.B. de C.V.", "S. de R.L.", "Ltda.", "Ltd", "Limited", "plc", "Inc.",
    "Corp.", "Corporation", "GmbH", "AG", "SpA", "S.R.L.", "SAS", "LLC", "Pty Ltd", "Sdn Bhd",
    "Tbk", "Co., Ltd.", "N.V.", "B.V.", "AB", "ASA", "Oyj", "K.K.", "PJSC", "",
)  # fmt: skip
COUNTRIES = (
    "PE", "CO", "BR", "MX", "CL", "BO", "EC", "GT", "HN", "PH", "ID", "MY", "IN", "CD", "ZA", "GH",
    "MZ", "KE", "CN", "CA", "AU", "GB",
)  # fmt: skip
REGIONS = tuple(f"{prefix} {name}" for prefix in ("Alto", "Bajo", "San") for name in (
    "Norte", "Sur", "Centro", "Costa", "Sierra", "Selva", "Valle", "Delta", "Llano", "Monte",
))  # fmt: skip
INCIDENT_SECTORS = ("Sector could not be confirmed*",) * 5 + (
    "Mining & Extractives", "Mining & Extractives", "Agribusiness", "Logging", "Hydropower",
)  # fmt: skip


def coin_words(rng: random.Random, count: int) -> list[str]:
    """Four-syllable invented words, any two differing in at least two syllables."""
    taken: set[tuple[int, tuple[str, ...]]] = set()
    words: list[str] = []
    while len(words) < count:
        syllables = tuple(rng.choice(SYLLABLES) for _ in range(4))
        keys = {(gap, syllables[:gap] + syllables[gap + 1 :]) for gap in range(4)}
        if keys & taken:
            continue
        taken |= keys
        words.append("".join(syllables).capitalize())
    return words


def company_name(rng: random.Random, coined: str) -> tuple[str, str]:
    """(name, descriptor): the coined word with a sector word, in either order."""
    descriptor = rng.choice(DESCRIPTORS)
    if descriptor in ("Minera", "Mineração", "Agropecuária") or rng.random() < 0.2:
        return f"{descriptor} {coined}", descriptor
    return f"{coined} {descriptor}", descriptor


def with_legal_form(rng: random.Random, name: str) -> str:
    form = rng.choice(LEGAL_FORMS)
    return f"{name} {form}".strip()


def typo(rng: random.Random, word: str) -> str:
    position = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    letter = rng.choice("aeiounrstl")
    if kind == 0:
        return word[:position] + word[position + 1 :]
    if kind == 1:
        return word[:position] + letter + word[position:]
    return word[:position] + letter + word[position + 1 :]


def noisy(rng: random.Random, written: str, coined: str) -> str:
    """The same company as another source might write it."""
    bare = written
    for form in sorted(LEGAL_FORMS, key=len, reverse=True):
        if form and bare.endswith(" " + form):
            bare = bare[: -len(form) - 1]
            break
    words = bare.split()
    if len(words) == 2 and rng.random() < 0.25:
        words = [TRANSLATIONS.get(words[1], words[1]), words[0]]
    if rng.random() < 0.2:
        words = [typo(rng, word) if word == coined else word for word in words]
    name = with_legal_form(rng, " ".join(words))
    roll = rng.random()
    if roll < 0.2:
        name = name.upper()
    elif roll < 0.3:
        name = name.lower()
    elif roll < 0.4:
        name = f"the {name} Group"
    if rng.random() < 0.3:
        name = name.replace("í", "i").replace("ç", "c").replace("ã", "a").replace("á", "a")
    return name


def build_world(rng: random.Random):
    words = coin_words(rng, 2 * ORGANISATIONS + UNRELATED)
    organisations: list[Entity] = []
    written_names: list[tuple[str, ...]] = []
    for number in range(ORGANISATIONS):
        coined, brand = words[2 * number], words[2 * number + 1]
        name, descriptor = company_name(rng, coined)
        other = TRANSLATIONS.get(descriptor, descriptor)
        aliases = (
            with_legal_form(rng, coined),
            f"{other} {coined}" if name.startswith(coined) else f"{coined} {other} Holdings",
            with_legal_form(rng, f"{brand} {rng.choice(DESCRIPTORS)}"),
        )
        parent = f"org-{rng.randrange(number)}" if number > 10 and rng.random() < 0.1 else None
        organisations.append(
            Entity(
                kind="organisation",
                id=f"org-{number}",
                name=with_legal_form(rng, name),
                aliases=aliases,
                parent_id=parent,
                country=rng.choice(COUNTRIES),
                lei=f"5493{number:016d}",
            )
        )
        written_names.append((coined, brand))
    unrelated = [company_name(rng, coined)[0] for coined in words[2 * ORGANISATIONS :]]
    sites = []
    for number in range(SITES):
        owner = organisations[rng.randrange(ORGANISATIONS)]
        sites.append(
            Entity(
                kind="site",
                id=f"site-{number}",
                name=f"Site {number}",
                owner_id=owner.id,
                country=owner.country,
                admin_region=rng.choice(REGIONS),
                lat=rng.uniform(-40, 40),
                lon=rng.uniform(-120, 150),
                sector=rng.choice(("mining", "agribusiness", "hydropower", "logging")),
            )
        )
    return organisations, written_names, unrelated, sites


def spellings(rng: random.Random, organisation: Entity, coined: str, brand: str) -> list[str]:
    """How sources write one organisation: a few variants, reused across its incidents."""
    variants = []
    for _ in range(4):
        written = rng.choice((organisation.name, *organisation.aliases))
        variants.append(noisy(rng, written, brand if brand in written else coined))
    return variants


def build_incidents(rng, organisations, written_names, unrelated, sites):
    incidents: list[IncidentFacts] = []
    truth: set[tuple[int, str]] = set()
    variants: dict[int, list[str]] = {}
    unrelated_variants = [
        [with_legal_form(rng, name), with_legal_form(rng, name).upper()] for name in unrelated
    ]
    for number in range(INCIDENTS):
        roll = rng.random()
        names: tuple[str, ...] = ()
        identifiers: tuple[str, ...] = ()
        country = rng.choice(COUNTRIES)
        if roll < 0.12:
            org_number = rng.randrange(ORGANISATIONS)
            organisation = organisations[org_number]
            if org_number not in variants:
                variants[org_number] = spellings(rng, organisation, *written_names[org_number])
            names = (rng.choice(variants[org_number]),)
            truth.add((number, organisation.id))
            if rng.random() < 0.8:
                country = organisation.country
            if rng.random() < 0.05 and organisation.lei:
                identifiers = (organisation.lei,)
        elif roll < 0.40:
            names = (rng.choice(rng.choice(unrelated_variants)),)
        lat = lon = precision = None
        if rng.random() < 0.3:
            if rng.random() < 0.2:
                site = sites[rng.randrange(SITES)]
                lat = site.lat + rng.uniform(-0.03, 0.03)
                lon = site.lon + rng.uniform(-0.03, 0.03)
            else:
                lat, lon = rng.uniform(-40, 40), rng.uniform(-120, 150)
            precision = rng.choice(("exact", 500.0, 2_000.0, 5_000.0))
        incidents.append(
            IncidentFacts(
                id=number,
                alleged_companies=names,
                identifiers=identifiers,
                country=country,
                region=rng.choice(REGIONS),
                lat=lat,
                lon=lon,
                precision=precision if lat is not None else "region",
                sector=rng.choice(INCIDENT_SECTORS),
            )
        )
    return incidents, truth


def brute_force(queries: list[str], choices: list[str], cutoff: int) -> int:
    found = 0
    for start in range(0, len(queries), 2_000):
        scores = process.cdist(
            queries[start : start + 2_000],
            choices,
            scorer=fuzz.ratio,
            score_cutoff=cutoff,
            dtype=np.uint8,
            workers=-1,
        )
        found += int(np.count_nonzero(scores))
    return found


def main() -> None:
    rng = random.Random(SEED)
    organisations, written_names, unrelated, sites = build_world(rng)
    incidents, truth = build_incidents(rng, organisations, written_names, unrelated, sites)
    index = ScreeningIndex([*organisations, *sites])
    floor = index.settings.min_score - index.settings.country_bonus

    named = [
        IncidentFacts(
            id=incident.id,
            alleged_companies=incident.alleged_companies,
            identifiers=incident.identifiers,
            country=incident.country,
        )
        for incident in incidents
    ]
    started = time.perf_counter()
    matches = index.screen(named)
    engine_s = time.perf_counter() - started

    choices = sorted(
        {
            normalise_name(text).sorted_text
            for entity in organisations
            for text in (entity.name, *entity.aliases)
        }
    )
    queries = [
        normalise_name(name).sorted_text
        for incident in incidents
        for name in incident.alleged_companies
    ]
    started = time.perf_counter()
    brute_force(queries, choices, floor)
    bruteforce_s = time.perf_counter() - started

    located = [incident for incident in incidents if incident.precision != "region"]
    locator = SiteLocator([site.lat for site in sites], [site.lon for site in sites])
    started = time.perf_counter()
    locator.within(
        [incident.lat for incident in located],
        [incident.lon for incident in located],
        [index.settings.radius_km] * len(located),
    )
    geo_s = time.perf_counter() - started

    name_methods = {"identifier", "name", "alias", "former_name"}
    found = {
        (match.incident_id, match.entity_id)
        for match in matches
        if match.suggested and match.entity_kind == "organisation" and match.method in name_methods
    }
    recall = len(found & truth) / len(truth)
    precision = len(found & truth) / len(found) if found else 0.0
    print(
        f"orgs={ORGANISATIONS} incidents={INCIDENTS} engine_s={engine_s:.3f} "
        f"bruteforce_s={bruteforce_s:.3f} speedup={bruteforce_s / engine_s:.1f} "
        f"recall={recall:.4f} precision={precision:.4f} geo_s={geo_s:.3f}"
    )


if __name__ == "__main__":
    main()
