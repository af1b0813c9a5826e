"""Every table model, imported in one place so migrations see the whole schema."""

from compliance.accounts.models import ApiToken, Organisation, User
from compliance.audit.models import AuditEvent, AuditHead
from compliance.jobs.models import Job

__all__ = ["ApiToken", "AuditEvent", "AuditHead", "Job", "Organisation", "User"]
