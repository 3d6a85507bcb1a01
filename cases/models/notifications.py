"""In-app notifications to users and the e-mail outbox (to users and to outside addresses).

Both carry a unique dedup key: a second sweep, a second beat or a retried task creates nothing twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    deadline = models.ForeignKey("cases.Deadline", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    dedup_key = models.CharField(max_length=200, unique=True)
    # The deadline's occurrence this notice is about (warning, breach, escalation, reminder).
    occurrence = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "created_at"]),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class OutboxMessage(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        DROPPED = "dropped", _("no longer relevant")
        FAILED = "failed", _("failed")

    dedup_key = models.CharField(max_length=200, unique=True)
    to = models.JSONField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    # [{"filename", "content" (text, or base64 when "b64" is true), "mimetype"}]
    attachments = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Re-checked just before sending: a reminder for a deadline met meanwhile is dropped.
    deadline = models.ForeignKey("cases.Deadline", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # ...and a mail about an earlier occurrence (before an extension or a resume) is dropped too.
    deadline_occurrence = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    send_after = models.DateTimeField(_("not before"))
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set by the retention job when the body and attachments of a handled mail are deleted.
    payload_purged_at = models.DateTimeField(_("content deleted"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(fields=["send_after"], condition=Q(state="pending"), name="outbox_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
