"""The practice app's models, one capability each (this module is only an index for Django)."""

from practice.accountability.concerns.models import Concern, ConcernEntry
from practice.accountability.review.models import ReviewMark
from practice.audit.models import AccessEvent, AuditEvent
from practice.tenancy.models import (  # UserManager: named by the first migration
    Invitation,
    Membership,
    Practice,
    PractitionerProfile,
    SupervisionLink,
    User,
    UserManager,
)

__all__ = [
    "AccessEvent", "AuditEvent", "Concern", "ConcernEntry", "Invitation", "Membership", "Practice",
    "PractitionerProfile", "ReviewMark", "SupervisionLink", "User", "UserManager",
]
