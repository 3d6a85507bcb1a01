"""What the team does over the quarter: cases arrive by phone, fast-track referral and direct
creation, and each case's story (meetings, pauses, extensions, edits, closure) is planned as events
on the simulated clock. Every decision comes from one seeded random generator, so a run repeats.

A step that the app refuses (a ValidationError: the meeting was moved meanwhile, the case closed)
is counted, not fatal: consultants meet refusals too.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import adapter as app
from .meetings import MeetingStory

LOCAL = ZoneInfo("Europe/Copenhagen")
CVRS = (("29189978", "Skolen ved Øresund"), ("13585628", "Nordlys Lager A/S"), ("25313763", "Vestjysk Maskinfabrik ApS"),
        ("10150817", "Åbyhøj Rengøring I/S"))
NAMES = ("Søren Østergård", "Yasmin Øzdemir", "Kim Løvendal", "Bo Ærenlund", "Helle Sønderby", "Tobias Ågård",
         "Maja Kjær", "Rasmus Kjærgaard")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL)


class World(MeetingStory):
    def __init__(self, *, rng: random.Random, start: date, end: date, timeline, expected_clocks: list):
        self.rng, self.start, self.end = rng, start, end
        self.timeline, self.expected_clocks = timeline, expected_clocks
        self.calendar = app.calendar(range(start.year, end.year + 2))
        self.queue: list = []
        self.seq = itertools.count()
        self.stats: Counter = Counter()
        self.cpr = itertools.count(1)
        self.team, self.consultants, self.lead = app.make_team(
            name="Team Kolding Syd", lead=("birgitte", "Birgitte Holm"),
            consultants=[("mette", "Mette Jensen"), ("fatima", "Fatima Ali"), ("jonas", "Jonas Berg"),
                         ("sara", "Sara Lund"), ("anders", "Anders Krogh")],
        )
        app.roster_plan(lead=self.lead, team=self.team, start=start, weeks=min(26, (end - start).days // 7 + 2),
                        consultants=self.consultants)

    # --- the event queue ---------------------------------------------------------------------------

    def at(self, moment: datetime, action, case_id: int | None = None, label: str = "") -> None:
        heapq.heappush(self.queue, (moment, next(self.seq), action, case_id, label or action.__name__))

    def working_days(self) -> list[date]:
        day, days = self.start, []
        while day < self.end:
            if self.calendar.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def add_working_days(self, day: date, n: int) -> date:
        while n > 0:
            day += timedelta(days=1)
            if self.calendar.is_working_day(day):
                n -= 1
        return day

    def office_time(self, day: date, *, earliest: int = 8, latest: int = 15) -> datetime:
        return local(day, self.rng.randint(earliest, latest - 1), self.rng.choice((0, 15, 30, 45)))

    def later_in_office(self, moment: datetime, *, hours: float) -> datetime:
        """`hours` later, or a morning of the next working day when that falls outside office hours."""
        candidate = (moment + timedelta(hours=hours)).astimezone(LOCAL)
        day = candidate.date()
        if self.calendar.is_working_day(day) and 8 <= candidate.hour < 16:
            return candidate
        if not (self.calendar.is_working_day(day) and candidate.hour < 8):
            day = self.add_working_days(day, 1)
        return self.office_time(day, earliest=8, latest=11)

    def person(self):
        n = next(self.cpr)
        cpr = f"{1 + n % 28:02d}{1 + (n // 28) % 12:02d}{60 + n % 40:02d}{n % 4000:04d}"
        return app.employee(cpr, self.rng.choice(NAMES))

    def firm(self):
        return app.employer(*self.rng.choice(CVRS))

    def owner_or_lead(self, case):
        return case.consultant or self.lead

    # --- arrivals ----------------------------------------------------------------------------------

    def plan_arrivals(self, cases: int) -> None:
        days = self.working_days()
        for _ in range(cases):
            moment = self.office_time(self.rng.choice(days))
            roll = self.rng.random()
            kind = self.arrive_phone if roll < 0.45 else self.arrive_referral if roll < 0.7 else self.arrive_direct
            self.at(moment, kind)
        for _ in range(cases // 7):  # calls settled on the phone: no case
            self.at(self.office_time(self.rng.choice(days)), self.settled_call)

    def absence_day(self, moment: datetime, *, known: float) -> date | None:
        if self.rng.random() >= known:
            return None
        return moment.astimezone(LOCAL).date() - timedelta(days=self.rng.randint(3, 30))

    def settled_call(self, now):
        duty = app.on_duty(team=self.team, day=now.astimezone(LOCAL).date()) or self.consultants[0]
        app.phone_call(actor=duty, team=self.team, received_at=now, settled=True, roundtable_days=None)

    def arrive_phone(self, now):
        duty = app.on_duty(team=self.team, day=now.astimezone(LOCAL).date()) or self.consultants[0]
        wish = self.rng.randint(1, 7) if self.rng.random() < 0.3 else None
        call = app.phone_call(actor=duty, team=self.team, received_at=now, settled=False, roundtable_days=wish)
        case = app.phone_case(actor=duty, call=call, person=self.person(), firm=self.firm(),
                              absence_day=self.absence_day(now, known=0.6))
        self.stats["cases opened by phone"] += 1
        self.plan_case(case, now)
        return case.pk

    def arrive_referral(self, now):
        referral = app.referral_submit(person=self.person(), firm=self.firm(), received_at=now,
                                       absence_day=now.astimezone(LOCAL).date() - timedelta(days=self.rng.randint(7, 34)))
        given = self.rng.random() < 0.9

        def consent(now):
            app.referral_consent(referral=app.Referral.objects.get(pk=referral.pk), given=given)
            return app.Referral.objects.get(pk=referral.pk).case_id

        def accept(now):
            consultant = app.on_duty(team=self.team, day=now.astimezone(LOCAL).date()) or self.consultants[1]
            case = app.referral_accept(referral=app.Referral.objects.get(pk=referral.pk), actor=consultant,
                                       consultant=consultant)
            self.stats["cases opened from referrals"] += 1
            self.plan_case(case, now)
            return case.pk

        self.at(now + timedelta(hours=self.rng.randint(2, 30)), consent)
        self.at(self.later_in_office(now, hours=self.rng.choice((1, 3, 20, 26))), accept)

    def arrive_direct(self, now):
        actor = self.rng.choice(self.consultants)
        consultant = None if self.rng.random() < 0.12 else actor
        late = self.rng.random() < 0.15
        contact = now - timedelta(days=5) if late else now  # registered late: the 48-hour clock is overdue at once
        case = app.direct_case(actor=actor, team=self.team, person=self.person(), firm=self.firm(), first_contact_at=contact,
                               absence_day=self.absence_day(now, known=0.7), consultant=consultant,
                               source=self.rng.choice(("gp", "caseworker", "employer_contact", "citizen")))
        self.stats["cases opened directly"] += 1
        if late:
            self.stats["cases registered late"] += 1
            if self.rng.random() < 0.5:  # the clock is already overdue; the consultant waits for consent
                self.at(now + timedelta(minutes=2), self.pause_clock(case.pk, "first_meeting", days=self.rng.randint(1, 3)),
                        case.pk, "pause")
        if consultant is None:
            self.stats["cases without consultant"] += 1
            if self.rng.random() < 0.5:
                self.at(self.later_in_office(now, hours=self.rng.randint(20, 70)), self.assign(case.pk), case.pk, "assign")
        self.plan_case(case, now)
        return case.pk

    # --- one case's story --------------------------------------------------------------------------

    def plan_case(self, case, now):
        rng, pk = self.rng, case.pk
        self.expect_statutory_clocks(case, now, case.first_absence_day)
        if case.first_absence_day is None and rng.random() < 0.6:
            self.at(self.later_in_office(now, hours=rng.randint(20, 60)), self.add_absence_day(pk), pk, "edit absence day")
        if case.source != "fast_track" and rng.random() < 0.12:
            self.at(now + timedelta(minutes=rng.randint(20, 120)), self.correct_contact(pk), pk, "edit first contact")
        if rng.random() < 0.25:
            self.at(self.later_in_office(now, hours=20), self.form_sent(pk), pk, "information form")
        self.at(self.later_in_office(now, hours=rng.choice((1, 2, 3, 4))), self.book_first(pk), pk, "book first meeting")
        if rng.random() < 0.15:
            self.at(now + timedelta(days=rng.randint(3, 20), hours=1), self.pause_any(pk), pk, "pause")
        if rng.random() < 0.1:
            self.at(self.later_in_office(now, hours=24 * rng.randint(2, 15)), self.extend_any(pk), pk, "extend")
        if rng.random() < 0.3:
            self.at(self.later_in_office(now, hours=24 * rng.randint(1, 10)), self.note(pk), pk, "journal")
        if case.consultant_id and rng.random() < 0.06:
            self.at(self.later_in_office(now, hours=24 * rng.randint(5, 30)), self.assign(pk), pk, "reassign")
        if rng.random() < 0.35:
            closed = self.later_in_office(now, hours=24 * 7 * rng.randint(3, 10))
            self.at(closed, self.close(pk), pk, "close")
            if rng.random() < 0.15:
                self.at(self.later_in_office(closed, hours=24 * rng.randint(7, 14)), self.reopen(pk), pk, "reopen")

    def expect_statutory_clocks(self, case, now, absence_day):
        """Once the first absence day is known, the week-4 and week-8 clocks run from it (SDL § 7 a, § 13 b);
        the consultant records some of them as met."""
        if absence_day is None:
            return
        start = local(absence_day, 0)
        for kind, share in (("absence_conversation", 0.65), ("ordinary_follow_up", 0.5)):
            due = app.due_from(kind=kind, start=start)
            met_at = None
            if self.rng.random() < share and due > now:
                met_at = now + (due - now) * self.rng.uniform(0.1, 0.9)
                self.at(met_at, self.record(case.pk, kind), case.pk, f"record {kind}")
            self.expected_clocks.append({"case_id": case.pk, "kind": kind, "known_at": now, "due": due, "met_at": met_at})

    def deadline(self, pk, *kinds, states=("open", "breached")):
        return app.Deadline.objects.filter(case_id=pk, kind__in=kinds, state__in=states).order_by("due_at").first()

    def add_absence_day(self, pk):
        def edit(now):
            case = app.Case.objects.get(pk=pk)
            day = now.astimezone(LOCAL).date() - timedelta(days=self.rng.randint(5, 25))
            app.case_edit(case=case, actor=self.owner_or_lead(case), first_absence_day=day)
            self.stats["first absence day added later"] += 1
            if case.is_open:
                self.expect_statutory_clocks(case, now, day)
        return edit

    def correct_contact(self, pk):
        def edit(now):
            case = app.Case.objects.get(pk=pk)
            corrected = case.first_contact_at - timedelta(hours=24)
            clock = self.deadline(pk, "first_meeting")
            app.case_edit(case=case, actor=self.owner_or_lead(case), first_contact_at=corrected)
            self.stats["first contact corrected"] += 1
            if clock is not None:
                self.timeline.correct_due(deadline_id=clock.pk, stored_due=clock.due_at,
                                          fact_due=app.due_from(kind="first_meeting", start=corrected))
        return edit

    def form_sent(self, pk):
        def send(now):
            case = app.Case.objects.get(pk=pk)
            app.information_form_sent(case=case, actor=self.owner_or_lead(case), sent_at=now)
            self.stats["information forms sent"] += 1
            if self.rng.random() < 0.75:
                self.at(self.later_in_office(now, hours=24 * self.rng.randint(2, 7)), self.record(pk, "information_form"),
                        pk, "record information form")
        return send

    def record(self, pk, kind):
        def met(now):
            clock = self.deadline(pk, kind)
            if clock is None:
                self.stats[f"refused: no {kind} clock to record"] += 1
                return
            app.record_met(deadline=clock, actor=self.owner_or_lead(app.Case.objects.get(pk=pk)), at=now)
            self.stats["clocks recorded as met"] += 1
        return met

    def pause_clock(self, pk, kind, *, days):
        def pause(now):
            clock = self.deadline(pk, kind)
            if clock is None:
                return
            app.pause(deadline=clock, actor=self.owner_or_lead(clock.case))
            self.stats["clocks paused"] += 1
            self.at(now + timedelta(days=days, hours=self.rng.randint(0, 6)), self.resume(pk, clock.pk), pk, "resume")
        return pause

    def pause_any(self, pk):
        return self.pause_clock(pk, ("follow_up", "first_meeting", "ordinary_follow_up")[self.rng.randint(0, 2)],
                                days=self.rng.randint(1, 6))

    def resume(self, pk, deadline_id):
        def resume(now):
            clock = app.Deadline.objects.get(pk=deadline_id)
            app.resume(deadline=clock, actor=self.owner_or_lead(clock.case))
            self.stats["clocks resumed"] += 1
        return resume

    def extend_any(self, pk):
        def extend(now):
            clock = self.deadline(pk, "follow_up", "first_meeting", "agreement_item")
            if clock is None:
                return
            new_due = max(clock.due_at, now) + timedelta(days=self.rng.randint(3, 7))
            app.extend(deadline=clock, actor=self.owner_or_lead(clock.case), new_due_at=new_due)
            self.stats["clocks extended"] += 1
        return extend

    def note(self, pk):
        def write(now):
            case = app.Case.objects.get(pk=pk)
            app.journal(case=case, actor=self.owner_or_lead(case))
        return write

    def assign(self, pk):
        def assign(now):
            case = app.Case.objects.get(pk=pk)
            others = [c for c in self.consultants if c.pk != case.consultant_id]
            app.case_reassign(case=case, actor=self.lead, consultant=self.rng.choice(others))
            self.stats["cases (re)assigned"] += 1
        return assign

    def close(self, pk):
        def close(now):
            case = app.Case.objects.get(pk=pk)
            if case.is_open:
                app.case_close(case=case, actor=self.owner_or_lead(case))
                self.stats["cases closed"] += 1
        return close

    def reopen(self, pk):
        def reopen(now):
            case = app.Case.objects.get(pk=pk)
            app.case_reopen(case=case, actor=self.owner_or_lead(case))
            self.stats["cases reopened"] += 1
            self.at(self.later_in_office(now, hours=2), self.book(pk, first=False), pk, "book after reopening")
        return reopen
