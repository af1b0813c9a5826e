"""The demo world's organisations and their admin logins (one per organisation)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from compliance.accounts import service as account_service
from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation, OrganisationKind, Role, User

REVIEWER_LOGIN = "reviewer@hrdsentinel.example"
DEMO_PASSWORD = "sentinel-demo-2026"  # noqa: S105  (demo world only, printed by seed-demo)


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: OrganisationKind
    country: str
    sector: str | None
    aliases: tuple[str, ...]
    login: str
    role_label: str


ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        "Minera Andes Cobre S.A.C.",
        OrganisationKind.company,
        "PE",
        "mining",
        ("Andes Cobre", "MACSA"),
        "legal@andescobre.example",
        "Company (mining, Peru)",
    ),
    DemoOrganisation(
        "Palmas del Norte Agroindustrial S.A.",
        OrganisationKind.company,
        "GT",
        "agribusiness",
        ("Palmas del Norte",),
        "sustainability@palmasdelnorte.example",
        "Company (palm oil, Guatemala)",
    ),
    DemoOrganisation(
        "Hidroeléctrica Río Claro S.A. de C.V.",
        OrganisationKind.company,
        "HN",
        "hydropower",
        ("Río Claro Energía", "HRC"),
        "compliance@rioclaro.example",
        "Company (hydropower, Honduras)",
    ),
    DemoOrganisation(
        "PT Nusantara Nikel Tbk",
        OrganisationKind.company,
        "ID",
        "mining",
        ("Nusantara Nickel",),
        "esg@nusantaranikel.example",
        "Company (nickel, Indonesia)",
    ),
    DemoOrganisation(
        "Ventos do Sertão Energia S.A.",
        OrganisationKind.company,
        "BR",
        "wind",
        ("Ventos do Sertão",),
        "social@ventosdosertao.example",
        "Company (wind, Brazil)",
    ),
    DemoOrganisation(
        "Banco Meridional S.A.",
        OrganisationKind.financial_institution,
        "ES",
        "banking",
        (),
        "riesgos@bancomeridional.example",
        "Bank (Spain)",
    ),
    DemoOrganisation(
        "Northbridge Asset Management Ltd",
        OrganisationKind.financial_institution,
        "GB",
        "asset_management",
        (),
        "stewardship@northbridge.example",
        "Asset manager (UK)",
    ),
    DemoOrganisation(
        "Defensores en Red",
        OrganisationKind.ngo,
        "CO",
        None,
        (),
        "casos@defensoresenred.example",
        "NGO (Colombia)",
    ),
    DemoOrganisation(
        "Land and Water Defenders Network",
        OrganisationKind.ngo,
        "KE",
        None,
        (),
        "cases@landwater.example",
        "NGO (Kenya)",
    ),
    DemoOrganisation(
        "HRD Sentinel Certification",
        OrganisationKind.certifier,
        "CH",
        None,
        (),
        "reviewer@hrdsentinel.example",
        "Reviewer (certifier)",
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    role_label: str
    email: str
    password: str


def seed_organisations(*, session: Session) -> list[DemoLogin]:
    """Create the organisations and their admins; running it again changes nothing."""
    logins = []
    for spec in ORGANISATIONS:
        organisation = account_service.get_or_create_organisation(
            session=session,
            name=spec.name,
            kind=spec.kind,
            country=spec.country,
            sector=spec.sector,
        )
        if spec.aliases and not organisation.aliases:
            organisation.aliases = list(spec.aliases)
            session.add(organisation)
        if session.exec(select(User).where(User.email == spec.login)).first() is None:
            account_service.create_user(
                session=session,
                email=spec.login,
                organisation=organisation,
                role=Role.admin,
                password=DEMO_PASSWORD,
            )
        logins.append(DemoLogin(spec.role_label, spec.login, DEMO_PASSWORD))
    return logins


def actor(session: Session, login: str) -> Actor:
    """The demo user with this login, acting for their organisation."""
    user = session.exec(select(User).where(User.email == login)).one()
    return Actor(user=user, organisation=session.get(Organisation, user.organisation_id))


def login_of(organisation_name: str) -> str:
    return next(spec.login for spec in ORGANISATIONS if spec.name == organisation_name)


def organisation_id(session: Session, name: str) -> int:
    return session.exec(select(Organisation.id).where(Organisation.name == name)).one()
