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
from .api import ApiToken
from .case import Case, JournalEntry
from .channel import ContactPoint, OneTimeCode
from .deadlines import ClosedDay, Deadline, DeadlineEvent, DeadlinePolicy, SweepRun
from .gp import GpContact, GpMeeting, GpPatient, GpPractice, GpRequest
from .infomeeting import ScreeningMark
from .notifications import Notification, OutboxMessage
from .organisation import Organisation
from .outreach import OutreachActivity
from .people import ContactPerson, Employee, Employer, EmployerChange, Team
from .referral import Referral
from .retention import RetentionRun
from .roster import ConsultantProfile, DutyShift, PhoneCall, ShiftSwap
from .screening import Question, Questionnaire, ScreeningAnswer

__all__ = [
    "AbsenceAlert",
    "AbsenceAlertRule",
    "AbsenceImport",
    "AbsenceSettings",
    "AbsenceSource",
    "AbsenceSpell",
    "EmploymentNumber",
    "AccessLog",
    "ApiToken",
    "Case",
    "CaseEvent",
    "ClosedDay",
    "ContactPoint",
    "ContactPerson",
    "Deadline",
    "DeadlineEvent",
    "DeadlinePolicy",
    "Employee",
    "GpContact",
    "GpMeeting",
    "GpPatient",
    "GpPractice",
    "GpRequest",
    "Employer",
    "EmployerChange",
    "JournalEntry",
    "Notification",
    "OneTimeCode",
    "Organisation",
    "OutboxMessage",
    "OutreachActivity",
    "Referral",
    "RetentionRun",
    "Team",
    "ConsultantProfile",
    "DutyShift",
    "PhoneCall",
    "Question",
    "Questionnaire",
    "ScreeningAnswer",
    "ShiftSwap",
    "ScreeningMark",
    "SweepRun",
]
