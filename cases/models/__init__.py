"""The case file. One module per concept; import every model here so Django finds it."""

from ..audit import AccessLog, CaseEvent
from .absence import (
    AbsenceAlert,
    AbsenceAlertRule,
    AbsenceImport,
    AbsenceSettings,
    AbsenceSource,
    AbsenceSpell,
    EmploymentNumber,
)
from .case import Case, JournalEntry
from .channel import ContactPoint, OneTimeCode
from .deadlines import ClosedDay, Deadline, DeadlineEvent, DeadlinePolicy, SweepRun
from .infomeeting import ScreeningMark
from .notifications import Notification, OutboxMessage
from .organisation import Organisation
from .people import ContactPerson, Employee, Employer, EmployerChange, Team
from .referral import Referral
from .retention import RetentionRun
from .roster import ConsultantProfile, DutyShift, PhoneCall, ShiftSwap

__all__ = [
    "AbsenceAlert",
    "AbsenceAlertRule",
    "AbsenceImport",
    "AbsenceSettings",
    "AbsenceSource",
    "AbsenceSpell",
    "EmploymentNumber",
    "AccessLog",
    "Case",
    "CaseEvent",
    "ClosedDay",
    "ContactPoint",
    "ContactPerson",
    "Deadline",
    "DeadlineEvent",
    "DeadlinePolicy",
    "Employee",
    "Employer",
    "EmployerChange",
    "JournalEntry",
    "Notification",
    "OneTimeCode",
    "Organisation",
    "OutboxMessage",
    "Referral",
    "RetentionRun",
    "Team",
    "ConsultantProfile",
    "DutyShift",
    "PhoneCall",
    "ShiftSwap",
    "ScreeningMark",
    "SweepRun",
]
