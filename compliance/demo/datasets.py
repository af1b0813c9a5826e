"""Each demo company's project sites and suppliers, uploaded as a CSV file through the datasets
service (the same checks as a company's own upload): realistic names, places and coordinates,
Indigenous and customary land with its FPIC status, and the security providers on site."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import current_app
from sqlmodel import Session

from compliance.accounts.actor import Actor
from compliance.assessments.models import Assessment
from compliance.datasets import service as dataset_service
from compliance.datasets.kinds import SITES, SUPPLIERS, DatasetKind, DatasetSpec
from compliance.storage import FileStore

SITE_COLUMNS = (
    "site_id",
    "name",
    "site_type",
    "country",
    "admin_region",
    "latitude",
    "longitude",
    "status",
    "affected_communities",
    "indigenous_land",
    "fpic_status",
    "security_provider",
    "security_provider_name",
    "grievance_mechanism",
    "fpic_evidence",
)
SUPPLIER_COLUMNS = ("name", "country", "sector", "tier", "products", "workers")

# fmt: off
SITE_ROWS: dict[str, tuple[tuple[object, ...], ...]] = {
    "Minera Andes Cobre S.A.C.": (
        ("AC-01", "Mina Qollqe Orqo", "mine", "PE", "Cusco", -14.79, -71.41, "operating",
         "Comunidades campesinas de Huano Huano y Alto Huarca", "yes", "obtained", "both",
         "Fuerza Andina Seguridad S.A.C.; Policía Nacional del Perú", "yes"),
        ("AC-02", "Proyecto Ccarhuaccasa", "mine", "PE", "Apurímac", -14.12, -72.88, "planned",
         "Comunidad campesina de Ccarhuaccasa", "yes", "in_progress", "private",
         "Fuerza Andina Seguridad S.A.C.", "yes"),
        ("AC-03", "Planta concentradora Espinar", "factory", "PE", "Cusco", -14.8, -71.38,
         "operating", "Barrio Tintaya Marquiri", "unknown", "", "private",
         "Fuerza Andina Seguridad S.A.C.", "yes"),
        ("AC-04", "Terminal de embarque Matarani", "port", "PE", "Arequipa", -17.0, -72.11,
         "operating", "", "no", "not_applicable", "public", "Capitanía de Puerto", "no"),
    ),
    "Palmas del Norte Agroindustrial S.A.": (
        ("PN-01", "Finca La Esperanza", "plantation", "GT", "Petén", 16.52, -90.19, "operating",
         "Aldeas q'eqchi' de El Canaleño y Las Pozas", "yes", "withheld", "private",
         "Grupo Escudo Seguridad", "no"),
        ("PN-02", "Extractora Sayaxché", "factory", "GT", "Petén", 16.53, -90.17, "operating",
         "Sayaxché", "no", "not_applicable", "private", "Grupo Escudo Seguridad", "yes"),
        ("PN-03", "Plantación Río Pasión", "plantation", "GT", "Alta Verapaz", 15.92, -90.12,
         "construction", "Comunidades q'eqchi' del Río Pasión", "yes", "not_sought", "both",
         "Grupo Escudo Seguridad; Policía Nacional Civil", "no"),
    ),
    "Hidroeléctrica Río Claro S.A. de C.V.": (
        ("RC-01", "Represa Río Claro", "dam", "HN", "Intibucá", 14.31, -88.17, "construction",
         "Consejo indígena lenca de San Francisco de Opalaca", "yes", "withheld", "both",
         "Seguridad Cóndor S. de R.L.; Policía Nacional", "yes"),
        ("RC-02", "Línea de transmisión Río Claro-La Esperanza", "transmission_line", "HN",
         "Intibucá", 14.29, -88.18, "planned", "Aldeas de Yamaranguila", "yes", "not_sought",
         "none", "", "no"),
    ),
    "PT Nusantara Nikel Tbk": (
        ("NN-01", "Tambang Nikel Sagea", "mine", "ID", "Maluku Utara", 0.61, 128.07, "operating",
         "Hongana Manyawa and Sagea village", "yes", "not_sought", "public", "Polri / TNI", "no"),
        ("NN-02", "Smelter Lelilef", "factory", "ID", "Maluku Utara", 0.49, 127.94, "operating",
         "Lelilef Sawai and Gemaf villages", "yes", "in_progress", "both", "PT Garda Timur; Polri",
         "yes"),
        ("NN-03", "Pelabuhan Weda", "port", "ID", "Maluku Utara", 0.47, 127.9, "operating", "",
         "no", "not_applicable", "private", "PT Garda Timur", "yes"),
    ),
    "Ventos do Sertão Energia S.A.": (
        ("VS-01", "Parque Eólico Serra do Espinhaço", "wind_farm", "BR", "Bahia", -14.07, -42.49,
         "operating", "Comunidades quilombolas de Malhada e Lagoa do Mato", "yes", "obtained",
         "private", "Vigilância Sertaneja Ltda", "yes"),
        ("VS-02", "Parque Eólico Guanambi II", "wind_farm", "BR", "Bahia", -14.22, -42.78,
         "construction", "Fundo e fecho de pasto de Pindaí", "yes", "in_progress", "private",
         "Vigilância Sertaneja Ltda", "yes"),
        ("VS-03", "Subestação Caetité", "power_plant", "BR", "Bahia", -14.06, -42.47, "operating",
         "", "no", "not_applicable", "none", "", "yes"),
    ),
}
# fmt: on

# The consent record of each site on Indigenous or customary land, by site id (last column).
FPIC_EVIDENCE = {
    "AC-01": "Acta de consulta previa, asamblea comunal de Huano Huano (2019)",
    "AC-02": "Plan de consulta acordado con la comunidad de Ccarhuaccasa (2025)",
    "PN-01": "Acta de la asamblea comunitaria que rechaza la ampliación (2024)",
    "RC-01": "Pronunciamiento del consejo indígena lenca contra la represa (2023)",
    "NN-02": "Minutes of the Lelilef Sawai village consultation, second round (2025)",
    "VS-01": "Termo de consentimento das associações quilombolas (2021)",
    "VS-02": "Cronograma de consulta com as associações de fundo e fecho de pasto (2025)",
}

# fmt: off
SUPPLIER_ROWS: dict[str, tuple[tuple[object, ...], ...]] = {
    "Minera Andes Cobre S.A.C.": (
        ("Explosivos del Sur S.A.", "PE", "chemicals", "1", "blasting agents", 420),
        ("Transportes Altiplano E.I.R.L.", "PE", "logistics", "1", "concentrate haulage", 310),
        ("Fuerza Andina Seguridad S.A.C.", "PE", "security services", "1", "site security", 260),
        ("Cal y Reactivos Arequipa S.A.", "PE", "chemicals", "2", "quicklime", 95),
        ("Shandong Heavy Machinery Co., Ltd", "CN", "machinery", "1", "haul trucks", 5400),
    ),
    "Palmas del Norte Agroindustrial S.A.": (
        ("Cooperativa Agrícola Nuevo Amanecer R.L.", "GT", "agriculture", "2",
         "fresh fruit bunches", 140),
        ("Agroquímicos del Istmo S.A.", "GT", "chemicals", "1", "fertiliser; herbicides", 180),
        ("Grupo Escudo Seguridad", "GT", "security services", "1", "plantation security", 90),
        ("Aceites Refinados del Golfo S.A. de C.V.", "MX", "food processing", "1",
         "refining of crude palm oil", 650),
    ),
    "Hidroeléctrica Río Claro S.A. de C.V.": (
        ("Constructora Istmeña S.A.", "HN", "construction", "1", "civil works", 820),
        ("Seguridad Cóndor S. de R.L.", "HN", "security services", "1", "site security", 75),
        ("Turbinas Andritz-Mercosur Ltda", "BR", "machinery", "1", "Francis turbines", 1300),
        ("Cementos del Valle de Sula S.A.", "HN", "construction materials", "2", "cement", 400),
    ),
    "PT Nusantara Nikel Tbk": (
        ("PT Batu Bara Halmahera", "ID", "mining", "1", "thermal coal for the smelter", 900),
        ("PT Garda Timur", "ID", "security services", "1", "site security", 340),
        ("Jiangsu Stainless Trading Co., Ltd", "CN", "metals trading", "1", "nickel pig iron", 120),
        ("CV Kapal Maluku", "ID", "shipping", "2", "barge transport", 60),
    ),
    "Ventos do Sertão Energia S.A.": (
        ("Torres Nordeste Estruturas Metálicas Ltda", "BR", "manufacturing", "1",
         "wind turbine towers", 540),
        ("Aerogeradores do Brasil S.A.", "BR", "machinery", "1", "wind turbines", 2100),
        ("Vigilância Sertaneja Ltda", "BR", "security services", "1", "site security", 48),
        ("Concreto Caetité Ltda", "BR", "construction materials", "2", "ready-mix concrete", 70),
    ),
}
# fmt: on


def as_csv(
    spec: DatasetSpec, columns: tuple[str, ...], rows: tuple[tuple[object, ...], ...]
) -> bytes:
    """A CSV file headed with the labels the downloadable template uses."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow([spec.field(name).label for name in columns])
    writer.writerows(rows)
    return output.getvalue().encode("utf-8")


def upload(*, session: Session, company: Actor, assessment: Assessment, now: datetime) -> None:
    """Upload the company's sites and suppliers to the assessment (still editable) and check
    them."""
    name = company.organisation.name
    settings = dataset_service.DatasetSettings.from_config(current_app.config)
    store = FileStore(current_app.config["UPLOAD_DIR"])
    files = (
        (
            DatasetKind.SITES,
            as_csv(
                SITES,
                SITE_COLUMNS,
                tuple((*row, FPIC_EVIDENCE.get(str(row[0]), "")) for row in SITE_ROWS[name]),
            ),
            "sites.csv",
        ),
        (
            DatasetKind.SUPPLIERS,
            as_csv(SUPPLIERS, SUPPLIER_COLUMNS, SUPPLIER_ROWS[name]),
            "suppliers.csv",
        ),
    )
    for kind, data, filename in files:
        received = dataset_service.receive(
            session=session,
            store=store,
            actor=company,
            assessment=assessment,
            kind=kind,
            data=data,
            filename=filename,
            settings=settings,
            now=now,
        )
        # Checked here, as its job would, because the demo submits the assessment next; the
        # job, run with the others at the end, then finds the check done.
        dataset_service.check_queued(
            session=session,
            store=store,
            upload=received,
            settings=settings,
            progress=lambda _percent: None,
            now=now,
        )
