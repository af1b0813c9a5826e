"""Incident pages: the list and detail for signed-in users (redacted per viewer), and the NGO
submission form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from pydantic import ValidationError
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from compliance import db, policy
from compliance.accounts.actor import Actor, current_actor
from compliance.clock import now
from compliance.errors import InvalidInput
from compliance.incidents import service as incident_service
from compliance.incidents.models import IncidentCreate, IncidentPublic
from compliance.incidents.vocabulary import (
    AttackType,
    ConsentBasis,
    CoordinatePrecision,
    DatePrecision,
    DefenderGroup,
    PerpetratorType,
    Sector,
)
from compliance.pagination import page_size
from compliance.web import login_required
from compliance.web.terms import localized, term

bp = Blueprint("web_incidents", __name__)


def _choices(vocabulary: Any) -> list[SelectChoice]:
    return [SelectChoice(member.value, term(member.value)) for member in vocabulary]


CONSENT_LABELS = {
    ConsentBasis.informed_consent: lazy_gettext("The people concerned gave informed consent"),
    ConsentBasis.public_source: lazy_gettext("Everything in the record is already public"),
    ConsentBasis.legitimate_interest_protection: lazy_gettext(
        "Recording it protects the people concerned (no consent could be asked safely)"
    ),
}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        """Choices are checked by `IncidentCreate`, with the API's messages."""


class ModelRadioField(RadioField):
    def pre_validate(self, form: Any) -> None:
        """Choices are checked by `IncidentCreate`, with the API's messages."""


class IncidentForm(FlaskForm):
    """The submission form; `IncidentCreate` does the validation, as for the API."""

    occurred_on = DateField(lazy_gettext("Date of the incident"), validators=[Optional()])
    date_precision = SelectField(
        lazy_gettext("How precise is that date"), choices=_choices(DatePrecision), default="day"
    )
    country = StringField(lazy_gettext("Country (ISO code, e.g. CO)"))
    region = StringField(lazy_gettext("Region (province, state or department)"))
    sector = SelectField(
        lazy_gettext("Sector of the business involved"), choices=_choices(Sector), default="unknown"
    )
    attack_types = MultiCheckboxField(lazy_gettext("Type of attack"), choices=_choices(AttackType))
    defender_groups = MultiCheckboxField(
        lazy_gettext("Who was attacked"), choices=_choices(DefenderGroup)
    )
    collective_targeted = BooleanField(lazy_gettext("A community or collective was targeted"))
    people_affected = IntegerField(
        lazy_gettext("Number of people affected"), validators=[Optional()]
    )
    perpetrator_type = SelectField(
        lazy_gettext("Alleged perpetrator"), choices=_choices(PerpetratorType), default="unknown"
    )
    companies_alleged = TextAreaField(
        lazy_gettext("Companies alleged to be linked (one per line, as named)")
    )
    consent_basis = ModelRadioField(
        lazy_gettext("Basis for recording it"),
        choices=[SelectChoice(k.value, v) for k, v in CONSENT_LABELS.items()],
    )
    source_reference = StringField(lazy_gettext("Your own case reference (optional)"))
    victim_names = TextAreaField(lazy_gettext("Names of the people attacked (one per line)"))
    reporter_name = StringField(lazy_gettext("Name of the person reporting"))
    reporter_contact = StringField(lazy_gettext("How to contact the person reporting"))
    latitude = FloatField(lazy_gettext("Latitude"), validators=[Optional()])
    longitude = FloatField(lazy_gettext("Longitude"), validators=[Optional()])
    coordinate_precision = SelectField(
        lazy_gettext("How precise are the coordinates"),
        choices=[SelectChoice("", lazy_gettext("No coordinates")), *_choices(CoordinatePrecision)],
        default="",
    )
    location_detail = TextAreaField(lazy_gettext("Exact place (village, farm, road)"))
    narrative = TextAreaField(lazy_gettext("What happened"))

    def payload(self) -> dict[str, Any]:
        def lines(text: str | None) -> list[str]:
            return [line.strip() for line in (text or "").splitlines() if line.strip()]

        def text(value: str | None) -> str | None:
            return value.strip() if value and value.strip() else None

        return {
            "source_reference": text(self.source_reference.data),
            "occurred_on": self.occurred_on.data,
            "date_precision": self.date_precision.data,
            "country": (self.country.data or "").strip().upper(),
            "region": text(self.region.data),
            "sector": self.sector.data,
            "attack_types": self.attack_types.data or [],
            "defender_groups": self.defender_groups.data or [],
            "collective_targeted": bool(self.collective_targeted.data),
            "people_affected": self.people_affected.data,
            "perpetrator_type": self.perpetrator_type.data,
            "companies_alleged": lines(self.companies_alleged.data),
            "consent_basis": self.consent_basis.data,
            "victim_names": lines(self.victim_names.data),
            "reporter_name": text(self.reporter_name.data),
            "reporter_contact": text(self.reporter_contact.data),
            "latitude": self.latitude.data,
            "longitude": self.longitude.data,
            "coordinate_precision": self.coordinate_precision.data or None,
            "location_detail": text(self.location_detail.data),
            "narrative": text(self.narrative.data),
        }


def _field_errors(form: IncidentForm, exc: ValidationError) -> None:
    """Each model error next to its field, unless the form already explained that field."""
    for error in exc.errors(include_input=False, include_url=False):
        name = str(error["loc"][0]) if error["loc"] else "occurred_on"
        field = getattr(form, name, None) or form.occurred_on
        if not field.errors:
            field.errors = [error["msg"]]


@bp.get("/incidents")
@login_required
def list_incidents():
    actor = current_actor()
    policy.require(actor, "incident.read")
    args = request.args
    sector = args.get("sector") if args.get("sector") in {s.value for s in Sector} else None
    attack_type = args.get("attack_type")
    attack_type = attack_type if attack_type in {a.value for a in AttackType} else None
    country = (args.get("country") or "").strip().upper()[:2] or None
    page = incident_service.list_page(
        session=db.session(),
        filters=incident_service.IncidentFilters(
            country=country, sector=sector, attack_type=attack_type
        ),
        limit=page_size(args.get("limit", type=int), current_app.config),
        cursor=args.get("cursor"),
    )
    return render_template(
        "incidents/list.html",
        incidents=[IncidentPublic.for_viewer(record, actor) for record in page.items],
        next_cursor=page.next_cursor,
        filters={
            "country": country or "",
            "sector": sector or "",
            "attack_type": attack_type or "",
        },
        sectors=[(s.value, term(s)) for s in Sector],
        attack_types=[(a.value, term(a)) for a in AttackType],
        may_submit=policy.allowed(actor, "incident.submit"),
    )


@bp.route("/incidents/new", methods=["GET", "POST"])
@login_required
def submit_incident():
    actor = current_actor()
    policy.require(actor, "incident.submit")
    form = IncidentForm()
    status = 200
    if form.is_submitted():
        form.validate()  # the CSRF token, and cells that are not a date or a number
        status = 400 if form.csrf_token.errors else 422
        if not form.csrf_token.errors:
            try:
                incident_in = IncidentCreate.model_validate(form.payload())
            except ValidationError as exc:
                _field_errors(form, exc)
            else:
                if not form.errors:
                    return _record(form, incident_in, actor)
    return render_template("incidents/new.html", form=form), status


def _record(form: IncidentForm, incident_in: IncidentCreate, actor: Actor) -> Any:
    session = db.session()
    try:
        record = incident_service.submit(
            session=session, incident_in=incident_in, actor=actor, now=now()
        )
    except InvalidInput as exc:
        form.occurred_on.errors = [localized(exc.detail)]
        return render_template("incidents/new.html", form=form), 422
    session.commit()
    flash(
        gettext(
            "Incident recorded as %(ref)s. It is shown as alleged until a reviewer "
            "corroborates it.",
            ref=record.incident.ref,
        )
    )
    return redirect(url_for("web_incidents.incident", ref=record.incident.ref))


@bp.get("/incidents/<ref>")
@login_required
def incident(ref: str):
    actor = current_actor()
    policy.require(actor, "incident.read")
    session = db.session()
    found = incident_service.get_visible(session=session, ref=ref, actor=actor)
    view = IncidentPublic.for_viewer(
        incident_service.record_for(session=session, incident=found, actor=actor), actor
    )
    return render_template("incidents/detail.html", incident=view)
