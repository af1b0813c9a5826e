"""Every table model, imported in one place so migrations see the whole schema."""

from compliance.accounts.models import ApiToken, Organisation, User
from compliance.assessments.models import Answer, Assessment, Evidence
from compliance.audit.models import AuditEvent, AuditHead
from compliance.certificates.models import Certificate, CertificateSequence
from compliance.challenges.models import Challenge, ChallengeFiler
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
from compliance.notifications.models import OutboxMessage
from compliance.portfolios.models import HoldingMapping, Portfolio, PortfolioHolding, PortfolioRun
from compliance.scheduling.models import ScheduledRun
from compliance.screening.models import (
    Match,
    MatchResponse,
    PairDecision,
    ScreeningRun,
    ScreeningSecret,
)
from compliance.transparency.models import LogEntry, LogNode, LogTreeHead

__all__ = [
    "Answer",
    "ApiToken",
    "Assessment",
    "AuditEvent",
    "AuditHead",
    "Certificate",
    "CertificateSequence",
    "Challenge",
    "ChallengeFiler",
    "DatasetRow",
    "DatasetUpload",
    "DatasetVersion",
    "Evidence",
    "HoldingMapping",
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
    "Match",
    "MatchResponse",
    "Organisation",
    "OutboxMessage",
    "PairDecision",
    "Portfolio",
    "PortfolioHolding",
    "PortfolioRun",
    "ScheduledRun",
    "ScreeningRun",
    "ScreeningSecret",
    "User",
]
