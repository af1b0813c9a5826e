"""Labels of the vocabularies (sectors, attacks, statuses, tiers) in the page's language.

The API and the stored data keep the English codes; only what a page shows is translated.
"""

from __future__ import annotations

from enum import Enum

from flask_babel import LazyString, lazy_gettext

LABELS = {
    "mining": lazy_gettext("Mining"),
    "agribusiness": lazy_gettext("Agribusiness"),
    "fossil_fuels": lazy_gettext("Fossil fuels"),
    "renewable_energy": lazy_gettext("Renewable energy"),
    "hydropower": lazy_gettext("Hydropower"),
    "wind": lazy_gettext("Wind"),
    "logging": lazy_gettext("Logging"),
    "infrastructure": lazy_gettext("Infrastructure"),
    "other": lazy_gettext("Other"),
    "unknown": lazy_gettext("Unknown"),
    "killing": lazy_gettext("Killing"),
    "death_threat": lazy_gettext("Death threat"),
    "arbitrary_detention": lazy_gettext("Arbitrary detention"),
    "judicial_harassment": lazy_gettext("Judicial harassment"),
    "physical_violence": lazy_gettext("Physical violence"),
    "sexual_violence": lazy_gettext("Sexual violence"),
    "smear_campaign": lazy_gettext("Smear campaign"),
    "intimidation": lazy_gettext("Intimidation"),
    "surveillance": lazy_gettext("Surveillance"),
    "enforced_disappearance": lazy_gettext("Enforced disappearance"),
    "indigenous": lazy_gettext("Indigenous"),
    "land_environmental": lazy_gettext("Land environmental"),
    "labour": lazy_gettext("Labour"),
    "journalist": lazy_gettext("Journalist"),
    "woman_defender": lazy_gettext("Woman defender"),
    "community": lazy_gettext("Community"),
    "lgbtiq": lazy_gettext("Lgbtiq"),
    "afro_descendant": lazy_gettext("Afro descendant"),
    "small_scale_farmer": lazy_gettext("Small scale farmer"),
    "lawyer": lazy_gettext("Lawyer"),
    "park_ranger": lazy_gettext("Park ranger"),
    "state_official": lazy_gettext("State official"),
    "child": lazy_gettext("Child"),
    "relative": lazy_gettext("Relative"),
    "hired_killers": lazy_gettext("Hired killers"),
    "paramilitary": lazy_gettext("Paramilitary"),
    "police": lazy_gettext("Police"),
    "armed_forces": lazy_gettext("Armed forces"),
    "organised_crime": lazy_gettext("Organised crime"),
    "landowners": lazy_gettext("Landowners"),
    "poachers": lazy_gettext("Poachers"),
    "private_security": lazy_gettext("Private security"),
    "state_officials": lazy_gettext("State officials"),
    "company": lazy_gettext("Company"),
    "community_members": lazy_gettext("Community members"),
    "alleged": lazy_gettext("Alleged"),
    "corroborated": lazy_gettext("Corroborated"),
    "verified": lazy_gettext("Verified"),
    "withdrawn": lazy_gettext("Withdrawn"),
    "exact": lazy_gettext("Exact"),
    "approximate": lazy_gettext("Approximate"),
    "region": lazy_gettext("Region"),
    "country": lazy_gettext("Country"),
    "day": lazy_gettext("Day"),
    "month": lazy_gettext("Month"),
    "year": lazy_gettext("Year"),
    "active": lazy_gettext("Active"),
    "suspended": lazy_gettext("Suspended"),
    "revoked": lazy_gettext("Revoked"),
    "expired": lazy_gettext("Expired"),
    "superseded": lazy_gettext("Superseded"),
    "suggested": lazy_gettext("Suggested"),
    "confirmed": lazy_gettext("Confirmed"),
    "dismissed": lazy_gettext("Dismissed"),
    "filed": lazy_gettext("Filed"),
    "inadmissible": lazy_gettext("Inadmissible"),
    "awaiting_response": lazy_gettext("Awaiting response"),
    "under_review": lazy_gettext("Under review"),
    "upheld": lazy_gettext("Upheld"),
    "draft": lazy_gettext("Draft"),
    "submitted": lazy_gettext("Submitted"),
    "changes_requested": lazy_gettext("Changes requested"),
    "approved": lazy_gettext("Approved"),
    "rejected": lazy_gettext("Rejected"),
    "Not certified": lazy_gettext("Not certified"),
    "Conditional": lazy_gettext("Conditional"),
    "Certified": lazy_gettext("Certified"),
    "Certified - leading": lazy_gettext("Certified - leading"),
}


def term(value: Enum | str) -> LazyString | str:
    """A code of a vocabulary as the reader says it ("death_threat" → "Amenaza de muerte").

    Lazy, so that form choices built at import time follow each request's language."""
    code = value.value if isinstance(value, Enum) else value
    return LABELS.get(code) or code.replace("_", " ").capitalize()
