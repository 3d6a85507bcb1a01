"""The case file. One module per concept; import every model here so Django finds it."""

from ..audit import AccessLog, CaseEvent
from .case import Case, JournalEntry
from .deadlines import ClosedDay, Deadline, DeadlineEvent, DeadlinePolicy
from .notifications import Notification, OutboxMessage
from .people import ContactPerson, Employee, Employer, EmployerChange, Team
from .referral import Referral
from .roster import ConsultantProfile, DutyShift, PhoneCall, ShiftSwap

__all__ = [
    "AccessLog",
    "Case",
    "CaseEvent",
    "ClosedDay",
    "ContactPerson",
    "Deadline",
    "DeadlineEvent",
    "DeadlinePolicy",
    "Employee",
    "Employer",
    "EmployerChange",
    "JournalEntry",
    "Notification",
    "OutboxMessage",
    "Referral",
    "Team",
    "ConsultantProfile",
    "DutyShift",
    "PhoneCall",
    "ShiftSwap",
]
