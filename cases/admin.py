"""The Django admin: configuration is edited here; the case file is only read here.

Case-file models (cases, people, journal, deadlines, events, access log, referrals, calls,
notifications, mails; in roundtable meetings and minutes) are read-only: every change goes through
the app's services, which keep the timeline, the clocks and the notifications right. Every list and
every record of case data opened here is written to the access log (purpose "administration").
Configuration (teams, deadline policies, closed days, consultant profiles, the roster; in
roundtable the step model and the offer catalogue) stays editable.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .access import PURPOSE_ADMINISTRATION, read_record
from .models import (
    AccessLog,
    ApiToken,
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
    GpContact,
    GpPractice,
    JournalEntry,
    Notification,
    Organisation,
    OutboxMessage,
    PhoneCall,
    Question,
    Questionnaire,
    Referral,
    RetentionRun,
    ShiftSwap,
    SweepRun,
    Team,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseFileAdmin(ReadOnlyAdmin):
    """Read-only, and every read logged. Subclass it for every model that holds case data.

    Nothing in the case file is changed or deleted by hand: the nightly retention job
    (cases/retention.py) anonymises a closed case RETENTION_CLOSED_CASE_DAYS after its closing date and
    records what it did in Retention runs (RetentionRunAdmin below)."""

    def log_subject(self, obj) -> dict:
        """What the access log row is about: the case, the citizen or the referral behind `obj`."""
        if isinstance(obj, Case):
            return {"case": obj}
        if isinstance(obj, Employee):
            return {"employee": obj}
        if isinstance(obj, Referral):
            return {"referral": obj}
        case = getattr(obj, "case", None)
        return {"case": case} if isinstance(case, Case) else {}

    def _log(self, request, *, detail: str, subject: dict) -> None:
        if request.method == "GET":
            read_record(user=request.user, purpose=PURPOSE_ADMINISTRATION, detail=f"admin: {detail}"[:300], **subject)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if getattr(response, "status_code", None) == 200:
            query = request.GET.urlencode()
            self._log(request, detail=f"{self.opts.verbose_name_plural} {query}".strip(), subject={})
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if getattr(response, "status_code", None) == 200:
            obj = self.get_object(request, admin.utils.unquote(object_id))
            if obj is not None:
                self._log(request, detail=f"{self.opts.verbose_name} {obj.pk}", subject=self.log_subject(obj))
        return response


class OperationsAdmin(ReadOnlyAdmin):
    """Records of the system's own jobs (sweep runs, retention runs): no case data, nobody edits them,
    and reading them is not an access-log read."""


class CaseFileInline(admin.TabularInline):
    """An inline of case data inside a read-only record: shown, never edited."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    filter_horizontal = ["members", "leads"]
    list_display = ["name", "receives_fast_track"]


class GpContactInline(admin.TabularInline):
    model = GpContact
    extra = 0


@admin.register(GpPractice)
class GpPracticeAdmin(admin.ModelAdmin):
    """Partner master data (Vordingborg's GP collaboration); the meetings' patient rows are case data and
    are read on the GP meeting page, through the door."""

    list_display = ["name", "address", "phone", "email", "team", "interval_days", "active"]
    list_filter = ["team", "active"]
    search_fields = ["name"]
    inlines = [GpContactInline]


class ContactInline(CaseFileInline):
    model = ContactPerson


@admin.register(Employer)
class EmployerAdmin(CaseFileAdmin):
    list_display = ["name", "cvr", "p_number"]
    search_fields = ["name", "cvr"]
    inlines = [ContactInline]


@admin.register(Employee)
class EmployeeAdmin(CaseFileAdmin):
    list_display = ["name", "cpr_masked", "job_title"]
    # By name only: a CPR typed into the admin's search would travel in the address (?q=).
    search_fields = ["name_folded"]
    exclude = ["cpr"]
    readonly_fields = ["cpr_masked"]


@admin.register(Case)
class CaseAdmin(CaseFileAdmin):
    list_display = ["reference", "employee", "team", "consultant", "status", "complexity"]
    list_filter = ["status", "team", "complexity", "source"]
    search_fields = ["reference"]
    raw_id_fields = ["employee", "employer", "employer_contact"]


@admin.register(CaseEvent)
class CaseEventAdmin(CaseFileAdmin):
    list_display = ["at", "case", "kind", "actor", "summary"]
    list_filter = ["kind"]


@admin.register(JournalEntry)
class JournalEntryAdmin(CaseFileAdmin):
    list_display = ["occurred_at", "case", "kind", "author"]


@admin.register(AccessLog)
class AccessLogAdmin(CaseFileAdmin):
    list_display = ["at", "user", "actor_system", "action", "case", "purpose", "detail"]
    list_filter = ["action"]
    date_hierarchy = "at"
    search_fields = ["case__reference", "user__username", "actor_system"]


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


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1
    fields = ["position", "key", "text", "weight", "health"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    """The risk screening as data: questions, weights and the threshold. A change applies to screenings
    saved afterwards; a case's stored answers keep the weight they counted with. A question that has
    been answered cannot be deleted (its answers are case-file data)."""

    list_display = ["name", "threshold", "active"]
    inlines = [QuestionInline]


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


class DeadlineEventInline(CaseFileInline):
    model = DeadlineEvent
    readonly_fields = ["at", "occurrence", "actor", "kind", "note", "recorded_at"]


class SweepFailingFilter(admin.SimpleListFilter):
    """Rows the deadline sweep could not process: isolated, pushed back, listed here until they pass."""

    title = _("deadline sweep")
    parameter_name = "sweep"

    def lookups(self, request, model_admin):
        return [("failing", _("fails in the sweep"))]

    def queryset(self, request, queryset):
        if self.value() == "failing":
            return queryset.filter(sweep_failures__gt=0)
        return queryset


@admin.register(Deadline)
class DeadlineAdmin(CaseFileAdmin):
    list_display = ["case", "kind", "state", "occurrence", "due_at", "next_check_at", "met_at", "sweep_failures",
                    "sweep_error"]
    list_filter = [SweepFailingFilter, "state", "kind"]
    search_fields = ["case__reference"]
    inlines = [DeadlineEventInline]


@admin.register(SweepRun)
class SweepRunAdmin(OperationsAdmin):
    list_display = ["name", "finished_at", "processed", "failed", "duration_s"]


@admin.register(Notification)
class NotificationAdmin(CaseFileAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(CaseFileAdmin):
    list_display = ["send_after", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state"]
    exclude = ["attachments"]


# --- dashboard and the retention phone (issue 6) ---------------------------------------------------


@admin.register(ConsultantProfile)
class ConsultantProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "phone", "weekly_hours", "caseload_target"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["date", "team", "consultant", "set_by"]
    list_filter = ["team"]
    date_hierarchy = "date"


@admin.register(ShiftSwap)
class ShiftSwapAdmin(CaseFileAdmin):
    list_display = ["created_at", "shift", "requested_by", "counterpart", "counterpart_shift", "state"]
    list_filter = ["state"]


@admin.register(PhoneCall)
class PhoneCallAdmin(CaseFileAdmin):
    list_display = ["received_at", "team", "taken_by", "caller_type", "settled", "roundtable_within_days", "case"]
    list_filter = ["team", "caller_type", "settled"]
    date_hierarchy = "received_at"


@admin.register(Referral)
class ReferralAdmin(CaseFileAdmin):
    list_display = ["reference", "received_at", "team", "employer_name", "state", "consent"]
    exclude = ["employee_cpr"]  # the CPR is shown only on the case page, masked, revealed with a purpose
    list_filter = ["state", "consent", "team"]
    search_fields = ["reference", "employer_name"]


@admin.register(RetentionRun)
class RetentionRunAdmin(OperationsAdmin):
    """What the nightly retention job did (cases/retention.py). Read-only: the job writes these rows.
    They hold counts and row ids, no case data, so reading them is not an access-log read."""

    list_display = ["started_at", "state", "cases_anonymised", "referrals_anonymised", "mails_purged", "finished_at"]
    list_filter = ["state"]
    date_hierarchy = "started_at"
    readonly_fields = ["started_at", "finished_at", "state", "cases_anonymised", "referrals_anonymised",
                       "mails_purged", "settings_used", "errors"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Configuration: the sender printed on the minutes, the receipts and every mail. One row, created by
    the migration: it can be edited, never added twice or deleted."""

    list_display = ["job_centre", "municipality", "phone", "email"]
    fieldsets = [
        (None, {"fields": ["municipality", "job_centre", "logo"]}),
        (_("Contact"), {"fields": ["address", "phone", "email", "web"]}),
        # Texts whose legal status the municipality decides (danish-review.md L6, L7, tone 6).
        (_("Fast-track request and rejections"), {"fields": ["fasttrack_channel", "fasttrack_intro", "rejection_is_decision",
                                                               "complaint_guidance"]}),
        (_("Mails"), {"fields": ["mail_sender_name"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not Organisation.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=_("Scopes"), choices=ApiToken.Scope.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiToken
        fields = ["name", "scopes", "rate_limit_per_minute"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Configuration: one token per sending system. Only the hash is stored; the token itself is shown
    once, in the message after saving a new one. A token is revoked (kept, refused from then on), never
    deleted, so the access log's system names stay explained."""

    form = ApiTokenForm
    list_display = ["name", "key_prefix", "scope_list", "rate_limit_per_minute", "created_at", "last_used_at",
                    "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["key_prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description=_("Scopes"))
    def scope_list(self, obj) -> str:
        return ", ".join(obj.scopes or [])

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            plaintext = obj.set_new_key()
            super().save_model(request, obj, form, change)
            messages.warning(request, gettext(
                "The token for %(name)s is %(token)s. Copy it now: it is shown only this once "
                "(only a hash of it is stored).") % {"name": obj.name, "token": plaintext})
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke()
        self.message_user(request, gettext("The selected tokens are revoked."))

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
