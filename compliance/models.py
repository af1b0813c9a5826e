"""Every table model, imported in one place so migrations see the whole schema."""

from compliance.accounts.models import ApiToken, Organisation, User
from compliance.assessments.models import Answer, Assessment, Evidence
from compliance.audit.models import AuditEvent, AuditHead
from compliance.datasets.models import DatasetRow, DatasetUpload, DatasetVersion
from compliance.incidents.models import (
    Incident,
    IncidentFeed,
    IncidentImport,
    IncidentProtected,
    IncidentReview,
    IncidentVersion,
)
from compliance.jobs.models import Job
from compliance.scheduling.models import ScheduledRun
from compliance.transparency.models import LogEntry, LogNode, LogTreeHead

__all__ = [
    "Answer",
    "ApiToken",
    "Assessment",
    "AuditEvent",
    "AuditHead",
    "DatasetRow",
    "DatasetUpload",
    "DatasetVersion",
    "Evidence",
    "Incident",
    "IncidentFeed",
    "IncidentImport",
    "IncidentProtected",
    "IncidentReview",
    "IncidentVersion",
    "Job",
    "LogEntry",
    "LogNode",
    "LogTreeHead",
    "Organisation",
    "ScheduledRun",
    "User",
]
