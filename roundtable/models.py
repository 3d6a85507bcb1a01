"""The meeting: step model (trappemodel), offer catalogue, meetings with their participants, the three
goals (placements, return plan, agreements), specialist notes and versioned minutes.

Imports run one way: roundtable -> cases. Kernel pages read meetings through the meetings port
(`cases.ports.meetings`, implemented in `roundtable.port`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.identifiers import mask_cpr


class Step(models.Model):
    """One rung of the ladder, ordered from the top (fit and in full work) downwards."""

    position = models.PositiveSmallIntegerField(_("position"), unique=True, help_text=_("1 is the top step."))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("step")
        verbose_name_plural = _("step model")

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class Offer(models.Model):
    class Category(models.TextChoices):
        """Neutral headings the employer sees when an offer's own name would reveal health."""

        SUPPORT = "support", _("support or counselling programme")
        HEALTH = "health", _("health-care programme")
        WORKPLACE = "workplace", _("adjustment of the workplace")
        GRADUAL_RETURN = "gradual_return", _("gradual return")
        WORK_ABILITY = "work_ability", _("assessment of the ability to work")
        OTHER_TASKS = "other_tasks", _("other tasks or redeployment")
        OTHER = "other", _("other offer")

    # The internal name (consultants, the full minutes). It may reveal health: never shown to the employer.
    name = models.CharField(_("name"), max_length=200)
    # What the employer and other outside parties see: the employer name if set, else the category.
    employer_name = models.CharField(
        _("name shown to the employer"), max_length=200, blank=True,
        help_text=_("Leave empty when the name reveals anything about health; the employer then sees the category."),
    )
    category = models.CharField(_("neutral category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    description = models.TextField(_("description"), blank=True)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    # Suits steps with position from..to (inclusive), compared by position so a renamed step keeps its offers.
    step_from = models.PositiveSmallIntegerField(_("from step"), default=1)
    step_to = models.PositiveSmallIntegerField(_("to step"), default=7)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("offer")
        verbose_name_plural = _("offer catalogue")
        constraints = [models.CheckConstraint(condition=Q(step_from__lte=models.F("step_to")), name="offer_step_range")]

    def __str__(self) -> str:
        return self.name

    @property
    def employer_label(self) -> str:
        """The offer as an outside party may see it (the allow-list for offers)."""
        return self.employer_name.strip() or str(self.get_category_display())

    def suits(self, position: int | None) -> bool:
        return position is not None and self.step_from <= position <= self.step_to


class MeetingQuerySet(models.QuerySet):
    def for_case_page(self):
        """What the case page's meeting list shows, in a fixed number of queries."""
        return self.order_by("-starts_at").prefetch_related(
            Prefetch("placements", queryset=Placement.objects.order_by("party")),
            Prefetch("participants", queryset=Participant.objects.order_by("pk")),
            Prefetch("versions", queryset=MinutesVersion.objects.order_by("-number")),
        )


class Meeting(models.Model):
    class Kind(models.TextChoices):
        ROUNDTABLE = "roundtable", _("roundtable")
        FOLLOW_UP = "follow_up", _("follow-up meeting")
        START = "start", _("start conversation")
        CARE = "care", _("care conversation")
        # Hjørring and Roskilde: the consultant and the specialists, without employee and employer.
        CASE_CONFERENCE = "case_conference", _("interdisciplinary case conference")

        COACHING = "coaching", _("coaching conversation")

    class State(models.TextChoices):
        INVITED = "invited", _("invited")
        MOVED = "moved", _("moved")
        CANCELLED = "cancelled", pgettext_lazy("meeting", "cancelled")
        HELD = "held", _("held")

    class PlaceKind(models.TextChoices):
        WORKPLACE = "workplace", _("at the workplace")
        JOB_CENTRE = "job_centre", _("at the job centre")
        ONLINE = "online", _("online")
        OTHER = "other", _("elsewhere")

    # Meetings with the employee alone (Come-back's coaching conversation): no employer, union
    # representative, specialist or GP is invited, and the employer's status page does not list them.
    EMPLOYEE_ALONE = frozenset({Kind.COACHING})
    # The kinds the employer's status page lists (an allow-list): the meetings the employer takes part in.
    # Never the coaching or start conversation (the employee alone, for a target group defined by health),
    # nor the case conference (the consultant and health specialists deciding offers).
    EMPLOYER_SEES = frozenset({Kind.ROUNDTABLE, Kind.FOLLOW_UP, Kind.CARE})
    ALONE_ROLES = frozenset({"employee", "consultant"})

    # Guarded moves (NAV isdialogmote): a cancelled or held meeting stays so.
    TRANSITIONS = {
        State.INVITED: {State.MOVED, State.CANCELLED, State.HELD},
        State.MOVED: {State.MOVED, State.CANCELLED, State.HELD},
        State.CANCELLED: set(),
        State.HELD: set(),
    }

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="meetings", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ROUNDTABLE)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.INVITED)
    # The current time and place; every scheduling and move also appends a MeetingSlot (history).
    starts_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    place_kind = models.CharField(_("place"), max_length=12, choices=PlaceKind.choices, default=PlaceKind.WORKPLACE)
    place = models.CharField(_("address or room"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    # Calendar identity: one UID for the meeting's life, SEQUENCE raised on each change.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    # Goal 1: the agreed step, kept by name and position as it was when agreed.
    agreed_step = models.ForeignKey(Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    agreed_step_name = models.CharField(_("agreed step"), max_length=100, blank=True)
    agreed_step_position = models.PositiveSmallIntegerField(null=True, blank=True)
    # The ladder as it stood when the first placement was made: [[position, name], ...].
    ladder = models.JSONField(default=list, blank=True)
    # Goal 2.
    plan_text = models.TextField(_("plan for the return"), blank=True)
    offers = models.ManyToManyField(Offer, blank=True, related_name="+", verbose_name=_("chosen offers"))
    # Consultant's own notes on the meeting: never in the employer-safe copy.
    consultant_note = models.TextField(_("consultant's note (internal)"), blank=True)

    follow_up = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="previous", verbose_name=_("follow-up meeting")
    )
    # Minutes: locked once finalised; a correction unlocks with a reason and ends in a new version.
    minutes_locked = models.BooleanField(default=False)
    correction_reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["case", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["invited", "moved", "cancelled", "held"]), name="meeting_state_valid"),
            models.CheckConstraint(condition=~Q(state="held") | Q(held_at__isnull=False), name="meeting_held_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    def transition(self, to: str) -> None:
        """Change state or refuse: the one place that knows which moves are legal."""
        if to not in self.TRANSITIONS.get(self.state, set()):
            raise ValidationError(
                _("A meeting that is %(state)s cannot be %(to)s.")
                % {"state": self.get_state_display(), "to": Meeting.State(to).label}
            )
        self.state = to

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.INVITED, self.State.MOVED)

    @property
    def is_held(self) -> bool:
        return self.state == self.State.HELD

    @property
    def goals_editable(self) -> bool:
        return self.state != self.State.CANCELLED and not self.minutes_locked

    @property
    def ends_at(self):
        from datetime import timedelta

        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def place_display(self) -> str:
        parts = [str(self.get_place_kind_display())]
        if self.place:
            parts.append(self.place)
        return ": ".join(parts)

    def placement_by_party(self) -> dict:
        return {placement.party: placement for placement in self.placements.all()}

    @property
    def placements_mismatch(self) -> bool:
        positions = {placement.position for placement in self.placements.all()}
        return len(positions) > 1


class MeetingSlot(models.Model):
    """Time and place as appended rows: a move adds a row, the history stays."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    place_kind = models.CharField(_("place"), max_length=12, choices=Meeting.PlaceKind.choices)
    place = models.CharField(_("address or room"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]


class Participant(models.Model):
    class Role(models.TextChoices):
        EMPLOYEE = "employee", _("employee")
        EMPLOYER = "employer", _("employer representative")
        CONSULTANT = "consultant", _("retention consultant")
        UNION = "union", _("union representative")
        SPECIALIST = "specialist", _("specialist")
        GP = "gp", _("GP")

    class Answer(models.TextChoices):
        NONE = "", _("no answer yet")
        COMING = "coming", _("coming")
        OTHER_TIME = "other_time", _("needs another time")
        NOT_COMING = "not_coming", _("not coming")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_(
        "E.g. psychologist, head of school. For the case file: outside parties see only the role."))
    answer = models.CharField(_("answer"), max_length=12, choices=Answer.choices, blank=True, default="")
    answer_comment = models.CharField(_("comment"), max_length=1000, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def sees_health_details(self) -> bool:
        """The employee may open the full minutes (behind a signed link and a one-time code, never by
        mail); everyone else gets the employer-safe copy."""
        return self.role == self.Role.EMPLOYEE


class Placement(models.Model):
    """Goal 1: where a party places the employee on the ladder, kept with the step's name at the time."""

    class Party(models.TextChoices):
        EMPLOYEE = "employee", _("employee")
        EMPLOYER = "employer", _("employer")
        CONSULTANT = "consultant", _("consultant")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="placements")
    party = models.CharField(_("party"), max_length=12, choices=Party.choices)
    step = models.ForeignKey(Step, on_delete=models.SET_NULL, null=True, related_name="+")
    position = models.PositiveSmallIntegerField(_("step"))
    step_name = models.CharField(_("step"), max_length=100)

    class Meta:
        ordering = ["party"]
        constraints = [models.UniqueConstraint(fields=["meeting", "party"], name="placement_one_per_party")]


class PlanWeek(models.Model):
    """Goal 2: the graded schedule, week by week."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="plan_weeks")
    week = models.PositiveSmallIntegerField(_("week"))
    hours = models.DecimalField(_("hours per week"), max_digits=4, decimal_places=1)
    tasks = models.CharField(_("tasks"), max_length=500, blank=True)

    class Meta:
        ordering = ["week", "id"]


class Agreement(models.Model):
    """Goal 3: who does what by when. A date opens a deadline in the case's deadline engine."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agreements")
    who = models.CharField(_("who"), max_length=200)
    what = models.CharField(_("what"), max_length=500)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    deadline = models.ForeignKey("cases.Deadline", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"{self.who}: {self.what}"


class OfferStart(models.Model):
    """An offer from the catalogue decided at a case conference, and its start as a clock: the clock is
    due on the agreed start and is met when the start is registered (the kernel counts the time from
    first contact to the first started intervention from the met clock)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="offer_starts")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+", verbose_name=_("offer"))
    start_on = models.DateField(_("agreed start"))
    course_weeks = models.PositiveSmallIntegerField(_("length of the course (weeks)"), null=True, blank=True)
    deadline = models.ForeignKey("cases.Deadline", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_on", "id"]
        verbose_name = _("decided offer")
        verbose_name_plural = _("decided offers")

    def __str__(self) -> str:
        return f"{self.offer} ({self.start_on:%d/%m/%Y})"

    @property
    def ends_on(self):
        from datetime import timedelta

        return self.start_on + timedelta(weeks=self.course_weeks) if self.course_weeks else None


class SpecialistNote(models.Model):
    """Roskilde: notes by the specialists who took part. Health information: never to the employer."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="specialist_notes")
    author_name = models.CharField(_("specialist"), max_length=200)
    author_title = models.CharField(_("profession"), max_length=200, blank=True)
    text = models.TextField(_("note"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


def minutes_path(instance, filename: str) -> str:
    return f"minutes/{instance.meeting.uid}/{filename}"


class MinutesVersion(models.Model):
    """A frozen version of the minutes: the content as it was, and the two PDFs with their SHA-256."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    content = models.JSONField()
    finalised_at = models.DateTimeField(_("finalised"))
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pdf_full = models.FileField(upload_to=minutes_path)
    pdf_full_sha256 = models.CharField(max_length=64)
    pdf_employer = models.FileField(upload_to=minutes_path)
    pdf_employer_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutes_version_unique"),
            models.CheckConstraint(condition=Q(number=1) | ~Q(reason=""), name="minutes_correction_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} v{self.number}"


# --- Helsingør: care conversations for a whole workplace -----------------------------------------


class CareCampaign(models.Model):
    """A workplace worried about its absence asks for help: the consultant and the manager agree goals,
    plan and roles over a few meetings, then everyone sick-listed in the last six months is invited to a
    care conversation ("omsorgssamtale") in one go. Each conversation is a meeting on the person's case."""

    class State(models.TextChoices):
        PLANNING = "planning", _("planning with the manager")
        INVITED = "invited", _("conversations invited")
        CLOSED = "closed", _("closed")

    employer = models.ForeignKey("cases.Employer", on_delete=models.PROTECT, related_name="care_campaigns",
                                 verbose_name=_("workplace"))
    manager = models.ForeignKey("cases.ContactPerson", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("manager"))
    team = models.ForeignKey("cases.Team", on_delete=models.PROTECT, related_name="care_campaigns", verbose_name=_("team"))
    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_campaigns",
                                   verbose_name=_("consultant"))
    requested_on = models.DateField(_("the workplace asked for help"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PLANNING)
    concern = models.TextField(_("the workplace's concern"), max_length=2000)
    goals = models.TextField(_("goals"), max_length=2000, blank=True)
    plan = models.TextField(_("plan"), max_length=2000, blank=True)
    roles = models.TextField(_("roles"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("care-conversation campaign")
        verbose_name_plural = _("care-conversation campaigns")

    def __str__(self) -> str:
        return f"{self.employer} ({self.requested_on:%d-%m-%Y})"


class CampaignMeeting(models.Model):
    """One of the planning meetings between the consultant and the manager (goals, plan, roles)."""

    campaign = models.ForeignKey(CareCampaign, on_delete=models.CASCADE, related_name="planning_meetings")
    held_on = models.DateField(_("date"))
    summary = models.TextField(_("what was agreed"), max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]


class CampaignInvitee(models.Model):
    """Someone sick-listed at the workplace in the six months before the campaign. The CPR number is
    kept only until the person's case is opened (then the case's employee holds it)."""

    campaign = models.ForeignKey(CareCampaign, on_delete=models.CASCADE, related_name="invitees")
    name = models.CharField(_("name"), max_length=200)
    cpr = models.CharField(_("CPR number"), max_length=10, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    sick_from = models.DateField(_("sick-listed from"))
    sick_to = models.DateField(_("sick-listed until"), null=True, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    meeting = models.OneToOneField(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="campaign_invitee")
    invite_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.CheckConstraint(condition=Q(case__isnull=True) | Q(cpr=""), name="invitee_cpr_forgotten")]

    @property
    def cpr_masked(self) -> str:
        return mask_cpr(self.cpr) if self.cpr else ""

# --- Varde: employers book the roundtable themselves (roundtable/selfbooking) ---------------------


class ConsultantCalendar(models.Model):
    """A consultant's bookable calendar. Its row is also the lock a booking takes first (one booking
    per consultant at a time; see roundtable/selfbooking/services.py)."""

    consultant = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_calendar")
    touched_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bookable calendar")
        verbose_name_plural = _("bookable calendars")

    def __str__(self) -> str:
        return self.consultant.get_full_name() or self.consultant.username


class AvailabilityRule(models.Model):
    """A weekly pattern: every <weekday> from <start> to <end>, slots of <slot_minutes>."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_rules")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    slot_minutes = models.PositiveSmallIntegerField(_("meeting length (minutes)"), default=60)

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name = _("weekly free time")
        verbose_name_plural = _("weekly free times")
        constraints = [
            models.CheckConstraint(condition=Q(start_time__lt=models.F("end_time")), name="availability_rule_order"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=15) & Q(slot_minutes__lte=240),
                                   name="availability_rule_slot_length"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class AvailabilityException(models.Model):
    """An exception to the pattern: a day off, or one extra slot."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("day off")
        EXTRA = "extra", _("extra free time")

    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="availability_exceptions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("meeting length (minutes)"), default=60)

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = _("exception to the free times")
        verbose_name_plural = _("exceptions to the free times")
        constraints = [
            models.CheckConstraint(condition=Q(kind="day_off") | Q(start_time__isnull=False),
                                   name="availability_extra_has_time"),
        ]


class WorkplaceConsultant(models.Model):
    """A consultant attached to a large workplace (Varde: fixed advisers for the big workplaces)."""

    employer = models.ForeignKey("cases.Employer", on_delete=models.CASCADE, related_name="+", verbose_name=_("workplace"))
    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("consultant"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consultant of a workplace")
        verbose_name_plural = _("consultants of workplaces")
        constraints = [models.UniqueConstraint(fields=["employer", "consultant"], name="workplace_consultant_unique")]


class BookingLink(models.Model):
    """A workplace contact person's personal booking link. The URL carries a signed id only (no name,
    no CPR); this row makes it revocable and sets how close to a meeting it may still cancel or move."""

    employer = models.ForeignKey("cases.Employer", on_delete=models.CASCADE, related_name="+", verbose_name=_("workplace"))
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact person's e-mail"), blank=True)
    contact_phone = models.CharField(_("contact person's phone"), max_length=30, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    notice_hours = models.PositiveSmallIntegerField(
        _("notice for cancelling or moving (hours)"), default=24,
        help_text=_("The contact person can cancel or move a booking until this many hours before it starts."))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("booking link")
        verbose_name_plural = _("booking links")

    def __str__(self) -> str:
        return f"{self.contact_name} ({self.employer.name})"


class CalendarHold(models.Model):
    """A consultant's time taken by a booking through a booking link. On PostgreSQL an exclusion
    constraint (added in the migration, PostgreSQL only) forbids two live holds of one consultant that
    overlap; on SQLite writers are serialised (BEGIN IMMEDIATE) and the service checks inside the
    transaction. Created in the same transaction as the meeting."""

    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("time"))
    ends_at = models.DateTimeField(_("ends"))
    link = models.ForeignKey(BookingLink, on_delete=models.PROTECT, related_name="holds")
    meeting = models.OneToOneField(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="hold")
    # What the contact person typed about the employee: a name and how to reach them. No health data.
    employee_name = models.CharField(_("employee's name"), max_length=200)
    employee_phone = models.CharField(_("employee's phone"), max_length=30, blank=True)
    employee_email = models.EmailField(_("employee's e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [models.Index(fields=["consultant", "starts_at"])]
        constraints = [models.CheckConstraint(condition=Q(starts_at__lt=models.F("ends_at")), name="calendar_hold_order")]

    @property
    def is_live(self) -> bool:
        return self.cancelled_at is None

    @property
    def awaits_identification(self) -> bool:
        return self.is_live and self.meeting_id is None

class StartQuestion(models.Model):
    """Lyngby-Taarbæk's start conversation asks three questions (seed: "9 gode tiltag", the case
    "Empowerment i tidlig indsats"). Configuration: the admin may reword them; a meeting keeps the
    wording it was booked with (StartAnswer.question)."""

    position = models.PositiveSmallIntegerField(_("order"), unique=True)
    text = models.CharField(_("question"), max_length=200)
    guidance = models.TextField(_("guidance for the consultant"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("start conversation question")
        verbose_name_plural = _("start conversation questions")

    def __str__(self) -> str:
        return self.text


class StartAnswer(models.Model):
    """One of a start conversation's questions, as asked, and the employee's answer as the consultant
    wrote it. The answer is health information: staff only, never in the employer's copy or a mail."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="start_answers")
    position = models.PositiveSmallIntegerField(_("order"))
    question = models.CharField(_("question"), max_length=200)
    guidance = models.TextField(_("guidance for the consultant"), blank=True)
    answer = models.TextField(_("the employee's answer (sensitive)"), blank=True, max_length=4000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("start conversation answer")
        verbose_name_plural = _("start conversation answers")
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="start_answer_once")]

    def __str__(self) -> str:
        return self.question
