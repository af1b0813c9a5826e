"""The one authorisation policy: which actor may do what, and which rows each actor sees.

Every endpoint calls `require(actor, action, subject)`; every query for tenant data filters
with `scope(actor, Model)`. Another organisation's rows are invisible (404), never 403, so
their existence does not leak.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from compliance.accounts.actor import Actor
from compliance.accounts.models import OrganisationKind
from compliance.errors import AuthenticationRequired, PermissionDenied
from compliance.phrases import Phrase

Rule = Callable[[Actor | None, Any], bool]


def anyone(_actor: Actor | None, _subject: Any) -> bool:
    return True


def signed_in(actor: Actor | None, _subject: Any) -> bool:
    return actor is not None


def kind_in(*kinds: OrganisationKind) -> Rule:
    def rule(actor: Actor | None, _subject: Any) -> bool:
        return actor is not None and actor.kind in kinds

    return rule


reviewer = kind_in(OrganisationKind.certifier)
assessed = kind_in(OrganisationKind.company, OrganisationKind.financial_institution)


def same_organisation(actor: Actor | None, subject: Any) -> bool:
    return actor is not None and getattr(subject, "organisation_id", None) == actor.organisation_id


def either(*rules: Rule) -> Rule:
    def rule(actor: Actor | None, subject: Any) -> bool:
        return any(r(actor, subject) for r in rules)

    return rule


def both(*rules: Rule) -> Rule:
    def rule(actor: Actor | None, subject: Any) -> bool:
        return all(r(actor, subject) for r in rules)

    return rule


def submitted_by_own_organisation(actor: Actor | None, subject: Any) -> bool:
    """The actor's organisation submitted this record (an NGO's incident)."""
    submitter = getattr(subject, "submitted_by_organisation_id", None)
    return actor is not None and submitter is not None and submitter == actor.organisation_id


def nobody_signed_in(actor: Actor | None, _subject: Any) -> bool:
    """Anonymous callers (challenges may be filed without an account)."""
    return actor is None


# action -> (rule, what the action is, in words for the refusal message)
RULES: dict[str, tuple[Rule, str]] = {
    "account.read": (signed_in, Phrase("see this account")),
    "token.manage": (signed_in, Phrase("manage API tokens")),
    "job.read": (either(reviewer, same_organisation), Phrase("see this job")),
    "audit.verify": (reviewer, Phrase("check the audit log")),
    "questionnaire.read": (anyone, Phrase("read questionnaires")),
    "assessment.create": (assessed, Phrase("start an assessment")),
    "assessment.list": (signed_in, Phrase("list assessments")),
    "assessment.read": (either(reviewer, same_organisation), Phrase("see this assessment")),
    "assessment.edit": (both(assessed, same_organisation), Phrase("change this assessment")),
    "assessment.submit": (both(assessed, same_organisation), Phrase("submit this assessment")),
    "assessment.decide": (reviewer, Phrase("decide on assessments")),
    "incident.read": (signed_in, Phrase("see incident records")),
    "incident.read_protected": (
        either(reviewer, submitted_by_own_organisation),
        Phrase("see the protected fields of this incident"),
    ),
    "incident.submit": (
        kind_in(OrganisationKind.ngo, OrganisationKind.certifier),
        Phrase("submit incident records"),
    ),
    "incident.import": (reviewer, Phrase("import incident records")),
    "incident.verify": (reviewer, Phrase("decide on incident records")),
    "incident_feed.manage": (reviewer, Phrase("manage incident feeds")),
    "dataset.read": (
        either(reviewer, same_organisation),
        Phrase("see the sites and suppliers of this assessment"),
    ),
    "dataset.upload": (
        both(assessed, same_organisation),
        Phrase("upload the sites and suppliers of this assessment"),
    ),
    "dataset.template": (anyone, Phrase("download dataset templates")),
    "score.read": (either(reviewer, same_organisation), Phrase("see this assessment's score")),
    "log.read": (anyone, Phrase("read the transparency log")),
    "keys.read": (anyone, Phrase("read the public signing keys")),
    "screening.run": (signed_in, Phrase("screen entities against the incident records")),
    "match.list": (signed_in, Phrase("see incidents matched to organisations")),
    "match.review": (reviewer, Phrase("confirm or dismiss incident matches")),
    "match.respond": (
        both(assessed, same_organisation),
        Phrase("answer the incidents matched to this organisation"),
    ),
    "review.queue": (reviewer, Phrase("see the review queue")),
    "evidence.review": (reviewer, Phrase("mark evidence verified or rejected")),
    "certificate.read": (anyone, Phrase("see certificates and the register")),
    "certificate.verify": (anyone, Phrase("verify certificates")),
    "certificate.change_status": (reviewer, Phrase("suspend, reinstate or revoke certificates")),
    "challenge.file": (
        either(nobody_signed_in, kind_in(OrganisationKind.ngo)),
        Phrase("file challenges (NGO members, or anyone without signing in)"),
    ),
    "challenge.read": (signed_in, Phrase("see challenges")),
    "challenge.track": (anyone, Phrase("see the public challenge tracker")),
    "challenge.respond": (
        both(assessed, same_organisation),
        Phrase("respond to a challenge against this organisation"),
    ),
    "challenge.decide": (reviewer, Phrase("decide on challenges")),
    "watchlist.manage": (
        kind_in(OrganisationKind.financial_institution),
        Phrase("watch organisations and read their alerts (investors and banks)"),
    ),
    "webhook.manage": (
        kind_in(OrganisationKind.financial_institution),
        Phrase("manage alert webhooks (investors and banks)"),
    ),
    "portfolio.list": (
        kind_in(OrganisationKind.financial_institution),
        Phrase("keep portfolios (investors and banks)"),
    ),
    "portfolio.create": (
        kind_in(OrganisationKind.financial_institution),
        Phrase("upload portfolios (investors and banks)"),
    ),
    "portfolio.read": (
        both(kind_in(OrganisationKind.financial_institution), same_organisation),
        Phrase("see this portfolio"),
    ),
    "portfolio.edit": (
        both(kind_in(OrganisationKind.financial_institution), same_organisation),
        Phrase("change this portfolio and the mapping of its holdings"),
    ),
    "portfolio.screen": (
        both(kind_in(OrganisationKind.financial_institution), same_organisation),
        Phrase("screen this portfolio"),
    ),
    "briefing.read": (
        both(kind_in(OrganisationKind.financial_institution), same_organisation),
        Phrase("read the briefings of this portfolio"),
    ),
}


def allowed(actor: Actor | None, action: str, subject: Any = None) -> bool:
    rule, _words = RULES[action]
    return rule(actor, subject)


def require(actor: Actor | None, action: str, subject: Any = None) -> None:
    """Return when allowed; otherwise 401 for nobody signed in, 403 for the wrong role."""
    rule, words = RULES[action]
    if rule(actor, subject):
        return
    if actor is None:
        raise AuthenticationRequired(
            Phrase(
                "Sign in, or send an API token as 'Authorization: Bearer <token>', to %(action)s.",
                action=words,
            )
        )
    raise PermissionDenied(
        Phrase(
            "Your organisation (%(kind)s) is not allowed to %(action)s.",
            kind=actor.kind,
            action=words,
        )
    )


def scope(actor: Actor | None, model: Any) -> ColumnElement[bool]:
    """The rows of a tenant-owned table that `actor` may see: reviewers all, others their own."""
    if actor is None:
        return sa.false()
    if actor.is_reviewer:
        return sa.true()
    return model.organisation_id == actor.organisation_id
