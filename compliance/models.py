"""Every table model, imported in one place so migrations see the whole schema."""

from compliance.accounts.models import ApiToken, Organisation, User
from compliance.assessments.models import Answer, Assessment, Evidence
from compliance.audit.models import AuditEvent, AuditHead
from compliance.certificates.models import Certificate, CertificateSequence
from compliance.challenges.models import (
    Challenge,
    ChallengeEvidence,
    ChallengeFiler,
    RetaliationAlert,
    RetaliationWatchRun,
)
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
from compliance.watchlist.models import Alert, Watch
from compliance.webhooks.models import Webhook, WebhookDelivery

__all__ = [
    "Alert",
    "Answer",
    "ApiToken",
    "Assessment",
    "AuditEvent",
    "AuditHead",
    "Certificate",
    "CertificateSequence",
    "Challenge",
    "ChallengeEvidence",
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
    "RetaliationAlert",
    "RetaliationWatchRun",
    "ScheduledRun",
    "ScreeningRun",
    "ScreeningSecret",
    "User",
    "Watch",
    "Webhook",
    "WebhookDelivery",
]
