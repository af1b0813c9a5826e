"""Who is making the current request: a user with their organisation, or nobody."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g
from sqlmodel import Session

from compliance.accounts.models import Organisation, OrganisationKind, Role, User


@dataclass(frozen=True)
class Actor:
    """A signed-in user and the organisation they act for."""

    user: User
    organisation: Organisation

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def organisation_id(self) -> int:
        return self.organisation.id

    @property
    def kind(self) -> OrganisationKind:
        return OrganisationKind(self.organisation.kind)

    @property
    def is_admin(self) -> bool:
        return self.user.role == Role.admin

    @property
    def is_reviewer(self) -> bool:
        return self.kind == OrganisationKind.certifier


def actor_of_user(session: Session, user_id: int | None) -> Actor | None:
    """The actor a job acts for: the user who started it, with their organisation."""
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        return None
    return Actor(user=user, organisation=session.get(Organisation, user.organisation_id))


def current_actor() -> Actor | None:
    """The actor of this request, set by the API's bearer check or the web session."""
    return g.get("actor")


def set_actor(actor: Actor | None) -> None:
    g.actor = actor
