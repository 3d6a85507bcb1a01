from django.contrib import admin

from .models import (
    AccessLog,
    Case,
    CaseEvent,
    ClosedDay,
    ConsultantProfile,
    ContactPerson,
    Deadline,
    DeadlineEvent,
    DeadlinePolicy,
    DutyShift,
    Employee,
    Employer,
    JournalEntry,
    Notification,
    OutboxMessage,
    PhoneCall,
    Referral,
    RetentionRun,
    ShiftSwap,
    Team,
)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    filter_horizontal = ["members", "leads"]
    list_display = ["name", "receives_fast_track"]


class ContactInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "cvr", "p_number"]
    search_fields = ["name", "cvr"]
    inlines = [ContactInline]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["name", "cpr_masked", "job_title"]
    search_fields = ["name_folded", "cpr"]


class NoDeleteAdmin(admin.ModelAdmin):
    """Nothing in the case file is deleted by hand: the nightly retention job (cases/retention.py)
    anonymises a closed case RETENTION_CLOSED_CASE_DAYS after its closing date; see Retention runs."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(NoDeleteAdmin):
    list_display = ["reference", "employee", "team", "consultant", "status", "complexity"]
    list_filter = ["status", "team", "complexity", "source"]
    search_fields = ["reference"]
    raw_id_fields = ["employee", "employer", "employer_contact"]


class ReadOnlyAdmin(NoDeleteAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "case", "kind", "actor", "summary"]
    list_filter = ["kind"]


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "case", "kind", "author"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "case", "purpose", "detail"]
    list_filter = ["action"]
    date_hierarchy = "at"
    search_fields = ["case__reference", "user__username"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    """Policies are data: an admin changes lengths, calendars, warnings and escalations here.
    A change applies to clocks started afterwards; running clocks keep their due time."""

    list_display = ["name", "kind", "amount", "unit", "calendar", "warn_before", "escalate_after", "active"]
    list_editable = ["active"]
    readonly_fields = ["kind"]

    def has_add_permission(self, request):
        return False  # one policy per kind, seeded by migration

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


class DeadlineEventInline(admin.TabularInline):
    model = DeadlineEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "kind", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "state", "due_at", "met_at"]
    list_filter = ["state", "kind"]
    search_fields = ["case__reference"]
    inlines = [DeadlineEventInline]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["send_after", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state"]
    exclude = ["attachments"]


# --- dashboard and the retention phone (issue 6) ---------------------------------------------------


@admin.register(ConsultantProfile)
class ConsultantProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "weekly_hours", "caseload_target"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["date", "team", "consultant", "set_by"]
    list_filter = ["team"]
    date_hierarchy = "date"


@admin.register(ShiftSwap)
class ShiftSwapAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "shift", "requested_by", "counterpart", "counterpart_shift", "state"]
    list_filter = ["state"]


@admin.register(PhoneCall)
class PhoneCallAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "team", "taken_by", "caller_type", "settled", "roundtable_within_days", "case"]
    list_filter = ["team", "caller_type", "settled"]
    date_hierarchy = "received_at"


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["reference", "received_at", "team", "employer_name", "state", "consent"]
    list_filter = ["state", "consent", "team"]
    search_fields = ["reference", "employer_name"]


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    """What the nightly retention job did (cases/retention.py). Read-only: the job writes these rows."""

    list_display = ["started_at", "state", "cases_anonymised", "referrals_anonymised", "mails_purged", "finished_at"]
    list_filter = ["state"]
    date_hierarchy = "started_at"
    readonly_fields = ["started_at", "finished_at", "state", "cases_anonymised", "referrals_anonymised",
                       "mails_purged", "settings_used", "errors"]
