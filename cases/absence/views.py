"""Thin views for early detection: the CSV upload (preview, then import), the import's report, the team's
queue of alerts and one alert (open a case from it, or close it with a reason). Reads go through the
door (`cases.access.read_record`) with their purpose."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import PURPOSE_CASEWORK, read_record
from ..models import AbsenceAlert, AbsenceImport, AbsenceSettings, AbsenceSource
from ..selectors import teams_of
from ..web import render_read, staff_required
from . import alerts, csvformat, selectors
from .clocks import spells_of
from .forms import CloseForm, UploadForm
from .ingest import PURPOSE_ABSENCE, spells_ingest
from .periods import period_on, statutory_dates, week_of

SESSION_KEY = "absence_upload"


STALE_AFTER_S = 24 * 3600


def _upload_dir() -> Path:
    """Previewed files wait here (mode 0600) until imported; a preview never confirmed is deleted after a day."""
    path = Path(settings.VAR_DIR) / "absence_uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _remove_stale_uploads() -> None:
    cutoff = time.time() - STALE_AFTER_S
    for old in _upload_dir().glob("*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:
            pass


def _pending(request) -> tuple[Path, AbsenceSource, str] | None:
    data = request.session.get(SESSION_KEY)
    if not data:
        return None
    path = _upload_dir() / f"{uuid.UUID(data['token']).hex}.csv"
    source = AbsenceSource.objects.filter(pk=data["source"], active=True).first()
    if not path.exists() or source is None:
        return None
    return path, source, data["filename"]


@staff_required
def upload(request):
    """GET: the form. POST with a file: the preview (first lines, CPR masked, and what an import would do:
    nothing is written). POST "import": imports the previewed file."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and request.POST.get("action") == "import":
        return _import(request)
    if request.method == "POST" and form.is_valid():
        source, upload_file = form.cleaned_data["source"], form.cleaned_data["file"]
        _remove_stale_uploads()
        token = uuid.uuid4()
        path = _upload_dir() / f"{token.hex}.csv"
        with path.open("wb") as out:
            for chunk in upload_file.chunks():
                out.write(chunk)
        path.chmod(0o600)
        try:
            with path.open("rb") as stream:
                rows = csvformat.preview_rows(stream, source)
            with path.open("rb") as stream:
                dry = spells_ingest(rows=csvformat.read_csv(stream, source), source=source, dry_run=True)
        except csvformat.CsvFormatError as error:
            path.unlink(missing_ok=True)
            form.add_error("file", str(error))
            return render(request, "cases/absence/upload.html", _upload_context(form), status=400)
        request.session[SESSION_KEY] = {"token": str(token), "source": source.pk, "filename": upload_file.name[:200]}
        read_record(user=request.user, purpose=PURPOSE_ABSENCE,
                    detail=f"forhåndsvisning af fraværsfil ({source.code}, {dry.lines} linjer)")
        return render(request, "cases/absence/preview.html", {
            "rows": rows, "dry": dry, "source": source, "filename": upload_file.name})
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/absence/upload.html", _upload_context(form), status=status)


def _upload_context(form) -> dict:
    sources = list(AbsenceSource.objects.filter(active=True))
    return {"form": form, "examples": [(source, csvformat.example_csv(source)) for source in sources]}


def _import(request):
    pending = _pending(request)
    if pending is None:
        messages.error(request, _("The previewed file is gone: upload it again."))
        return redirect("absence:upload")
    path, source, filename = pending
    with path.open("rb") as stream:
        result = spells_ingest(rows=csvformat.read_csv(stream, source), source=source, actor=request.user,
                               filename=filename)
    path.unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("Imported: %(new)d new, %(updated)d updated, %(same)d unchanged, %(failed)d refused.") % {
        "new": result.created, "updated": result.updated, "same": result.unchanged, "failed": result.failed})
    return redirect("absence:import_detail", pk=result.record.pk)


@staff_required
def import_detail(request, pk: int):
    visible = AbsenceImport.objects.filter(Q(actor=request.user) | Q(source__team__in=teams_of(request.user)))
    record = get_object_or_404(visible.select_related("source", "actor"), pk=pk)
    read_record(user=request.user, purpose=PURPOSE_ABSENCE, detail=f"fraværsimport {record.pk}")
    return render(request, "cases/absence/import_detail.html", {"record": record})


@staff_required
def queue(request):
    state = request.GET.get("state", AbsenceAlert.State.OPEN)
    if state not in AbsenceAlert.State.values:
        state = AbsenceAlert.State.OPEN
    alerts_list = list(selectors.alert_queue(request.user, state=state)[:200])
    read_record(user=request.user, purpose=PURPOSE_CASEWORK, detail=f"fraværsadviser ({state}, {len(alerts_list)})")
    return render(request, "cases/absence/queue.html", {
        "alerts": alerts_list, "state": state, "states": AbsenceAlert.State.choices})


def _alert_for_change(request, pk: int) -> AbsenceAlert:
    try:
        return selectors.alerts_visible_to(request.user).get(pk=pk)
    except AbsenceAlert.DoesNotExist:
        raise Http404 from None


def _detail_context(alert: AbsenceAlert, form: CloseForm) -> dict:
    """The alert, its spells, and the sickness period they belong to with its statutory dates."""
    gap_days = AbsenceSettings.current().gap_days
    spells = [spell for _pk, spell in spells_of([alert.employee_id]).get(alert.employee_id, [])]
    period = period_on(spells, alert.triggered_on, gap_days=gap_days)
    return {"alert": alert, "spells": alert.spells.select_related("source").order_by("first_day"), "form": form,
            "period": period, "dates": statutory_dates(period.first_day) if period else None,
            "week": week_of(period.first_day, timezone.localdate()) if period else None}


@staff_required
def alert_detail(request, pk: int):
    alert = _alert_for_change(request, pk)
    if request.method == "POST":
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                alerts.alert_close(alert=alert, actor=request.user, reason=form.cleaned_data["reason"],
                                   note=form.cleaned_data["note"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The alert is closed."))
            return redirect("absence:queue")
        return render_read(request, "cases/absence/alert_detail.html", _detail_context(alert, form), status=400,
                           employee=alert.employee, case=alert.case, detail=f"fraværsadvis {alert.pk}")
    read_record(user=request.user, purpose=PURPOSE_CASEWORK, employee=alert.employee, case=alert.case,
                detail=f"fraværsadvis {alert.pk}")
    return render(request, "cases/absence/alert_detail.html", _detail_context(alert, CloseForm()))


@staff_required
@require_POST
def alert_open_case(request, pk: int):
    alert = _alert_for_change(request, pk)
    try:
        case = alerts.alert_open_case(alert=alert, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("absence:alert", pk=alert.pk)
    messages.success(request, _("Case %(ref)s opened from the alert.") % {"ref": case.reference})
    return redirect("cases:detail", reference=case.reference)
