"""The meetings in a case's story: booked within or past the clock, moved, cancelled, not held,
held on time, late or early, registered at once or the next day, minutes, agreements, follow-ups."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from . import adapter as app

LOCAL = ZoneInfo("Europe/Copenhagen")


class MeetingStory:
    minutes_share = 0.45

    def book_first(self, pk):
        return self.book(pk, first=True)

    def slots(self, now: datetime) -> list[datetime]:
        from .scenario import local

        today = now.astimezone(LOCAL).date()
        days = [today] + [self.add_working_days(today, n) for n in range(1, 12)]
        return [moment for day in days for moment in (local(day, h) for h in (9, 10, 11, 13, 14))
                if moment > now + timedelta(hours=1) and self.calendar.is_working_day(day)]

    def pick_slot(self, now: datetime, due: datetime | None, *, late: bool) -> datetime:
        slots = self.slots(now)
        if due is None:
            return self.rng.choice(slots[3:12])
        before = [s for s in slots if s <= due - timedelta(minutes=30)]
        after = [s for s in slots if s > due]
        if late and after:
            return self.rng.choice(after[:4])
        return self.rng.choice(before[:6]) if before else slots[0]

    def book(self, pk, *, first: bool):
        def book(now):
            case = app.Case.objects.get(pk=pk)
            if not case.is_open or case.meetings.filter(state__in=("invited", "moved")).exists():
                return
            clock = self.deadline(pk, *app.MEETING_CLOCKS)
            late = self.rng.random() < 0.15
            starts_at = self.pick_slot(now, clock.due_at if clock else None, late=late)
            meeting = app.meeting_schedule(case=case, actor=self.owner_or_lead(case), starts_at=starts_at,
                                           start_conversation=first and self.rng.random() < 0.15)
            self.stats["meetings booked past their clock" if late and clock else "meetings booked"] += 1
            self.plan_meeting(meeting.pk, pk, now, starts_at)
        return book

    def plan_meeting(self, meeting_id: int, pk: int, booked_at: datetime, starts_at: datetime) -> None:
        roll = self.rng.random()
        if roll < 0.15:
            move_at = booked_at + (starts_at - booked_at) * self.rng.uniform(0.2, 0.8)
            self.at(move_at, self.move(meeting_id, pk, booked_at), pk, "move meeting")
        elif roll < 0.19:
            self.at(starts_at - timedelta(hours=3), self.cancel(meeting_id, pk), pk, "cancel meeting")
        elif roll < 0.23:  # not held: the clock runs out; the consultant extends it and books again
            self.stats["meetings not held"] += 1
            self.at(self.later_in_office(starts_at, hours=26), self.extend_and_rebook(pk), pk, "extend after no-show")
        else:
            self.plan_hold(meeting_id, pk, booked_at, starts_at)

    def plan_hold(self, meeting_id: int, pk: int, booked_at: datetime, starts_at: datetime) -> None:
        roll = self.rng.random()
        held_at = starts_at
        if roll < 0.12:
            held_at = starts_at + timedelta(minutes=self.rng.randint(20, 90))
            self.stats["meetings held late"] += 1
        elif roll < 0.2 and starts_at - timedelta(days=1) > booked_at + timedelta(hours=1):
            held_at = starts_at - timedelta(days=1)
            self.stats["meetings held early"] += 1
        if self.rng.random() < 0.25:
            registered = self.later_in_office(held_at, hours=20)
            self.stats["meetings registered after the fact"] += 1
        else:
            registered = held_at + timedelta(minutes=70)
        self.at(registered, self.hold(meeting_id, pk, held_at), pk, "hold meeting")

    def move(self, meeting_id: int, pk: int, booked_at: datetime):
        def move(now):
            meeting = app.Meeting.objects.get(pk=meeting_id)
            if not meeting.is_active:
                return
            day = self.add_working_days(meeting.starts_at.astimezone(LOCAL).date(), self.rng.randint(1, 3))
            from .scenario import local

            starts_at = local(day, meeting.starts_at.astimezone(LOCAL).hour)
            app.meeting_move(meeting=meeting, actor=meeting.organiser, starts_at=starts_at)
            self.stats["meetings moved"] += 1
            self.plan_hold(meeting_id, pk, booked_at, starts_at)
        return move

    def cancel(self, meeting_id: int, pk: int):
        def cancel(now):
            meeting = app.Meeting.objects.get(pk=meeting_id)
            if not meeting.is_active:
                return
            app.meeting_cancel(meeting=meeting, actor=meeting.organiser)
            self.stats["meetings cancelled"] += 1
            self.at(now + timedelta(minutes=30), self.book(pk, first=False), pk, "book again")
        return cancel

    def extend_and_rebook(self, pk: int):
        def extend(now):
            clock = self.deadline(pk, *app.MEETING_CLOCKS)
            if clock is not None and clock.due_at < now:
                app.extend(deadline=clock, actor=self.owner_or_lead(clock.case),
                           new_due_at=now + timedelta(days=self.rng.randint(3, 6)))
                self.stats["clocks extended after a no-show"] += 1
            meeting = app.Meeting.objects.filter(case_id=pk, state__in=("invited", "moved")).first()
            if meeting is not None:
                app.meeting_cancel(meeting=meeting, actor=meeting.organiser)
            self.at(now + timedelta(minutes=30), self.book(pk, first=False), pk, "book again")
        return extend

    def hold(self, meeting_id: int, pk: int, held_at: datetime):
        def hold(now):
            meeting = app.Meeting.objects.get(pk=meeting_id)
            if not meeting.is_active or not meeting.case.is_open:
                return
            app.meeting_hold(meeting=meeting, actor=meeting.organiser, held_at=held_at)
            self.stats["meetings held"] += 1
            if meeting.kind == app.Meeting.Kind.START:
                self.at(now + timedelta(hours=1), self.book(pk, first=False), pk, "book roundtable")
                return
            if self.rng.random() < self.minutes_share:
                self.at(now + timedelta(minutes=20), self.minutes(meeting_id, pk), pk, "minutes")
            if self.rng.random() < 0.85:
                self.at(now + timedelta(minutes=40), self.follow_up(meeting_id, pk), pk, "book follow-up")
        return hold

    def minutes(self, meeting_id: int, pk: int):
        def write(now):
            meeting = app.Meeting.objects.get(pk=meeting_id)
            today = now.astimezone(LOCAL).date()
            due = [self.add_working_days(today, self.rng.randint(2, 8)) for _ in range(self.rng.randint(0, 2))]
            agreements = app.meeting_goals(meeting=meeting, actor=meeting.organiser, agreements_due=due)
            app.minutes_finalise(meeting=app.Meeting.objects.get(pk=meeting_id), actor=meeting.organiser)
            self.stats["minutes finalised"] += 1
            for agreement in agreements:
                if agreement.deadline is None:
                    continue
                roll, due_at = self.rng.random(), agreement.deadline.due_at
                if roll < 0.7:
                    done = now + (due_at - now) * self.rng.uniform(0.2, 0.9)
                elif roll < 0.85:
                    done = self.later_in_office(due_at, hours=20)
                else:
                    continue
                self.at(done, self.agreement_done(agreement.pk, meeting.organiser), pk, "agreement done")
        return write

    def agreement_done(self, agreement_id: int, actor):
        def done(now):
            app.agreement_done(agreement=app.Agreement.objects.get(pk=agreement_id), actor=actor, at=now)
            self.stats["agreements done"] += 1
        return done

    def follow_up(self, meeting_id: int, pk: int):
        def book(now):
            meeting = app.Meeting.objects.get(pk=meeting_id)
            if not meeting.case.is_open:
                return
            follow_up = app.follow_up_book(meeting=meeting, actor=meeting.organiser)
            self.stats["follow-ups booked"] += 1
            self.plan_meeting(follow_up.pk, pk, now, follow_up.starts_at)
        return book
