"""What the demo companies answer: a strong, evidenced set (mining, Peru) and a developing one
(wind, Brazil) that later assessments vary."""

from __future__ import annotations

from typing import Any

STRONG_ANSWERS: dict[str, Any] = {
    "A1": "yes",
    "A2": [
        "own_operations",
        "joint_ventures",
        "contractors",
        "suppliers_tier1",
        "security_providers",
    ],
    "A3": "yes",
    "A4": "yes",
    "A5": "yes",
    "A6": "board_committee",
    "A7": "yes",
    "A8": "yes",
    "A9": "2025-09-30",
    "A10": "partly",
    "A11": "yes",
    "B1": "yes",
    "B2": 2,
    "B3": "yes",
    "B4": ["land_environmental", "indigenous", "women", "trade_unionists", "communities"],
    "B5": "yes",
    "B6": "yes",
    "B7": "partly",
    "B8": "partly_beyond_tier1",
    "B9": "yes",
    "B10": (
        "Risk mapping workshops are run by an independent facilitator chosen with the community "
        "councils; notes record roles, never names, and are kept off the company network."
    ),
    "C1": "yes",
    "C2": "yes",
    "C3": "yes",
    "C4": 1,
    "C5": "yes",
    "C6": "yes",
    "C7": "partly",
    "C8": "yes",
    "C9": "public_and_private",
    "C10": "yes",
    "C11": "yes",
    "D1": ["in_house", "private_contractors", "public_forces"],
    "D2": "yes",
    "D3": "yes",
    "D4": "partly",
    "D5": "yes",
    "D6": "yes",
    "D7": 3,
    "D8": "yes",
    "E1": "yes",
    "E2": ["legitimate", "accessible", "predictable", "equitable", "transparent"],
    "E3": "yes",
    "E4": "yes",
    "E5": 24,
    "E6": "yes",
    "E7": "partly",
    "E8": "yes",
    "E9": "yes",
    "E10": "partly",
    "E11": "none",
    "F1": "yes",
    "F2": "https://andescobre.example/reports/defenders-2025.pdf",
    "F3": 2,
    "F4": 3,
    "F5": 50,
    "F6": "partly",
    "F7": "no",
    "F9": (
        "Moved the grievance desk out of the mine's security perimeter and added a women-only "
        "channel after feedback from the Chumbivilcas community councils."
    ),
}

DEVELOPING_ANSWERS: dict[str, Any] = {
    **{
        question: answer
        for question, answer in STRONG_ANSWERS.items()
        # no Indigenous land (C2), no public forces (D1), no incident (F3): not asked
        if question not in ("C3", "C4", "C5", "D4", "F4", "F5")
    },
    "A2": ["own_operations", "contractors"],
    "A4": "partly",
    "A5": "partly",
    "A6": "executive_member",
    "A7": "no",
    "A10": "no",
    "A11": "no",
    "B3": "partly",
    "B4": ["land_environmental", "communities"],
    "B5": "no",
    "B6": "partly",
    "B7": "no",
    "B8": "tier1_only",
    "B10": (
        "Community liaison officers gather concerns at monthly open meetings in Caetité and "
        "Guanambi; no individual is recorded by name."
    ),
    "C2": "no",
    "C6": "partly",
    "C7": "no",
    "C9": "no_case",
    "C11": "partly",
    "D1": ["private_contractors"],
    "D3": "yes",
    "D7": 0,
    "E2": ["accessible", "transparent"],
    "E3": "partly",
    "E4": "partly",
    "E5": 72,
    "E7": "no",
    "E8": "partly",
    "E10": "no",
    "F2": "https://ventosdosertao.example/relatorio-sustentabilidade-2025.pdf",
    "F3": 0,
    "F6": "no",
    "F9": (
        "Published the wind farm's grievance statistics in Portuguese for the first time and "
        "started quarterly meetings with the rural workers' union."
    ),
}


WEAK_ANSWERS: dict[str, Any] = {
    **DEVELOPING_ANSWERS,
    "A3": "no",
    "A4": "no",
    "A8": "no",
    "B1": "partly",
    "B3": "no",
    "C1": "partly",
    "E3": "no",
    "F9": (
        "Opened a grievance hotline at the smelter gate; no case has been reported through it yet."
    ),
}

PALMAS_ANSWERS: dict[str, Any] = {
    **STRONG_ANSWERS,
    "B10": (
        "Risk mapping with the Q'eqchi' community councils of Sayaxché, facilitated by a "
        "Guatemalan human rights organisation; the notes record roles, never names."
    ),
    "F2": "https://palmasdelnorte.example/informe-sostenibilidad-2025.pdf",
    "F9": (
        "Stopped clearing at Río Pasión until the communities' consultation ends, and moved "
        "the plantation guards' post away from the village school."
    ),
}

# A new assessment a few days old: policy and due diligence answered, the rest still to do.
DRAFT_ANSWERS: dict[str, Any] = {
    question: answer
    for question, answer in PALMAS_ANSWERS.items()
    if question.startswith(("A", "B"))
}

ANDES_SITE = "https://andescobre.example/evidence"
VENTOS_SITE = "https://ventosdosertao.example/evidencias"
PALMAS_SITE = "https://palmasdelnorte.example/evidencias"
RIO_CLARO_SITE = "https://rioclaro.example/evidencias"
NUSANTARA_SITE = "https://nusantaranikel.example/evidence"
