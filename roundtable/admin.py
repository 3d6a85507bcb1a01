"""Roundtable in the Django admin: the step model and the offer catalogue are configuration and
editable; meetings and minutes are case data, read-only here and every read logged (see
`cases.admin.CaseFileAdmin`)."""

from django.contrib import admin

from cases.admin import CaseFileAdmin, CaseFileInline

from .models import Meeting, MinutesVersion, Offer, Participant, StartQuestion, Step


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    """The ladder. Renaming a step never rewrites old meetings: they keep the names they were held with."""

    list_display = ["position", "name", "active"]
    list_editable = ["name", "active"]
    list_display_links = ["position"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    """The name is internal; outside parties see "name shown to the employer", or the category when empty."""

    list_display = ["name", "employer_label", "category", "provider", "step_from", "step_to", "active"]
    list_filter = ["active", "category"]
    search_fields = ["name", "provider"]


class ParticipantInline(CaseFileInline):
    model = Participant


@admin.register(Meeting)
class MeetingAdmin(CaseFileAdmin):
    """Meetings change through the meeting page (services keep clocks and invitations right)."""

    list_display = ["case", "kind", "state", "starts_at", "minutes_locked"]
    list_filter = ["kind", "state"]
    search_fields = ["case__reference"]
    inlines = [ParticipantInline]


@admin.register(MinutesVersion)
class MinutesVersionAdmin(CaseFileAdmin):
    list_display = ["meeting", "number", "finalised_at", "reason", "pdf_full_sha256"]

    def log_subject(self, obj) -> dict:
        return {"case": obj.meeting.case}


# --- Varde self-booking: configuration (the notice for cancelling or moving is edited here) --------

from .models import AvailabilityException, AvailabilityRule, BookingLink, WorkplaceConsultant  # noqa: E402


@admin.register(BookingLink)
class BookingLinkAdmin(admin.ModelAdmin):
    """A workplace contact person's booking link: revoke it (set "revoked") or change the notice."""

    list_display = ["contact_name", "employer", "created_by", "expires_at", "revoked_at", "notice_hours"]
    list_filter = ["revoked_at"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(WorkplaceConsultant)
class WorkplaceConsultantAdmin(admin.ModelAdmin):
    list_display = ["employer", "consultant", "created_at"]


@admin.register(AvailabilityRule)
class AvailabilityRuleAdmin(admin.ModelAdmin):
    list_display = ["consultant", "weekday", "start_time", "end_time", "slot_minutes"]


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(admin.ModelAdmin):
    list_display = ["consultant", "date", "kind", "start_time", "duration_minutes"]




@admin.register(StartQuestion)
class StartQuestionAdmin(admin.ModelAdmin):
    """Lyngby-Taarbæk's three questions for the start conversation. A booked meeting keeps its wording."""

    list_display = ["position", "text", "active"]
    list_editable = ["text", "active"]
    list_display_links = ["position"]
