"""The words of a portfolio briefing's findings, in the reader's language.

A briefing keeps what each red flag, data gap, engagement question and context reason says as a
code and its parameters (`code`, `params`), beside the English text the JSON and the web page
show (`label`, `topic`/`text`/`why`, `reasons`). The screening writes those English texts with
these functions (locale "en"); the PDF and workbook renderers call `localize` to word a whole
briefing in the language of the run, so a Spanish briefing carries no English sentence. A code
or parameters these functions do not know (a briefing of an older version, hand-made data) keep
the text the briefing gives.

Questions on an indicator take their wording from the questionnaire (`questionnaires.localize`'s
translations); everything else is in the reports' catalogue. Codes of the incident and
certificate vocabularies are worded by `term`; English shows them as the codes read.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, NamedTuple

from questionnaires.errors import UnknownQuestionnaire
from questionnaires.model import translate
from questionnaires.registry import default_registry
from reports.certificate_texts import label as certificate_label
from reports.i18n import N_, format_number, format_share, language, translations

NO_CERTIFICATE = N_("No certificate in force")  # the tier share of holdings without one
UNKNOWN = N_("Unknown")  # the sector or country share of holdings that give none

GENERIC_QUESTIONS: dict[str, tuple[str, str]] = {
    "policy": (
        N_("Policy"),
        N_(
            "Have you published a policy commitment that recognises the legitimate role of human "
            "rights defenders and says you will not tolerate attacks against them?"
        ),
    ),
    "due_diligence": (
        N_("Due diligence"),
        N_(
            "How do you identify and assess risks to defenders in your operations and value "
            "chain, and where do you apply heightened due diligence?"
        ),
    ),
    "grievance": (
        N_("Grievance and remedy"),
        N_(
            "Which grievance mechanism can defenders and communities use safely, and how do you "
            "provide remedy when harm occurs?"
        ),
    ),
    "assessment": (
        N_("Certification"),
        N_(
            "Will you complete an HRD Sentinel self-assessment so that your practice can be "
            "reviewed and certified?"
        ),
    ),
}
GENERIC_REASONS = {"no_approved_assessment": N_("No approved assessment to draw questions from.")}


class QuestionWords(NamedTuple):
    topic: str
    text: str
    why: str


@functools.cache  # one table per supported language
def _terms(lang: str) -> dict[tuple[str, str], str]:
    c = translations(lang)
    return {
        ("match", "confirmed"): c.pgettext("match", "confirmed"),
        ("match", "suggested"): c.pgettext("match", "suggested"),
        ("link", "own_operations"): c.pgettext("link", "own operations"),
        ("link", "value_chain"): c.pgettext("link", "value chain"),
        ("verification", "alleged"): c.pgettext("verification", "alleged"),
        ("verification", "corroborated"): c.pgettext("verification", "corroborated"),
        ("verification", "verified"): c.pgettext("verification", "verified"),
        ("attack", "killing"): c.pgettext("attack", "killing"),
        ("attack", "death_threat"): c.pgettext("attack", "death threat"),
        ("attack", "arbitrary_detention"): c.pgettext("attack", "arbitrary detention"),
        ("attack", "judicial_harassment"): c.pgettext("attack", "judicial harassment"),
        ("attack", "physical_violence"): c.pgettext("attack", "physical violence"),
        ("attack", "sexual_violence"): c.pgettext("attack", "sexual violence"),
        ("attack", "smear_campaign"): c.pgettext("attack", "smear campaign"),
        ("attack", "intimidation"): c.pgettext("attack", "intimidation"),
        ("attack", "surveillance"): c.pgettext("attack", "surveillance"),
        ("attack", "enforced_disappearance"): c.pgettext("attack", "enforced disappearance"),
        ("attack", "other"): c.pgettext("attack", "other"),
        ("sector", "mining"): c.pgettext("sector", "mining"),
        ("sector", "agribusiness"): c.pgettext("sector", "agribusiness"),
        ("sector", "fossil_fuels"): c.pgettext("sector", "fossil fuels"),
        ("sector", "renewable_energy"): c.pgettext("sector", "renewable energy"),
        ("sector", "hydropower"): c.pgettext("sector", "hydropower"),
        ("sector", "wind"): c.pgettext("sector", "wind"),
        ("sector", "logging"): c.pgettext("sector", "logging"),
        ("sector", "infrastructure"): c.pgettext("sector", "infrastructure"),
        ("sector", "other"): c.pgettext("sector", "other"),
        ("sector", "unknown"): c.pgettext("sector", "unknown"),
        ("certificate", "active"): c.pgettext("certificate", "active"),
        ("certificate", "suspended"): c.pgettext("certificate", "suspended"),
        ("certificate", "revoked"): c.pgettext("certificate", "revoked"),
        ("certificate", "expired"): c.pgettext("certificate", "expired"),
        ("certificate", "superseded"): c.pgettext("certificate", "superseded"),
        ("risk", "low"): c.pgettext("risk", "low"),
        ("risk", "elevated"): c.pgettext("risk", "elevated"),
        ("risk", "high"): c.pgettext("risk", "high"),
        ("basis", "home"): c.pgettext("context basis", "home"),
        ("basis", "sites"): c.pgettext("context basis", "sites"),
    }


def term(vocabulary: str, code: str | None, locale: str = "en") -> str:
    """A code of a vocabulary ('attack', 'match', 'link', 'verification', 'sector',
    'certificate', 'risk', 'basis') in words; English reads the code ('death threat'), and a
    code the vocabulary does not know is given the same way."""
    value = str(code or "")
    return _terms(language(locale)).get((vocabulary, value), value.replace("_", " "))


def sector_name(value: str | None, locale: str = "en") -> str:
    """A holding's sector as the holdings give it; in Spanish and French, a sector of the
    vocabulary ('fossil_fuels') in words."""
    text = str(value or "")
    if language(locale) == "en":
        return text
    return _terms(language(locale)).get(("sector", text), text)


def _attacks(codes: list[str], locale: str) -> str:
    return ", ".join(sorted(term("attack", code, locale) for code in codes))


def red_flag(code: str, params: Mapping[str, Any], locale: str = "en") -> str | None:
    """What a red flag says; None for a code or parameters not known here."""
    catalogue = translations(locale)
    try:
        if code == "severe_incident":
            count = int(params["count"])
            # English keeps "incident(s)" as the briefing always wrote it; the catalogues
            # have the singular and plural forms.
            text = catalogue.ngettext(
                "%(num)s confirmed severe incident(s) in the last %(years)s years: %(kinds)s",
                "%(num)s confirmed severe incident(s) in the last %(years)s years: %(kinds)s",
                count,
            )
            return text % {
                "num": count,
                "years": int(params["years"]),
                "kinds": _attacks(list(params["attack_types"]), locale),
            }
        if code == "severe_allegation":
            count = int(params["count"])
            text = catalogue.ngettext(
                "%(num)s severe incident(s) matched by screening, awaiting review",
                "%(num)s severe incident(s) matched by screening, awaiting review",
                count,
            )
            return text % {"num": count}
        if code == "certificate_suspended":
            return catalogue.gettext("Certificate %(cert)s is suspended") % {
                "cert": params["cert_id"]
            }
        if code == "certificate_revoked":
            return catalogue.gettext("Certificate %(cert)s is revoked") % {
                "cert": params["cert_id"]
            }
        if code == "certificate_expired":
            return catalogue.gettext("Certificate %(cert)s is expired") % {
                "cert": params["cert_id"]
            }
        if code == "under_challenge":
            return catalogue.gettext("Certificate %(cert)s is under an admitted challenge") % {
                "cert": params["cert_id"]
            }
        if code == "uncertified_high_risk":
            return catalogue.gettext("No certificate in force in a high-risk sector or country")
    except (KeyError, TypeError, ValueError):
        return None
    return None


def data_gap(code: str, params: Mapping[str, Any], locale: str = "en") -> str | None:
    """What a data gap says; None for a code or parameters not known here."""
    catalogue = translations(locale)
    if code == "unresolved" and "ambiguous" in params:
        if params["ambiguous"]:
            return catalogue.gettext(
                "Several organisations could be meant: choose one to screen it."
            )
        return catalogue.gettext(
            "Not matched to a known organisation: map it by hand to screen it."
        )
    if code == "no_assessment" and "in_progress" in params:
        if params["in_progress"]:
            return catalogue.gettext("Assessment in progress, not yet approved")
        return catalogue.gettext("No assessment: the company has not assessed its practice")
    if code == "no_sites":
        return catalogue.gettext("No list of project sites")
    if code == "certificate_expired":
        return catalogue.gettext("Certificate expired")
    return None


def _indicator(params: Mapping[str, Any], locale: str) -> QuestionWords | None:
    catalogue = translations(locale)
    lang = language(locale)
    try:
        definition = default_registry().get(params["questionnaire"], int(params["version"]))
    except UnknownQuestionnaire:
        return None
    question = definition.question(params["question"])
    if question is None:
        return None
    section = definition.section(params["section"])
    if params.get("lacking"):
        why = catalogue.gettext("Not answered in the approved assessment.")
    else:
        why = catalogue.gettext(
            "Earns %(share)s of the indicator's points "
            "(up to %(gain)s points of the total with full credit)."
        ) % {
            "share": format_share(params["share"], locale, decimals=0),
            "gain": format_number(params["gain"], locale, decimals=1),
        }
    return QuestionWords(
        topic=translate(section.title, lang) if section else str(params["section"]),
        text=translate(question.text, lang),
        why=why,
    )


def question(code: str, params: Mapping[str, Any], locale: str = "en") -> QuestionWords | None:
    """Topic, text and why of an engagement question; None for a code not known here."""
    catalogue = translations(locale)
    try:
        if code == "indicator":
            return _indicator(params, locale)
        if code == "generic":
            topic, text = GENERIC_QUESTIONS[params["key"]]
            why = GENERIC_REASONS[params["reason"]]
            return QuestionWords(
                catalogue.gettext(topic), catalogue.gettext(text), catalogue.gettext(why)
            )
        if code == "incident":
            text = catalogue.gettext(
                "What did your investigation of incident %(ref)s (%(attack)s, %(when)s, "
                "%(country)s) find, and what remedy has been provided?"
            ) % {
                "ref": params["ref"],
                "attack": term("attack", params["attack_type"], locale),
                "when": params["occurred_on"],
                "country": params["country"],
            }
            if params["match_status"] == "confirmed":
                why = catalogue.gettext("A confirmed match of a severe incident.")
            elif params["match_status"] == "suggested":
                why = catalogue.gettext("A suggested match of a severe incident.")
            else:
                return None
            return QuestionWords(catalogue.gettext("Incident response"), text, why)
        if code == "challenge":
            text = catalogue.gettext(
                "How are you responding to the challenge admitted against certificate %(cert)s?"
            ) % {"cert": params["cert_id"]}
            why = catalogue.gettext("An admitted challenge stands against the certificate.")
            return QuestionWords(catalogue.gettext("Challenge"), text, why)
    except (KeyError, TypeError, ValueError):
        return None
    return None


def _recorded(code: str, params: Mapping[str, Any], locale: str) -> str:
    catalogue = translations(locale)
    count = int(params["incidents"])
    values = {
        "level": term("risk", params["level"], locale),
        "num": count,
        "rate": format_number(params["rate"], locale, decimals=1),
    }
    if code == "country_record":
        text = catalogue.ngettext(
            "country %(country)s: %(level)s (%(num)s incidents recorded, %(rate)s a year lately)",
            "country %(country)s: %(level)s (%(num)s incidents recorded, %(rate)s a year lately)",
            count,
        )
        return text % {**values, "country": params["country"]}
    if code == "region_record":
        text = catalogue.ngettext(
            "region %(region)s (%(country)s): %(level)s (%(num)s incidents recorded, "
            "%(rate)s a year lately)",
            "region %(region)s (%(country)s): %(level)s (%(num)s incidents recorded, "
            "%(rate)s a year lately)",
            count,
        )
        return text % {**values, "region": params["region"], "country": params["country"]}
    text = catalogue.ngettext(
        "sector %(sector)s: %(level)s (%(num)s incidents recorded, %(rate)s a year lately)",
        "sector %(sector)s: %(level)s (%(num)s incidents recorded, %(rate)s a year lately)",
        count,
    )
    # English names the sector by its code, as the screening's own reasons always have.
    sector = params["sector"]
    named = sector if language(locale) == "en" else term("sector", sector, locale)
    return text % {**values, "sector": named}


def context_reason(code: str, params: Mapping[str, Any], locale: str = "en") -> str | None:
    """Why a holding's context is risky, in words; None for a code not known here."""
    catalogue = translations(locale)
    try:
        if code == "fixed_countries":
            return catalogue.gettext("high-risk countries (fixed list): %(countries)s") % {
                "countries": ", ".join(params["countries"])
            }
        if code == "fixed_sectors":
            sectors = [term("sector", s.replace(" ", "_"), locale) for s in params["sectors"]]
            return catalogue.gettext("high-risk sectors (fixed list): %(sectors)s") % {
                "sectors": ", ".join(sectors)
            }
        if code == "fixed_country":
            return catalogue.gettext("high-risk country (fixed list): %(country)s") % {
                "country": params["country"]
            }
        if code in ("country_record", "region_record", "sector_record"):
            return _recorded(code, params, locale)
    except (KeyError, TypeError, ValueError):
        return None
    return None


# --- A whole briefing ---------------------------------------------------------------------------


def _worded(item: Mapping[str, Any], words: str | None, key: str = "label") -> dict[str, Any]:
    return {**item, key: words} if words is not None else dict(item)


def _question(item: Mapping[str, Any], locale: str) -> dict[str, Any]:
    words = question(str(item.get("code") or ""), item.get("params") or {}, locale)
    return {**item, **words._asdict()} if words is not None else dict(item)


def _context(context: Mapping[str, Any] | None, locale: str) -> dict[str, Any] | None:
    if context is None:
        return None
    factors = context.get("factors") or []
    reasons = list(context.get("reasons") or [])
    if len(factors) == len(reasons):
        reasons = [
            context_reason(f["code"], f.get("params") or {}, locale) or reason
            for f, reason in zip(factors, reasons, strict=True)
        ]
    return {**context, "reasons": reasons}


def _holding(h: Mapping[str, Any], locale: str) -> dict[str, Any]:
    certificate = h.get("certificate")
    if certificate:
        certificate = {
            **certificate,
            "tier_label": certificate_label(str(certificate["tier_label"]), locale),
        }
    return {
        **h,
        "certificate": certificate,
        "red_flags": [
            _worded(f, red_flag(f["code"], f.get("params") or {}, locale)) for f in h["red_flags"]
        ],
        "data_gaps": [
            _worded(g, data_gap(g["code"], g.get("params") or {}, locale)) for g in h["data_gaps"]
        ],
        "questions": [_question(q, locale) for q in h["questions"]],
        "context": _context(h.get("context"), locale),
    }


def _share_label(key: str, text: str, locale: str) -> str:
    """A share's label: a tier label, a sector (`sector_name`), or the words the screening gives
    holdings without a certificate, sector or country; countries stay as they are."""
    if text in (NO_CERTIFICATE, UNKNOWN):
        return translations(locale).gettext(text)
    if key == "by_tier":
        return certificate_label(text, locale)
    return sector_name(text, locale) if key == "by_sector" else text


def localize(briefing: Mapping[str, Any], locale: str = "en") -> dict[str, Any]:
    """The briefing (plain data) with its findings worded in `locale`: red flags, data gaps,
    questions, context reasons, tier labels and the reasons to engage (which repeat the
    holding's red flags or data gaps). The input is left as it is."""
    holdings = []
    reworded: dict[int, dict[str, str]] = {}
    for given in briefing["holdings"]:
        holding = _holding(given, locale)
        holdings.append(holding)
        reworded[holding["position"]] = {
            before["label"]: after["label"]
            for key in ("red_flags", "data_gaps")
            for before, after in zip(given[key], holding[key], strict=True)
        }
    aggregates = dict(briefing["aggregates"])
    aggregates.update(
        **{
            key: [
                {**share, "label": _share_label(key, str(share["label"]), locale)}
                for share in aggregates[key]
            ]
            for key in ("by_tier", "by_sector", "by_country")
        },
        top_engage=[
            {
                **item,
                "reasons": [
                    reworded.get(item["position"], {}).get(reason, reason)
                    for reason in item["reasons"]
                ],
            }
            for item in aggregates["top_engage"]
        ],
    )
    return {**briefing, "holdings": holdings, "aggregates": aggregates}
