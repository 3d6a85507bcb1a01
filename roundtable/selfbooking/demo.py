"""Demo: Varde's self-booking. Mette has weekly free times (Monday to Thursday) and a day off next
week; she is the fixed consultant of Skolen ved Øresund, whose head of school Lone Madsen has a
booking link (shown on Mette's page "Min bookingkalender"), and Lone has booked one roundtable."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from cases.demo import DemoContext
from cases.models import Employer

from ..models import AvailabilityException
from . import services


def seed_selfbooking(ctx: DemoContext) -> None:
    mette = ctx.users["konsulent"]
    school = Employer.objects.filter(name__contains="Skolen ved Øresund").first()
    if school is None:
        return
    for weekday in range(4):
        services.rule_add(consultant=mette, weekday=weekday, start_time=time(9, 0), end_time=time(12, 0), slot_minutes=60)
        services.rule_add(consultant=mette, weekday=weekday, start_time=time(13, 0), end_time=time(15, 0), slot_minutes=60)
    day_off = timezone.localdate() + timedelta(days=8)
    services.exception_add(consultant=mette, kind=AvailabilityException.Kind.DAY_OFF, date=day_off)
    link = services.link_create(actor=mette, employer=school, contact_name="Lone Madsen",
                                contact_email="lone.madsen@skolen.example", contact_phone="+45 40 11 22 33")
    tomorrow = timezone.now() + timedelta(days=1)
    slot = next((s for s in services.free_slots_of([mette.pk]) if s.starts_at > tomorrow), None)
    if slot is not None:
        services.booking_create(link=link, slot_key=slot.key, employee=services.EmployeeDetails(
            name="Kasper Brøndum", phone="+45 22 33 44 55", email="kasper@post.example", cpr="1203851771"))
