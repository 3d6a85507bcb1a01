"""Notifications: the in-app list with the bell, and the e-mail outbox.

Every message is a row written in the caller's transaction, keyed by a unique dedup key; sending
happens after commit (a Celery task kicked by `on_commit`, and the beat task every minute), so a
broker or mail server that is down loses nothing and a retry never sends twice.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Notification, OutboxMessage

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 10


# How to ask a worker to send now. Registered by `cases.tasks` (the Celery entry points import this
# module, never the reverse): without a registered kick the beat's outbox sweep sends.
_outbox_kick: Callable[[], object] | None = None


def outbox_kick_register(kick: Callable[[], object]) -> None:
    global _outbox_kick
    _outbox_kick = kick


def _kick_outbox() -> None:
    """Ask a worker to send now. If the broker is down the beat sweep sends later."""
    if _outbox_kick is None:
        return
    try:
        _outbox_kick()
    except Exception:  # broker down: the message is stored, beat picks it up
        logger.warning("Could not queue send_outbox; the outbox sweep will send later.", exc_info=True)


def _kick_outbox_after_commit() -> None:
    """One kick per transaction, however many messages it queues (a referral queues several): each
    kick is a broker round trip."""
    connection = transaction.get_connection()
    if any(func is _kick_outbox for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_kick_outbox)


def outbox_message(
    *,
    to: str | list[str],
    subject: str,
    text: str,
    html: str = "",
    attachments: Sequence[tuple[str, bytes | str, str]] = (),
    dedup_key: str,
    case=None,
    deadline=None,
    headers: dict | None = None,
    send_after: datetime | None = None,
) -> OutboxMessage | None:
    """An unsaved outbox row (None without a recipient); `outbox_enqueue` or `outbox_enqueue_many` store it."""
    recipients = [to] if isinstance(to, str) else [address for address in to if address]
    if not recipients:
        return None
    stored = []
    for filename, content, mimetype in attachments:
        if isinstance(content, bytes):
            stored.append({"filename": filename, "content": base64.b64encode(content).decode(), "b64": True,
                           "mimetype": mimetype})
        else:
            stored.append({"filename": filename, "content": content, "b64": False, "mimetype": mimetype})
    return OutboxMessage(
        dedup_key=dedup_key[:200], to=recipients, subject=subject[:300], text=text, html=html, attachments=stored,
        headers=headers or {}, case=case, deadline=deadline, send_after=send_after or timezone.now(),
    )


def outbox_enqueue(**kwargs) -> OutboxMessage | None:
    """Store an e-mail to send after commit (arguments as `outbox_message`). Returns None if this dedup
    key was enqueued before."""
    message = outbox_message(**kwargs)
    if message is None:
        return None
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return None
    _kick_outbox_after_commit()
    return message


def outbox_enqueue_many(messages: Sequence[OutboxMessage | None]) -> None:
    """Several e-mails in one insert; a dedup key used before is skipped."""
    messages = [message for message in messages if message is not None]
    if messages:
        OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
        _kick_outbox_after_commit()


@dataclass
class Draft:
    """One notification to a staff user (in-app, and by e-mail when the user has an address)."""

    recipient: object
    kind: str
    title: str
    body: str
    dedup_key: str
    url: str = ""
    case: object = None
    deadline: object = None
    email: bool = True
    email_after: datetime | None = None
    occurrence: int | None = None  # of the deadline, for a notice about one

    def notification(self) -> Notification:
        return Notification(
            recipient=self.recipient, kind=self.kind, title=self.title[:200], body=self.body, url=self.url, case=self.case,
            deadline=self.deadline, dedup_key=self.dedup_key[:200], occurrence=self.occurrence,
        )

    def mail(self) -> OutboxMessage | None:
        if not (self.email and self.recipient.email):
            return None
        link = f"{settings.SITE_URL}{self.url}" if self.url else settings.SITE_URL
        text = f"{self.body}\n\n{link}\n"  # the sender's footer is added when sending (`_build`)
        return OutboxMessage(
            dedup_key=f"mail:{self.dedup_key}"[:200], to=[self.recipient.email], subject=self.title[:300], text=text,
            html=_html_mail(title=self.title, body=self.body, link=link), attachments=[], headers={}, case=self.case,
            deadline=self.deadline, deadline_occurrence=self.occurrence, send_after=self.email_after or timezone.now(),
        )


def notify(*, recipient, kind: str, title: str, body: str, dedup_key: str, url: str = "", case=None, email: bool = True,
           deadline=None, email_after: datetime | None = None) -> Notification | None:
    """In-app notification (+ e-mail) to a user, once per dedup key. None when the key was used before."""
    draft = Draft(recipient=recipient, kind=kind, title=title, body=body, dedup_key=dedup_key, url=url, case=case,
                  deadline=deadline, email=email, email_after=email_after)
    try:
        with transaction.atomic():
            notification = draft.notification()
            notification.save()
    except IntegrityError:
        return None
    mail = draft.mail()
    if mail is not None:
        with transaction.atomic():
            OutboxMessage.objects.bulk_create([mail], ignore_conflicts=True)
        _kick_outbox_after_commit()
    return notification


def notify_bulk(drafts: Sequence[Draft]) -> None:
    """Many notifications in a few queries (the sweep). Unique dedup keys make a repeat a no-op."""
    if not drafts:
        return
    Notification.objects.bulk_create([draft.notification() for draft in drafts], ignore_conflicts=True)
    mails = [mail for mail in (draft.mail() for draft in drafts) if mail is not None]
    if mails:
        OutboxMessage.objects.bulk_create(mails, ignore_conflicts=True)
        _kick_outbox_after_commit()


def _html_mail(*, title: str, body: str, link: str) -> str:
    from django.template.loader import render_to_string

    return render_to_string("cases/mail/notification.html", {"title": title, "body": body, "link": link})


def notify_case_assigned(*, case, recipient, actor, note: str = "") -> None:
    """The new owner hears who gave them the case and, when the giver wrote one, their note."""
    from django.urls import reverse

    giver = actor.get_full_name() or actor.username if actor else _("The system")
    body = _("%(actor)s gave you case %(ref)s (%(name)s).") % {
        "actor": giver, "ref": case.reference, "name": case.employee.name,
    }
    if note.strip():
        body += "\n" + _("Note from %(actor)s: %(note)s") % {"actor": giver, "note": note.strip()}
    notify(
        recipient=recipient,
        kind="case_assigned",
        title=_("Case %(ref)s is now yours") % {"ref": case.reference},
        body=body,
        url=reverse("cases:detail", args=[case.reference]),
        case=case,
        dedup_key=f"assigned:{case.pk}:{recipient.pk}:{timezone.now().isoformat()}",
    )


@dataclass(frozen=True)
class MailState:
    """What happened to a notification's e-mail, for the notifications page."""

    state: str  # "waiting" (held back until `at`), "queued", "sent", "not_sent" (dropped or failed)
    at: datetime | None = None


def mail_states(notifications: Sequence[Notification], *, now: datetime | None = None) -> dict[int, MailState]:
    """Each notification's e-mail (by the shared dedup key), in one query. A notification without
    a mail (no address, or in-app only) is missing from the result. Deadline mails found outside working
    hours carry a later `send_after` (cases.sweep): those are "waiting"."""
    now = now or timezone.now()
    keys = {f"mail:{n.dedup_key}"[:200]: n.pk for n in notifications}
    states: dict[int, MailState] = {}
    rows = OutboxMessage.objects.filter(dedup_key__in=list(keys)).values_list("dedup_key", "state", "send_after",
                                                                             "sent_at")
    for key, state, send_after, sent_at in rows:
        if state == OutboxMessage.State.SENT:
            states[keys[key]] = MailState("sent", sent_at)
        elif state == OutboxMessage.State.PENDING:
            states[keys[key]] = MailState("waiting", send_after) if send_after > now else MailState("queued")
        else:
            states[keys[key]] = MailState("not_sent")
    return states


def notifications_mark_read(*, user, ids: Sequence[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(id__in=ids)
    return qs.update(read_at=timezone.now())


# --- sending -------------------------------------------------------------------------------------


def _still_relevant(message: OutboxMessage) -> bool:
    """Re-checked right before sending: a mail about a deadline that has been met, cancelled or paused
    meanwhile is not sent, nor one about an earlier occurrence (the due time it names was extended or the
    clock resumed with a new one)."""
    if message.deadline_id is None:
        return True
    from .models import Deadline

    current = Deadline.objects.filter(pk=message.deadline_id).values_list("state", "occurrence").first()
    if current is None:
        return False
    state, occurrence = current
    if message.deadline_occurrence is not None and message.deadline_occurrence != occurrence:
        return False
    return state in (Deadline.State.OPEN, Deadline.State.BREACHED)


def mail_footer(*, html: bool = False) -> str:
    """The job centre's name and contact under every mail, from the organisation settings as they are
    at sending time (one template for all mails; the caller's text never carries its own)."""
    from django.template.loader import render_to_string
    from django.utils.translation import override

    from .identity import legal_texts_from, sender_from
    from .models import Organisation

    row = Organisation.objects.filter(pk=1).first()  # one query for the sender and the footer's name
    with override("da"):
        return render_to_string("cases/mail/footer.html" if html else "cases/mail/footer.txt",
                                {"sender": sender_from(row), "legal": legal_texts_from(row)})


def _with_footer(text: str, footer: str) -> str:
    return f"{text.rstrip()}\n{footer}\n"


def _with_html_footer(html: str, footer: str) -> str:
    head, marker, tail = html.rpartition("</body>")
    return f"{head}{footer}{marker}{tail}" if marker else html + footer


def _build(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject, body=_with_footer(message.text, mail_footer()), from_email=settings.DEFAULT_FROM_EMAIL, to=message.to,
        headers=message.headers or None,
    )
    if message.html:
        email.attach_alternative(_with_html_footer(message.html, mail_footer(html=True)), "text/html")
    for item in message.attachments:
        content = base64.b64decode(item["content"]) if item.get("b64") else item["content"]
        if item["mimetype"].startswith("text/calendar"):
            # Mail programs show an invitation only for a text/calendar alternative part with a method.
            email.attach_alternative(content if isinstance(content, str) else content.decode(), item["mimetype"])
        email.attach(item["filename"], content, item["mimetype"].split(";")[0])
    return email


def _claim(message_id: int, now: datetime) -> bool:
    """Conditional update: of several workers only one gets the lease on a message. `send_after` again:
    another sender may have failed it (and set its back-off) since this one listed it; without the check
    concurrent senders burn the attempts of a mail server outage within a second."""
    return bool(
        OutboxMessage.objects.filter(pk=message_id, state=OutboxMessage.State.PENDING, send_after__lte=now)
        .filter(models_q_lease_free(now))
        .update(lease_until=now + LEASE)
    )


def models_q_lease_free(now):
    from django.db.models import Q

    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def outbox_send_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send what is due. Returns the number sent. Safe to run in several workers at once."""
    now = now or timezone.now()
    sent = 0
    candidates = list(
        OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, send_after__lte=now)
        .filter(models_q_lease_free(now))
        .order_by("send_after")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in candidates:
        if not _claim(message_id, now):
            continue
        message = OutboxMessage.objects.get(pk=message_id)
        if not _still_relevant(message):
            OutboxMessage.objects.filter(pk=message_id).update(state=OutboxMessage.State.DROPPED, lease_until=None)
            continue
        try:
            _build(message).send()
        except Exception as error:  # SMTP down, refused...: back off and try again later
            attempts = message.attempts + 1
            OutboxMessage.objects.filter(pk=message_id).update(
                attempts=attempts,
                last_error=str(error)[:500],
                lease_until=None,
                send_after=now + min(timedelta(minutes=2**attempts), timedelta(hours=2)),
                state=OutboxMessage.State.FAILED if attempts >= MAX_ATTEMPTS else OutboxMessage.State.PENDING,
            )
            logger.warning("Sending outbox message %s failed (attempt %s): %s", message_id, attempts, error)
            continue
        OutboxMessage.objects.filter(pk=message_id).update(
            state=OutboxMessage.State.SENT, sent_at=timezone.now(), lease_until=None, attempts=message.attempts + 1
        )
        sent += 1
    return sent
