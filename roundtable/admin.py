from django.contrib import admin

from .models import Meeting, MinutesVersion, Offer, Participant, Step


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


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    readonly_fields = ["answer", "answer_comment", "answered_at"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Read-mostly: meetings change through the meeting page (services keep clocks and invitations right)."""

    list_display = ["case", "kind", "state", "starts_at", "minutes_locked"]
    list_filter = ["kind", "state"]
    search_fields = ["case__reference"]
    inlines = [ParticipantInline]
    readonly_fields = [f.name for f in Meeting._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MinutesVersion)
class MinutesVersionAdmin(admin.ModelAdmin):
    list_display = ["meeting", "number", "finalised_at", "reason", "pdf_full_sha256"]
    readonly_fields = [f.name for f in MinutesVersion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
