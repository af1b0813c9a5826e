"""Labels of the vocabularies (sectors, attacks, statuses, tiers, roles) and the messages services
write (`Phrase`) in the page's language.

The API and the stored data keep the English codes; only what a page shows is translated.

A code has one label in whatever vocabulary it appears ("under_review" of an assessment and of a
challenge), except where Spanish or French need another word for it in one vocabulary (the
gender of what it describes, a term of art): such labels are keyed `(vocabulary, code)`, the
vocabulary being the enum's class name, and carry a message context for the translators.
Labels are in sentence case; running text and table cells take them with a small first letter
(`status|term(lower=True)`), as English pages have always shown the codes there ("under review").
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from flask_babel import LazyString, gettext, lazy_gettext

# Lazy like lazy_gettext; under this name because `pybabel extract` knows `pgettext(context,
# message)` among its default keywords, so the README's extraction finds these labels.
from flask_babel import lazy_pgettext as pgettext

from compliance.phrases import Phrase

LABELS: dict[str | tuple[str, str], LazyString] = {
    # incidents: sector (also a holding's sector in a briefing)
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
    # incidents: type of attack
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
    # incidents: who was attacked
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
    # incidents: alleged perpetrator
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
    # incidents: verification (of an incident record)
    "alleged": lazy_gettext("Alleged"),
    "corroborated": lazy_gettext("Corroborated"),
    "verified": lazy_gettext("Verified"),
    "withdrawn": lazy_gettext("Withdrawn"),
    # incidents: precision of the place and the date, basis for recording
    "exact": lazy_gettext("Exact"),
    "approximate": lazy_gettext("Approximate"),
    "region": lazy_gettext("Region"),
    "country": lazy_gettext("Country"),
    "day": lazy_gettext("Day"),
    "month": lazy_gettext("Month"),
    "year": lazy_gettext("Year"),
    "informed_consent": lazy_gettext("Informed consent"),
    "public_source": lazy_gettext("Public source"),
    "legitimate_interest_protection": lazy_gettext("Legitimate interest protection"),
    # watchlist: what an alert is about
    "certificate.issued": lazy_gettext("Certificate issued"),
    "certificate.suspended": lazy_gettext("Certificate suspended"),
    "certificate.reinstated": lazy_gettext("Certificate reinstated"),
    "certificate.revoked": lazy_gettext("Certificate revoked"),
    "certificate.expired": lazy_gettext("Certificate expired"),
    "certificate.superseded": lazy_gettext("Certificate superseded"),
    "incident.confirmed": lazy_gettext("Incident confirmed"),
    "challenge.admitted": lazy_gettext("Challenge admitted"),
    # certificates: status, and what a certifier may do to it
    "active": lazy_gettext("Active"),
    "suspended": lazy_gettext("Suspended"),
    "revoked": lazy_gettext("Revoked"),
    "expired": lazy_gettext("Expired"),
    "superseded": lazy_gettext("Superseded"),
    "suspend": lazy_gettext("Suspend"),
    "reinstate": lazy_gettext("Reinstate"),
    "revoke": lazy_gettext("Revoke"),
    # certificates: tier, by label (the methodology's) and by code; "none" without a certificate
    "Not certified": lazy_gettext("Not certified"),
    "Conditional": lazy_gettext("Conditional"),
    "Certified": lazy_gettext("Certified"),
    "Certified - leading": lazy_gettext("Certified - leading"),
    "not_certified": lazy_gettext("Not certified"),
    "conditional": lazy_gettext("Conditional"),
    "certified": lazy_gettext("Certified"),
    "certified_leading": lazy_gettext("Certified - leading"),
    "none": lazy_gettext("None"),
    # certificates: the checks of a verification
    ("VerificationCheck", "signature"): lazy_gettext("Signature"),
    ("VerificationCheck", "validity"): lazy_gettext("Validity period"),
    ("VerificationCheck", "register"): lazy_gettext("Matches the register"),
    ("VerificationCheck", "record"): lazy_gettext("Register record intact"),
    ("VerificationCheck", "status"): lazy_gettext("Current status"),
    ("VerificationCheck", "log"): lazy_gettext("In the transparency log"),
    # assessments: status (of an assessment) and review of its evidence
    "draft": lazy_gettext("Draft"),
    "submitted": lazy_gettext("Submitted"),
    "under_review": lazy_gettext("Under review"),
    "changes_requested": lazy_gettext("Changes requested"),
    "approved": lazy_gettext("Approved"),
    "rejected": lazy_gettext("Rejected"),
    "pending": pgettext("status", "Pending"),
    ("EvidenceReview", "verified"): pgettext("evidence", "Verified"),
    # challenges: state, the reviewers' steps, outcome, what is contested, what is overdue
    "filed": lazy_gettext("Filed"),
    "inadmissible": lazy_gettext("Inadmissible"),
    "awaiting_response": lazy_gettext("Awaiting response"),
    ("ChallengeState", "dismissed"): pgettext("challenge", "Dismissed"),
    "upheld": lazy_gettext("Upheld"),
    "acknowledge": lazy_gettext("Acknowledge"),
    "start_review": lazy_gettext("Start review"),
    "dismiss": lazy_gettext("Dismiss"),
    "uphold": lazy_gettext("Uphold"),
    "conditions": lazy_gettext("Conditions"),
    "rescore": lazy_gettext("Rescore"),
    "suspension": lazy_gettext("Suspension"),
    "revocation": lazy_gettext("Revocation"),
    "certificate": lazy_gettext("Certificate"),
    "section": lazy_gettext("Section"),
    "indicator": lazy_gettext("Indicator"),
    "scope": lazy_gettext("Scope"),
    "acknowledgement": lazy_gettext("Acknowledgement"),
    "response": lazy_gettext("Response"),
    "decision": lazy_gettext("Decision"),
    # screening: status of a match, how it was found, along which link
    "suggested": lazy_gettext("Suggested"),
    "confirmed": lazy_gettext("Confirmed"),
    "dismissed": lazy_gettext("Dismissed"),
    "identifier": lazy_gettext("Identifier"),
    "name": lazy_gettext("Name"),
    "alias": lazy_gettext("Alias"),
    "former_name": lazy_gettext("Former name"),
    "parent": lazy_gettext("Parent"),
    "place_radius": lazy_gettext("Place radius"),
    "place_region": lazy_gettext("Place region"),
    "organisation": lazy_gettext("Organisation"),
    "supplier": lazy_gettext("Supplier"),
    "site": lazy_gettext("Site"),
    # the response to an incident: its steps and how far each is shown; the incident's link
    "public_response": lazy_gettext("Public response"),
    "public_answer": lazy_gettext("Public answer"),
    "investigation": lazy_gettext("Investigation"),
    "remedy": lazy_gettext("Remedy"),
    ("ResponseLevel", "none"): pgettext("response level", "None"),
    ("ResponseLevel", "stated"): pgettext("response level", "Stated"),
    ("ResponseLevel", "evidenced"): pgettext("response level", "Evidenced"),
    "own_operations": lazy_gettext("Own operations"),
    "value_chain": lazy_gettext("Value chain"),
    # scores: confidence; briefings: context risk
    ("ConfidenceLevel", "high"): pgettext("confidence", "High"),
    ("ConfidenceLevel", "medium"): pgettext("confidence", "Medium"),
    ("ConfidenceLevel", "low"): pgettext("confidence", "Low"),
    ("ContextRisk", "low"): pgettext("risk", "Low"),
    ("ContextRisk", "elevated"): pgettext("risk", "Elevated"),
    ("ContextRisk", "high"): pgettext("risk", "High"),
    # portfolios: status of a portfolio, of a screening run; briefing filters and sort keys
    "validating": lazy_gettext("Validating"),
    "invalid": lazy_gettext("Invalid"),
    "refused": lazy_gettext("Refused"),
    "ready": lazy_gettext("Ready"),
    "queued": lazy_gettext("Queued"),
    "running": lazy_gettext("Running"),
    "succeeded": lazy_gettext("Succeeded"),
    "failed": pgettext("status", "Failed"),
    "sector": lazy_gettext("Sector"),
    "tier": lazy_gettext("Tier"),
    "position": lazy_gettext("Position"),
    "weight": lazy_gettext("Weight"),
    "priority": lazy_gettext("Priority"),
    "incidents": lazy_gettext("Incidents"),
    "flags": lazy_gettext("Flags"),
    # webhooks: status of a delivery
    "delivered": pgettext("status", "Delivered"),
    # accounts: role of a user
    "member": lazy_gettext("Member"),
    "admin": lazy_gettext("Admin"),
}


def term(
    value: Enum | str, vocabulary: str | None = None, *, lower: bool = False
) -> LazyString | str:
    """A code of a vocabulary as the reader says it ("death_threat" → "Amenaza de muerte").

    An enum member names its vocabulary; a bare code may name it (`status|term('MatchStatus')`)
    where its word depends on it. `lower` for running text ("is now under review"). Lazy, so
    that form choices built at import time follow each request's language."""
    if isinstance(value, Enum):
        vocabulary = vocabulary or type(value).__name__
        code = value.value
    else:
        code = value
    label = LABELS.get((vocabulary, code), LABELS.get(code))
    if label is None:  # not a code (a holding's sector as its file writes it): as it is
        return code.replace("_", " ") if lower else code.replace("_", " ").capitalize()
    return LazyString(lambda: _small_first_letter(str(label))) if lower else label


def _small_first_letter(label: str) -> str:
    """A label inside a sentence: "Death threat" → "death threat", while "LGBTIQ" and
    "Funcionarios del Estado" → "funcionarios del Estado" keep their other capitals."""
    if label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def localized(text: Any) -> Any:
    """A `Phrase` in the current language, parameters that are phrases included; any other
    text as it is (names, codes, messages of other libraries)."""
    if not isinstance(text, Phrase):
        return text
    return gettext(text.msgid, **{name: localized(value) for name, value in text.params.items()})
