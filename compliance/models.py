"""Every table model, imported in one place so migrations see the whole schema."""

from compliance.accounts.models import ApiToken, Organisation, User
from compliance.assessments.models import Answer, Assessment, Evidence
from compliance.audit.models import AuditEvent, AuditHead
from compliance.incidents.models import (
    Incident,
    IncidentFeed,
    IncidentImport,
    IncidentProtected,
    IncidentReview,
    IncidentVersion,
)
from compliance.jobs.models import Job

__all__ = [
    "Answer",
    "ApiToken",
    "Assessment",
    "AuditEvent",
    "AuditHead",
    "Evidence",
    "Incident",
    "IncidentFeed",
    "IncidentImport",
    "IncidentProtected",
    "IncidentReview",
    "IncidentVersion",
    "Job",
    "Organisation",
    "User",
]
