"""Early detection in the admin: sources (the CSV mapping), alert rules and settings are configuration;
spells, alerts, imports and employment numbers are case-file data, read-only and logged."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..admin import CaseFileAdmin
from ..models import (
    AbsenceAlert,
    AbsenceAlertRule,
    AbsenceImport,
    AbsenceSettings,
    AbsenceSource,
    AbsenceSpell,
    EmploymentNumber,
)


@admin.register(AbsenceSource)
class AbsenceSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "team", "delimiter", "encoding", "date_format", "active"]
    prepopulated_fields = {"code": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "code", "team", "active"]}),
        ("CSV", {"fields": ["delimiter", "encoding", "date_format"]}),
        (_("Columns"), {"fields": ["col_cvr", "col_p_number", "col_cpr", "col_employment_number", "col_name",
                                 "col_first_day", "col_last_day"]}),
    ]


@admin.register(AbsenceAlertRule)
class AbsenceAlertRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "days", "count", "months", "active"]


@admin.register(AbsenceSettings)
class AbsenceSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "gap_days", "on_time_days", "alert_max_age_days", "team"]

    def has_add_permission(self, request):
        return not AbsenceSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class _ByEmployee(CaseFileAdmin):
    def log_subject(self, obj) -> dict:
        subject = super().log_subject(obj)
        employee = getattr(obj, "employee", None)
        if employee is not None:
            subject.setdefault("employee", employee)
        return subject


@admin.register(AbsenceSpell)
class AbsenceSpellAdmin(_ByEmployee):
    list_display = ["employee", "employer", "first_day", "last_day", "source", "case"]
    list_select_related = ["employee", "employer", "source", "case"]
    exclude = ["employee"]
    readonly_fields = ["employee_name"]

    @admin.display(description=_("employee"))
    def employee_name(self, obj):
        return f"{obj.employee.name} ({obj.employee.cpr_masked})"


@admin.register(AbsenceAlert)
class AbsenceAlertAdmin(_ByEmployee):
    list_display = ["employee", "employer", "rule_text", "triggered_on", "state", "team"]
    list_select_related = ["employee", "employer", "team"]
    list_filter = ["state", "rule"]
    exclude = ["employee", "spells"]


@admin.register(AbsenceImport)
class AbsenceImportAdmin(CaseFileAdmin):
    list_display = ["source", "started_at", "actor", "lines", "created", "updated", "unchanged", "failed"]


@admin.register(EmploymentNumber)
class EmploymentNumberAdmin(_ByEmployee):
    list_display = ["number", "employer", "employee"]
    exclude = ["employee"]
