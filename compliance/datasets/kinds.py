"""The two dataset kinds (suppliers and sites): their fields, headers and accepted words.

This is the single description of each kind: the header matching, the normalisation, the pandera
schema and the stored records are all derived from these `Field` lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from functools import cached_property

import pandas as pd

from compliance.datasets.cells import TEXT_DTYPE
from compliance.datasets.vocabulary import COUNTRY_CODES, YES_NO, YES_NO_UNKNOWN, Choices, fold

TIERS = ("1", "2", "3+")


class DatasetKind(StrEnum):
    SUPPLIERS = "suppliers"
    SITES = "sites"


class FieldType(Enum):
    TEXT = "text"
    CHOICE = "choice"
    YES_NO = "yes/no"
    COUNTRY = "country"
    TIER = "tier"
    LEI = "LEI"
    OS_HUB_ID = "Open Supply Hub ID"
    WHOLE_NUMBER = "whole number"
    LATITUDE = "latitude"
    LONGITUDE = "longitude"
    DATE = "date"


_DTYPES = {
    FieldType.YES_NO: "boolean",
    FieldType.WHOLE_NUMBER: "Int64",
    FieldType.LATITUDE: "float64",
    FieldType.LONGITUDE: "float64",
    FieldType.DATE: "datetime64[s]",
}


@dataclass(frozen=True)
class Field:
    """One column of a dataset: its stored name, the header we suggest, and the ones we accept."""

    name: str
    label: str
    type: FieldType
    synonyms: tuple[str, ...] = ()
    required_column: bool = False
    required_value: bool = False
    choices: Choices | None = None
    max_length: int = 300

    @property
    def dtype(self) -> str | pd.CategoricalDtype:
        """The pandas dtype of this field in a clean frame; closed lists are categoricals."""
        match self.type:
            case FieldType.CHOICE:
                assert self.choices is not None
                return pd.CategoricalDtype(self.choices.values)
            case FieldType.COUNTRY:
                return pd.CategoricalDtype(sorted(COUNTRY_CODES))
            case FieldType.TIER:
                return pd.CategoricalDtype(TIERS)
        return _DTYPES.get(self.type, TEXT_DTYPE)

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header accepted for this field (the label and the stored name included)."""
        return (self.label, self.name, *self.synonyms)


@dataclass(frozen=True)
class DatasetSpec:
    """The columns of one kind of upload. `kind` is a DatasetKind for supplier and site data;
    other uploads read with the same machinery (portfolios) bring their own StrEnum."""

    kind: StrEnum
    fields: tuple[Field, ...]
    sheet_names: tuple[str, ...]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @cached_property
    def header_lookup(self) -> dict[str, str]:
        """Folded header -> field name; a header that would mean two fields is a mistake here."""
        lookup: dict[str, str] = {}
        for f in self.fields:
            for header in f.headers:
                key = fold(header)
                if lookup.get(key, f.name) != f.name:
                    raise ValueError(f"header '{header}' would mean {lookup[key]} and {f.name}")
                lookup[key] = f.name
        return lookup


_COUNTRY_HEADERS = (
    "country code",
    "iso country code",
    "country iso",
    "país",
    "código de país",
    "código país",
    "pays",
    "code pays",
    "code du pays",
)
_LATITUDE = Field(
    "latitude", "Latitude", FieldType.LATITUDE, ("lat", "latitud", "latitude decimal")
)
_LONGITUDE = Field(
    "longitude", "Longitude", FieldType.LONGITUDE, ("lon", "long", "lng", "longitud")
)

SITE_TYPES = Choices(
    {
        "mine": (
            "mining",
            "mining site",
            "mining concession",
            "quarry",
            "mina",
            "minería",
            "concesión minera",
            "cantera",
            "exploitation minière",
            "concession minière",
            "carrière",
        ),
        "plantation": ("estate", "plantación", "plantación de palma", "plantation de palmiers"),
        "farm": ("agricultural farm", "ranch", "finca", "hacienda", "granja", "ferme"),
        "logging_concession": (
            "logging",
            "forestry concession",
            "concesión forestal",
            "aprovechamiento forestal",
            "concession forestière",
            "exploitation forestière",
        ),
        "oil_gas_field": (
            "oil and gas field",
            "oil field",
            "gas field",
            "oil well",
            "campo petrolero",
            "yacimiento",
            "pozo petrolero",
            "champ pétrolier",
            "gisement",
        ),
        "dam": (
            "hydropower dam",
            "hydroelectric dam",
            "hydropower",
            "hydroelectric plant",
            "represa",
            "presa",
            "embalse",
            "hidroeléctrica",
            "central hidroeléctrica",
            "barrage",
            "barrage hydroélectrique",
            "centrale hydroélectrique",
        ),
        "wind_farm": ("wind park", "wind power", "parque eólico", "parc éolien"),
        "solar_farm": (
            "solar park",
            "solar plant",
            "photovoltaic plant",
            "parque solar",
            "planta solar",
            "granja solar",
            "parc solaire",
            "centrale solaire",
            "ferme solaire",
        ),
        "power_plant": (
            "power station",
            "thermal power plant",
            "central eléctrica",
            "central térmica",
            "centrale électrique",
            "centrale thermique",
        ),
        "transmission_line": (
            "power line",
            "línea de transmisión",
            "línea eléctrica",
            "ligne électrique",
            "ligne à haute tension",
        ),
        "pipeline": (
            "oil pipeline",
            "gas pipeline",
            "oleoducto",
            "gasoducto",
            "oléoduc",
            "gazoduc",
        ),
        "factory": (
            "plant",
            "mill",
            "manufacturing plant",
            "processing plant",
            "fábrica",
            "planta",
            "planta industrial",
            "usine",
            "fabrique",
            "site de production",
        ),
        "warehouse": (
            "distribution centre",
            "distribution center",
            "almacén",
            "bodega",
            "entrepôt",
            "centre de distribution",
        ),
        "office": (
            "head office",
            "headquarters",
            "oficina",
            "sede",
            "oficina central",
            "bureau",
            "siège",
            "siège social",
        ),
        "port": (
            "harbour",
            "harbor",
            "terminal",
            "puerto",
            "terminal portuaria",
            "terminal portuaire",
        ),
        "road": ("highway", "carretera", "camino", "autopista", "route", "autoroute"),
        "railway": (
            "railroad",
            "rail line",
            "ferrocarril",
            "vía férrea",
            "chemin de fer",
            "voie ferrée",
        ),
        "other": ("otro", "otra", "autre"),
    }
)
SITE_STATUSES = Choices(
    {
        "planned": (
            "proposed",
            "exploration",
            "planificado",
            "planeado",
            "proyectado",
            "en proyecto",
            "exploración",
            "prévu",
            "planifié",
            "en projet",
        ),
        "construction": (
            "under construction",
            "in construction",
            "en construcción",
            "construcción",
            "en construction",
            "chantier",
        ),
        "operating": (
            "operational",
            "in operation",
            "active",
            "producing",
            "en operación",
            "operación",
            "operativo",
            "operativa",
            "activo",
            "activa",
            "en producción",
            "en exploitation",
            "en activité",
            "opérationnel",
            "opérationnelle",
            "actif",
            "en service",
        ),
        "closed": (
            "decommissioned",
            "abandoned",
            "inactive",
            "cerrado",
            "cerrada",
            "clausurado",
            "abandonado",
            "inactivo",
            "fermé",
            "fermée",
            "abandonné",
            "démantelé",
            "inactif",
        ),
    }
)
FPIC_STATUSES = Choices(
    {
        "obtained": (
            "granted",
            "consent obtained",
            "consent granted",
            "given",
            "obtenido",
            "otorgado",
            "consentimiento obtenido",
            "obtenu",
            "accordé",
            "consentement obtenu",
        ),
        "in_progress": (
            "ongoing",
            "underway",
            "en curso",
            "en proceso",
            "en progreso",
            "en cours",
        ),
        "withheld": (
            "refused",
            "denied",
            "rejected",
            "not granted",
            "negado",
            "denegado",
            "rechazado",
            "no otorgado",
            "refusé",
            "rejeté",
            "non accordé",
        ),
        "not_sought": (
            "not started",
            "not requested",
            "no solicitado",
            "no iniciado",
            "non sollicité",
            "non demandé",
        ),
        "not_applicable": (
            "n/a",
            "na",
            "no aplica",
            "no aplicable",
            "non applicable",
            "sans objet",
        ),
    }
)
SECURITY_PROVIDERS = Choices(
    {
        "none": ("no", "ninguno", "ninguna", "sin seguridad", "aucun", "aucune", "non"),
        "private": (
            "private security",
            "privado",
            "privada",
            "seguridad privada",
            "privé",
            "privée",
            "sécurité privée",
        ),
        "public": (
            "public security",
            "police",
            "military",
            "army",
            "público",
            "pública",
            "policía",
            "fuerza pública",
            "ejército",
            "publique",
            "armée",
            "gendarmerie",
        ),
        "both": (
            "private and public",
            "public and private",
            "ambos",
            "ambas",
            "mixto",
            "les deux",
            "mixte",
        ),
    }
)

SUPPLIERS = DatasetSpec(
    kind=DatasetKind.SUPPLIERS,
    sheet_names=(
        "suppliers",
        "supplier list",
        "supply chain",
        "proveedores",
        "lista de proveedores",
        "fournisseurs",
        "liste des fournisseurs",
    ),
    fields=(
        Field(
            "name",
            "Name",
            FieldType.TEXT,
            (
                "supplier",
                "supplier name",
                "company",
                "company name",
                "legal name",
                "nombre",
                "proveedor",
                "nombre del proveedor",
                "empresa",
                "razón social",
                "nom",
                "fournisseur",
                "nom du fournisseur",
                "entreprise",
                "raison sociale",
                "société",
            ),
            required_column=True,
            required_value=True,
        ),
        Field("country", "Country", FieldType.COUNTRY, _COUNTRY_HEADERS, required_column=True),
        Field(
            "address",
            "Address",
            FieldType.TEXT,
            ("street address", "full address", "dirección", "domicilio", "adresse"),
            max_length=500,
        ),
        Field(
            "sector",
            "Sector",
            FieldType.TEXT,
            ("industry", "activity", "rubro", "industria", "actividad", "secteur", "activité"),
        ),
        Field(
            "tier",
            "Tier",
            FieldType.TIER,
            (
                "supplier tier",
                "tier level",
                "level",
                "nivel",
                "nivel del proveedor",
                "nivel de proveedor",
                "rang",
                "rang du fournisseur",
                "niveau",
            ),
            required_column=True,
            required_value=True,
        ),
        Field(
            "products",
            "Products or commodities",
            FieldType.TEXT,
            (
                "products",
                "commodities",
                "commodity",
                "product",
                "goods",
                "productos",
                "producto",
                "productos o materias primas",
                "materias primas",
                "produits",
                "produit",
                "matières premières",
                "produits ou matières premières",
                "marchandises",
            ),
            max_length=1000,
        ),
        Field(
            "lei",
            "LEI",
            FieldType.LEI,
            (
                "lei code",
                "legal entity identifier",
                "código lei",
                "identificador de entidad jurídica",
                "identifiant lei",
                "identifiant d'entité juridique",
            ),
        ),
        Field(
            "registry_number",
            "National registry number",
            FieldType.TEXT,
            (
                "registry number",
                "registration number",
                "company number",
                "company registration number",
                "business registration number",
                "número de registro",
                "registro mercantil",
                "número de registro mercantil",
                "numéro d'immatriculation",
                "numéro d'enregistrement",
                "numéro rcs",
            ),
            max_length=60,
        ),
        Field(
            "os_hub_id",
            "Open Supply Hub ID",
            FieldType.OS_HUB_ID,
            (
                "os id",
                "os hub id",
                "osh id",
                "open supply hub",
                "oar id",
                "open apparel registry id",
                "identificador open supply hub",
                "identifiant open supply hub",
            ),
        ),
        Field(
            "parent_company",
            "Parent company",
            FieldType.TEXT,
            (
                "parent",
                "ultimate parent",
                "group",
                "empresa matriz",
                "matriz",
                "casa matriz",
                "grupo",
                "société mère",
                "maison mère",
                "groupe",
            ),
        ),
        Field(
            "workers",
            "Number of workers",
            FieldType.WHOLE_NUMBER,
            (
                "workers",
                "employees",
                "number of employees",
                "headcount",
                "workforce",
                "número de trabajadores",
                "trabajadores",
                "empleados",
                "número de empleados",
                "nombre de travailleurs",
                "travailleurs",
                "effectif",
                "effectifs",
                "nombre d'employés",
                "salariés",
            ),
        ),
        _LATITUDE,
        _LONGITUDE,
        Field(
            "high_risk_commodity",
            "High-risk commodity",
            FieldType.YES_NO,
            (
                "high risk commodity flag",
                "high risk",
                "materia prima de alto riesgo",
                "producto de alto riesgo",
                "alto riesgo",
                "matière première à haut risque",
                "produit à haut risque",
                "haut risque",
            ),
            choices=YES_NO,
        ),
    ),
)

SITES = DatasetSpec(
    kind=DatasetKind.SITES,
    sheet_names=(
        "sites",
        "site list",
        "project sites",
        "projects",
        "locations",
        "sitios",
        "proyectos",
        "ubicaciones",
        "sites du projet",
        "projets",
        "emplacements",
    ),
    fields=(
        Field(
            "site_id",
            "Site ID",
            FieldType.TEXT,
            (
                "site reference",
                "site code",
                "reference",
                "ref",
                "id",
                "id del sitio",
                "código del sitio",
                "código",
                "referencia",
                "identifiant du site",
                "référence",
                "code du site",
                "identifiant",
            ),
            max_length=60,
        ),
        Field(
            "name",
            "Name",
            FieldType.TEXT,
            (
                "site",
                "site name",
                "project",
                "project name",
                "nombre",
                "sitio",
                "nombre del sitio",
                "proyecto",
                "nombre del proyecto",
                "nom",
                "nom du site",
                "projet",
                "nom du projet",
            ),
            required_column=True,
            required_value=True,
        ),
        Field(
            "site_type",
            "Type",
            FieldType.CHOICE,
            (
                "site type",
                "kind of site",
                "category",
                "tipo",
                "tipo de sitio",
                "tipo de proyecto",
                "categoría",
                "type de site",
                "type de projet",
                "catégorie",
            ),
            required_column=True,
            required_value=True,
            choices=SITE_TYPES,
        ),
        Field(
            "country",
            "Country",
            FieldType.COUNTRY,
            _COUNTRY_HEADERS,
            required_column=True,
            required_value=True,
        ),
        Field(
            "admin_region",
            "Admin region",
            FieldType.TEXT,
            (
                "administrative region",
                "region",
                "state",
                "province",
                "department",
                "región",
                "región administrativa",
                "provincia",
                "departamento",
                "estado o provincia",
                "région administrative",
                "département",
            ),
        ),
        _LATITUDE,
        _LONGITUDE,
        Field(
            "status",
            "Status",
            FieldType.CHOICE,
            (
                "site status",
                "project status",
                "stage",
                "estado",
                "estatus",
                "situación",
                "fase",
                "etapa",
                "estado del proyecto",
                "statut",
                "état",
                "phase",
                "stade",
            ),
            required_column=True,
            required_value=True,
            choices=SITE_STATUSES,
        ),
        Field(
            "start_date",
            "Start date",
            FieldType.DATE,
            (
                "start of operations",
                "commissioning date",
                "date started",
                "fecha de inicio",
                "inicio de operaciones",
                "fecha de inicio de operaciones",
                "date de début",
                "date de mise en service",
                "début des opérations",
            ),
        ),
        Field(
            "affected_communities",
            "Affected communities",
            FieldType.TEXT,
            (
                "communities",
                "communities affected",
                "comunidades afectadas",
                "comunidades",
                "poblaciones afectadas",
                "communautés affectées",
                "communautés concernées",
                "communautés",
            ),
            max_length=1000,
        ),
        Field(
            "indigenous_land",
            "On or near Indigenous or customary land",
            FieldType.CHOICE,
            (
                "indigenous land",
                "on indigenous land",
                "on or near indigenous land",
                "indigenous or customary land",
                "indigenous territory",
                "customary land",
                "territorio indígena",
                "tierras indígenas",
                "en o cerca de territorio indígena",
                "tierra indígena o consuetudinaria",
                "terres autochtones",
                "territoire autochtone",
                "sur ou près de terres autochtones",
                "terres autochtones ou coutumières",
                "terres coutumières",
            ),
            required_column=True,
            required_value=True,
            choices=YES_NO_UNKNOWN,
        ),
        Field(
            "fpic_status",
            "FPIC status",
            FieldType.CHOICE,
            (
                "fpic",
                "free prior and informed consent",
                "clpi",
                "cpli",
                "estado del clpi",
                "estado clpi",
                "consentimiento libre previo e informado",
                "clip",
                "statut clip",
                "statut du clip",
                "consentement libre informé et préalable",
            ),
            choices=FPIC_STATUSES,
        ),
        Field(
            "fpic_evidence",
            "FPIC evidence",
            FieldType.TEXT,
            (
                "evidence of fpic",
                "fpic documentation",
                "evidence",
                "evidencia clpi",
                "evidencia del clpi",
                "evidencia",
                "preuve clip",
                "preuves du clip",
                "preuve",
                "justificatif",
            ),
            max_length=1000,
        ),
        Field(
            "security_provider",
            "Security provider",
            FieldType.CHOICE,
            (
                "security",
                "security type",
                "proveedor de seguridad",
                "seguridad",
                "tipo de seguridad",
                "prestataire de sécurité",
                "sécurité",
                "type de sécurité",
                "fournisseur de sécurité",
            ),
            choices=SECURITY_PROVIDERS,
        ),
        Field(
            "security_provider_name",
            "Security provider name",
            FieldType.TEXT,
            (
                "name of security provider",
                "security company",
                "nombre del proveedor de seguridad",
                "empresa de seguridad",
                "nom du prestataire de sécurité",
                "société de sécurité",
                "nom du fournisseur de sécurité",
            ),
        ),
        Field(
            "grievance_mechanism",
            "Grievance mechanism available",
            FieldType.YES_NO,
            (
                "grievance mechanism",
                "grievance mechanism in place",
                "complaints mechanism",
                "mecanismo de quejas",
                "mecanismo de reclamación",
                "mecanismo de quejas y reclamos",
                "mécanisme de plainte",
                "mécanisme de règlement des griefs",
                "mécanisme de gestion des plaintes",
            ),
            choices=YES_NO,
        ),
    ),
)

SPECS = {DatasetKind.SUPPLIERS: SUPPLIERS, DatasetKind.SITES: SITES}
